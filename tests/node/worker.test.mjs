// The search worker of sharded indexes (www/src/worker.js) in Node, over a fake engine and a
// fake network: a search abandoned while dozens of its shards still wait for a free connection
// does not fetch them, and the search that replaces it is served at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The fake engine: a search for `q` needs the shards globalThis.NEEDS[q] lists, then answers.
const FAKE_GLUE = `
export default async function init() {}
export class ShardedIndex {
  constructor() { this.have = new Set(); }
  shardPath(id) { return 'shards/' + id + '.bin'; }
  addShard(id) { this.have.add(id); }
  search(q) {
    const need = (globalThis.NEEDS[q] ?? []).filter((id) => !this.have.has(id));
    return need.length ? { need } : { hits: [q] };
  }
}
`;

let tmp;
const messages = [];
let onMessage = () => {};
/** Shard ids fetched, in order; and the fetches held until `release()`. */
const fetched = [];
let held = [];
let holding = true;
const release = () => {
  holding = false;
  for (const go of held) go();
  held = [];
};

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-search-worker-'));
  const glue = path.join(tmp, 'glue.mjs');
  fs.writeFileSync(glue, FAKE_GLUE);
  globalThis.self = {
    postMessage: (message) => {
      messages.push(message);
      onMessage(message);
    },
  };
  globalThis.fetch = async (url) => {
    const shard = /shards\/(\d+)\.bin$/.exec(String(url));
    if (shard) {
      fetched.push(Number(shard[1]));
      if (holding) await new Promise((go) => held.push(go));
    }
    return new Response(new Uint8Array([1, 2, 3]));
  };
  await import(pathToFileURL(path.join(ROOT, 'www/src/worker.js')).href);
  const ready = until((m) => m.type === 'ready' || m.type === 'failed');
  self.onmessage({
    data: { type: 'init', glue: pathToFileURL(glue).href, wasm: 'http://test/engine.wasm', root: 'http://test/index.root' },
  });
  assert.equal((await ready).type, 'ready');
});
after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

/** The next message `accept` takes. */
function until(accept) {
  const seen = messages.find(accept);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    onMessage = (m) => accept(m) && resolve(m);
  });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

test('an abandoned search fetches none of its queued shards; the next search goes first', async () => {
  const many = Array.from({ length: 30 }, (_, i) => i);
  globalThis.NEEDS = { A: many, B: [100, 101] };
  self.onmessage({ data: { type: 'call', id: 1, method: 'search', args: ['A'] } });
  await tick();
  assert.equal(fetched.length, 12, `twelve fetches at once, the rest queued: ${JSON.stringify(messages)}`);
  self.onmessage({ data: { type: 'cancel', id: 1 } });
  self.onmessage({ data: { type: 'call', id: 2, method: 'search', args: ['B'] } });
  await tick();
  release();
  const answer = await until((m) => m.id === 2);
  assert.deepEqual(answer, { id: 2, value: { hits: ['B'] } });
  const first = await until((m) => m.id === 1);
  assert.match(first.error, /abandoned/);
  assert.deepEqual(fetched.sort((a, b) => a - b), [...many.slice(0, 12), 100, 101]);

  // A later search that needs the shards the abandoned one left fetches them anew.
  self.onmessage({ data: { type: 'call', id: 3, method: 'search', args: ['A'] } });
  assert.deepEqual(await until((m) => m.id === 3), { id: 3, value: { hits: ['A'] } });
  assert.deepEqual(fetched.sort((a, b) => a - b), [...many, 100, 101]);
});
