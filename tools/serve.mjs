#!/usr/bin/env node
// Dependency-free static file server for the zh-search demo (and the e2e tests).
//
//   node tools/serve.mjs [--root www] [--port 8080] [--host 127.0.0.1] [--csp]
//
// Also usable in-process:  const { server, url, port, close } = await startServer({ root, port: 0 });
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
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
};

export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
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

export function startServer({ root = 'www', port = 8080, host = '127.0.0.1', csp = false, log = false } = {}) {
  const absRoot = path.resolve(root);
  let realRoot;
  try {
    realRoot = fs.realpathSync(absRoot);
  } catch {
    realRoot = absRoot;
  }
  const baseHeaders = {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(csp ? { 'Content-Security-Policy': CSP } : {}),
  };

  const server = http.createServer((req, res) => {
    const done = (status) => {
      if (log) console.log(`${status} ${req.method} ${req.url}`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      done(405);
      return send(res, 405, 'Method Not Allowed\n', { ...baseHeaders, Allow: 'GET, HEAD' });
    }
    let pathname;
    try {
      pathname = new URL(req.url, 'http://localhost').pathname;
    } catch {
      done(400);
      return send(res, 400, 'Bad Request\n', baseHeaders);
    }
    // Reject anything that tries to climb out of root, even if normalisation would tame it.
    const raw = (() => { try { return decodeURIComponent(pathname); } catch { return null; } })();
    if (raw === null || raw.split(/[\\/]/).includes('..')) {
      done(403);
      return send(res, 403, 'Forbidden\n', baseHeaders);
    }
    let file = resolveInRoot(absRoot, pathname);
    if (file === null) {
      done(403);
      return send(res, 403, 'Forbidden\n', baseHeaders);
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!pathname.endsWith('/')) {
          done(301);
          return send(res, 301, '', { ...baseHeaders, Location: pathname + '/' });
        }
        file = path.join(file, 'index.html');
      }
      fs.realpath(file, (err2, real) => {
        // Symlinks pointing outside the root are not served either.
        if (err2 || (real !== realRoot && !real.startsWith(realRoot + path.sep))) {
          done(404);
          return send(res, 404, 'Not Found\n', baseHeaders);
        }
        fs.stat(real, (err3, st2) => {
          if (err3 || !st2.isFile()) {
            done(404);
            return send(res, 404, 'Not Found\n', baseHeaders);
          }
          res.writeHead(200, {
            ...baseHeaders,
            'Content-Type': mimeType(file),
            'Content-Length': st2.size,
          });
          done(200);
          if (req.method === 'HEAD') return res.end();
          const stream = fs.createReadStream(real);
          stream.on('error', () => res.destroy());
          stream.pipe(res);
        });
      });
    });
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
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

function parseArgs(argv) {
  const opts = { root: 'www', port: 8080, host: '127.0.0.1', csp: false, log: false };
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
      case '--log': opts.log = true; break;
      case '-h':
      case '--help':
        console.log('usage: node tools/serve.mjs [--root www] [--port 8080] [--host 127.0.0.1] [--csp] [--log]');
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
      console.log(`Serving ${shownRoot} at ${url}${opts.csp ? ' (with Content-Security-Policy)' : ''}`);
    },
    (e) => {
      console.error(`serve.mjs: ${e.message}`);
      process.exit(1);
    },
  );
}
