// The corpus-independent engine (make engine: target/engine/pkg) and its class Index, in Node:
// given the index the CLI wrote for the seeds, `new Index(bytes)` answers exactly as the embed
// build's free functions over the same seeds (www/pkg: make build), options and errors included;
// bytes that are no index throw an Error with the engine's message. Needs make cli and make build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'target/release/zh-search');

async function glueAt(pkg) {
  const js = path.join(pkg, 'zh_search.js');
  const wasm = path.join(pkg, 'zh_search_bg.wasm');
  assert.ok(fs.existsSync(js) && fs.existsSync(wasm), `missing ${pkg}/zh_search{.js,_bg.wasm}`);
  const m = await import(pathToFileURL(js).href);
  m.initSync({ module: fs.readFileSync(wasm) });
  return m;
}

let tmp;
let engine;
let embedded;
let bytes;
before(async () => {
  assert.ok(fs.existsSync(CLI), `missing ${CLI}: run make cli`);
  engine = await glueAt(path.join(ROOT, 'target/engine/pkg'));
  embedded = await glueAt(path.join(ROOT, 'www/pkg'));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-search-index-'));
  execFileSync(CLI, ['index', path.join(ROOT, 'seeds'), '--out', tmp + '/out'], { stdio: 'pipe' });
  const file = fs.readdirSync(tmp + '/out').find((f) => /^zh-search-index\.[0-9a-f]{8}\.bin$/.test(f));
  bytes = new Uint8Array(zlib.gunzipSync(fs.readFileSync(path.join(tmp, 'out', file))));
});
after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

/** What a call returns, or the message of what it throws. */
function outcome(fn) {
  try {
    return { value: fn() };
  } catch (err) {
    assert.ok(err instanceof Error, `throws an Error: ${err}`);
    return { error: err.message };
  }
}

test('the engine module embeds no index: only the class, no free functions', () => {
  assert.equal(typeof engine.Index, 'function');
  for (const name of ['search', 'searchPages', 'suggest', 'stats']) assert.equal(engine[name], undefined, name);
});

test('new Index(bytes) answers as the embed build over the same seeds, options and errors included', () => {
  const index = new engine.Index(bytes);
  assert.deepEqual(index.stats(), embedded.stats());
  assert.equal(index.stats().index_bytes, bytes.length);
  const queries = ['碳计量', '國家碳計量', 'nqi', 'zhong', '"中文" 搜索', '光岳楼 健步走', '中文的搜索是什么', '', '不在里面'];
  const options = [undefined, null, { limit: 3 }, { limit: 2, offset: 1 }, { limit: 1000 }, { limit: 2.7 },
    { limit: -1 }, { offset: NaN }, { limit: '3' }, 'limit=3'];
  let checked = 0;
  for (const query of [...queries, 42, undefined]) {
    for (const option of options) {
      for (const method of ['search', 'searchPages']) {
        const got = outcome(() => index[method](query, option));
        assert.deepEqual(got, outcome(() => embedded[method](query, option)), `${method}(${query}, ${JSON.stringify(option)})`);
        checked += 'value' in got;
      }
    }
    for (const limit of [undefined, 3, -1, 'x']) {
      assert.deepEqual(outcome(() => index.suggest(query, limit)), outcome(() => embedded.suggest(query, limit)));
    }
  }
  assert.ok(checked > 100, 'most calls return results');
  assert.ok(index.search('碳计量').hits.length > 0);
  index.free();
});

test('new Index accepts an ArrayBuffer; anything else, or bytes that are no index, throw an Error', () => {
  const copy = bytes.slice().buffer;
  assert.deepEqual(new engine.Index(copy).search('碳计量'), new engine.Index(bytes).search('碳计量'));
  for (const bad of ['bytes', 42, undefined, null, {}, [1, 2, 3]]) {
    assert.throws(() => new engine.Index(bad), (e) => e instanceof Error && /Uint8Array or an ArrayBuffer/.test(e.message), String(bad));
  }
  for (const bad of [new Uint8Array(0), new TextEncoder().encode('not an index'), bytes.subarray(0, bytes.length >> 1),
    zlib.gzipSync(bytes)]) {
    assert.throws(() => new engine.Index(bad), (e) => e instanceof Error && e.message.length > 0);
  }
  // A failed open leaves the module working.
  assert.ok(new engine.Index(bytes).search('光岳楼').hits.length > 0);
});

test('each single-file module opens its own layout and refuses the other with a clear Error', async () => {
  const grams = await glueAt(path.join(ROOT, 'target/engine/pkg/grams'));
  const out = path.join(tmp, 'grams');
  execFileSync(CLI, ['index', path.join(ROOT, 'seeds'), '--out', out, '--layout', 'grams', '--shards', 'off'], { stdio: 'pipe' });
  const file = fs.readdirSync(out).find((f) => /^zh-search-index\.[0-9a-f]{8}\.bin$/.test(f));
  const gramBytes = new Uint8Array(zlib.gunzipSync(fs.readFileSync(path.join(out, file))));
  const wrongLayout = (e) => e instanceof Error && /compiled for (gram|scan)-layout indexes only/.test(e.message);
  assert.throws(() => new engine.Index(gramBytes), wrongLayout, 'the scan module refuses a gram index');
  assert.throws(() => new grams.Index(bytes), wrongLayout, 'the gram module refuses a scan index');
  const [index, scan] = [new grams.Index(gramBytes), new engine.Index(bytes)];
  for (const query of ['碳计量', '國家碳計量', 'zhong', '"中文" 搜索', '光岳楼 健步走']) {
    assert.deepEqual(index.search(query).hits, scan.search(query).hits, query);
  }
  index.free();
  scan.free();
});
