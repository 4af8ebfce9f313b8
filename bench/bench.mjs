#!/usr/bin/env node
// zh-search vs Pagefind vs FlexSearch, side by side, in one run (make bench).
//
//   node bench/bench.mjs [CORPUS…]      corpora: seeds poems-1k poems-10k poems-57k debian (default: all)
//
// For each corpus: prepare the documents and query sets, build each engine (timed, peak RSS from
// /usr/bin/time -v; zh-search through its indexer CLI, the folder a site owner ships: buildZhDist),
// evaluate quality and latency in Node (zh-search, FlexSearch) and in headless Chromium (all
// three), measure bytes on the wire in Chromium against each folder served by tools/serve.mjs
// with gzip and without (lib/wire.mjs: first search, next queries), and write
// bench/work/<corpus>/results.json. The debian corpus is a real
// site (Debian's Chinese documentation, fetched with apt-get: lib/site.mjs): zh-search and
// Pagefind index the same HTML pages and are judged on the links they return (FlexSearch, which
// indexes strings, not pages, is not run on it). Then bench/report.mjs writes
// bench/RESULTS.md and prints the same tables. A failing step is recorded and the run goes on.
//
// Environment: BENCH_BUILD_TIMEOUT (s, per build step, default 900), BENCH_KNOWN (200),
// BENCH_SUBSTRINGS (300), BENCH_FIRST_RUNS (3), BENCH_DEBIAN_DOCS (an unpacked usr/share to use instead of apt-get), BENCH_SESSION (50 queries per page load), BENCH_THINK_MS (1000: idle time before each session), BENCH_NATIVE=0 skips `cargo bench`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as OpenCC from 'opencc-js';
import { dumpPassages, loadPoems, writePoemCorpus, poemKey } from './lib/corpora.mjs';
import { writePagefindSource, writeFlexSite, pagefindBinary, PAGEFIND_LANG } from './lib/peers.mjs';
import { writePages } from './lib/pages.mjs';
import { retire, emptyTrash } from './lib/trash.mjs';
import { readJudgments, knownItemQueries, substringQueries, containing } from './lib/queries.mjs';
import { judged, knownItem, substringRecall, latencySummary, dedupe } from './lib/metrics.mjs';
import { startBenchServer } from './lib/server.mjs';
import { measureWire } from './lib/wire.mjs';
import {
  fetchDebianDocs, copySite, readSite, knownItemSiteQueries, readSiteJudgments, checkJudgments,
  siteKnownItem, siteJudged, sectionMapper, linkKey,
} from './lib/site.mjs';
import { launch } from '../tests/e2e/browser.mjs';
import { environment, report } from './report.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const WORK = path.join(BENCH, 'work');
const TARGET = path.join(WORK, 'target');
const BUILD_TIMEOUT_S = Number(process.env.BENCH_BUILD_TIMEOUT || 900);
const N_KNOWN = Number(process.env.BENCH_KNOWN || 200);
const N_SUBSTRINGS = Number(process.env.BENCH_SUBSTRINGS || 300);
const FIRST_RUNS = Number(process.env.BENCH_FIRST_RUNS || 3);
const SESSION = Number(process.env.BENCH_SESSION || 50); // queries per page load (latency)
// A reader does not type the moment the page is ready: each latency session starts after this
// much idle time (every engine gets it; zh-search's element warms up in idle time).
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 1000);
const WARMUP = 10; // warm-up queries per page load
const SEED = 20240603;

export const CORPORA = {
  seeds: { kind: 'seeds', first: ['碳计量', '光岳楼', '健步走 补给站'], wire: '碳计量' },
  'poems-1k': { kind: 'poems', limit: 1000, first: ['明月', '春風', '白雲'], wire: '明月', next: 'poem-queries.txt' },
  'poems-10k': { kind: 'poems', limit: 10000, first: ['明月', '春風', '白雲'], wire: '明月', next: 'poem-queries.txt' },
  'poems-57k': { kind: 'poems', limit: Infinity, first: ['明月', '春風', '白雲'], wire: '明月', next: 'poem-queries.txt' },
  debian: { kind: 'site', judgments: 'debian-queries.tsv', first: ['apt-get', '软件包管理', 'ssh'], wire: 'apt-get' },
};
export const ENGINES = ['zh', 'pf', 'flex'];

const t0 = Date.now();
const log = (...a) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s]`, ...a);

// ---------------------------------------------------------------------------------------------
// helpers

function run(cmd, args, { timeoutS = BUILD_TIMEOUT_S, env, cwd = ROOT, quiet = true } = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutS * 1000 + 30_000,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'],
  });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    const why = r.status === 124 || r.status === 137 ? `timed out (limit ${timeoutS} s, BENCH_BUILD_TIMEOUT)` : `exited ${r.status ?? r.signal}`;
    throw new Error(`${path.basename(cmd)} ${args.slice(0, 4).join(' ')}… ${why}\n${tail}`);
  }
  return r;
}

/** Parse a `/usr/bin/time -v -o FILE` report. */
export function parseTime(file) {
  const s = fs.readFileSync(file, 'utf8');
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(s);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(s);
  const user = /User time \(seconds\): ([\d.]+)/.exec(s);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(s);
  const exit = /Exit status: (\d+)/.exec(s);
  return {
    seconds: wall ? Number(wall[1] || 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN,
    cpuSeconds: (user ? Number(user[1]) : 0) + (sys ? Number(sys[1]) : 0),
    maxRssKB: rss ? Number(rss[1]) : NaN,
    exit: exit ? Number(exit[1]) : NaN,
  };
}

const brotli = (buf) => {
  const quality = buf.length <= 8 << 20 ? 11 : 9;
  const out = zlib.brotliCompressSync(buf, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  });
  return { bytes: out.length, quality };
};
const gzip = (buf) => Math.min(zlib.gzipSync(buf, { level: 9 }).length, buf.length);

function sizeOf(files, { br = false } = {}) {
  let raw = 0;
  let gz = 0;
  let brBytes = 0;
  let brQuality = 11;
  for (const f of files) {
    const b = fs.readFileSync(f);
    raw += b.length;
    gz += gzip(b);
    if (br) {
      const x = brotli(b);
      brBytes += x.bytes;
      brQuality = Math.min(brQuality, x.quality);
    }
  }
  return { files: files.length, raw, gz, ...(br ? { br: brBytes, brQuality } : {}) };
}

const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));

const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: timed out after ${ms / 1000}s`)), ms).unref())]);

// ---------------------------------------------------------------------------------------------
// steps

function prepareSite(name, spec, dir, res) {
  const share = fetchDebianDocs(dir, log);
  const corpusDir = path.join(dir, 'corpus');
  copySite(share, corpusDir);
  const pages = readSite(corpusDir);
  const judgments = readSiteJudgments(path.join(BENCH, spec.judgments));
  checkJudgments(pages, judgments);
  const known = knownItemSiteQueries(pages);
  // Warm-up: headings the timed list also holds would be cached; take other words of the site.
  const warmup = ['软件包', '配置', '内核', '网络', '安装', 'Debian', '文件', '系统', '用户', '命令'];
  const input = { kind: 'site', pages, known, siteJudgments: judgments, substrings: [], warmup };
  input.latency = [...judgments.map((j) => j.query), ...known.map((k) => k.query)];
  fs.writeFileSync(path.join(dir, 'input.json'), JSON.stringify(input));
  const chars = pages.reduce((a, p) => a + p.sections.reduce((b, s) => b + [...s.title].length + [...s.text].length, 0), 0);
  const corpusBytes = walk(corpusDir).reduce((a, f) => a + fs.statSync(f).size, 0);
  res.corpus = { name, kind: 'site', docs: pages.length, sections: pages.reduce((a, p) => a + p.sections.length, 0), chars, corpusDir: path.relative(ROOT, corpusDir), corpusBytes };
  res.queries = {
    judged: judgments.length,
    known: known.length,
    knownTitles: known.filter((k) => k.kind === 'title').length,
    knownHeadings: known.filter((k) => k.kind === 'heading').length,
    substrings: 0,
    latency: input.latency.length,
    warmup: warmup.length,
    first: spec.first,
  };
  return { input, corpusDir };
}

function prepare(name, spec, dir, res) {
  if (spec.kind === 'site') return prepareSite(name, spec, dir, res);
  let docs;
  let corpusDir;
  if (spec.kind === 'seeds') {
    corpusDir = path.join(ROOT, 'seeds');
    docs = dumpPassages({ root: ROOT, corpusDir, targetDir: TARGET, timeoutMs: BUILD_TIMEOUT_S * 1000, log });
  } else {
    const p = loadPoems(spec.limit);
    docs = p.docs;
    corpusDir = path.join(dir, 'corpus');
    writePoemCorpus(corpusDir, p.files);
  }
  const t2s = OpenCC.Converter({ from: 't', to: 'cn' });
  const input = {
    kind: spec.kind,
    docs,
    substrings: substringQueries(docs, N_SUBSTRINGS, SEED + 1),
    warmup: substringQueries(docs, 20, SEED + 2).map((s) => s.query),
  };
  if (spec.kind === 'seeds') input.judgments = readJudgments(path.join(ROOT, 'tests/queries.tsv'));
  else {
    input.known = knownItemQueries(docs, N_KNOWN, SEED, t2s);
    // How many different poems hold the fragment: above 1, no engine can know which one the
    // reader meant (a line quoted in several poems, a source note like 景德傳燈錄).
    for (const k of input.known) k.sharedBy = new Set(containing(docs, k.original).map((id) => poemKey(docs[id]))).size;
  }
  input.latency = [
    ...(input.judgments ?? []).map((j) => j.query),
    ...(input.known ?? []).map((k) => k.query),
    ...input.substrings.map((s) => s.query),
  ];
  fs.writeFileSync(path.join(dir, 'input.json'), JSON.stringify(input));
  const chars = docs.reduce((a, d) => a + [...d.title].length + [...d.text].length, 0);
  const corpusBytes = walk(corpusDir).reduce((a, f) => a + fs.statSync(f).size, 0);
  res.corpus = { name, kind: spec.kind, docs: docs.length, chars, corpusDir: path.relative(ROOT, corpusDir), corpusBytes };
  res.queries = {
    judged: input.judgments?.length ?? 0,
    known: input.known?.length ?? 0,
    knownSimplified: input.known?.filter((k) => k.script === 'simplified').length ?? 0,
    substrings: input.substrings.length,
    latency: input.latency.length,
    warmup: input.warmup.length,
    first: spec.first,
  };
  return { input, corpusDir };
}

/** The indexer CLI of this checkout (make cli, built once by the warm-up into TARGET). */
const ZH_CLI = path.join(TARGET, 'release/zh-search');

/** Builds the indexer CLI (the engine modules inside it) once: not part of any timed build. */
function buildZhCli() {
  run('make', ['--no-print-directory', 'cli'], { env: { CARGO_TARGET_DIR: TARGET } });
}

/**
 * zh-search's folder for one corpus, built the way a site owner builds it: `zh-search index
 * <corpus> --out <distDir>` (what `ZH_SEARCH_SEEDS=<corpus> make dist DIST=<distDir>` runs),
 * under /usr/bin/time -v (report in `timeFile`): indexing only, nothing compiled. Every
 * zh-search build of the bench goes through here. Returns the parsed report.
 */
export function buildZhDist(corpusDir, distDir, timeFile) {
  retire(distDir);
  fs.mkdirSync(path.dirname(distDir), { recursive: true });
  fs.mkdirSync(path.dirname(timeFile), { recursive: true });
  fs.rmSync(timeFile, { force: true });
  if (!fs.existsSync(ZH_CLI)) buildZhCli();
  run('/usr/bin/time', ['-v', '-o', timeFile, 'timeout', '--kill-after=10', String(BUILD_TIMEOUT_S),
    ZH_CLI, 'index', path.resolve(corpusDir), '--out', distDir]);
  return parseTime(timeFile);
}

/** The files of a zh-search folder a reader's browser may fetch (not the example page, types, docs). */
const zhRuntimeFiles = (site) => walk(site).filter((f) => !/\.(d\.ts|md|html|css|svg)$/.test(f) && path.basename(f) !== '__mark');

function buildZh(corpusDir, dir, res) {
  const site = path.join(dir, 'site/zh');
  const timeFile = path.join(dir, 'stats/dist.time');
  try {
    buildZhDist(corpusDir, site, timeFile);
  } finally {
    // Record what was measured even when the build failed (time -v still writes its report).
    const t = fs.existsSync(timeFile) ? parseTime(timeFile) : null;
    res.build.zh = {
      parts: t ? { dist: t } : {},
      seconds: t?.seconds ?? NaN,
      maxRssKB: t?.maxRssKB ?? NaN,
      failed: !(t?.exit === 0 && fs.existsSync(site)),
    };
  }
  // The bench page takes index.html; the folder's example page stays beside it.
  if (fs.existsSync(path.join(site, 'index.html'))) fs.renameSync(path.join(site, 'index.html'), path.join(site, 'example.html'));
  const files = zhRuntimeFiles(site);
  res.size.zh = {
    wasm: sizeOf(files.filter((f) => f.endsWith('.wasm')), { br: true }),
    total: sizeOf(files),
  };
}

/**
 * Re-index the seeds after a content edit (one line appended to a copy of one seed file): the
 * time and peak memory of the second build of the same folder, what a site owner waits for.
 */
function reindexSeeds(res) {
  const dir = path.join(WORK, 'reindex');
  const corpus = path.join(dir, 'corpus');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'seeds'), corpus, { recursive: true });
  buildZhDist(corpus, path.join(dir, 'site'), path.join(dir, 'first.time'));
  const seed = walk(corpus).filter((f) => /\.(txt|md)$/.test(f)).sort()[0];
  if (!seed) throw new Error(`no seed text in ${corpus}`);
  fs.appendFileSync(seed, '\n\n重新索引的测试：这一行是新加的。\n');
  const t = buildZhDist(corpus, path.join(dir, 'site'), path.join(dir, 'edit.time'));
  res.reindex = { seconds: t.seconds, maxRssKB: t.maxRssKB, edited: path.relative(dir, seed) };
}

function buildPagefind(input, corpusDir, dir, res) {
  const { docs } = input;
  // A site is indexed as it stands (its own pages, as a new user would point Pagefind at it).
  const src = input.kind === 'site' ? corpusDir : path.join(dir, 'pf-src');
  if (input.kind !== 'site') writePagefindSource(src, docs);
  const expected = input.kind === 'site' ? input.pages.length : docs.length;
  const out = path.join(dir, 'site/pf/pagefind');
  retire(out);
  const bin = pagefindBinary();
  const timeFile = path.join(dir, 'stats/pagefind.time');
  fs.mkdirSync(path.dirname(timeFile), { recursive: true });
  const r = run('/usr/bin/time', ['-v', '-o', timeFile, 'timeout', '--kill-after=10', String(BUILD_TIMEOUT_S),
    bin.path, '--site', src, '--output-path', out, '--force-language', PAGEFIND_LANG]);
  const t = parseTime(timeFile);
  const words = /Indexed (\d+) words/.exec(r.stdout);
  const pages = /Indexed (\d+) pages/.exec(r.stdout);
  res.build.pf = { seconds: t.seconds, maxRssKB: t.maxRssKB, extended: bin.extended, words: words && Number(words[1]), pages: pages && Number(pages[1]) };
  if (pages && Number(pages[1]) !== expected) throw new Error(`pagefind indexed ${pages[1]} pages, expected ${expected}`);
  // What the UI-less API can download: pagefind.js, its worker, entry, wasm, meta, index, fragments.
  const api = walk(out).filter((f) => !/pagefind-(component-ui|modular-ui|ui|highlight)\.(js|css)$/.test(f));
  res.size.pf = { total: sizeOf(api) };
}

/**
 * Pagefind result id (page hash) -> document id, read from the fragment files (a site: -> the
 * page's URL).
 */
function pagefindIds(dir, site = false) {
  const map = new Map();
  const fragDir = path.join(dir, 'site/pf/pagefind/fragment');
  for (const f of fs.readdirSync(fragDir)) {
    let b = fs.readFileSync(path.join(fragDir, f));
    if (b[0] === 0x1f && b[1] === 0x8b) b = zlib.gunzipSync(b);
    let s = b.toString('utf8');
    if (s.startsWith('pagefind_dcd')) s = s.slice('pagefind_dcd'.length);
    const j = JSON.parse(s);
    const hash = f.replace(/\.pf_fragment$/, '');
    const add = (h, frag) => {
      if (site) {
        if (typeof frag?.url !== 'string') throw new Error(`pagefind fragment ${h} has no url`);
        return map.set(h, frag.url);
      }
      const id = Number(frag?.meta?.passage);
      if (!Number.isInteger(id)) throw new Error(`pagefind fragment ${h} has no passage meta`);
      map.set(h, id);
    };
    if (typeof j.url === 'string' && j.meta) add(hash, j);
    else for (const [h, frag] of Object.entries(j)) add(h, frag);
  }
  return map;
}

function buildFlex(docs, dir, res) {
  const site = path.join(dir, 'site/flex');
  writeFlexSite(site, docs);
  const timeFile = path.join(dir, 'stats/flex.time');
  const r = run('/usr/bin/time', ['-v', '-o', timeFile, 'timeout', '--kill-after=10', String(BUILD_TIMEOUT_S),
    process.execPath, '--max-old-space-size=16384', path.join(BENCH, 'flex-build.mjs'), path.join(site, 'docs.json')]);
  const t = parseTime(timeFile);
  const j = JSON.parse(r.stdout.trim().split('\n').pop());
  res.build.flex = { seconds: j.indexMs / 1000, processSeconds: t.seconds, maxRssKB: t.maxRssKB, heapMB: j.heapMB };
  res.size.flex = {
    total: sizeOf([path.join(site, 'flexsearch.bundle.module.min.mjs'), path.join(site, 'docs.json')]),
  };
}

function nodeEval(engine, dir, res) {
  run(process.execPath, ['--max-old-space-size=16384', path.join(BENCH, 'node-eval.mjs'), engine, dir], { timeoutS: 1200 });
  res.node[engine] = JSON.parse(fs.readFileSync(path.join(dir, `node-${engine}.json`), 'utf8'));
}

async function browserEval(browser, dir, spec, input, res) {
  const server = await startBenchServer(path.join(dir, 'site'));
  try {
    const idmap = fs.existsSync(path.join(dir, 'site/pf/pagefind')) ? pagefindIds(dir, input.kind === 'site') : null;
    for (const engine of ENGINES) {
      if (!fs.existsSync(path.join(dir, 'site', engine))) continue;
      if (engine === 'zh' && !fs.existsSync(path.join(dir, 'site/zh/zh-search.js'))) continue;
      if (engine === 'pf' && !idmap) continue;
      if (engine === 'flex' && !fs.existsSync(path.join(dir, 'site/flex/docs.json'))) continue;
      const out = (res.browser[engine] = { problems: [] });
      try {
        await browserEngine(browser, server, engine, spec, input, out, idmap);
      } catch (e) {
        out.error = e.message.split('\n')[0];
        res.errors.push(`browser ${engine}: ${e.message}`);
        log(`browser ${engine} failed: ${e.message}`);
      }
      try {
        log(`${engine}: bytes on the wire (tools/serve.mjs, gzip on and off)`);
        out.wire = await measureWire(browser, path.join(dir, 'site'), engine, {
          first: spec.wire, runs: FIRST_RUNS, queries: nextQueryList(spec, input), problems: out.problems,
        });
      } catch (e) {
        res.errors.push(`browser ${engine}, wire: ${e.message}`);
        log(`browser ${engine} wire failed: ${e.message}`);
      }
      out.problems = [...new Set(out.problems)];
    }
  } finally {
    await server.close();
  }
}

/**
 * The queries a reader types one after another once the first result is shown (each next query
 * brings new terms): the corpus's list file, else its judged queries.
 */
function nextQueryList(spec, input) {
  if (spec.next) {
    return fs.readFileSync(path.join(BENCH, spec.next), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  }
  return [...new Set((input.judgments ?? input.siteJudgments ?? []).map((j) => j.query))];
}

async function newPage(browser, problems) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message.slice(0, 300)}`));
  page.on('crash', () => problems.push('page crashed'));
  return { context, page };
}

async function browserEngine(browser, server, engine, spec, input, out, idmap) {
  // 1. Cold loads: navigation -> first result rendered; bytes the server sent until then.
  out.first = [];
  for (let i = 0; i < FIRST_RUNS; i++) {
    const q = spec.first[i % spec.first.length];
    const { context, page } = await newPage(browser, out.problems);
    try {
      server.reset();
      await page.goto(`${server.url}/${engine}/?q=${encodeURIComponent(q)}`, { timeout: 60_000 });
      await page.waitForFunction(() => window.__first !== undefined, null, { timeout: 300_000, polling: 50 });
      const { ms, count } = await page.evaluate(() => ({ ms: window.__first, count: window.__count }));
      const until = Date.now() + 10_000;
      while (!server.log.some((e) => e.mark) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const c = server.countUntilMark();
      if (!c.marked) throw new Error('the page never called /__mark');
      const missing = c.files.filter((f) => f.status === 404).map((f) => f.path);
      if (missing.length) out.problems.push(`404: ${missing.slice(0, 5).join(', ')}`);
      out.first.push({ query: q, ms, results: count, bytes: c.bytes, requests: c.requests });
    } finally {
      await context.close();
    }
  }
  const med = (k) => latencySummary(out.first.map((f) => f[k])).median;
  out.firstMs = med('ms');
  out.firstBytes = med('bytes');
  out.firstRequests = med('requests');

  // 2. Latency per query (top 10 rendered to data), in sessions of SESSION queries: a fresh page,
  // WARMUP warm-up queries, then each query timed once. (Pagefind's search gets slower as a
  // session loads more index chunks; a few dozen queries is what a reader types.) Pagefind's full
  // result list is read after the timer stops and scored like the others'.
  const collect = engine === 'pf';
  const ms = [];
  const again = [];
  const lists = [];
  for (let at = 0; at < input.latency.length; at += SESSION) {
    const qs = input.latency.slice(at, at + SESSION);
    const { context, page } = await newPage(browser, out.problems);
    try {
      await page.goto(`${server.url}/${engine}/`, { timeout: 60_000 });
      await page.waitForFunction(() => window.bench !== undefined, null, { timeout: 300_000, polling: 50 });
      await withTimeout(page.evaluate(() => window.bench.ready), 300_000, `${engine} ready`);
      await page.waitForTimeout(THINK_MS);
      if (at === 0) {
        out.isolated = await page.evaluate(() => window.crossOriginIsolated);
        if (!out.isolated) out.problems.push('page not cross-origin isolated: performance.now() is coarsened to 100 µs');
        if (engine === 'flex') out.indexMs = await page.evaluate(() => window.__indexMs);
      }
      const r = await withTimeout(
        page.evaluate(async ({ warmup, qs, collect, site }) => {
          for (const q of warmup) await window.bench.timed(q);
          const ms = [];
          const lists = [];
          for (const q of qs) {
            const t = performance.now();
            await window.bench.timed(q);
            ms.push(performance.now() - t);
            if (collect) lists.push(site ? { ids: window.bench.lastIds(), sections: await window.bench.lastSections() } : window.bench.lastIds());
          }
          // The same queries again: everything they read is loaded by now (shards, chunks).
          const again = [];
          for (const q of qs) {
            const t = performance.now();
            await window.bench.timed(q);
            again.push(performance.now() - t);
          }
          return { ms, again, lists };
        }, { warmup: input.warmup.slice(0, WARMUP), qs, collect, site: input.kind === 'site' }),
        600_000,
        `${engine} latency`,
      );
      ms.push(...r.ms);
      again.push(...r.again);
      lists.push(...r.lists);
    } finally {
      await context.close();
    }
  }
  out.latency = { ...latencySummary(ms), session: SESSION, warmup: WARMUP, thinkMs: THINK_MS };
  out.latencyCached = latencySummary(again);
  if (collect && input.kind === 'site') {
    Object.assign(out, await pagefindSiteQuality(input, new Map(input.latency.map((q, i) => [q, lists[i]])), idmap));
  } else if (collect) {
    const byQuery = new Map(input.latency.map((q, i) => [q, lists[i]]));
    let unknown = 0;
    const rank = (q) =>
      dedupe(
        byQuery.get(q).map((h) => {
          const id = idmap.get(h);
          if (id === undefined) unknown++;
          return id ?? -1;
        }),
      );
    const { docs } = input;
    if (input.judgments) out.judged = await judged(docs, input.judgments, rank);
    if (input.known) out.known = await knownItem(docs, input.known, rank, poemKey);
    out.substrings = await substringRecall(docs, input.substrings, rank);
    if (unknown) out.problems.push(`${unknown} Pagefind results without a known fragment`);
  }
  out.problems = [...new Set(out.problems)];
}

/**
 * Pagefind on a site, judged on links like zh-search: pages in Pagefind's order (all results,
 * page hashes mapped to URLs); sections = the top 10 pages' sub_results, each page's ordered by
 * how many query words they hold (what Pagefind's UI picks to show), URL + #anchor as Pagefind
 * links them (sub_results without anchor: the page's top).
 */
async function pagefindSiteQuality(input, byQuery, idmap) {
  const toSection = sectionMapper(input.pages);
  const got = (q) => {
    const x = byQuery.get(q);
    if (!x) throw new Error(`no Pagefind results recorded for ${q}`);
    return x;
  };
  const rankPages = (q) => got(q).ids.map((h) => idmap.get(h) ?? `?${h}`);
  // pagefind.js links pages relative to the folder above its bundle: /pf/<page> on the bench
  // server, /<page> in the fragments.
  const pageUrl = (u) => u.replace(/^\/pf\//, '/');
  const ordered = (q) =>
    got(q).sections.flatMap((p) => [...p.subs].sort((a, b) => b.n - a.n).map((s) => ({ url: pageUrl(s.url), anchor: s.anchor, text: s.text })));
  const rankSections = (q) => ordered(q).map((s) => linkKey(s.url, s.anchor));
  const rankMapped = (q) => ordered(q).map((s) => toSection(s.url, s.anchor, s.text));
  const subs = [...byQuery.values()].flatMap((x) => x.sections.flatMap((p) => p.subs));
  return {
    subResults: { n: subs.length, anchored: subs.filter((x) => x.anchor).length },
    known: await siteKnownItem(input.known, rankPages, rankSections),
    judged: await siteJudged(input.pages, input.siteJudgments, rankMapped),
  };
}

// Queries for `cargo bench` on the poems: the first-result queries, known-item fragments in both
// scripts, several terms, pinyin, and one very common character.
const NATIVE_POEM_QUERIES = ['明月', '春風', '白雲', '床前明月光', '春眠不覺曉', '白日依山尽 黄河', 'chuang qian', '之'];

// `cargo bench --bench engine` over the seeds, and over the 57k poems when that corpus was run.
function nativeBench(errors, corpusDirs) {
  if (process.env.BENCH_NATIVE === '0') return null;
  if (!fs.existsSync(path.join(ROOT, 'benches/engine.rs'))) return null;
  const runs = [{ corpus: 'seeds', env: { ZH_SEARCH_SEEDS: '' } }];
  if (corpusDirs['poems-57k']) {
    const queries = path.join(WORK, 'poems-57k', 'native-queries.txt');
    fs.writeFileSync(queries, NATIVE_POEM_QUERIES.join('\n') + '\n');
    runs.push({ corpus: 'poems-57k', env: { ZH_SEARCH_SEEDS: corpusDirs['poems-57k'], ZH_SEARCH_BENCH_QUERIES: queries } });
  }
  return runs.map(({ corpus, env }) => {
    log(`cargo bench --bench engine -- --noplot (${corpus})`);
    try {
      const r = run('cargo', ['bench', '--bench', 'engine', '--', '--noplot'], { timeoutS: 1200, env: { CARGO_TARGET_DIR: TARGET, ...env } });
      const lines = r.stdout.split('\n');
      const summary = [];
      let name = '';
      for (const l of lines) {
        if (/time:\s+\[/.test(l)) {
          const lead = l.split('time:')[0].trim();
          summary.push(`${lead || name} time: ${l.split('time:')[1].trim()}`);
        } else if (/thrpt:\s+\[/.test(l)) summary.push(`${name} thrpt: ${l.split('thrpt:')[1].trim()}`);
        else if (l.trim() && !/^\s/.test(l) && !/^(Benchmarking|Found|Gnuplot|change|No change|Performance|Change)/.test(l)) name = l.trim();
      }
      return { corpus, summary };
    } catch (e) {
      errors.push(`cargo bench (${corpus}): ${e.message}`);
      return { corpus, error: e.message.split('\n')[0] };
    }
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CORPORA);
  for (const n of names) if (!CORPORA[n]) throw new Error(`unknown corpus ${n} (known: ${Object.keys(CORPORA).join(' ')})`);
  fs.mkdirSync(WORK, { recursive: true });
  if (emptyTrash()) {
    log('waiting 35 s: the file system has just deleted the folders an earlier run left (lib/trash.mjs)');
    await new Promise((r) => setTimeout(r, 35_000));
  }
  const env = environment(ROOT);
  log(`corpora: ${names.join(' ')}`);

  // Build the indexer CLI once (make cli: the engine modules inside it), so that each corpus's
  // measured build is what a site owner runs: zh-search index, which compiles nothing.
  const warm = path.join(WORK, 'warm');
  fs.mkdirSync(path.join(warm, 'corpus'), { recursive: true });
  fs.writeFileSync(path.join(warm, 'corpus/warm.md'), '## 预热\n\n这是一个用于预热构建的小语料。\n');
  let warmError = null;
  try {
    log('warm-up: make cli (the engine modules and the indexer CLI of this checkout)');
    buildZhCli();
    buildZhDist(path.join(warm, 'corpus'), path.join(warm, 'site'), path.join(warm, 'stats/dist.time'));
  } catch (e) {
    warmError = e.message;
    log(`warm-up build failed: ${e.message}`);
  }

  let browser = await launch();
  const all = [];
  const corpusDirs = {};
  try {
    for (const name of names) {
      const spec = CORPORA[name];
      const dir = path.join(WORK, name);
      fs.mkdirSync(dir, { recursive: true });
      retire(path.join(dir, 'site'));
      const res = { name, started: new Date().toISOString(), build: {}, size: {}, node: {}, browser: {}, errors: [] };
      const step = async (what, fn) => {
        const t = Date.now();
        log(`${name}: ${what}`);
        try {
          await fn();
          return true;
        } catch (e) {
          res.errors.push(`${what}: ${e.message}`);
          log(`${name}: ${what} FAILED: ${e.message}`);
          return false;
        } finally {
          log(`${name}: ${what} done in ${((Date.now() - t) / 1000).toFixed(1)}s`);
        }
      };
      let prepared = null;
      if (await step('prepare documents and queries', () => (prepared = prepare(name, spec, dir, res)))) {
        const { input, corpusDir } = prepared;
        corpusDirs[name] = corpusDir;
        const zhOk = await step('build zh-search', () => buildZh(corpusDir, dir, res));
        if (name === 'seeds' && zhOk) await step('re-index the seeds after an edit', () => reindexSeeds(res));
        await step('build Pagefind', () => buildPagefind(input, corpusDir, dir, res));
        if (spec.kind !== 'site') await step('build FlexSearch', () => buildFlex(input.docs, dir, res));
        writePages(path.join(dir, 'site'));
        if (!zhOk) fs.rmSync(path.join(dir, 'site/zh'), { recursive: true, force: true });
        if (zhOk) await step('Node: zh-search', () => nodeEval('zh', dir, res));
        if (res.build.flex) await step('Node: FlexSearch', () => nodeEval('flex', dir, res));
        await step('Chromium: all engines', async () => {
          if (!browser.isConnected()) browser = await launch();
          await browserEval(browser, dir, spec, input, res);
        });
      }
      res.finished = new Date().toISOString();
      fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(res, null, 1));
      all.push(res);
    }
  } finally {
    await browser.close();
  }
  emptyTrash();
  const nativeErrors = [];
  const native = nativeBench(nativeErrors, corpusDirs);
  if (native) native.errors = nativeErrors;
  env.seconds = (Date.now() - t0) / 1000;
  if (warmError) env.warmError = warmError;
  fs.writeFileSync(path.join(WORK, 'run.json'), JSON.stringify({ env, native }, null, 1));
  const md = report(env, all, native);
  fs.writeFileSync(path.join(BENCH, 'RESULTS.md'), md);
  console.log(md);
  log(`wrote bench/RESULTS.md in ${env.seconds.toFixed(0)}s`);
  if (all.some((r) => r.errors.length)) log('some steps failed: see "Problems" in bench/RESULTS.md');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
