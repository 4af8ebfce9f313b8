#!/usr/bin/env node
// Quality and latency of one engine in Node, on one prepared corpus:
//
//   node bench/node-eval.mjs zh|flex WORKDIR      -> writes WORKDIR/node-<engine>.json
//
// WORKDIR/input.json (written by bench.mjs) holds the documents and the query sets.
// zh-search: the folder site/zh the indexer CLI wrote (lib/zh-folder.mjs: one index file, or a
// root and the shards each search reads). FlexSearch: Charset.CJK, context on, over
// site/flex/docs.json (the same documents the FlexSearch page indexes).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { poemMapper, poemKey } from './lib/corpora.mjs';
import { judged, knownItem, substringRecall, latencySummary, dedupe, MAX_RESULTS } from './lib/metrics.mjs';

const [engine, workdir] = process.argv.slice(2);
if (!['zh', 'flex'].includes(engine) || !workdir) {
  console.error('usage: node bench/node-eval.mjs zh|flex WORKDIR');
  process.exit(2);
}
const input = JSON.parse(fs.readFileSync(path.join(workdir, 'input.json'), 'utf8'));
const { docs } = input;
const out = { engine };

let zhModule; // zh-search's glue, once initialised
let rank; // q -> ranked doc ids (all it returns, deduplicated)
let timed; // q -> top 10 rendered to data

if (engine === 'zh') {
  const { openZhFolder } = await import('./lib/zh-folder.mjs');
  const t0 = performance.now();
  const zh = await openZhFolder(path.join(workdir, 'site/zh'));
  zhModule = zh;
  out.initMs = performance.now() - t0;
  out.stats = zh.stats();
  out.sharded = zh.sharded;
  const toDoc = input.kind === 'poems' ? poemMapper(docs) : (hit) => hit.passage;
  let unmapped = 0;
  rank = (q) => {
    const ids = [];
    for (let offset = 0; offset < MAX_RESULTS; offset += 100) {
      const r = zh.search(q, { limit: 100, offset });
      for (const h of r.hits) {
        const id = toDoc(h);
        if (id < 0) unmapped++;
        ids.push(id);
      }
      if (r.hits.length < 100 || offset + 100 >= r.total) break;
    }
    return dedupe(ids);
  };
  timed = (q) => zh.search(q, { limit: 10 }).hits.length;
  out.unmapped = () => unmapped;
} else {
  const { default: FlexSearch } = await import('flexsearch');
  const { flexIndex } = await import('./lib/peers.mjs');
  const flexDocs = JSON.parse(fs.readFileSync(path.join(workdir, 'site/flex/docs.json'), 'utf8'));
  const t0 = performance.now();
  const ix = flexIndex(FlexSearch, flexDocs);
  out.indexMs = performance.now() - t0;
  out.heapMB = process.memoryUsage().heapUsed / 2 ** 20;
  rank = (q) => dedupe(ix.search(q, { limit: MAX_RESULTS }));
  timed = (q) => ix.search(q, { limit: 10 }).map((i) => flexDocs[i][1]).length;
}

if (engine === 'zh' && input.kind === 'site') {
  // A site: judged on the links hits carry (URL + anchor), in the order returned.
  const { siteKnownItem, siteJudged, sectionMapper, linkKey } = await import('./lib/site.mjs');
  const toSection = sectionMapper(input.pages);
  const hitsOf = new Map();
  const hits = (q) => {
    if (!hitsOf.has(q)) {
      const all = [];
      for (let offset = 0; offset < MAX_RESULTS; offset += 100) {
        const r = zhModule.search(q, { limit: 100, offset });
        all.push(...r.hits);
        if (r.hits.length < 100 || offset + 100 >= r.total) break;
      }
      hitsOf.set(q, all);
    }
    return hitsOf.get(q);
  };
  const t = performance.now();
  out.known = await siteKnownItem(input.known, (q) => hits(q).map((h) => h.url ?? h.source), (q) => hits(q).map((h) => linkKey(h.url ?? h.source, h.anchor)));
  out.judged = await siteJudged(input.pages, input.siteJudgments, (q) => hits(q).map((h) => toSection(h.url ?? h.source, h.anchor, h.text)));
  out.qualitySeconds = (performance.now() - t) / 1000;
}

if (input.kind !== 'site') {
  const t1 = performance.now();
  if (input.judgments) out.judged = await judged(docs, input.judgments, rank);
  if (input.known) out.known = await knownItem(docs, input.known, rank, poemKey);
  out.substrings = await substringRecall(docs, input.substrings, rank);
  out.qualitySeconds = (performance.now() - t1) / 1000;
}

for (const q of input.warmup) timed(q);
const ms = [];
let results = 0;
for (const q of input.latency) {
  const t = performance.now();
  results += timed(q);
  ms.push(performance.now() - t);
}
out.latency = { ...latencySummary(ms), meanResults: results / input.latency.length };
if (typeof out.unmapped === 'function') out.unmapped = out.unmapped();
fs.writeFileSync(path.join(workdir, `node-${engine}.json`), JSON.stringify(out, null, 1));
console.log(JSON.stringify({ engine, initMs: out.initMs, indexMs: out.indexMs, latency: out.latency }));
