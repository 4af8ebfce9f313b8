#!/usr/bin/env node
// Render bench/RESULTS.md from bench/work/<corpus>/results.json (bench.mjs calls report() at the
// end of a run; `node bench/report.mjs` re-renders from the last run's files).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const BENCH = path.dirname(fileURLToPath(import.meta.url));

const sh = (cmd, args, cwd) => {
  try {
    const r = spawnSync(cmd, args, { encoding: 'utf8', cwd, timeout: 30_000 });
    return (r.stdout || r.stderr || '').trim().split('\n')[0] || '?';
  } catch {
    return '?';
  }
};
/** Version of an installed npm package (read from its package.json, whatever its "exports"). */
const pkgVersion = (name) => {
  try {
    return require(`${name}/package.json`).version;
  } catch {}
  try {
    let dir = path.dirname(require.resolve(name));
    for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const f = path.join(dir, 'package.json');
      if (fs.existsSync(f)) {
        const j = JSON.parse(fs.readFileSync(f, 'utf8'));
        if (j.name === name) return j.version;
      }
    }
  } catch {}
  return '?';
};

export function environment(root) {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? os.cpus()[0]?.model ?? '?';
  const memKB = Number((fs.readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s+(\d+)/m) ?? [])[1] ?? 0);
  let debian = '?';
  try {
    debian = fs.readFileSync('/etc/debian_version', 'utf8').trim();
  } catch {}
  const commit = sh('git', ['rev-parse', '--short', 'HEAD'], root);
  const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'build.rs', 'Cargo.toml', 'Cargo.lock', 'www'], root);
  let pagefind = '?';
  try {
    const dir = path.dirname(require.resolve(`@pagefind/${process.platform}-${process.arch}/package.json`));
    const bin = ['pagefind_extended', 'pagefind'].map((b) => path.join(dir, 'bin', b)).find((f) => fs.existsSync(f));
    pagefind = `${sh(bin, ['--version'])} (${path.basename(bin)} from npm @pagefind/${process.platform}-${process.arch} ${pkgVersion(`@pagefind/${process.platform}-${process.arch}`)})`;
  } catch {}
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: {
      cpu,
      nproc: os.availableParallelism?.() ?? os.cpus().length,
      memGiB: (memKB / 2 ** 20).toFixed(1),
      os: `Debian ${debian}, Linux ${os.release()}`,
    },
    versions: {
      'zh-search': `${commit}${dirty && dirty !== '?' ? ' + uncommitted changes' : ''}`,
      rustc: sh('rustc', ['--version']),
      'wasm-bindgen': sh('wasm-bindgen', ['--version']),
      'wasm-opt': sh(path.join(root, 'node_modules/.bin/wasm-opt'), ['--version']),
      node: process.version,
      chromium: sh('/usr/bin/chromium', ['--version']),
      pagefind,
      flexsearch: pkgVersion('flexsearch'),
      'chinese-poetry': pkgVersion('chinese-poetry'),
      'opencc-js': pkgVersion('opencc-js'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// formatting

const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
const f = (x, d = 1) => (isNum(x) ? x.toFixed(d) : '—');
const ms = (x) => (isNum(x) ? (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0)) : '—');
const sec = (x) => (isNum(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '—');
const pct = (x) => (isNum(x) ? `${(100 * x).toFixed(1)}%` : '—');
const kb = (b) => (isNum(b) ? (b >= 10 * 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MB` : `${(b / 1024).toFixed(1)} KB`) : '—');
const mb = (k) => (isNum(k) && k > 0 ? `${(k / 1024).toFixed(0)} MB` : '—');
const ratio = (a, b) => {
  if (!isNum(a) || !isNum(b)) return '—';
  if (b === 0) return a === 0 ? '1' : '∞';
  const r = a / b;
  if (r === 0) return '0';
  if (r < 0.1) return `1/${(1 / r).toFixed(0)}`; // easier to read than 0.0015
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
};

function table(header, rows) {
  const out = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out.join('\n');
}

const NAMES = { zh: 'zh-search', pf: 'Pagefind', flex: 'FlexSearch' };

/** One metric row: values per engine (raw numbers), formatter, and ratio zh/peer. */
function row(label, vals, fmt) {
  const [z, p, x] = ['zh', 'pf', 'flex'].map((e) => vals[e]);
  return [label, fmt(z), fmt(p), fmt(x), ratio(z, p), ratio(z, x)];
}

function corpusSection(r) {
  const c = r.corpus ?? {};
  const b = r.browser ?? {};
  const n = r.node ?? {};
  const q = r.queries ?? {};
  const lines = [];
  const site = c.kind === 'site';
  const what = site ? `pages (${c.sections ?? '?'} anchored sections)` : c.kind === 'poems' ? 'poems' : 'passages';
  lines.push(`### ${r.name}: ${c.docs ?? '?'} ${what}, ${c.chars ?? '?'} characters`);
  lines.push('');
  const rows = [];
  // quality
  const quality = (e) => (e === 'pf' ? b.pf : n[e]);
  if (site) {
    const k = (e, sub, m) => (sub ? quality(e)?.known?.[sub]?.[m] : quality(e)?.known?.[m]);
    const kn = (sub, m) => ({ zh: k('zh', sub, m), pf: k('pf', sub, m) });
    rows.push(row(`Known-item S@1, every title and heading (${q.known})`, kn(null, 's1'), pct));
    rows.push(row('Known-item S@10', kn(null, 's10'), pct));
    rows.push(row(`  S@1, page titles → that page (${q.knownTitles})`, kn('title', 's1'), pct));
    rows.push(row(`  S@1, section headings → page#anchor (${q.knownHeadings})`, kn('heading', 's1'), pct));
    rows.push(row('  S@10, section headings', kn('heading', 's10'), pct));
    rows.push(row('  S@1, section headings → their page (anchor ignored)', kn('headingPage', 's1'), pct));
    const j = (e, m) => quality(e)?.judged?.[m];
    rows.push(row(`MRR@10, bench/debian-queries.tsv (${q.judged} queries)`, { zh: j('zh', 'mrr10'), pf: j('pf', 'mrr10') }, (x) => f(x, 3)));
    rows.push(row('S@1, bench/debian-queries.tsv', { zh: j('zh', 's1'), pf: j('pf', 's1') }, pct));
  } else if (q.judged) {
    rows.push(row(`MRR@10, tests/queries.tsv (${q.judged} queries)`, { zh: quality('zh')?.judged?.mrr10, pf: quality('pf')?.judged?.mrr10, flex: quality('flex')?.judged?.mrr10 }, (x) => f(x, 3)));
    rows.push(row('S@1, tests/queries.tsv', { zh: quality('zh')?.judged?.s1, pf: quality('pf')?.judged?.s1, flex: quality('flex')?.judged?.s1 }, pct));
  }
  if (!site && q.known) {
    const k = (e, sub, m) => (sub ? quality(e)?.known?.[sub]?.[m] : quality(e)?.known?.[m]);
    const kn = (sub, m) => ({ zh: k('zh', sub, m), pf: k('pf', sub, m), flex: k('flex', sub, m) });
    const nTrad = q.known - q.knownSimplified;
    rows.push(row(`Known-item S@1 (${q.known} line fragments)`, kn(null, 's1'), pct));
    rows.push(row('Known-item S@10', kn(null, 's10'), pct));
    rows.push(row(`  S@1, traditional queries (${nTrad})`, kn('traditional', 's1'), pct));
    rows.push(row(`  S@1, simplified queries (${q.knownSimplified})`, kn('simplified', 's1'), pct));
    const nId = quality('zh')?.known?.identifying?.n;
    if (nId !== undefined) {
      rows.push(row(`  S@1, fragments only their poem holds (${nId}; the others are in 2+ poems)`, kn('identifying', 's1'), pct));
    }
  }
  const sub = (e, m) => quality(e)?.substrings?.[m];
  if (!site) rows.push(row(`Substring recall (${q.substrings ?? '?'} substrings, 2–6 chars)`, { zh: sub('zh', 'recall'), pf: sub('pf', 'recall'), flex: sub('flex', 'recall') }, pct));
  if (!site) rows.push(row('  substrings with every match found', { zh: sub('zh', 'complete'), pf: sub('pf', 'complete'), flex: sub('flex', 'complete') }, pct));
  // cost
  const bd = r.build ?? {};
  // A failed build's partial figures are not comparable: the cell says "failed" (see the note).
  const buildRow = (label, get, fmt) => {
    const vals = {};
    for (const e of ['zh', 'pf', 'flex']) vals[e] = bd[e] && !bd[e].failed ? get(e) : undefined;
    const cells = row(label, vals, fmt);
    ['zh', 'pf', 'flex'].forEach((e, i) => {
      if (bd[e]?.failed) cells[i + 1] = 'failed';
    });
    return cells;
  };
  rows.push(buildRow('Build time (s)', (e) => bd[e]?.seconds, sec));
  rows.push(buildRow('Peak build memory (RSS)', (e) => bd[e]?.maxRssKB, mb));
  rows.push(row('Transfer before first result (gzip -9)', { zh: b.zh?.firstBytes, pf: b.pf?.firstBytes, flex: b.flex?.firstBytes }, kb));
  rows.push(row('  requests before first result', { zh: b.zh?.firstRequests, pf: b.pf?.firstRequests, flex: b.flex?.firstRequests }, (x) => f(x, 0)));
  rows.push(row('Navigation → first result (ms)', { zh: b.zh?.firstMs, pf: b.pf?.firstMs, flex: b.flex?.firstMs }, ms));
  const wire = (get) => ({ zh: get(b.zh?.wire), pf: get(b.pf?.wire), flex: get(b.flex?.wire) });
  const wq = b.zh?.wire?.gzip?.query ?? b.pf?.wire?.gzip?.query ?? '?';
  rows.push(row(`First-search transfer on the wire, gzip host (\`${wq}\`)`, wire((w) => w?.gzip?.bytes), kb));
  rows.push(row('  same, host that does not compress', wire((w) => w?.identity?.bytes), kb));
  rows.push(row('  requests before the first result', wire((w) => w?.gzip?.requests), (x) => f(x, 0)));
  rows.push(row('  navigation → first result, gzip host (ms)', wire((w) => w?.gzip?.ms), ms));
  rows.push(row('  navigation → first result, no compression (ms)', wire((w) => w?.identity?.ms), ms));
  const nq = b.zh?.wire?.next?.n ?? b.pf?.wire?.next?.n;
  if (nq) {
    const sessions = b.zh?.wire?.next?.sessions ?? b.pf?.wire?.next?.sessions ?? 1;
    const each = sessions > 1 ? `; each query's median of ${sessions} sessions` : '';
    rows.push(row(`Next query with new terms, median bytes (${nq} queries in a row${each})`, wire((w) => w?.next?.bytes?.median), kb));
    rows.push(row('  all of them together', wire((w) => w?.next?.totalBytes), kb));
    rows.push(row('  latency incl. fetches, p95 (ms)', wire((w) => w?.next?.latencyWithFetches?.p95), ms));
    rows.push(row('  latency, same queries again, p95 (ms)', wire((w) => w?.next?.latencyCached?.p95), ms));
  }
  rows.push(row('Query latency in page, median (ms)', { zh: b.zh?.latency?.median, pf: b.pf?.latency?.median, flex: b.flex?.latency?.median }, ms));
  rows.push(row('Query latency in page, p95 (ms)', { zh: b.zh?.latency?.p95, pf: b.pf?.latency?.p95, flex: b.flex?.latency?.p95 }, ms));
  rows.push(row('  same queries again (index loaded), median (ms)', { zh: b.zh?.latencyCached?.median, pf: b.pf?.latencyCached?.median, flex: b.flex?.latencyCached?.median }, ms));
  rows.push(row('  same queries again (index loaded), p95 (ms)', { zh: b.zh?.latencyCached?.p95, pf: b.pf?.latencyCached?.p95, flex: b.flex?.latencyCached?.p95 }, ms));
  rows.push(row('Query latency in Node, median (ms)', { zh: n.zh?.latency?.median, flex: n.flex?.latency?.median }, ms));
  rows.push(row('Query latency in Node, p95 (ms)', { zh: n.zh?.latency?.p95, flex: n.flex?.latency?.p95 }, ms));
  const s = r.size ?? {};
  rows.push(row('Search files on the server, raw', { zh: s.zh?.total?.raw, pf: s.pf?.total?.raw, flex: s.flex?.total?.raw }, kb));
  rows.push(row('Search files on the server, gzip -9', { zh: s.zh?.total?.gz, pf: s.pf?.total?.gz, flex: s.flex?.total?.gz }, kb));
  rows.push(row('  files', { zh: s.zh?.total?.files, pf: s.pf?.total?.files, flex: s.flex?.total?.files }, (x) => f(x, 0)));
  lines.push(table(['', 'zh-search', 'Pagefind', 'FlexSearch', 'zh ÷ Pagefind', 'zh ÷ FlexSearch'], rows));
  lines.push('');
  const notes = [];
  const w = s.zh?.wasm;
  if (w) notes.push(`zh-search wasm: ${kb(w.raw)} raw, ${kb(w.gz)} gzip -9, ${kb(w.br)} brotli -q ${w.brQuality}.`);
  const parts = bd.zh?.parts;
  if (bd.zh?.failed) notes.push(`zh-search build FAILED after ${sec(bd.zh.seconds)} s (peak ${mb(bd.zh.maxRssKB)}); see Problems.`);
  else if (parts?.dist) notes.push(`zh-search build: \`ZH_SEARCH_SEEDS=<corpus> make dist DIST=<dir>\` ${sec(parts.dist.seconds)} s (CPU ${sec(parts.dist.cpuSeconds)} s), peak ${mb(parts.dist.maxRssKB)}.`);
  else if (parts?.cargo) {
    notes.push(`zh-search build: cargo (build.rs index + crate) ${sec(parts.cargo.seconds)} s / ${mb(parts.cargo.maxRssKB)}` +
      (parts.pkg ? `, wasm-bindgen + wasm-opt ${sec(parts.pkg.seconds)} s / ${mb(parts.pkg.maxRssKB)}.` : '.'));
  }
  if (n.zh?.stats) notes.push(`zh-search index: ${n.zh.stats.passages} passages, ${n.zh.stats.terms} terms, ${kb(n.zh.stats.index_bytes)}; initSync in Node ${ms(n.zh.initMs)} ms.`);
  if (bd.pf) notes.push(`Pagefind: ${bd.pf.pages} pages, ${bd.pf.words} words indexed${bd.pf.extended ? ' (extended binary)' : ''}.`);
  if (bd.flex) notes.push(`FlexSearch build = indexing the documents in Node (${sec(bd.flex.seconds)} s; the page does the same at load, in ${ms(b.flex?.indexMs)} ms); memory = that Node process's peak RSS.`);
  if (site) notes.push('FlexSearch is not run on a site: it indexes strings, not HTML pages with anchors.');
  const subs = b.pf?.subResults;
  if (site && subs) notes.push(`Pagefind sub_results in the top 10 pages, over all queries: ${subs.n}, of which ${subs.anchored} link an anchor (the others link the page).`);
  if (site) {
    for (const e of ['zh', 'pf']) {
      const m = quality(e)?.known;
      if (!m?.misses?.length) continue;
      const shown = m.misses.slice(0, 8).map((x) => `\`${x.query}\` (${x.kind}, ${x.rank ? `#${x.rank}` : 'not in top 10'})`);
      notes.push(`${NAMES[e]} known-item misses: ${m.missCount} of ${m.n}; first ones: ${shown.join(', ')}.`);
    }
    for (const e of ['zh', 'pf']) {
      const m = quality(e)?.judged?.misses;
      if (m?.length) notes.push(`${NAMES[e]} judged queries not first: ${m.map((x) => `\`${x.query}\` (${x.rank ? `#${x.rank}` : '—'})`).join(', ')}.`);
    }
  }
  if (r.reindex) notes.push(`Re-index after an edit (a line appended to \`${r.reindex.edited}\`, same folder built again): ${sec(r.reindex.seconds)} s, peak ${mb(r.reindex.maxRssKB)}.`);
  const chromium = ['zh', 'pf', 'flex'].filter((e) => isNum(b[e]?.wire?.gzip?.chromiumBytes));
  if (chromium.length) {
    notes.push(`Chromium's own count of the first-search transfer (gzip host / no compression): ${chromium.map((e) => `${NAMES[e]} ${kb(b[e].wire.gzip.chromiumBytes)} / ${kb(b[e].wire.identity?.chromiumBytes)} in ${f(b[e].wire.gzip.chromiumRequests, 0)} requests`).join('; ')} (a dedicated worker's script counts 0 there).`);
  }
  const wz = b.zh?.wire?.gzip;
  if (wz?.files?.length) notes.push(`zh-search's requests before the first result (gzip host, first load): ${wz.files.map((x) => `\`${x.path}\` ${kb(x.bytes)}`).join(', ')}.`);
  if (b.zh?.first?.length) {
    notes.push(`First result: median of ${b.zh.first.length} cold loads with ${b.zh.first.map((x) => `\`${x.query}\``).join(', ')}.`);
  }
  if (notes.length) lines.push(notes.map((x) => `- ${x}`).join('\n'), '');
  return lines.join('\n');
}

function kindTable(r) {
  const src = { zh: r.node?.zh, pf: r.browser?.pf, flex: r.node?.flex };
  const kinds = [...new Set(Object.values(src).flatMap((x) => Object.keys(x?.judged?.byKind ?? {})))];
  if (!kinds.length) return '';
  const rows = kinds.map((k) => {
    const v = (e) => src[e]?.judged?.byKind?.[k]?.mrr10;
    const n = Object.values(src).find((x) => x?.judged?.byKind?.[k])?.judged.byKind[k].n;
    return row(`${k} (${n})`, { zh: v('zh'), pf: v('pf'), flex: v('flex') }, (x) => f(x, 3));
  });
  return `MRR@10 by query kind (${r.name}):\n\n${table(['kind', 'zh-search', 'Pagefind', 'FlexSearch', 'zh ÷ Pagefind', 'zh ÷ FlexSearch'], rows)}\n`;
}

function growthSection(results) {
  const poems = ['poems-1k', 'poems-10k', 'poems-57k'].map((n) => results.find((r) => r.name === n));
  if (poems.filter(Boolean).length < 2) return '';
  const flat = poems.map((r) => r?.browser?.zh?.wire?.gzip?.bytes);
  const metrics = [
    ['Build time (s)', (r, e) => (r?.build?.[e]?.failed ? undefined : r?.build?.[e]?.seconds), sec],
    ['Peak build memory', (r, e) => (r?.build?.[e]?.failed ? undefined : r?.build?.[e]?.maxRssKB), mb],
    ['First-search transfer, gzip host (wire)', (r, e) => r?.browser?.[e]?.wire?.gzip?.bytes, kb],
    ['First-search transfer, no compression (wire)', (r, e) => r?.browser?.[e]?.wire?.identity?.bytes, kb],
    ['Requests before first result (wire)', (r, e) => r?.browser?.[e]?.wire?.gzip?.requests, (x) => f(x, 0)],
    ['Next query with new terms, median bytes', (r, e) => r?.browser?.[e]?.wire?.next?.bytes?.median, kb],
    ['Transfer before first result (server log, gzip -9)', (r, e) => r?.browser?.[e]?.firstBytes, kb],
    ['Navigation → first result (ms)', (r, e) => r?.browser?.[e]?.firstMs, ms],
    ['Latency in page, p95 (ms)', (r, e) => r?.browser?.[e]?.latency?.p95, ms],
  ];
  const rows = [];
  for (const [label, get, fmt] of metrics) {
    for (const e of ['zh', 'pf', 'flex']) {
      const v = poems.map((r) => get(r, e));
      rows.push([label, NAMES[e], ...v.map(fmt), ratio(v[2], v[0]), ratio(v[2], v[1])]);
    }
  }
  const aim = 'The issue asks first-search transfer to stay nearly flat from 1k to 57k poems (the engine, the root, the shards of the query and the texts of the hits shown, none of which grows with the corpus but the root).';
  const zhGrowth = isNum(flat[0]) && isNum(flat[1]) ? ` zh-search, gzip host: ${flat.map(kb).join(' → ')}.` : '';
  return `## Growth with the corpus (Tang poems)\n\n${aim}${zhGrowth}\n\n${table(['measure', 'engine', '1k poems', '10k poems', '57k poems', '57k ÷ 1k', '57k ÷ 10k'], rows)}\n`;
}

// Issue 18's budgets (57k Tang poems unless the row names another corpus): what was measured
// then ("today"), the limit, how to read it from a corpus's results. Bytes are KiB as everywhere
// in this report.
const KIB = 1024;
const BUDGETS = [
  { figure: 'First-search transfer, gzip host, everything incl. page', today: '7.2 MB', limit: 150 * KIB, fmt: kb,
    get: (r, e) => r.browser?.[e]?.wire?.gzip?.bytes },
  { figure: 'same, host that does not compress', today: '~13 MB', limit: 250 * KIB, fmt: kb,
    get: (r, e) => r.browser?.[e]?.wire?.identity?.bytes },
  { figure: 'Each next query with new terms, median', today: '—', limit: 20 * KIB, fmt: kb,
    get: (r, e) => r.browser?.[e]?.wire?.next?.bytes?.median },
  { figure: 'Requests before the first result', today: '4', limit: 20, fmt: (x) => f(x, 0),
    get: (r, e) => r.browser?.[e]?.wire?.gzip?.requests },
  { figure: 'Navigation → first result, localhost (ms)', today: '575', limit: 400, fmt: ms,
    get: (r, e) => r.browser?.[e]?.wire?.gzip?.ms },
  { figure: 'Query latency in page, p95, shards cached (ms)', today: '0.94', limit: 2, fmt: ms,
    get: (r, e) => r.browser?.[e]?.latencyCached?.p95 },
  { figure: 'Query latency in page, p95, including fetches (ms)', today: '—', limit: 50, fmt: ms,
    get: (r, e) => r.browser?.[e]?.wire?.next?.latencyWithFetches?.p95 },
  { figure: 'Known-item S@1 (unchanged)', today: '95.5%', limit: 0.955, atLeast: true, fmt: pct,
    get: (r, e) => (e === 'pf' ? r.browser?.pf : r.node?.[e])?.known?.s1 },
  { figure: 'Substring recall (unchanged)', today: '100%', limit: 1, atLeast: true, fmt: pct,
    get: (r, e) => (e === 'pf' ? r.browser?.pf : r.node?.[e])?.substrings?.recall },
  { figure: 'Index build (s; zh-search: `make dist`, compiles today)', today: '16.5', limit: 15, fmt: sec,
    get: (r, e) => (r.build?.[e]?.failed ? undefined : r.build?.[e]?.seconds) },
  { figure: 'Index build, peak memory', today: '384 MB', limit: 1024 * 1024, fmt: mb,
    get: (r, e) => (r.build?.[e]?.failed ? undefined : r.build?.[e]?.maxRssKB) },
  { figure: 'Re-index the seeds after an edit (s)', corpus: 'seeds', today: '12.5', limit: 1, fmt: sec,
    get: (r, e) => (e === 'zh' ? r.reindex?.seconds : undefined) },
  { figure: 'Seeds first-search transfer, gzip host (not larger)', corpus: 'seeds', today: '98 KB', limit: 98 * KIB, fmt: kb,
    get: (r, e) => r.browser?.[e]?.wire?.gzip?.bytes },
];

function budgetSection(results) {
  const by = (n) => results.find((r) => r.name === n);
  const rows = [];
  const stand = [];
  for (const b of BUDGETS) {
    const wanted = b.corpus ?? 'poems-57k';
    // Without the 57k poems in this run, the largest poems corpus run is shown, not judged.
    const r = by(wanted) ?? (b.corpus ? null : ['poems-10k', 'poems-1k'].map(by).find(Boolean));
    const vals = Object.fromEntries(['zh', 'pf', 'flex'].map((e) => [e, r ? b.get(r, e) : undefined]));
    const z = vals.zh;
    let verdict;
    if (!r) verdict = `not run (${wanted})`;
    else if (!isNum(z)) verdict = 'not measured';
    else if (r.name !== wanted) {
      verdict = `${r.name} only`;
      stand.push(r.name);
    } else verdict = (b.atLeast ? z >= b.limit : z <= b.limit) ? '**pass**' : '**FAIL**';
    rows.push([b.figure, r?.name ?? wanted, b.today, `${b.atLeast ? '≥' : '≤'} ${b.fmt(b.limit)}`, b.fmt(z), b.fmt(vals.pf), b.fmt(vals.flex), verdict]);
  }
  const note = stand.length
    ? `\nThe 57k poems were not in this run: rows marked "${[...new Set(stand)][0]} only" show that corpus's figure, not a verdict.\n`
    : '';
  return `## Issue 18 budgets\n\n57k Tang poems unless the corpus column says otherwise; "today" is the issue's figure, measured before the work; Pagefind and FlexSearch from the same run. Transfer = every byte the server sent (headers included, compressed when it compressed) from navigation to the first result in the DOM, each engine's folder served by tools/serve.mjs with gzip and without (see \"On the wire\" below; Chromium's own count is in each corpus's notes). A next query costing 0 bytes means the engine downloaded everything before the first result.\n\n${table(['figure', 'corpus', 'today', 'budget', 'zh-search', 'Pagefind', 'FlexSearch', 'zh-search verdict'], rows)}\n${note}`;
}

export function report(env, results, native) {
  const out = [];
  out.push('# zh-search vs Pagefind vs FlexSearch');
  out.push('');
  out.push(`Written by \`make bench\` (bench/bench.mjs) on ${env.date}; the run took ${env.seconds ? `${(env.seconds / 60).toFixed(1)} min` : '?'}.`);
  out.push('Every figure comes from the same run, on the same documents and the same queries; ratio columns are zh-search ÷ peer');
  out.push('(above 1 is better for zh-search on quality rows, worse on cost rows; `1/n` means n times smaller).');
  out.push('');
  out.push(`**Machine**: ${env.machine.cpu}, ${env.machine.nproc} cores, ${env.machine.memGiB} GiB memory, ${env.machine.os}.`);
  out.push('');
  out.push(`**Versions**: ${Object.entries(env.versions).map(([k, v]) => (v.toLowerCase().startsWith(k) ? v : `${k} ${v}`)).join('; ')}.`);
  out.push('');
  const nKnown = results.find((r) => r.queries?.known)?.queries.known ?? 200;
  const lat = results.map((r) => r.browser?.zh?.latency ?? r.browser?.pf?.latency).find(Boolean);
  const nWarm = lat?.warmup ?? 10;
  const think = lat?.thinkMs ?? 0;
  const session = lat?.session ?? 50;
  out.push(`## How it is measured

- **Documents.** seeds: the passages zh-search cuts \`seeds/*.txt\` into (dumped with \`cargo run --release --example search -- --passages --json\`); each peer gets one document per passage (title + text). Tang poems: npm \`chinese-poetry\`, \`dist/quantangshi/poet.tang.*.json\` (traditional script), the first 1,000 / 10,000 / all 57,607 in file order. zh-search indexes one Markdown file per JSON file (\`## title\`, the author, the lines; long poems become several passages); each peer gets one document per poem (title + author + lines). zh-search hits are mapped back to their poem.
- **zh-search**: the folder a site owner ships, \`ZH_SEARCH_SEEDS=<corpus> make dist DIST=<dir>\` (\`buildZhDist\` in bench.mjs: the indexer CLI, \`zh-search index <corpus> --out <dir>\`, which compiles nothing); the page uses the \`<zh-search>\` element from that folder. **Pagefind**: the npm package's \`pagefind_extended\` binary (Chinese segmentation) over one HTML page per document (\`lang="zh-cn"\`), searched through \`pagefind.js\` without UI: \`search(q)\`, then \`data()\` of the top 10. **FlexSearch**: \`new Index({ encoder: Charset.CJK, context: true })\` over title + text, built in the page from a \`docs.json\` that also supplies the result text.
- **Quality.** MRR@10 / S@1 on \`tests/queries.tsv\` (a hit is relevant when its title + text, whitespace removed, lower-cased, contains a marker). Known-item: ${nKnown} poems picked with a fixed-seed PRNG, a 4–7 character CJK run of one of their lines as the query, one in three converted to simplified script with opencc-js (t → cn); the poem (or a copy with the same lines: the collection has the same hymn under several titles) must come first (S@1) / in the top 10 (S@10). Substring recall: random 2–6 character CJK runs from random documents; recall = share of the documents containing the run that the engine returns (all results, up to 5,000). Queries are given to each engine as typed.
- **A real site (debian).** Debian's Chinese documentation: \`apt-get download debian-reference-zh-cn debian-faq-zh-cn maint-guide-zh-cn\`, \`dpkg -x\`, every HTML page under \`usr/share/\` (of the reference manual \`*.zh-cn.html\`), indexed as it stands by zh-search (\`ZH_SEARCH_SEEDS=<folder>\`) and by Pagefind (\`--site <folder> --force-language zh-cn\`). Known-item: one query per distinct page \`<title>\` and per distinct h1–h6 text, numbering removed (\`2.1.3. 软件包配置\` → \`软件包配置\`, \`第 2 章 …\` → \`…\`); right = that page (titles; any page with the same title) or that page#anchor (headings; any page#anchor with the same heading text). Links compared as the engines give them: zh-search hits' \`url\` + \`anchor\`; Pagefind's results (pages, in order) and, for sections, the top 10 pages' \`sub_results\` (\`url#anchor\`), each page's ordered by how many query words they hold (the ones Pagefind's UI shows). Judged: \`bench/debian-queries.tsv\`, 30 reader queries with the sections that answer them (a hit counts when it lies in a judged section or one of its subsections; hits are placed in a section by their anchor, else by their text).
- **Cost.** Build: wall time and peak RSS from \`/usr/bin/time -v\`, each into a fresh folder (what an earlier run wrote is moved aside and deleted after the last timed step: lib/trash.mjs) (zh-search: \`zh-search index\`, what \`make dist\` runs, the CLI built beforehand, and the seeds' folder built again after one line of a seed file changed (re-index); Pagefind: the CLI; FlexSearch: indexing in Node). Transfer: bytes the local server sent (gzip -9 where that is smaller, as a static host would serve them; Pagefind's chunks are already compressed) from navigation until the first result is in the DOM, cold cache, HTML page included. Latency: \`performance.now()\` around one search rendered to data (zh-search \`search(q, {limit: 10})\` with snippets; Pagefind \`search\` + 10 × \`data()\`, index chunks fetched from the local server as needed; FlexSearch \`search\` + the 10 documents), each query timed once, over the judged/known-item queries plus the substrings (then the session's queries timed again: "same queries again", everything they read loaded by then; the budget's "shards cached" row), in sessions of ${session} queries per page load, each session after ${think} ms of idle time once the engine is ready (the reader's pause before typing; zh-search's element warms up in it) and ${nWarm} warm-up queries (Pagefind's search slows down as a session loads more index chunks). Node: same queries, one process, after the warm-up.
- **On the wire** (bench/lib/wire.mjs). Each engine's folder served by \`tools/serve.mjs\`, the plain static server, once with gzip (\`Content-Encoding: gzip\` for .html/.js/.css/.json/.wasm/.bin; files stored gzip-compressed, like Pagefind's chunks, are sent as they are) and once without compression; bytes = what the server's sockets wrote for each response (status line, headers, body as sent), for every request from navigation until the page signals its first result in the DOM, whoever made it (page or Web Worker). Chromium's own count (CDP \`encodedDataLength\` via playwright-core) is recorded beside it and agrees to the byte, except that Chromium reports a dedicated worker's script as 0 bytes (Pagefind's \`pagefind-worker.js\`); median of ${results.find((r) => r.browser?.zh?.wire)?.browser.zh.wire.gzip?.runs ?? 3} cold loads (fresh browser context) per host. Then, in the first load's page, a list of queries one after another (\`bench/poem-queries.txt\` for the poems; the judged queries elsewhere), each given whole: bytes each downloaded (median), its latency including those fetches, and the same list again.
`);
  out.push(budgetSection(results));
  out.push('## Results per corpus');
  out.push('');
  for (const r of results) {
    out.push(corpusSection(r));
    const k = kindTable(r);
    if (k) out.push(k);
  }
  const g = growthSection(results);
  if (g) out.push(g);
  if (native) {
    out.push('## Native (cargo bench --bench engine)');
    out.push('');
    for (const run of native) {
      out.push(`### ${run.corpus}`, '');
      if (run.summary?.length) out.push('```', ...run.summary, '```');
      else out.push(`No summary lines${run.error ? `: ${run.error}` : ''}.`);
      out.push('');
    }
  }
  const problems = [];
  for (const r of results) {
    for (const e of r.errors ?? []) problems.push(`**${r.name}**: ${e.split('\n').slice(0, 6).join(' ⏎ ').slice(0, 600)}`);
    for (const [e, b] of Object.entries(r.browser ?? {})) for (const p of b?.problems ?? []) problems.push(`**${r.name}** ${NAMES[e]} page: ${p}`);
    for (const [e, x] of Object.entries(r.node ?? {})) if (x?.unmapped) problems.push(`**${r.name}** ${NAMES[e]}: ${x.unmapped} hits could not be mapped to a document`);
  }
  for (const e of native?.errors ?? []) problems.push(`**cargo bench**: ${e.split('\n')[0]}`);
  if (env.warmError) problems.push(`**warm-up build** (zh-search's dependencies): ${env.warmError.split('\n').slice(0, 4).join(' ⏎ ').slice(0, 600)}`);
  out.push('## Problems');
  out.push('');
  out.push(problems.length ? problems.map((p) => `- ${p}`).join('\n') : 'None.');
  out.push('');
  return out.join('\n');
}

// Re-render from the last run (its environment and native figures from bench/work/run.json when
// bench.mjs wrote one, so a re-render says what the run said).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.dirname(BENCH);
  const order = ['seeds', 'poems-1k', 'poems-10k', 'poems-57k', 'debian'];
  const results = order
    .map((n) => path.join(BENCH, 'work', n, 'results.json'))
    .filter((p) => fs.existsSync(p))
    .map((p) => JSON.parse(fs.readFileSync(p, 'utf8')));
  const runFile = path.join(BENCH, 'work', 'run.json');
  const run = fs.existsSync(runFile) ? JSON.parse(fs.readFileSync(runFile, 'utf8')) : null;
  const env = run?.env ?? environment(root);
  const md = report(env, results, run?.native ?? null);
  fs.writeFileSync(path.join(BENCH, 'RESULTS.md'), md);
  console.log(md);
}
