// tools/serve.mjs: MIME types, index.html, 404, no directory traversal, CSP header, Cache-Control
// (immutable for hashed names, no-cache + ETag otherwise), gzip on and off, and each injected fault.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import { startServer, CSP, mimeType, cacheControl, acceptsGzip, IMMUTABLE } from '../../tools/serve.mjs';

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
  assert.equal(r.headers['cache-control'], 'no-cache');
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

// --- gzip, Cache-Control, faults --------------------------------------------------------------

const REPEAT = (s, n) => Buffer.from(s.repeat(n));
let files; // name -> stored bytes
before(() => {
  const magic = zlib.gzipSync(REPEAT('已压缩的分片。', 200));
  files = {
    'page.html': REPEAT('<p>静态网页</p>\n', 200),
    'style.css': REPEAT('p{margin:0}\n', 200),
    'app.1a2b3c4d.js': REPEAT('export const a = 1;\n', 200),
    'data.json': REPEAT('{"k":"值"},', 300),
    'engine.wasm': Buffer.concat([Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]), REPEAT('\u0001\u0002\u0003\u0004', 500)]),
    'root.bin': REPEAT('根文件ROOT', 300),
    'pre.bin': magic,
    'notes.txt.gz': magic,
    'pic.png': REPEAT('\x89PNG', 300),
    'shards.0123abcdef/s1.bin': REPEAT('分片一', 300),
    '89abcdef0123/s2.bin': REPEAT('分片二', 300),
  };
  for (const [name, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), bytes);
  }
});

/** GET/HEAD with request headers; resolves with the body as stored bytes (never inflated). */
function request(port, rawPath, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
const GZ = { 'Accept-Encoding': 'gzip, deflate, br' };
const url = (name) => '/' + name.split('/').map(encodeURIComponent).join('/');

test('Cache-Control: hashed names and folders are immutable, the rest no-cache', () => {
  for (const p of ['/app.1a2b3c4d.js', '/pkg/zh_search_bg.0123456789abcdef.wasm', '/shards.0123abcdef/s1.bin',
    '/89abcdef0123/s2.bin', '/x/idx.DEADBEEF.bin', '/a/b.1234abcd/c/d.bin']) {
    assert.equal(cacheControl(p), IMMUTABLE, p);
  }
  for (const p of ['/', '/index.html', '/zh-search.js', '/root.bin', '/app.1a2b3c4.js', '/app.1a2b3c4g.js',
    '/x1a2b3c4d5.js', '/shards/s1.bin', '/1a2b3c4/x.bin']) {
    assert.equal(cacheControl(p), 'no-cache', p);
  }
});

test('served files carry those headers, an ETag, and 304 when unchanged; errors are no-store', async (t) => {
  const s = await startServer({ root: dir, port: 0 });
  t.after(() => s.close());
  let r = await request(s.port, '/app.1a2b3c4d.js');
  assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
  r = await request(s.port, '/shards.0123abcdef/s1.bin');
  assert.equal(r.headers['cache-control'], IMMUTABLE);
  assert.equal(r.headers['content-type'], 'application/octet-stream');
  r = await request(s.port, '/root.bin');
  assert.equal(r.headers['cache-control'], 'no-cache');
  const etag = r.headers.etag;
  assert.match(etag, /^"[^"]+"$/);
  r = await request(s.port, '/root.bin', { headers: { 'If-None-Match': etag } });
  assert.equal(r.status, 304);
  assert.equal(r.body.length, 0);
  r = await request(s.port, '/root.bin', { headers: { 'If-None-Match': '"other"' } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, files['root.bin']);
  // A changed file gets a new tag.
  const f = path.join(dir, 'style.css');
  const before = (await request(s.port, '/style.css')).headers.etag;
  fs.writeFileSync(f, Buffer.concat([files['style.css'], Buffer.from('a{}')]));
  try {
    r = await request(s.port, '/style.css', { headers: { 'If-None-Match': before } });
    assert.equal(r.status, 200);
    assert.notEqual(r.headers.etag, before);
  } finally {
    fs.writeFileSync(f, files['style.css']);
  }
  for (const p of ['/missing.bin', '/../x']) {
    r = await request(s.port, p);
    assert.equal(r.headers['cache-control'], 'no-store', p);
  }
});

test('a file that grows or shrinks while it is sent never spills into the next answer', async (t) => {
  const s = await startServer({ root: dir, port: 0 });
  t.after(() => s.close());
  const big = path.join(dir, 'growing.css');
  const size = 1 << 20;
  fs.writeFileSync(big, Buffer.alloc(size, 97));
  t.after(() => fs.rmSync(big, { force: true }));
  // One kept-alive connection, so any extra byte would be parsed as the start of the next answer.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const fetchOnce = (onHeaders) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, path: '/growing.css', agent }, (res) => {
      onHeaders?.();
      let n = 0;
      res.on('data', (c) => { n += c.length; });
      res.on('end', () => resolve({ n, length: Number(res.headers['content-length']) }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    req.end();
  });
  // Grows once the headers are out (the stream has not reached the end of a 1 MB file yet).
  let r = await fetchOnce(() => fs.appendFileSync(big, 'a{}'));
  assert.deepEqual(r, { n: size, length: size });
  r = await fetchOnce();
  assert.deepEqual(r, { n: size + 3, length: size + 3 });
  // Shrinks: the connection ends short of Content-Length instead of hanging or passing as complete.
  await assert.rejects(fetchOnce(() => fs.truncateSync(big, 10)));
  r = await fetchOnce();
  assert.deepEqual(r, { n: 10, length: 10 });
});

test('acceptsGzip reads Accept-Encoding', () => {
  assert.equal(acceptsGzip('gzip, deflate, br'), true);
  assert.equal(acceptsGzip('br;q=1.0, gzip;q=0.8'), true);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('br'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip(undefined), false);
});

test('gzip: compressible files are sent gzip-encoded when accepted, stored gzip never twice', async (t) => {
  const s = await startServer({ root: dir, port: 0, gzip: true });
  t.after(() => s.close());
  for (const name of ['page.html', 'style.css', 'app.1a2b3c4d.js', 'data.json', 'engine.wasm', 'root.bin', 'shards.0123abcdef/s1.bin']) {
    const r = await request(s.port, url(name), { headers: GZ });
    assert.equal(r.status, 200, name);
    assert.equal(r.headers['content-encoding'], 'gzip', name);
    assert.equal(r.headers.vary, 'Accept-Encoding', name);
    assert.equal(Number(r.headers['content-length']), r.body.length, name);
    assert.ok(r.body.length < files[name].length, `${name}: ${r.body.length} >= ${files[name].length}`);
    assert.deepEqual(zlib.gunzipSync(r.body), files[name], name);
    // The same file to a client that does not accept gzip: as stored.
    const plain = await request(s.port, url(name));
    assert.equal(plain.headers['content-encoding'], undefined, name);
    assert.deepEqual(plain.body, files[name], name);
    const refused = await request(s.port, url(name), { headers: { 'Accept-Encoding': 'gzip;q=0, br' } });
    assert.equal(refused.headers['content-encoding'], undefined, name);
  }
  // Already gzip (by magic bytes, by name), or an image: the stored bytes, no Content-Encoding.
  for (const name of ['pre.bin', 'notes.txt.gz', 'pic.png']) {
    const r = await request(s.port, url(name), { headers: GZ });
    assert.equal(r.headers['content-encoding'], undefined, name);
    assert.deepEqual(r.body, files[name], name);
  }
  // HEAD: the headers of the encoded answer, no body.
  const h = await request(s.port, '/data.json', { method: 'HEAD', headers: GZ });
  assert.equal(h.headers['content-encoding'], 'gzip');
  assert.equal(h.body.length, 0);
  // A second request is served from the compressed copy: identical bytes.
  const a = await request(s.port, '/engine.wasm', { headers: GZ });
  const b = await request(s.port, '/engine.wasm', { headers: GZ });
  assert.deepEqual(a.body, b.body);
});

test('without gzip nothing is encoded, whatever the client accepts', async (t) => {
  const s = await startServer({ root: dir, port: 0 });
  t.after(() => s.close());
  for (const name of ['engine.wasm', 'data.json', 'page.html', 'pre.bin']) {
    const r = await request(s.port, url(name), { headers: GZ });
    assert.equal(r.headers['content-encoding'], undefined, name);
    assert.equal(r.headers.vary, undefined, name);
    assert.deepEqual(r.body, files[name], name);
  }
  assert.throws(() => startServer({ root: dir, port: 0, gzip: 12 }), /gzip must be/);
  assert.throws(() => startServer({ root: dir, port: 0, fault: { status: 404 } }), /fault must be a function/);
});

/** A server whose fault hook answers from a table path -> fault, and records what it was asked. */
async function faultyServer(t, table, opts = {}) {
  const asked = [];
  const s = await startServer({ root: dir, port: 0, ...opts, fault: (p) => (asked.push(p), table[p]) });
  t.after(() => s.close());
  return { s, asked };
}

test('fault status: that answer for that path only', async (t) => {
  const { s, asked } = await faultyServer(t, { '/root.bin': { status: 404 }, '/data.json': { status: 503 }, '/missing.bin': { status: 500 } });
  let r = await request(s.port, '/root.bin');
  assert.equal(r.status, 404);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal((await request(s.port, '/data.json')).status, 503);
  assert.equal((await request(s.port, '/missing.bin')).status, 500);
  r = await request(s.port, '/style.css');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, files['style.css']);
  // The hook sees decoded paths.
  await request(s.port, '/%E7%A9%BA%20%E6%A0%BC.css');
  assert.ok(asked.includes('/空 格.css'), asked.join(' '));
});

test('fault truncate: the first n bytes as a complete answer, with and without gzip', async (t) => {
  for (const gzip of [false, true]) {
    const { s } = await faultyServer(t, {
      '/root.bin': { truncate: 100 }, '/pre.bin': { truncate: 10 }, '/style.css': { truncate: 0 }, '/data.json': { truncate: 1e9 },
    }, { gzip });
    let r = await request(s.port, '/root.bin', { headers: GZ });
    assert.equal(r.status, 200);
    const body = r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body;
    assert.equal(r.headers['content-encoding'], gzip ? 'gzip' : undefined);
    assert.deepEqual(body, files['root.bin'].subarray(0, 100));
    assert.equal(Number(r.headers['content-length']), r.body.length);
    assert.equal(r.headers.etag, undefined, 'an altered body must not carry the real ETag');
    r = await request(s.port, '/pre.bin', { headers: GZ });
    assert.equal(r.headers['content-encoding'], undefined);
    assert.deepEqual(r.body, files['pre.bin'].subarray(0, 10));
    r = await request(s.port, '/style.css');
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    // Longer than the file: the whole file.
    r = await request(s.port, '/data.json');
    assert.deepEqual(r.body, files['data.json']);
    await s.close();
  }
});

test('fault corrupt: same length, bytes flipped in the middle only', async (t) => {
  for (const gzip of [false, true]) {
    const { s } = await faultyServer(t, { '/root.bin': { corrupt: true }, '/pre.bin': { corrupt: true } }, { gzip });
    const r = await request(s.port, '/root.bin', { headers: GZ });
    const body = r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body;
    const orig = files['root.bin'];
    assert.equal(body.length, orig.length);
    const diff = [...body.keys()].filter((i) => body[i] !== orig[i]);
    assert.ok(diff.length > 0 && diff.length <= 4, `${diff.length} bytes differ`);
    assert.ok(diff.every((i) => Math.abs(i - orig.length / 2) <= 2), diff.join(','));
    // Stored gzip, corrupted: a client that inflates it must fail.
    const p = await request(s.port, '/pre.bin', { headers: GZ });
    assert.equal(p.body.length, files['pre.bin'].length);
    assert.notDeepEqual(p.body, files['pre.bin']);
    assert.throws(() => zlib.gunzipSync(p.body));
    await s.close();
  }
});

test('fault delayMs: the answer comes late, unchanged; close() does not wait for it', async (t) => {
  const { s } = await faultyServer(t, { '/root.bin': { delayMs: 300 }, '/data.json': { delayMs: 200, status: 404 }, '/style.css': { delayMs: 60_000 } });
  let t0 = Date.now();
  let r = await request(s.port, '/root.bin');
  assert.ok(Date.now() - t0 >= 290, `${Date.now() - t0} ms`);
  assert.deepEqual(r.body, files['root.bin']);
  t0 = Date.now();
  r = await request(s.port, '/data.json');
  assert.ok(Date.now() - t0 >= 190);
  assert.equal(r.status, 404);
  t0 = Date.now();
  const pending = request(s.port, '/style.css').then(() => 'answered', (e) => e.code);
  await new Promise((res) => setTimeout(res, 50));
  await s.close();
  assert.ok(Date.now() - t0 < 5000);
  assert.match(await pending, /ECONNRESET|answered/);
});

test('fault drop: the connection closes without an answer', async (t) => {
  const { s } = await faultyServer(t, { '/root.bin': { drop: true } });
  await assert.rejects(request(s.port, '/root.bin'), (e) => ['ECONNRESET', 'EPIPE'].includes(e.code) || /socket hang up/.test(e.message));
  // The server goes on serving.
  assert.equal((await request(s.port, '/style.css')).status, 200);
});

test('a broken fault hook answers 500 with the reason', async (t) => {
  const errors = [];
  const orig = console.error;
  console.error = (m) => errors.push(String(m));
  t.after(() => { console.error = orig; });
  const { s } = await faultyServer(t, { '/a': { trunc: 1 }, '/b': { status: 200 }, '/c': { drop: true, status: 404 }, '/d': 'x' });
  for (const [p, why] of [['/a', /unknown key trunc/], ['/b', /4xx or 5xx/], ['/c', /at most one/], ['/d', /an object/]]) {
    const r = await request(s.port, p);
    assert.equal(r.status, 500, p);
    assert.match(r.body.toString(), why, p);
  }
  const boom = await startServer({ root: dir, port: 0, fault: () => { throw new Error('hook threw'); } });
  t.after(() => boom.close());
  const r = await request(boom.port, '/style.css');
  assert.equal(r.status, 500);
  assert.match(r.body.toString(), /hook threw/);
  assert.ok(errors.length >= 5);
});

test('the CLI serves with --gzip', async () => {
  const { spawn } = await import('node:child_process');
  const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../tools/serve.mjs');
  const child = spawn(process.execPath, [cli, '--root', dir, '--port', '0', '--gzip'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    assert.match(line, /^Serving .*root\/ at http:\/\/127\.0\.0\.1:\d+ \(gzip\)$/);
    const port = Number(/:(\d+) /.exec(line)[1]);
    const r = await request(port, '/data.json', { headers: GZ });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.deepEqual(zlib.gunzipSync(r.body), files['data.json']);
  } finally {
    child.kill();
  }
});
