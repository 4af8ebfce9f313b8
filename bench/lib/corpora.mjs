// Corpora for the bench: the seeds (passages dumped from zh-search itself) and Tang poems
// (npm chinese-poetry). Every corpus ends up as a list of documents
//   { id, source, title, text }
// that the peers index one by one; zh-search indexes a folder (ZH_SEARCH_SEEDS) and its hits are
// mapped back to these documents (seeds: by passage id; poems: by source + title + text).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);

/** Whitespace removed, lower-cased: the key the relevance rules compare on. */
export const squash = (s) => s.replace(/\s+/gu, '').toLowerCase();

// ---------------------------------------------------------------------------------------------
// Seeds: passages from `cargo run --release --example search -- --passages [--json]`.

/**
 * Parse the example's passage listing. Accepts the JSON-lines mode
 * ({"passage":id,"source":..,"title":..,"text":..} per line) and the plain mode
 * ("#<id> [<source>] 【<title>】 (<n> chars)\n<text>\n\n" per passage; <n> = code points of text).
 */
export function parsePassageDump(out) {
  const firstLine = out.slice(0, out.indexOf('\n') + 1 || out.length).trim();
  if (firstLine.startsWith('{')) {
    return out
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const o = JSON.parse(l);
        return { id: o.passage, source: o.source, title: o.title, text: o.text };
      });
  }
  const docs = [];
  const cps = [...out]; // code points: the header's count is in chars, not UTF-16 units
  let i = 0;
  const header = /^#(\d+) \[(.*?)\] 【(.*)】 \((\d+) chars\)$/u;
  while (i < cps.length) {
    while (i < cps.length && cps[i] === '\n') i++;
    if (i >= cps.length) break;
    let j = i;
    while (j < cps.length && cps[j] !== '\n') j++;
    const line = cps.slice(i, j).join('');
    const m = header.exec(line);
    if (!m) throw new Error(`passage dump: unexpected line ${JSON.stringify(line.slice(0, 120))}`);
    const n = Number(m[4]);
    const text = cps.slice(j + 1, j + 1 + n).join('');
    docs.push({ id: Number(m[1]), source: m[2], title: m[3], text });
    i = j + 1 + n;
  }
  return docs;
}

/** Run the Rust example natively over `corpusDir` and return its passages, ordered by id. */
export function dumpPassages({ root, corpusDir, targetDir, timeoutMs = 900_000, log = () => {} }) {
  const env = { ...process.env, ZH_SEARCH_SEEDS: corpusDir, CARGO_TARGET_DIR: targetDir };
  const args = ['run', '--quiet', '--release', '--example', 'search', '--', '--passages', '--json'];
  log(`cargo ${args.join(' ')}  (ZH_SEARCH_SEEDS=${corpusDir})`);
  const r = spawnSync('cargo', args, { cwd: root, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`dump passages: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`dump passages: cargo exited ${r.status}\n${r.stderr.slice(-4000)}`);
  const docs = parsePassageDump(r.stdout);
  docs.sort((a, b) => a.id - b.id);
  docs.forEach((d, k) => {
    if (d.id !== k) throw new Error(`dump passages: ids are not 0..n-1 (${d.id} at ${k})`);
  });
  if (!docs.length) throw new Error('dump passages: no passages');
  return docs;
}

// ---------------------------------------------------------------------------------------------
// Tang poems.

export function poetryDir() {
  const pkg = path.dirname(require.resolve('chinese-poetry/package.json'));
  return path.join(pkg, 'dist/quantangshi');
}

/** The poem files in numeric order (poet.tang.0.json, poet.tang.1000.json, …). */
export function poemFiles() {
  const dir = poetryDir();
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^poet\.tang\.\d+\.json$/.test(f))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
  if (!files.length) throw new Error(`no poet.tang.*.json in ${dir}`);
  return files.map((f) => path.join(dir, f));
}

const UNTITLED = '無題';
const clean = (s) => String(s ?? '').replace(/[\t\r\n]+/g, ' ').trim();

/**
 * The first `limit` poems in file order (all when limit is Infinity). Returns
 * { docs, files: [{ name, poems: [doc…] }] } with doc = { id, source, title, author, lines, text }
 * where text = author + '\n' + lines (the peers index title + text).
 */
export function loadPoems(limit = Infinity) {
  const docs = [];
  const files = [];
  for (const file of poemFiles()) {
    if (docs.length >= limit) break;
    const name = path.basename(file, '.json') + '.md';
    const entry = { name, poems: [] };
    for (const p of JSON.parse(fs.readFileSync(file, 'utf8'))) {
      if (docs.length >= limit) break;
      const lines = (p.paragraphs ?? []).map(clean).filter(Boolean);
      const author = clean(p.author) || '佚名';
      const title = clean(p.title) || UNTITLED;
      const doc = { id: docs.length, source: name, title, author, lines, text: [author, ...lines].join('\n') };
      docs.push(doc);
      entry.poems.push(doc);
    }
    files.push(entry);
  }
  return { docs, files };
}

/**
 * Write the Markdown corpus zh-search indexes: one file per source JSON, `## <title>` per poem,
 * then a line with the author, then the poem's lines.
 */
export function writePoemCorpus(dir, files) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const { name, poems } of files) {
    const parts = poems.map((p) => `## ${p.title}\n\n${p.author}\n\n${p.lines.join('\n')}\n`);
    fs.writeFileSync(path.join(dir, name), parts.join('\n'));
  }
}

/**
 * Map a zh-search hit ({ source, title, text }) on the poem corpus to the poem it came from
 * (a long poem is cut into several passages, all under the poem's title). Returns the doc id or
 * -1. Poems with identical title + author + text are interchangeable: the first one is returned.
 */
export function poemMapper(docs) {
  const bySource = new Map();
  for (const d of docs) {
    let m = bySource.get(d.source);
    if (!m) bySource.set(d.source, (m = []));
    m.push({ id: d.id, title: squash(d.title), body: squash(d.text) });
  }
  const cache = new Map();
  return (hit) => {
    const key = `${hit.source}\u0000${hit.title}\u0000${hit.text}`;
    let id = cache.get(key);
    if (id !== undefined) return id;
    const list = bySource.get(hit.source) ?? [];
    const title = squash(hit.title);
    const text = squash(hit.text);
    id = -1;
    for (const p of list) if (p.title === title && p.body.includes(text)) { id = p.id; break; }
    if (id < 0) for (const p of list) if (p.body.includes(text)) { id = p.id; break; }
    if (id < 0) for (const p of list) if ((p.title + p.body).includes(text)) { id = p.id; break; }
    cache.set(key, id);
    return id;
  };
}

/**
 * Identity of a poem for the known-item test: its lines. The collection holds the same hymn or
 * poem more than once under other titles or authors; no engine can tell such copies apart by a
 * line, so any of them counts as the poem (documents without lines: title + text).
 */
export const poemKey = (d) => (d.lines ? squash(d.lines.join('')) : `${squash(d.title)}\u0000${squash(d.text)}`);
