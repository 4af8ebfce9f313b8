// The bench's static server: 127.0.0.1 only, every response compressed with gzip -9 the way a
// static host would serve it (kept raw when gzip does not make it smaller, e.g. Pagefind's
// already-compressed chunks), and a log of what it sent so the bench can count the bytes a page
// downloaded before its first result. GET /__mark records a marker in the log (the bench pages
// call it once their first result is in the DOM); /__ paths are never counted.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
};

export async function startBenchServer(root) {
  const absRoot = path.resolve(root);
  const cache = new Map(); // file -> { mtimeMs, raw, gz }
  const log = []; // { t, path, bytes, raw, encoding } | { t, mark }

  const body = (file) => {
    const st = fs.statSync(file);
    let c = cache.get(file);
    if (!c || c.mtimeMs !== st.mtimeMs || c.size !== st.size) {
      const raw = fs.readFileSync(file);
      const gz = zlib.gzipSync(raw, { level: 9 });
      c = { mtimeMs: st.mtimeMs, size: st.size, raw, gz: gz.length < raw.length ? gz : null };
      cache.set(file, c);
    }
    return c;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    // Cross-origin isolation gives the pages performance.now() at 5 µs resolution instead of
    // 100 µs (everything is same-origin, so nothing else changes).
    const headers = {
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (url.pathname.startsWith('/__mark')) {
      log.push({ t: Date.now(), mark: url.searchParams.get('tag') || 'mark' });
      res.writeHead(204, headers);
      return res.end();
    }
    let rel;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, headers);
      return res.end();
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(absRoot, '.' + path.posix.normalize('/' + rel));
    if (!file.startsWith(absRoot + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      log.push({ t: Date.now(), path: rel, bytes: 0, status: 404 });
      res.writeHead(404, headers);
      return res.end();
    }
    const c = body(file);
    const gzipOk = /\bgzip\b/.test(req.headers['accept-encoding'] || '');
    const data = gzipOk && c.gz ? c.gz : c.raw;
    headers['Content-Type'] = MIME[path.extname(file)] ?? 'application/octet-stream';
    headers['Content-Length'] = data.length;
    if (data === c.gz) headers['Content-Encoding'] = 'gzip';
    log.push({ t: Date.now(), path: rel, bytes: data.length, raw: c.raw.length, encoding: data === c.gz ? 'gzip' : 'identity' });
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : data);
  });
  server.keepAliveTimeout = 1000;
  // Compress the big files before anything is timed (gzip -9 of a 30 MB module takes seconds).
  const prime = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) prime(f);
      else if (e.isFile() && fs.statSync(f).size >= 16384) body(f);
    }
  };
  prime(absRoot);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    reset() {
      log.length = 0;
    },
    /** Bytes and requests sent before the first marker (or all, if there is none). */
    countUntilMark() {
      let bytes = 0;
      let requests = 0;
      const files = [];
      let marked = false;
      for (const e of log) {
        if (e.mark) {
          marked = true;
          break;
        }
        bytes += e.bytes;
        requests++;
        files.push(e);
      }
      return { bytes, requests, files, marked };
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}
