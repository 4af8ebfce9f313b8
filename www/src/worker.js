// The search worker of a sharded index: loads the engine and the index's root, runs every
// search off the page's thread, and fetches the shards a search reads (all those of a round in
// parallel) until it completes. The page talks to it through engine.js (shardedEngine).
//
// Messages in:  { type: 'init', glue, wasm, root, timeoutMs }   (absolute URLs)
//               { type: 'call', id, method, args }    (search, searchPages, suggest, stats)
//               { type: 'cancel', id }   (the page no longer waits for call `id`: it fetches no more)
// Messages out: { type: 'ready' } | { type: 'failed', message }
//               { id, value } | { id, error }
//
// Never a wrong or stale answer: every shard is checked by the engine (magic, build, id,
// length, checksum) before it is used; a shard that fails is fetched once more bypassing the
// HTTP cache, then the call fails with a message saying why. A search that needs shards
// answers only when it has read every one of them.

import { inflated } from './inflate.js';

/** A fetch that takes longer than this fails (slow or stalled networks never hang a search);
 * the page's `settings.fetchTimeoutMs` (engine.js) replaces it at init. */
let fetchTimeoutMs = 20_000;
/** A search needs a few rounds of shards; more means something is wrong. */
const MAX_ROUNDS = 32;
/** Fetches in flight at once: a query that reads hundreds of shards (a pinyin initial over a
 * large site) would otherwise exhaust the browser's connection resources
 * (net::ERR_INSUFFICIENT_RESOURCES). */
const MAX_FETCHES = 12;

/** What a fetch that no search wants any more rejects with (see limited). */
class Abandoned extends Error {
  constructor() {
    super('zh-search: the search was abandoned');
  }
}

let fetching = 0;
const waiting = [];
/** Runs `task` when fewer than MAX_FETCHES are running; one that had to wait for its turn runs
 * only if `wanted()` still says a search needs it, else it rejects with `Abandoned`, runs
 * nothing and hands its turn on. */
async function limited(task, wanted = () => true) {
  if (fetching >= MAX_FETCHES) {
    await new Promise((resolve) => waiting.push(resolve));
    if (!wanted()) {
      waiting.shift()?.();
      throw new Abandoned();
    }
  }
  fetching++;
  try {
    return await task();
  } finally {
    fetching--;
    waiting.shift()?.();
  }
}

let index;
let rootUrl;
/** Shard id → the promise of its arrival (one fetch per shard, however many searches wait). */
const arriving = new Map();
/** Shard id → the calls that wait for it, while it has not arrived. */
const wantedBy = new Map();

/** The bytes of a response, inflated when they are stored gzip-compressed. */
const bytesOf = async (response) => inflated(new Uint8Array(await response.arrayBuffer()));

/** GET `url` as bytes, with a timeout; errors say what failed. */
async function fetchBytes(url, cache = 'default') {
  let response;
  try {
    response = await fetch(url, { cache, signal: AbortSignal.timeout(fetchTimeoutMs) });
  } catch (err) {
    const reason = err?.name === 'TimeoutError' ? 'timed out' : 'network error (offline?)';
    throw new Error(`zh-search: could not fetch ${url.pathname.split('/').pop()}: ${reason}`);
  }
  if (!response.ok) {
    const gone = response.status === 404 || response.status === 410;
    throw new Error(
      `zh-search: could not fetch ${url.pathname.split('/').pop()}: HTTP ${response.status}` +
        (gone ? ' (the search index may have been rebuilt: reload the page)' : ''),
    );
  }
  try {
    return await bytesOf(response);
  } catch {
    throw new Error(`zh-search: ${url.pathname.split('/').pop()} is truncated or corrupt`);
  }
}

/** Fetches and adds shard `id` for call `callId`: once more past the HTTP cache if it fails,
 * then an Error. A fetch still queued when every call that wanted it has been abandoned (a
 * reader who typed on while a search read dozens of shards) is not made: the searches that
 * replace it go first, and a later search that needs the shard fetches it anew. */
function shard(id, callId) {
  let promise = arriving.get(id);
  if (!promise) {
    wantedBy.set(id, new Set([callId]));
    const url = new URL(index.shardPath(id), rootUrl);
    const wanted = () => {
      const live = [...(wantedBy.get(id) ?? [])].some((c) => running.has(c) && !abandoned.has(c));
      // Forgotten at once, so that a search asking for it from now on starts a fetch of its own.
      if (!live) forget(id);
      return live;
    };
    promise = (async () => {
      try {
        index.addShard(id, await limited(() => fetchBytes(url), wanted));
      } catch (err) {
        if (err instanceof Abandoned) throw err;
        try {
          index.addShard(id, await limited(() => fetchBytes(url, 'reload'), wanted));
        } catch (err) {
          const message = String(err?.message ?? err);
          throw new Error(message.startsWith('zh-search:') ? message : `zh-search: ${message}`);
        }
      }
    })();
    promise.then(
      () => wantedBy.delete(id),
      () => arriving.get(id) === promise && forget(id),
    );
    arriving.set(id, promise);
  }
  wantedBy.get(id)?.add(callId);
  return promise;
}

const forget = (id) => {
  arriving.delete(id);
  wantedBy.delete(id);
};

/** Calls running (by id), and those of them the page has abandoned (an aborted signal: a
 * reader who typed on): an abandoned call starts no further round of fetches. */
const running = new Set();
const abandoned = new Set();

/** Runs `method` until the engine has every shard it reads. */
async function call(id, method, args) {
  running.add(id);
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (abandoned.has(id)) throw new Error('zh-search: the search was abandoned');
      const answer = index[method](...args);
      if (!answer || !Array.isArray(answer.need)) return answer;
      await Promise.all(answer.need.map((shardId) => shard(shardId, id)));
    }
    throw new Error('zh-search: a search needed more index files than it should; reload the page');
  } finally {
    running.delete(id);
    abandoned.delete(id);
  }
}

let ready;

self.onmessage = async ({ data }) => {
  if (data.type === 'init') {
    ready = (async () => {
      rootUrl = new URL(data.root);
      if (Number.isFinite(data.timeoutMs) && data.timeoutMs > 0) fetchTimeoutMs = data.timeoutMs;
      // The glue, the engine (stored gzip-compressed: inflated here) and the root, all at once.
      const [glue, wasm, root] = await Promise.all([
        import(data.glue),
        fetchBytes(new URL(data.wasm)),
        fetchBytes(rootUrl),
      ]);
      await glue.default({ module_or_path: wasm });
      index = new glue.ShardedIndex(root);
    })();
    ready.then(
      () => self.postMessage({ type: 'ready' }),
      (err) => self.postMessage({ type: 'failed', message: String(err?.message ?? err) }),
    );
    return;
  }
  if (data.type === 'cancel') {
    if (running.has(data.id)) abandoned.add(data.id);
    return;
  }
  if (data.type !== 'call') return;
  try {
    await ready;
    self.postMessage({ id: data.id, value: await call(data.id, data.method, data.args) });
  } catch (err) {
    self.postMessage({ id: data.id, error: String(err?.message ?? err) });
  }
};
