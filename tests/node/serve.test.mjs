// tools/serve.mjs: MIME types, index.html, 404, no directory traversal, CSP header, no-store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { startServer, CSP, mimeType } from '../../tools/serve.mjs';

let dir;
let outside;
before(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-serve-'));
  dir = path.join(base, 'root');
  outside = path.join(base, 'secret.txt');
  fs.mkdirSync(path.join(dir, 'pkg'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
  fs.writeFileSync(path.join(dir, 'a.js'), 'export {}');
  fs.writeFileSync(path.join(dir, 'pkg', 'm.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(dir, 'pkg', 'm.d.ts'), 'export {};');
  fs.writeFileSync(path.join(dir, '空 格.css'), 'body{}');
  fs.writeFileSync(outside, 'secret');
  fs.symlinkSync(outside, path.join(dir, 'link.txt'));
});
after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

/** Raw GET (no URL normalisation by a client library). */
function get(port, rawPath, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('MIME types', () => {
  assert.equal(mimeType('x.wasm'), 'application/wasm');
  assert.match(mimeType('x.js'), /^text\/javascript/);
  assert.match(mimeType('x.mjs'), /^text\/javascript/);
  assert.match(mimeType('x.css'), /^text\/css/);
  assert.match(mimeType('x.html'), /^text\/html/);
  assert.match(mimeType('x.json'), /^application\/json/);
  assert.equal(mimeType('x.svg'), 'image/svg+xml');
  assert.equal(mimeType('x.png'), 'image/png');
  assert.match(mimeType('x.d.ts'), /^text\/plain/);
  assert.equal(mimeType('x.unknown'), 'application/octet-stream');
});

test('serves files, index.html, 404s and refuses traversal', async (t) => {
  const s = await startServer({ root: dir, port: 0 });
  t.after(() => s.close());
  assert.ok(s.port > 0);
  assert.equal(s.url, `http://127.0.0.1:${s.port}`);

  let r = await get(s.port, '/');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html/);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers['content-security-policy'], undefined);

  r = await get(s.port, '/pkg/m.wasm');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/wasm');
  assert.equal(r.headers['content-length'], '8');

  r = await get(s.port, '/a.js?v=1');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/javascript/);

  r = await get(s.port, '/pkg/m.d.ts');
  assert.equal(r.status, 200);

  r = await get(s.port, '/%E7%A9%BA%20%E6%A0%BC.css');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/css/);

  r = await get(s.port, '/a.js', 'HEAD');
  assert.equal(r.status, 200);
  assert.equal(r.body, '');

  r = await get(s.port, '/pkg');
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, '/pkg/');

  for (const p of ['/missing.js', '/pkg/', '/favicon.ico', '/link.txt']) {
    r = await get(s.port, p);
    assert.equal(r.status, 404, p);
  }
  for (const p of ['/../secret.txt', '/pkg/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt',
    '/..%5csecret.txt', '/%2e%2e%2f%2e%2e%2fetc/passwd', '/a.js%00', '/%zz']) {
    r = await get(s.port, p);
    assert.ok([400, 403, 404].includes(r.status), `${p} -> ${r.status}`);
    assert.doesNotMatch(r.body, /secret|root:/, p);
  }
  r = await get(s.port, '/a.js', 'POST');
  assert.equal(r.status, 405);
});

test('--csp adds the Content-Security-Policy header', async (t) => {
  const s = await startServer({ root: dir, port: 0, csp: true });
  t.after(() => s.close());
  const r = await get(s.port, '/');
  assert.equal(r.headers['content-security-policy'], CSP);
  assert.equal(CSP, "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'");
});

test('the CLI prints where it serves', async () => {
  const { spawn } = await import('node:child_process');
  const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../tools/serve.mjs');
  const child = spawn(process.execPath, [cli, '--root', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      setTimeout(() => reject(new Error('timeout')), 5000);
    });
    assert.match(line, /^Serving .*root\/ at http:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(line.split(':').at(-1));
    assert.equal((await get(port, '/')).status, 200);
  } finally {
    child.kill();
  }
});
