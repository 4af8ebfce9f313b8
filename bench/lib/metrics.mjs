// Scoring shared by every engine. An engine is reduced to `rank(q)`: the ranked list of document
// ids it returns for q (hits already mapped back to documents, duplicates removed), as long as it
// returns (capped at MAX_RESULTS).
import { squash } from './corpora.mjs';
import { containing } from './queries.mjs';

export const MAX_RESULTS = 5000;

export const dedupe = (ids) => {
  const seen = new Set();
  const out = [];
  for (const id of ids) if (id >= 0 && !seen.has(id)) seen.add(id), out.push(id);
  return out;
};

export function quantile(xs, q) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const latencySummary = (ms) => ({
  n: ms.length,
  median: quantile(ms, 0.5),
  p95: quantile(ms, 0.95),
  mean: ms.reduce((a, b) => a + b, 0) / (ms.length || 1),
  max: Math.max(...ms),
});

/** MRR@10 and S@1 on the judged queries (relevant: title+text contains a marker). */
export async function judged(docs, judgments, rank) {
  const hay = docs.map((d) => squash(d.title + d.text));
  const rel = (id) => (m) => hay[id]?.includes(m);
  const rows = [];
  for (const j of judgments) {
    const top = (await rank(j.query)).slice(0, 10);
    const r = top.findIndex((id) => j.markers.some(rel(id)));
    rows.push({ query: j.query, kind: j.kind, rank: r < 0 ? 0 : r + 1, top });
  }
  const rr = (x) => (x.rank ? 1 / x.rank : 0);
  const byKind = {};
  for (const x of rows) (byKind[x.kind] ??= []).push(rr(x));
  return {
    n: rows.length,
    mrr10: rows.reduce((a, x) => a + rr(x), 0) / rows.length,
    s1: rows.filter((x) => x.rank === 1).length / rows.length,
    byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, { n: v.length, mrr10: v.reduce((a, b) => a + b, 0) / v.length }])),
    misses: rows.filter((x) => x.rank !== 1).map((x) => ({ query: x.query, kind: x.kind, rank: x.rank })),
  };
}

/** S@1 and S@10 of rows whose `rank` is the 1-based rank of the right answer (0: not in the top 10). */
export const successRates = (xs) => ({
  n: xs.length,
  s1: xs.filter((x) => x.rank === 1).length / (xs.length || 1),
  s10: xs.filter((x) => x.rank >= 1).length / (xs.length || 1),
});

/** Known-item S@1 / S@10: the source poem (or an identical copy of it) must rank first / top 10. */
export async function knownItem(docs, queries, rank, keyOf) {
  const key = docs.map(keyOf);
  const rows = [];
  for (const k of queries) {
    const top = (await rank(k.query)).slice(0, 10);
    const r = top.findIndex((id) => key[id] === key[k.doc]);
    rows.push({ ...k, rank: r < 0 ? 0 : r + 1 });
  }
  const sum = successRates;
  return {
    ...sum(rows),
    traditional: sum(rows.filter((x) => x.script === 'traditional')),
    simplified: sum(rows.filter((x) => x.script === 'simplified')),
    // Fragments that only their own poem (and its copies) contains: the reader's target is
    // knowable from the query alone.
    identifying: sum(rows.filter((x) => x.sharedBy === 1)),
    misses: rows
      .filter((x) => x.rank !== 1)
      .slice(0, 20)
      .map((x) => ({ query: x.query, doc: x.doc, rank: x.rank, sharedBy: x.sharedBy })),
  };
}

/** Substring recall: share of the documents containing the substring that the engine returns. */
export async function substringRecall(docs, queries, rank) {
  let sum = 0;
  let full = 0;
  let counted = 0;
  let returned = 0;
  const worst = [];
  for (const s of queries) {
    const relevant = containing(docs, s.query);
    const got = new Set(await rank(s.query));
    returned += got.size;
    if (!relevant.length) continue; // cannot happen: the substring comes from a document
    const hit = relevant.filter((id) => got.has(id)).length;
    const r = hit / relevant.length;
    sum += r;
    counted++;
    if (r === 1) full++;
    else worst.push({ query: s.query, relevant: relevant.length, found: hit });
  }
  worst.sort((a, b) => a.found / a.relevant - b.found / b.relevant);
  return {
    n: counted,
    recall: sum / (counted || 1),
    complete: full / (counted || 1),
    meanReturned: returned / (queries.length || 1),
    worst: worst.slice(0, 10),
  };
}
