// Loading the WebAssembly engine once per page, and warming it up in the idle time after it
// loads. Two ways, one API for the element:
// * the embed build (www/, make build): pkg/zh_search.js, wasm-bindgen's glue, beside the
//   bundle; its module embeds the index and exports search/searchPages/suggest/stats;
// * a folder the indexer CLI wrote (zh-search index SITE --out DIR): the CLI replaced DIST_CONFIG
//   below with the names of the folder's content-hashed glue, engine and index (and the site's
//   base URL). The glue, the engine and the index are fetched in parallel, the index inflated
//   when it is gzip (hosts that decode it themselves hand over plain bytes), and opened as
//   `new Index(bytes)`, whose methods are the same API;
// * a sharded index (the CLI's folder for large sites: a root and shard files): searched in a
//   worker that fetches the shards each search reads; the same methods, returning promises.

import { inflated } from './inflate.js';

/** The CLI's placeholder: a JSON text after it has written the folder, this string before. */
const DIST_CONFIG = '__ZH_SEARCH_DIST__';

/** The folder's files ({ glue, wasm, index, base? } or { glue, wasm, root, worker, base? }),
 * or null in the embed build. */
export const dist = DIST_CONFIG.startsWith('{') ? JSON.parse(DIST_CONFIG) : null;

/** The glue module of the embed build, next to the bundled zh-search.js this module is part of. */
const GLUE = './pkg/zh_search.js';

let engine;

/** Read when the engine loads (set them before the first search): a sharded index's file
 * fetch fails after `fetchTimeoutMs` (a stalled network never hangs a search). */
export const settings = { fetchTimeoutMs: 20_000 };

/** Load and initialise the engine once; resolves to an object with search, searchPages,
 * suggest and stats, or rejects with an Error saying what failed. */
export const loadEngine = () =>
  (engine ??= !dist ? loadEmbedded() : dist.root ? loadSharded(dist) : loadDist(dist));

async function loadEmbedded() {
  const module = await import(new URL(GLUE, import.meta.url).href);
  await module.default();
  warmUp(module);
  return module;
}

/** A URL of the folder, relative to this module's own (the folder works under any path). */
const fileUrl = (name) => new URL(name, import.meta.url);

/** fetch, with an Error naming the file on a network failure or an HTTP error status. */
async function fetchFile(name) {
  let response;
  try {
    response = await fetch(fileUrl(name));
  } catch (err) {
    throw new Error(`zh-search: could not fetch ${name}: ${err?.message ?? err}`);
  }
  if (!response.ok) throw new Error(`zh-search: ${name} answered HTTP ${response.status}`);
  return response;
}

/** The bytes of a file of the folder (the index, the engine: stored gzip-compressed so that
 * they are small on hosts that do not compress), inflated when they start with the gzip magic
 * bytes (hosts that decode them themselves hand over plain bytes). */
async function fileBytes(name) {
  const response = await fetchFile(name);
  let bytes;
  try {
    bytes = await inflated(new Uint8Array(await response.arrayBuffer()));
  } catch (err) {
    throw new Error(`zh-search: ${name} could not be read (damaged or cut short): ${err?.message ?? err}`);
  }
  return bytes;
}

async function loadDist({ glue, wasm, index }) {
  const wasmBytes = fileBytes(wasm);
  // Observed below (the glue awaits it); this keeps a failure that comes while the glue is
  // still loading from being reported as unhandled.
  wasmBytes.catch(() => {});
  const [module, bytes] = await Promise.all([
    import(fileUrl(glue).href)
      .catch((err) => {
        throw new Error(`zh-search: could not load ${glue}: ${err?.message ?? err}`);
      })
      .then(async (module) => {
        await module.default({ module_or_path: await wasmBytes });
        return module;
      }),
    fileBytes(index),
  ]);
  let opened;
  try {
    opened = new module.Index(bytes);
  } catch (err) {
    throw new Error(`zh-search: ${index} is not a zh-search index this engine reads: ${err?.message ?? err}`);
  }
  const api = {
    search: (query, options) => opened.search(query, options),
    searchPages: (query, options) => opened.searchPages(query, options),
    suggest: (prefix, limit) => opened.suggest(prefix, limit),
    stats: () => opened.stats(),
  };
  warmUp(api);
  return api;
}

/**
 * A sharded index (the CLI's layout for large sites): a module worker (zh-search-worker.js, see
 * worker.js) loads the engine and the root, and each search there fetches the shards it reads.
 * The API's methods return promises; an error in the worker rejects them with an Error.
 */
async function loadSharded({ glue, wasm, root, worker: workerFile }) {
  let worker;
  try {
    worker = new Worker(fileUrl(workerFile), { type: 'module', name: 'zh-search' });
  } catch (err) {
    throw new Error(`zh-search: could not start ${workerFile}: ${err?.message ?? err}`);
  }
  const pending = new Map();
  let next = 0;
  let failure = null;
  const fail = (message) => {
    failure = new Error(message);
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  };
  const ready = new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'ready') return resolve();
      if (data.type === 'failed') {
        fail(data.message);
        return reject(failure);
      }
      const call = pending.get(data.id);
      if (!call) return;
      pending.delete(data.id);
      if ('error' in data) call.reject(new Error(data.error));
      else call.resolve(data.value);
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      fail(`zh-search: the search worker failed: ${event.message ?? 'could not load ' + workerFile}`);
      reject(failure);
    };
  });
  worker.postMessage({
    type: 'init',
    glue: fileUrl(glue).href,
    wasm: fileUrl(wasm).href,
    root: fileUrl(root).href,
    timeoutMs: settings.fetchTimeoutMs,
  });
  await ready;
  /** `method(...args)` in the worker; an aborted `signal` rejects with its reason at once and
   * tells the worker, which then starts no further round of fetches for it. */
  const call = (method, args, signal) => {
    if (failure) return Promise.reject(failure);
    if (signal != null && !(signal instanceof AbortSignal)) {
      return Promise.reject(new TypeError('zh-search: options.signal must be an AbortSignal'));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'call', id, method, args });
      signal?.addEventListener(
        'abort',
        () => {
          if (!pending.delete(id)) return;
          worker.postMessage({ type: 'cancel', id });
          reject(signal.reason);
        },
        { once: true },
      );
    });
  };
  /** A search's arguments for the worker (an AbortSignal cannot be sent there) and its signal. */
  const searching = (method, query, options) => {
    if (options === null || typeof options !== 'object' || !('signal' in options)) {
      return call(method, [query, options]);
    }
    const { signal, ...rest } = options;
    return call(method, [query, rest], signal);
  };
  return {
    search: (query, options) => searching('search', query, options),
    searchPages: (query, options) => searching('searchPages', query, options),
    suggest: (prefix, limit) => call('suggest', [prefix, limit]),
    stats: () => call('stats', []),
  };
}

/** Warm-up after loading (see warmUp): up to WARM_UP_SEARCHES searches cycling through
 * WARM_UP_QUERIES, in slices of about WARM_UP_SLICE_MS between other tasks, and no more than
 * WARM_UP_TOTAL_MS of searching in all (a large index makes each search dearer). */
const WARM_UP_SEARCHES = 250;
const WARM_UP_SLICE_MS = 4;
const WARM_UP_TOTAL_MS = 300;
const WARM_UP_QUERIES = ['zhong', '"中文" 搜索', '中文的搜索是什么', '中文', 'zh'];

/**
 * Searches down every path (pinyin, phrase, several terms, question, single word) in the idle
 * time after loading, so that the engine's one-time work is done before the reader types: the
 * first search folds the corpus, and the browser runs new wasm code in its baseline compiler
 * until a function has run often enough to be optimised, an optimisation that then competes
 * with the page for the CPU. It starts after the tasks already queued (the element's first
 * search among them) and holds the page for a few ms at a time (bench/RESULTS.md shows what it
 * does to the in-page latency).
 */
function warmUp(module) {
  let done = 0;
  let spent = 0;
  const slice = () => {
    const start = performance.now();
    try {
      do {
        module.search(WARM_UP_QUERIES[done % WARM_UP_QUERIES.length], { limit: 10 });
        if (done === 0) module.suggest('zh', 8);
        done++;
      } while (done < WARM_UP_SEARCHES && performance.now() - start < WARM_UP_SLICE_MS);
    } catch {
      return; // A damaged index reports its error on the first real search.
    }
    spent += performance.now() - start;
    if (done < WARM_UP_SEARCHES && spent < WARM_UP_TOTAL_MS) later(slice);
  };
  later(slice);
}

/** Runs `fn` after the current tasks, without keeping Node alive for it. */
const later = (fn) => setTimeout(fn, 0)?.unref?.();
