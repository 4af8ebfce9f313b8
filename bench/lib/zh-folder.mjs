// A folder written by `zh-search index` (make dist), opened in Node as the browser opens it: the
// glue and the engine named by their hash, and the index: one file (`new Index(bytes)`) or a
// root and shard files (`new ShardedIndex(root)`, each search fetching — here, reading — the
// shards it reads, round after round, as the element's worker does). Everything stored gzip is
// inflated. The API is the element's engine API, answering at once (synchronous reads).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';

const inflated = (bytes) => (bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes);

/** The one file of `dir` whose name matches `pattern`. */
function one(dir, pattern) {
  const names = fs.readdirSync(dir).filter((f) => pattern.test(f));
  if (names.length !== 1) throw new Error(`${dir}: expected one file matching ${pattern}, found ${names.length}`);
  return path.join(dir, names[0]);
}

/** Opens the folder `dir`: `{ search, searchPages, suggest, stats, sharded, shardReads }`. */
export async function openZhFolder(dir) {
  const glue = await import(pathToFileURL(one(dir, /^zh-search-glue\.[0-9a-f]{8}\.js$/)).href);
  glue.initSync({ module: inflated(fs.readFileSync(one(dir, /^zh-search-engine\.[0-9a-f]{8}\.wasm$/))) });
  const roots = fs.readdirSync(dir).filter((f) => f.endsWith('.root'));
  if (roots.length === 0) {
    const index = new glue.Index(inflated(fs.readFileSync(one(dir, /^zh-search-index\.[0-9a-f]{8}\.bin$/))));
    return {
      sharded: false,
      shardReads: () => 0,
      search: (q, o) => index.search(q, o),
      searchPages: (q, o) => index.searchPages(q, o),
      suggest: (p, l) => index.suggest(p, l),
      stats: () => index.stats(),
    };
  }
  const index = new glue.ShardedIndex(inflated(fs.readFileSync(path.join(dir, roots[0]))));
  let reads = 0;
  const answer = (method, args) => {
    for (let round = 0; round < 32; round++) {
      const r = index[method](...args);
      if (!r || !Array.isArray(r.need)) return r;
      for (const id of r.need) {
        index.addShard(id, inflated(fs.readFileSync(path.join(dir, index.shardPath(id)))));
        reads++;
      }
    }
    throw new Error(`${method}(${JSON.stringify(args)}) still needed shards after 32 rounds`);
  };
  return {
    sharded: true,
    shardReads: () => reads,
    search: (q, o) => answer('search', [q, o]),
    searchPages: (q, o) => answer('searchPages', [q, o]),
    suggest: (p, l) => answer('suggest', [p, l]),
    stats: () => index.stats(),
  };
}
