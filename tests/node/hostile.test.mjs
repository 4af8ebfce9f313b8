// Odd and hostile input through the JS API (www/pkg, as a page calls it): one test per row of
// the README's "Odd input" table. Every call returns the documented value or throws an Error,
// and the module answers normally afterwards.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = path.join(ROOT, 'www/pkg');
const EMPTY = { total: 0, hits: [], partial: false };

let zh;
let wasm;
before(async () => {
  zh = await import(pathToFileURL(path.join(PKG, 'zh_search.js')).href);
  wasm = zh.initSync({ module: fs.readFileSync(path.join(PKG, 'zh_search_bg.wasm')) });
});

const passages = (r) => r.hits.map((h) => h.passage);
const same = (a, b, what) => {
  assert.equal(a.total, b.total, `${what}: total`);
  assert.equal(a.partial, b.partial, `${what}: partial`);
  assert.deepEqual(passages(a), passages(b), `${what}: passages`);
};
/** The module still answers normally. */
const alive = () => assert.ok(zh.search('碳计量').total >= 2 && zh.suggest('碳', 3).length >= 1, 'module still works');
const throwsError = (f, pattern, what) => {
  assert.throws(f, (e) => e instanceof Error && pattern.test(e.message), what);
  alive();
};

test('empty and whitespace-only queries (ASCII and U+3000) find nothing', () => {
  for (const q of ['', ' ', '   ', '\t\n', '\u3000', '\u3000 \u3000', '\u200B', ' \u200B\u3000']) {
    assert.deepEqual(zh.search(q), EMPTY, JSON.stringify(q));
    assert.deepEqual(zh.suggest(q, 5), [], `suggest ${JSON.stringify(q)}`);
  }
});

test('lone and unbalanced quotes: an open quote runs to the end, a lone quote is nothing', () => {
  for (const q of ['"', '""', '“', '”', '「」', '＂', '" "']) assert.deepEqual(zh.search(q), EMPTY, q);
  same(zh.search('"国家碳计量'), zh.search('"国家碳计量"'), 'unclosed phrase');
  same(zh.search('碳计量"'), zh.search('碳计量'), 'a closing quote alone');
  same(zh.search('“国家 碳计量'), zh.search('"国家碳计量"'), 'spaces inside an open phrase are ignored');
  const r = zh.search('"国家碳计量');
  assert.ok(r.total >= 2 && !r.partial);
});

test('query-syntax characters are not syntax: alone they are ignored, attached they are literal', () => {
  for (const q of ['*', '?', '(', ')', '-', '+', '\\', '* ? ( ) - + \\', '()', '-+-']) assert.deepEqual(zh.search(q), EMPTY, q);
  same(zh.search('碳计量 * -'), zh.search('碳计量'), 'punctuation-only terms dropped');
  // `碳计量*` asks for the literal text 碳计量*: no passage has it, so partial matches follow.
  const star = zh.search('碳计量*');
  assert.equal(star.partial, true);
  assert.ok(star.total >= zh.search('碳计量').total);
});

test('control characters, NUL and zero-width characters are ignored', () => {
  const plain = zh.search('碳计量');
  for (const q of ['碳\u0000计量', '碳\u0007计\u001B量', '\u200B碳计\u200D量\uFEFF', '碳\u00AD计量', '碳计量\u0000']) {
    same(zh.search(q), plain, JSON.stringify(q));
  }
  assert.deepEqual(zh.search('\u0000\u0001\u007F'), EMPTY);
});

test('lone surrogates become U+FFFD at the boundary and are ignored like invisible characters', () => {
  same(zh.search('\ud800碳计量'), zh.search('碳计量'), 'lone high surrogate');
  same(zh.search('碳计量\udfff'), zh.search('碳计量'), 'lone low surrogate');
  same(zh.search('碳\udc00计量'), zh.search('碳计量'), 'inside a word');
  assert.deepEqual(zh.search('\ud800'), EMPTY);
  assert.deepEqual(zh.suggest('\ud800碳', 5), zh.suggest('碳', 5));
});

test('emoji, CJK Extension B and combining marks are matched literally (none in the seeds)', () => {
  // Emoji are symbols: a term of emoji only is ignored. 𠀀 is indexed like any CJK character.
  assert.deepEqual(zh.search('😀'), EMPTY);
  assert.deepEqual(zh.search('👍🏽'), EMPTY);
  assert.equal(zh.search('𠀀').total, 0);
  assert.equal(zh.search('e\u0301').total, 0);
  assert.equal(zh.search('碳😀').partial, true, '碳😀 is literal; partial matches for 碳');
  same(zh.search('碳计量 😀'), zh.search('碳计量'), 'an emoji-only term is dropped');
  alive();
});

test('a 100,000-character query is cut, answers fast and leaves wasm memory as it was', () => {
  const chunk = '碳计量 光岳楼 NQI abc 123 ！？,. \u{1F600} 國家 ';
  const long = chunk.repeat(Math.ceil(100_000 / chunk.length)).slice(0, 100_000);
  zh.search(long); // warm-up
  const before = wasm.memory.buffer.byteLength;
  const t0 = performance.now();
  const r = zh.search(long);
  const ms = performance.now() - t0;
  assert.ok(ms < 250, `took ${ms.toFixed(1)} ms`);
  // Only the first 256 characters count.
  const first256 = [...long].slice(0, 256).join('');
  same(r, zh.search(first256), 'the first 256 characters');
  // Strings far longer still cost nothing: they are cut in JS before entering the module.
  for (const huge of ['a'.repeat(20_000_000), '碳'.repeat(10_000_000), '\u{1F600}'.repeat(5_000_000)]) {
    const t = performance.now();
    zh.search(huge);
    zh.suggest(huge, 5);
    assert.ok(performance.now() - t < 1000, 'huge strings answer within a second');
  }
  assert.equal(wasm.memory.buffer.byteLength, before, 'wasm memory did not grow');
  alive();
});

test('options missing, null, {} or without the fields use the defaults', () => {
  const dflt = zh.search('聊城');
  assert.equal(dflt.hits.length, Math.min(10, dflt.total));
  const defaults = [undefined, null, {}, [], { other: 1 }, Object.create(null), new Map([['limit', 1]])];
  defaults.forEach((opts, i) => same(zh.search('聊城', opts), dflt, `options #${i}`));
  assert.deepEqual(zh.suggest('聊城'), zh.suggest('聊城', undefined));
  assert.deepEqual(zh.suggest('聊城', null), zh.suggest('聊城', 8));
});

test('options of the wrong type, negative or not finite throw an Error naming the option', () => {
  const cases = [
    [{ limit: -1 }, /options\.limit must be 0 or more/],
    [{ offset: -0.5 }, /options\.offset must be 0 or more/],
    [{ limit: NaN }, /options\.limit must be a finite number/],
    [{ limit: Infinity }, /options\.limit must be a finite number/],
    [{ offset: -Infinity }, /options\.offset must be a finite number/],
    [{ limit: '5' }, /options\.limit must be a number/],
    [{ limit: true }, /options\.limit must be a number/],
    [{ limit: 5n }, /options\.limit must be a number/],
    [{ limit: Symbol('x') }, /options\.limit must be a number/],
    [{ offset: {} }, /options\.offset must be a number/],
    [{ limit: [3] }, /options\.limit must be a number/],
    [{ get limit() { throw new Error('boom'); } }, /options\.limit could not be read/],
    [new Proxy({}, { get() { throw 5; } }), /options\.limit could not be read/],
    [42, /options must be an object/],
    ['limit=5', /options must be an object/],
    [true, /options must be an object/],
  ];
  cases.forEach(([opts, pattern], i) => throwsError(() => zh.search('碳计量', opts), pattern, `case #${i} ${pattern}`));
  for (const [limit, pattern] of [[-1, /limit must be 0 or more/], [NaN, /finite/], ['3', /must be a number/], [{}, /must be a number/]]) {
    throwsError(() => zh.suggest('碳', limit), pattern, `suggest limit ${String(limit)}`);
  }
});

test('limit and offset zero, fractional or huge', () => {
  const all = zh.search('聊城', { limit: 100 });
  assert.ok(all.total > 10);
  assert.deepEqual(zh.search('聊城', { limit: 0 }), { ...all, hits: [] }, 'limit 0: no hits, the true total');
  same(zh.search('聊城', { limit: 2.9 }), zh.search('聊城', { limit: 2 }), 'fractions are floored');
  assert.equal(zh.search('聊城', { limit: 1e12 }).hits.length, Math.min(100, all.total), 'limit capped at 100');
  assert.equal(zh.search('聊城', { limit: Number.MAX_VALUE }).hits.length, Math.min(100, all.total));
  assert.deepEqual(zh.search('聊城', { offset: 1e300 }), { ...all, hits: [] }, 'offset beyond: no hits, the true total');
  same(zh.search('聊城', { offset: 0.5 }), zh.search('聊城'), 'offset floored');
  assert.equal(zh.suggest('聊', 1e9).length <= 50, true, 'suggest limit capped at 50');
  assert.deepEqual(zh.suggest('聊', 0), []);
  assert.equal(zh.suggest('聊', 1.7).length, 1);
});

test('a query or prefix that is not a string throws an Error', () => {
  for (const q of [undefined, null, 42, 0, true, {}, ['碳计量'], new String('碳计量'), Symbol('q'), 5n,
    { length: 2 ** 31, charCodeAt: () => 65 }, () => '碳计量']) {
    throwsError(() => zh.search(q), /query must be a string/, typeof q);
    throwsError(() => zh.suggest(q, 3), /prefix must be a string/, typeof q);
  }
  throwsError(() => zh.search(), /query must be a string/, 'no argument');
});

test('stats() ignores arguments', () => {
  assert.deepEqual(zh.stats(1, 'x', {}), zh.stats());
  assert.ok(zh.stats().passages > 30);
});

test('a damaged embedded index makes every call throw an Error naming the damage', async () => {
  // The index is a data segment of the module: flip one byte of the Stats section's checksum
  // in the section table (after "ZHSEARCH", version, section count, kind 1, offset, length).
  const bytes = fs.readFileSync(path.join(PKG, 'zh_search_bg.wasm'));
  const magic = Buffer.from('ZHSEARCH');
  let header = -1;
  for (let at = bytes.indexOf(magic); at >= 0; at = bytes.indexOf(magic, at + 1)) {
    const count = bytes.readUInt32LE(at + 12);
    if (count > 0 && count <= 64 && bytes.readUInt32LE(at + 16) === 1) header = at;
  }
  assert.ok(header > 0, 'the embedded index header is in the module');
  const damaged = Buffer.from(bytes);
  damaged[header + 28] ^= 0x5a;
  // A second copy of the glue, so it gets an instance of its own.
  const other = await import(pathToFileURL(path.join(PKG, 'zh_search.js')).href + '?damaged');
  other.initSync({ module: damaged });
  for (let round = 0; round < 3; round++) {
    for (const call of [() => other.search('碳计量'), () => other.suggest('碳', 3), () => other.stats()]) {
      assert.throws(call, (e) => e instanceof Error && /index is corrupt: Stats checksum mismatch/.test(e.message));
    }
  }
  alive(); // the intact module next to it is unaffected
});
