// The JS API of the wasm module, exercised in Node: www/pkg/zh_search.js + zh_search_bg.wasm
// (build them first: make build).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = path.join(ROOT, 'www/pkg');
const SEED_A = '000_995a90f47ebf7413.txt';
const SEED_B = '003_072645c75c3c641d.txt';

let zh;
before(async () => {
  const js = path.join(PKG, 'zh_search.js');
  const wasm = path.join(PKG, 'zh_search_bg.wasm');
  assert.ok(fs.existsSync(js) && fs.existsSync(wasm), `missing ${PKG}/zh_search{.js,_bg.wasm}: run make build`);
  zh = await import(pathToFileURL(js).href);
  zh.initSync({ module: fs.readFileSync(wasm) });
});

// Just enough traditional→simplified for the queries used here, plus case and width folding.
const T2S = { 國: '国', 計: '计', 臺: '台', 檢: '检', 測: '测', 質: '质' };
const norm = (s) =>
  [...s.normalize('NFKC').toLowerCase().replace(/\s+/g, '')].map((c) => T2S[c] ?? c).join('');

const isPlainObject = (v) =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/** Merge [start, end) ranges that touch (or are separated only by whitespace) into segments. */
function segments(text, ranges) {
  const rs = [...ranges].sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [a, b] of rs) {
    const last = out.at(-1);
    if (last && (a <= last[1] || text.slice(last[1], a).trim() === '')) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out.map(([a, b]) => text.slice(a, b));
}

function checkRanges(str, ranges, what) {
  assert.ok(Array.isArray(ranges), `${what} is an array`);
  for (const r of ranges) {
    assert.ok(Array.isArray(r) && r.length === 2, `${what} entries are [start, end] pairs`);
    const [a, b] = r;
    assert.ok(Number.isInteger(a) && Number.isInteger(b), `${what} offsets are integers`);
    assert.ok(a >= 0 && a < b && b <= str.length, `${what} [${a}, ${b}) lies inside a string of length ${str.length}`);
  }
}

function checkHit(hit) {
  assert.ok(isPlainObject(hit), 'a hit is a plain object (not a Map)');
  for (const k of ['source', 'title', 'text', 'snippet']) assert.equal(typeof hit[k], 'string', `hit.${k} is a string`);
  assert.equal(typeof hit.score, 'number');
  assert.ok(Number.isFinite(hit.score), 'score is finite');
  assert.ok(Number.isInteger(hit.passage) && hit.passage >= 0, 'passage is a non-negative integer');
  checkRanges(hit.text, hit.highlights, 'highlights');
  checkRanges(hit.title, hit.title_highlights, 'title_highlights');
  assert.ok(hit.text.length > 0, 'text is not empty');
}

/** Only <mark>…</mark> may appear as markup; everything else must be escaped. */
function checkSnippet(snippet) {
  assert.match(snippet, /<mark>/, 'snippet has a <mark>');
  const stripped = snippet.replace(/<\/?mark>/g, '');
  assert.doesNotMatch(stripped, /[<>]/, `snippet has no other tags: ${snippet}`);
  assert.doesNotMatch(stripped, /&(?!(amp|lt|gt|quot|#39);)/, 'every & starts one of the five entities');
  const tags = snippet.match(/<\/?mark>/g);
  tags.forEach((tag, i) => assert.equal(tag, i % 2 ? '</mark>' : '<mark>', `balanced, unnested <mark> tags: ${snippet}`));
  assert.equal(tags.length % 2, 0, 'every <mark> is closed');
  assert.doesNotMatch(snippet, /<mark><\/mark>/, 'no empty marks');
}

test('search("碳计量") finds the carbon-metrology passages in both seed files', () => {
  const r = zh.search('碳计量');
  assert.ok(isPlainObject(r), 'result is a plain object');
  assert.equal(typeof r.total, 'number');
  assert.equal(typeof r.partial, 'boolean');
  assert.ok(Array.isArray(r.hits));
  assert.ok(r.total >= 2, `total ${r.total} >= 2`);
  assert.equal(r.partial, false, 'exact matches exist');
  assert.ok(r.hits.length >= 2 && r.hits.length <= r.total);
  for (const hit of r.hits) {
    checkHit(hit);
    checkSnippet(hit.snippet);
  }
  for (const seed of [SEED_A, SEED_B]) {
    assert.ok(
      r.hits.some((h) => h.source.endsWith(seed) && h.text.replace(/\s+/g, '').includes('国家碳计量中心')),
      `a hit from ${seed} contains 国家碳计量中心`,
    );
  }
  const scores = r.hits.map((h) => h.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'hits are sorted by descending score');
});

test('highlights slice the text into the query', () => {
  const q = '碳计量';
  const { hits } = zh.search(q, { limit: 50 });
  let whole = 0;
  for (const hit of hits) {
    const segs = segments(hit.text, hit.highlights).map(norm);
    assert.ok(segs.length > 0, `hit ${hit.passage} has highlights`);
    for (const s of segs) assert.ok(s.length > 0 && norm(q).includes(s), `highlight "${s}" is part of the query`);
    if (segs.includes(norm(q))) whole++;
    // The snippet's marks are highlights too.
    for (const m of hit.snippet.matchAll(/<mark>([^]*?)<\/mark>/g)) {
      assert.ok(norm(q).includes(norm(m[1])), `snippet mark "${m[1]}" is part of the query`);
    }
  }
  assert.ok(whole >= 2, `at least two hits highlight the whole query (got ${whole})`);
});

test('traditional characters find the same passages', () => {
  const key = (r) => r.hits.map((h) => `${h.source}#${h.passage}`).sort();
  const simp = zh.search('国家碳计量中心', { limit: 100 });
  const trad = zh.search('國家碳計量中心', { limit: 100 });
  assert.ok(simp.total >= 2);
  assert.equal(trad.total, simp.total);
  assert.deepEqual(key(trad), key(simp));
  for (const hit of trad.hits) {
    checkHit(hit);
    checkSnippet(hit.snippet);
  }
});

test('empty and whitespace queries return nothing', () => {
  for (const q of ['', '   ', '\t\n', '\u3000']) {
    const r = zh.search(q);
    assert.deepEqual(r, { total: 0, hits: [], partial: false }, JSON.stringify(q));
  }
});

test('limit and offset page through the results', () => {
  const all = zh.search('碳计量', { limit: 100 });
  const one = zh.search('碳计量', { limit: 1 });
  assert.equal(one.hits.length, 1);
  assert.equal(one.total, all.total);
  assert.equal(one.hits[0].passage, all.hits[0].passage);
  const second = zh.search('碳计量', { limit: 1, offset: 1 });
  assert.equal(second.total, all.total);
  assert.equal(second.hits.length, 1);
  assert.equal(second.hits[0].passage, all.hits[1].passage);
  const pages = [];
  for (let off = 0; off < all.total; off += 2) pages.push(...zh.search('碳计量', { limit: 2, offset: off }).hits);
  assert.deepEqual(pages.map((h) => h.passage), all.hits.map((h) => h.passage));
  const past = zh.search('碳计量', { offset: all.total + 5 });
  assert.equal(past.total, all.total);
  assert.deepEqual(past.hits, []);
});

test('bad options throw an Error and the module keeps working', () => {
  const bad = [
    { limit: -1 }, { limit: 'x' }, { limit: NaN }, { offset: -3 }, { offset: 'y' }, { offset: NaN },
  ];
  for (const opts of bad) {
    assert.throws(() => zh.search('碳计量', opts), (e) => e instanceof Error, JSON.stringify(opts) ?? String(opts));
    assert.ok(zh.search('碳计量').total >= 2, `still works after ${String(opts.limit ?? opts.offset)}`);
  }
  // Not specified either way: must not break the module (throwing an Error is fine).
  for (const opts of [{ limit: Infinity }, { limit: 1.5 }, { limit: 1e12 }, 'x', 42]) {
    try {
      const r = zh.search('碳计量', opts);
      assert.equal(typeof r.total, 'number');
    } catch (e) {
      assert.ok(e instanceof Error, `${String(opts)} throws an Error, not ${typeof e}`);
    }
    assert.ok(zh.search('碳计量').total >= 2);
  }
  for (const opts of [null, undefined, {}]) {
    const r = zh.search('碳计量', opts);
    assert.ok(r.total >= 2, `options ${String(opts)} are fine`);
  }
});

test('a huge query returns quickly without throwing', () => {
  const chunk = '碳计量 光岳楼 NQI abc 123 ！？,. \u{1F600} 國家 ';
  const q = chunk.repeat(Math.ceil(100000 / chunk.length)).slice(0, 100000);
  const t0 = performance.now();
  const r = zh.search(q);
  const ms = performance.now() - t0;
  assert.equal(typeof r.total, 'number');
  assert.ok(Array.isArray(r.hits));
  assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
  assert.ok(zh.search('碳计量').total >= 2);
});

test('a lone surrogate does not break the query', () => {
  const r = zh.search('\ud800碳计量');
  assert.ok(r.total >= 2);
  for (const hit of r.hits) checkHit(hit);
  assert.doesNotThrow(() => zh.search('\udfff'));
  assert.doesNotThrow(() => zh.suggest('\ud800', 3));
});

test('suggest returns completions of the prefix', () => {
  const s = zh.suggest('碳', 5);
  assert.ok(Array.isArray(s));
  assert.ok(s.length >= 1 && s.length <= 5, `got ${s.length}`);
  for (const w of s) {
    assert.equal(typeof w, 'string');
    assert.ok(w.startsWith('碳'), w);
  }
  assert.ok(zh.suggest('碳').length >= 1, 'limit is optional');
  assert.ok(Array.isArray(zh.suggest('', 5)));
});

test('stats describe the embedded index', () => {
  const s = zh.stats();
  assert.ok(isPlainObject(s));
  for (const k of ['sources', 'passages', 'terms', 'index_bytes']) {
    assert.ok(Number.isInteger(s[k]) && s[k] > 0, `${k} = ${s[k]}`);
  }
  assert.equal(s.sources, 2);
});
