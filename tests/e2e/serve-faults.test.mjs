// tools/serve.mjs's fault hook as Chromium sees it (what the fault-injection browser tests build
// on): for one path at a time, a status, a truncated or corrupted body, a delay and a dropped
// connection reach fetch() in a page the way a failing host or network would, with gzip on and
// off, and every other path is served untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';
import { startServer } from '../../tools/serve.mjs';

let browser;
let dir;
const BODY = Buffer.from('分片内容 shard body 0123456789\n'.repeat(200));
before(async () => {
  browser = await launch();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-faults-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>faults</title>');
  for (const name of ['ok.bin', 'missing.bin', 'short.bin', 'bad.bin', 'slow.bin', 'gone.bin']) fs.writeFileSync(path.join(dir, name), BODY);
});
after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const FAULTS = {
  '/missing.bin': { status: 404 },
  '/short.bin': { truncate: 1000 },
  '/bad.bin': { corrupt: true },
  '/slow.bin': { delayMs: 400 },
  '/gone.bin': { drop: true },
};

for (const gzip of [false, true]) {
  test(`each fault reaches fetch() in Chromium (gzip ${gzip ? 'on' : 'off'})`, async (t) => {
    const server = await startServer({ root: dir, port: 0, gzip, fault: (p) => FAULTS[p] });
    t.after(() => server.close());
    const context = await browser.newContext();
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const got = await page.evaluate(async (names) => {
      const out = {};
      for (const name of names) {
        const t0 = performance.now();
        try {
          const r = await fetch(`./${name}`, { cache: 'no-store' });
          const b = new Uint8Array(await r.arrayBuffer());
          out[name] = { status: r.status, length: b.length, bytes: Array.from(b), ms: performance.now() - t0 };
        } catch (e) {
          out[name] = { error: `${e.name}: ${e.message}`, ms: performance.now() - t0 };
        }
      }
      return out;
    }, ['ok.bin', 'missing.bin', 'short.bin', 'bad.bin', 'slow.bin', 'gone.bin']);
    const bytes = (x) => Buffer.from(x.bytes);
    assert.equal(got['ok.bin'].status, 200);
    assert.deepEqual(bytes(got['ok.bin']), BODY);
    assert.equal(got['missing.bin'].status, 404);
    assert.equal(got['short.bin'].status, 200);
    assert.deepEqual(bytes(got['short.bin']), BODY.subarray(0, 1000));
    assert.equal(got['bad.bin'].length, BODY.length);
    assert.notDeepEqual(bytes(got['bad.bin']), BODY);
    assert.equal(got['slow.bin'].status, 200);
    assert.ok(got['slow.bin'].ms >= 390, `slow.bin took ${got['slow.bin'].ms} ms`);
    assert.deepEqual(bytes(got['slow.bin']), BODY);
    assert.match(got['gone.bin'].error ?? '', /^TypeError/, JSON.stringify(got['gone.bin']).slice(0, 200));
  });
}
