// Query sets, all drawn with a fixed-seed PRNG so every run (and every engine) gets the same ones.
import fs from 'node:fs';
import { squash } from './corpora.mjs';

/** mulberry32: small, fast, good enough for sampling. Returns floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (rnd, n) => Math.floor(rnd() * n);

const HAN_RUN = /\p{Script=Han}+/gu;
const runs = (s, min) => (s.match(HAN_RUN) ?? []).map((r) => [...r]).filter((r) => r.length >= min);

/** The rows of a judgments TSV file (`query \t list \t kind`; `#` starts a comment line), each
 * as `{ query, items, kind }` with the `|`-separated list already split by `item`. */
export function readTsvJudgments(file, item) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [query, list, kind] = l.split('\t');
      return { query, items: list.split('|').map(item).filter(Boolean), kind: (kind ?? '').trim() };
    });
}

/** tests/queries.tsv: [{ query, markers: [..], kind }]. */
export function readJudgments(file) {
  return readTsvJudgments(file, squash).map(({ query, items, kind }) => ({ query, markers: items, kind }));
}

/**
 * Known-item queries on poems: a poem, then a 4–7 character run of CJK characters from one of its
 * lines; one in three converted to simplified script with `toSimplified` (labelled 'simplified'
 * only when the conversion changed it). Returns [{ query, doc, script, original }] (`original`: the
 * run as it stands in the poem).
 */
export function knownItemQueries(docs, n, seed, toSimplified) {
  const rnd = prng(seed);
  const out = [];
  let guard = 0;
  while (out.length < n && guard++ < n * 100) {
    const doc = docs[pick(rnd, docs.length)];
    const lines = (doc.lines ?? doc.text.split('\n')).flatMap((l) => runs(l, 4));
    if (!lines.length) continue;
    const run = lines[pick(rnd, lines.length)];
    const len = Math.min(run.length, 4 + pick(rnd, 4));
    const start = pick(rnd, run.length - len + 1);
    const original = run.slice(start, start + len).join('');
    let query = original;
    let script = 'traditional';
    if (pick(rnd, 3) === 0) {
      const s = toSimplified(query);
      if (s !== query) (query = s), (script = 'simplified');
    }
    out.push({ query, doc: doc.id, script, original });
  }
  return out;
}

/**
 * Substrings for the recall test: 2–6 CJK characters from one line of a random document's text
 * (never across a line break, the author line or the title). Returns [{ query, doc }].
 */
export function substringQueries(docs, n, seed) {
  const rnd = prng(seed);
  const out = [];
  let guard = 0;
  while (out.length < n && guard++ < n * 100) {
    const doc = docs[pick(rnd, docs.length)];
    const rs = doc.text.split('\n').flatMap((l) => runs(squash(l), 2));
    if (!rs.length) continue;
    const run = rs[pick(rnd, rs.length)];
    const len = Math.min(run.length, 2 + pick(rnd, 5));
    const start = pick(rnd, run.length - len + 1);
    out.push({ query: run.slice(start, start + len).join(''), doc: doc.id });
  }
  return out;
}

/**
 * Documents whose title or text (whitespace removed, lower-cased) contains the query (a match
 * may run across the text's line breaks, not from the title into the text).
 */
export function containing(docs, query) {
  const q = squash(query);
  const hay = (docs.haystacks ??= docs.map((d) => `${squash(d.title)}\u0001${squash(d.text)}`));
  const ids = [];
  for (let i = 0; i < hay.length; i++) if (hay[i].includes(q)) ids.push(docs[i].id);
  return ids;
}
