#!/usr/bin/env node
// FlexSearch's "build": index the documents file in Node (Charset.CJK, context on), as the bench
// pages do at load time. Run under /usr/bin/time -v for peak memory.
//   node bench/flex-build.mjs DOCS_JSON   -> prints { docs, indexMs, heapMB }
import fs from 'node:fs';
import FlexSearch from 'flexsearch';
import { flexIndex } from './lib/peers.mjs';

const docs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const t0 = performance.now();
const ix = flexIndex(FlexSearch, docs);
const indexMs = performance.now() - t0;
if (!ix.search(docs[0][0].slice(0, 2), { limit: 1 }).length) console.error('flex-build: sanity search found nothing');
console.log(JSON.stringify({ docs: docs.length, indexMs, heapMB: process.memoryUsage().heapUsed / 2 ** 20 }));
