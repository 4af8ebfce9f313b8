#!/usr/bin/env node
// Dependency-free static file server for the zh-search demo, the e2e tests and the bench: a
// plain static host, with what a site owner's host would do and what tests need to break it.
//
//   node tools/serve.mjs [--root www] [--port 8080] [--host 127.0.0.1] [--csp] [--gzip] [--log]
//
// Also usable in-process:  const { server, url, port, close } = await startServer({ root, port: 0 });
//
// - gzip (`gzip: true` or a zlib level, CLI --gzip): compressible files (.html .js .css .json
//   .wasm .bin .svg .txt …) are sent with `Content-Encoding: gzip` when the request accepts it, as a
//   compressing host would; a file that already is gzip (named *.gz, or starting with the gzip
//   magic bytes) is sent as it is stored, never encoded twice. Without it every body is sent as
//   stored (a host that does not compress, e.g. nginx's default gzip_types for .wasm).
// - Cache-Control as the README recommends: content-hashed files (`name.<8+ hex>.ext`, or any file
//   under a directory named `<8+ hex>` or `name.<8+ hex>`) `public, max-age=31536000, immutable`;
//   everything else `no-cache` (revalidated through its ETag, answered 304 when unchanged).
// - fault (tests only): `fault(path)` is asked for every request (path = the decoded URL path,
//   e.g. "/pkg/a.wasm") and returns undefined (serve normally) or one fault:
//     { status: 404 }     answer that status (any 4xx/5xx) with a short text body
//     { truncate: n }     the file's first n bytes, sent as if that were the whole file
//     { corrupt: true }   the file with bytes in the middle of it flipped (same length)
//     { delayMs: n }      wait n ms before answering (combinable with the others)
//     { drop: true }      destroy the connection without an answer
//   so a browser test can make any single file fail in each way a network or a host can.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8', // .d.ts
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.woff2': 'font/woff2',
  '.bin': 'application/octet-stream',
  '.gz': 'application/gzip',
};

export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}


// Extensions whose bodies gzip shrinks (text, wasm, the index's binary files); images and fonts
// are compressed already.
const COMPRESSIBLE = new Set(['.html', '.htm', '.js', '.mjs', '.cjs', '.ts', '.map', '.json', '.css',
  '.wasm', '.bin', '.svg', '.txt', '.md']);

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';
const HASHED_NAME = /\.[0-9a-f]{8,}\.[^/]+$/i;
const HASHED_DIR = /^(?:[^/]*\.)?[0-9a-f]{8,}$/i;

/**
 * Cache-Control for a URL path: files whose name or folder carries a content hash never change
 * under that name (cache for a year, immutable); anything else must be revalidated.
 */
export function cacheControl(urlPath) {
  const parts = urlPath.split('/').filter(Boolean);
  const name = parts.pop() ?? '';
  return HASHED_NAME.test(name) || parts.some((d) => HASHED_DIR.test(d)) ? IMMUTABLE : REVALIDATE;
}

/** Whether a stored body already is gzip (by name or by its magic bytes): never encoded again. */
export function isGzipped(file, head) {
  return file.toLowerCase().endsWith('.gz') || (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b);
}

/** Whether the request's Accept-Encoding allows gzip (a `gzip;q=0` refuses it). */
export function acceptsGzip(header) {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';').map((x) => x.trim());
    if (coding !== 'gzip' && coding !== '*' && coding !== 'x-gzip') return false;
    const q = params.find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

/** The kinds of fault `fault(path)` may ask for; anything else is a mistake in the test. */
const FAULT_KEYS = new Set(['status', 'truncate', 'corrupt', 'delayMs', 'drop']);

export class FaultSpecError extends Error {}

/** Check what a fault hook returned: null (no fault) or a valid fault, else FaultSpecError. */
export function checkFault(f, urlPath) {
  if (f === undefined || f === null) return null;
  const bad = (why) => new FaultSpecError(`fault(${JSON.stringify(urlPath)}) returned ${JSON.stringify(f)}: ${why}`);
  if (typeof f !== 'object') throw bad('expected undefined or an object');
  const keys = Object.keys(f);
  const unknown = keys.filter((k) => !FAULT_KEYS.has(k));
  if (unknown.length) throw bad(`unknown key ${unknown.join(', ')} (known: ${[...FAULT_KEYS].join(', ')})`);
  if ('status' in f && !(Number.isInteger(f.status) && f.status >= 400 && f.status <= 599)) throw bad('status must be a 4xx or 5xx code');
  if ('truncate' in f && !(Number.isInteger(f.truncate) && f.truncate >= 0)) throw bad('truncate must be a byte count >= 0');
  if ('delayMs' in f && !(Number.isFinite(f.delayMs) && f.delayMs >= 0)) throw bad('delayMs must be >= 0');
  if ('corrupt' in f && f.corrupt !== true) throw bad('corrupt must be true');
  if ('drop' in f && f.drop !== true) throw bad('drop must be true');
  if (keys.filter((k) => k !== 'delayMs').length > 1) throw bad('at most one of status, truncate, corrupt, drop (plus delayMs)');
  return f;
}

/**
 * Flip bytes in the middle of a body (a copy): a few bytes, so a checksum or a compressed
 * stream notices and a length check does not.
 */
export function corruptBytes(buf) {
  const out = Buffer.from(buf);
  if (!out.length) return out;
  const mid = Math.floor(out.length / 2);
  for (let i = Math.max(0, mid - 2); i < Math.min(out.length, mid + 2); i++) out[i] ^= 0xff;
  return out;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

/** Resolve a request path to a file inside root, or null if it would escape root. */
export function resolveInRoot(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = path.posix.normalize('/' + decoded.replace(/\\/g, '/')).slice(1);
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  return full;
}

export function startServer({
  root = 'www', port = 8080, host = '127.0.0.1', csp = false, log = false, gzip = false, fault = null,
} = {}) {
  if (fault !== null && typeof fault !== 'function') throw new TypeError('startServer: fault must be a function (path) => fault | undefined');
  const gzipLevel = gzip === true ? zlib.constants.Z_DEFAULT_COMPRESSION : gzip;
  if (gzip !== false && !(Number.isInteger(gzipLevel) && gzipLevel >= -1 && gzipLevel <= 9)) {
    throw new TypeError(`startServer: gzip must be true, false or a zlib level -1..9, not ${gzip}`);
  }
  const absRoot = path.resolve(root);
  let realRoot;
  try {
    realRoot = fs.realpathSync(absRoot);
  } catch {
    realRoot = absRoot;
  }
  const baseHeaders = {
    'X-Content-Type-Options': 'nosniff',
    ...(csp ? { 'Content-Security-Policy': CSP } : {}),
  };
  // Error answers are never cached.
  const errorHeaders = { ...baseHeaders, 'Cache-Control': 'no-store' };
  // Compressed bodies by file (a host compresses once, not per request): real path -> { tag, gz }.
  const gzCache = new Map();
  const timers = new Set();

  const handle = (req, res, pathname, decodedPath, spec) => {
    const done = (status, note = '') => {
      if (log) console.log(`${status} ${req.method} ${req.url}${note}`);
    };
    if (spec?.drop) {
      done('dropped');
      req.socket.destroy();
      return;
    }
    if (spec?.status) {
      done(spec.status, ' (fault)');
      return send(res, spec.status, `${spec.status} (injected fault)\n`, errorHeaders);
    }
    let file = resolveInRoot(absRoot, pathname);
    if (file === null) {
      done(403);
      return send(res, 403, 'Forbidden\n', errorHeaders);
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!pathname.endsWith('/')) {
          done(301);
          return send(res, 301, '', { ...errorHeaders, Location: pathname + '/' });
        }
        file = path.join(file, 'index.html');
      }
      fs.realpath(file, (err2, real) => {
        // Symlinks pointing outside the root are not served either.
        if (err2 || (real !== realRoot && !real.startsWith(realRoot + path.sep))) {
          done(404);
          return send(res, 404, 'Not Found\n', errorHeaders);
        }
        fs.stat(real, (err3, st2) => {
          if (err3 || !st2.isFile()) {
            done(404);
            return send(res, 404, 'Not Found\n', errorHeaders);
          }
          const altered = spec && ('truncate' in spec || spec.corrupt);
          const compressible = gzip !== false && COMPRESSIBLE.has(path.extname(file).toLowerCase());
          const headers = {
            ...baseHeaders,
            'Content-Type': mimeType(file),
            'Cache-Control': cacheControl(decodedPath),
            ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
          };
          const tag = `"${st2.ino.toString(36)}-${st2.size.toString(36)}-${Math.round(st2.mtimeMs * 1000).toString(36)}"`;
          if (!altered) {
            headers.ETag = tag;
            const inm = req.headers['if-none-match'];
            if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === tag)) {
              done(304);
              res.writeHead(304, headers);
              return res.end();
            }
          }
          const wantGzip = compressible && acceptsGzip(req.headers['accept-encoding']);
          if (!altered && !wantGzip) {
            // As stored, streamed.
            res.writeHead(200, { ...headers, 'Content-Length': st2.size });
            done(200);
            if (req.method === 'HEAD' || st2.size === 0) return res.end();
            // Exactly the bytes the header announced: a file that grows while it is sent (a site
            // being rebuilt) must not spill past Content-Length into the next answer on a
            // kept-alive connection, and one that shrinks ends the connection instead of a
            // short answer the client would wait on.
            const stream = fs.createReadStream(real, { start: 0, end: st2.size - 1 });
            let sent = 0;
            stream.on('data', (c) => { sent += c.length; });
            stream.on('error', () => res.destroy());
            stream.on('end', () => { if (sent < st2.size) res.destroy(); });
            stream.pipe(res);
            return;
          }
          fs.readFile(real, (err4, stored) => {
            if (err4) {
              done(500);
              return send(res, 500, 'Internal Server Error\n', errorHeaders);
            }
            let body = stored;
            if (spec && 'truncate' in spec) body = body.subarray(0, spec.truncate);
            if (spec?.corrupt) body = corruptBytes(body);
            if (wantGzip && !isGzipped(file, stored)) {
              if (altered) body = zlib.gzipSync(body, { level: gzipLevel });
              else {
                let c = gzCache.get(real);
                if (!c || c.tag !== tag) gzCache.set(real, (c = { tag, gz: zlib.gzipSync(body, { level: gzipLevel }) }));
                body = c.gz;
              }
              headers['Content-Encoding'] = 'gzip';
            }
            res.writeHead(200, { ...headers, 'Content-Length': body.length });
            done(200, altered ? ' (fault)' : '');
            res.end(req.method === 'HEAD' ? undefined : body);
          });
        });
      });
    });
  };

  const server = http.createServer((req, res) => {
    const reject = (status, body, extra = {}) => {
      if (log) console.log(`${status} ${req.method} ${req.url}`);
      send(res, status, body, { ...errorHeaders, ...extra });
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reject(405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
    let pathname;
    try {
      pathname = new URL(req.url, 'http://localhost').pathname;
    } catch {
      return reject(400, 'Bad Request\n');
    }
    // Reject anything that tries to climb out of root, even if normalisation would tame it.
    const raw = (() => { try { return decodeURIComponent(pathname); } catch { return null; } })();
    if (raw === null || raw.split(/[\\/]/).includes('..')) return reject(403, 'Forbidden\n');
    let spec = null;
    if (fault) {
      try {
        spec = checkFault(fault(raw), raw);
      } catch (e) {
        // A broken hook is the test's mistake: say so in the answer and on the console.
        console.error(`serve.mjs: ${e.message}`);
        return reject(500, `fault hook failed: ${e.message}\n`);
      }
    }
    if (spec?.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed && !res.writableEnded) handle(req, res, pathname, raw, spec);
      }, spec.delayMs);
      timers.add(timer);
      return;
    }
    handle(req, res, pathname, raw, spec);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      const url = `http://${shownHost}:${addr.port}`;
      resolve({
        server,
        port: addr.port,
        host: addr.address,
        url,
        close: () => new Promise((r) => {
          for (const t of timers) clearTimeout(t);
          timers.clear();
          server.closeAllConnections?.();
          server.close(() => r());
        }),
      });
    });
  });
}

function parseArgs(argv) {
  const opts = { root: 'www', port: 8080, host: '127.0.0.1', csp: false, gzip: false, log: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`missing value for ${flag}`);
      return v;
    };
    switch (flag) {
      case '--root': opts.root = value(); break;
      case '--port': {
        const v = value();
        opts.port = Number(v);
        if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error(`bad --port ${v}`);
        break;
      }
      case '--host': opts.host = value(); break;
      case '--csp': opts.csp = true; break;
      case '--gzip': opts.gzip = true; break;
      case '--log': opts.log = true; break;
      case '-h':
      case '--help':
        console.log('usage: node tools/serve.mjs [--root www] [--port 8080] [--host 127.0.0.1] [--csp] [--gzip] [--log]');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument: ${a}`);
    }
  }
  return opts;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`serve.mjs: ${e.message}`);
    process.exit(2);
  }
  if (!fs.existsSync(opts.root)) {
    console.error(`serve.mjs: root ${opts.root} does not exist`);
    process.exit(2);
  }
  startServer(opts).then(
    ({ url }) => {
      const shownRoot = opts.root.replace(/\/?$/, '/');
      const extras = [opts.csp && 'with Content-Security-Policy', opts.gzip && 'gzip'].filter(Boolean);
      console.log(`Serving ${shownRoot} at ${url}${extras.length ? ` (${extras.join(', ')})` : ''}`);
    },
    (e) => {
      console.error(`serve.mjs: ${e.message}`);
      process.exit(1);
    },
  );
}
