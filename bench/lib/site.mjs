// A real documentation site as a bench corpus: Debian's Chinese documentation (debian-reference,
// debian-faq and maint-guide, zh-cn), fetched with apt-get and unpacked with dpkg -x. Both
// engines index the same folder of HTML pages; their results are compared as links a reader
// would follow: page (URL) and section (URL + #anchor).
//
//   fetchDebianDocs(dir)     -> usr/share folder of the unpacked packages (cached in dir)
//   copySite(share, out)     -> the HTML pages of the three packages, same relative paths
//   readSite(dir)            -> pages: { url, title, headings: [{ level, text, anchor }], sections }
//   knownItemSiteQueries()   -> one query per distinct page title / heading text, numbering removed
//   readSiteJudgments(file)  -> bench/debian-queries.tsv
//   siteKnownItem / siteJudged: S@1/S@10 and MRR@10 from ranked links
//
// The HTML is read with regular expressions, which is enough for DocBook XSL's regular XHTML (and
// keeps the bench free of a parser dependency); it only serves to draw queries and judge links.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { squash } from './corpora.mjs';
import { readTsvJudgments } from './queries.mjs';
import { successRates } from './metrics.mjs';

export const DEBIAN_PACKAGES = ['debian-reference-zh-cn', 'debian-faq-zh-cn', 'maint-guide-zh-cn'];

/**
 * The packages' usr/share folder. BENCH_DEBIAN_DOCS=<usr/share of an earlier dpkg -x> reuses an
 * unpacked copy; otherwise `apt-get download` into dir/pkgs (kept between runs) and `dpkg -x`.
 */
export function fetchDebianDocs(dir, log = () => {}) {
  const given = process.env.BENCH_DEBIAN_DOCS;
  if (given) {
    if (!fs.existsSync(path.join(given, 'debian-reference'))) {
      throw new Error(`BENCH_DEBIAN_DOCS=${given} has no debian-reference/ folder (expected the usr/share of dpkg -x)`);
    }
    return given;
  }
  const pkgs = path.join(dir, 'pkgs');
  const share = path.join(pkgs, 'x/usr/share');
  fs.mkdirSync(pkgs, { recursive: true });
  const have = () => fs.readdirSync(pkgs).filter((f) => f.endsWith('.deb'));
  const missing = DEBIAN_PACKAGES.filter((p) => !have().some((f) => f.startsWith(`${p}_`)));
  if (missing.length) {
    log(`apt-get download ${missing.join(' ')}`);
    const r = spawnSync('apt-get', ['download', ...missing], { cwd: pkgs, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) {
      throw new Error(`apt-get download ${missing.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}): ` +
        `${(r.stderr || '').trim().split('\n').slice(-3).join(' ')}; run apt-get update, or set BENCH_DEBIAN_DOCS to an unpacked usr/share`);
    }
  }
  fs.rmSync(path.join(pkgs, 'x'), { recursive: true, force: true });
  for (const deb of have()) {
    const r = spawnSync('dpkg', ['-x', deb, 'x'], { cwd: pkgs, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dpkg -x ${deb}: ${r.stderr || r.error?.message}`);
  }
  return share;
}

const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));

/**
 * Copy the site's pages: every .html file below `share` (the reference manual ships other
 * languages' pages in some versions: of debian-reference/ only *.zh-cn.html). Same relative
 * paths, so both engines see the same URLs. Returns the number of pages.
 */
export function copySite(share, out) {
  fs.rmSync(out, { recursive: true, force: true });
  let n = 0;
  for (const f of walk(share)) {
    const rel = path.relative(share, f);
    if (!rel.endsWith('.html')) continue;
    if (rel.startsWith(`debian-reference${path.sep}`) && !rel.endsWith('.zh-cn.html')) continue;
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.copyFileSync(f, path.join(out, rel));
    n++;
  }
  if (!n) throw new Error(`no HTML page below ${share}`);
  return n;
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
export const decode = (s) =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
const text = (html) => decode(html.replace(/<[^>]*>/g, '')).replace(/\s+/gu, ' ').trim();

/**
 * The heading text a reader would type: numbering and chapter/appendix labels removed
 * (`2.1.3. 软件包配置` → `软件包配置`, `第 2 章 Debian 软件包管理` → `Debian 软件包管理`,
 * `附录 A. 附录` → `附录`, `A.1. …` → `…`).
 */
export function stripNumbering(s) {
  let t = s.replace(/\s+/gu, ' ').trim();
  t = t.replace(/^第\s*[0-9一二三四五六七八九十百]+\s*[章节部篇]\s*/u, '');
  t = t.replace(/^附录\s*[A-Z](?:\.[0-9]+)*\.?\s+/u, '');
  t = t.replace(/^(?:[0-9]+|[A-Z])(?:\.[0-9]+)*\.\s*/u, '');
  return t.trim();
}

/** Same path for both engines' links: no leading slash, percent-decoded, `index.html` dropped. */
export const normUrl = (u) => {
  let s = String(u ?? '').split('#')[0].replace(/^\/+/, '');
  try {
    s = decodeURI(s);
  } catch {}
  return s.replace(/(^|\/)index\.html$/, '$1');
};
export const linkKey = (url, anchor) => `${normUrl(url)}#${anchor ?? ''}`;

/**
 * Every page of the site: URL (relative path), <title>, its h1–h6 with text (anchor as zh-search
 * takes it: the heading's id, else the id or name of an element inside it), and its anchored
 * sections (text from one anchored heading to the next, for the judged queries). Script, style
 * and the head are left out of the text.
 */
export function readSite(dir) {
  const pages = [];
  for (const f of walk(dir).sort()) {
    if (!/\.html?$/i.test(f)) continue;
    const url = path.relative(dir, f).split(path.sep).join('/');
    const html = fs.readFileSync(f, 'utf8');
    const title = text((/<title[^>]*>([\s\S]*?)<\/title>/i.exec(html) ?? [])[1] ?? '');
    const body = html.replace(/<head[\s>][\s\S]*?<\/head>/i, '').replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '');
    const headings = [];
    const re = /<(h[1-6])\b([^>]*)>([\s\S]*?)<\/\1>/gi;
    let m;
    while ((m = re.exec(body))) {
      const t = text(m[3]);
      if (!t) continue;
      const own = /\bid="([^"]+)"/.exec(m[2]);
      const inner = /<[a-z][^>]*\b(?:id|name)="([^"]+)"/i.exec(m[3]);
      headings.push({ level: Number(m[1][1]), text: t, anchor: own?.[1] ?? inner?.[1] ?? '', at: m.index, end: m.index + m[0].length });
    }
    // Sections between anchored headings; each knows its anchored ancestors (by level).
    const anchored = headings.filter((h) => h.anchor);
    const sections = [{ anchor: '', title, parents: [], text: text(body.slice(0, anchored[0]?.at ?? body.length)) }];
    const stack = [];
    anchored.forEach((h, i) => {
      while (stack.length && stack[stack.length - 1].level >= h.level) stack.pop();
      sections.push({ anchor: h.anchor, title: h.text, parents: stack.map((s) => s.anchor), text: text(body.slice(h.end, anchored[i + 1]?.at ?? body.length)) });
      stack.push(h);
    });
    pages.push({ url, title, headings: headings.map(({ level, text: t, anchor }) => ({ level, text: t, anchor })), sections });
  }
  return pages;
}

/**
 * Known-item queries: one per distinct page title and one per distinct heading text (numbering
 * removed, at least 2 characters). Right answers: for a title, every page with that title; for
 * a heading, every page#anchor with that heading text (a heading without anchor: its page's top).
 */
export function knownItemSiteQueries(pages) {
  const titles = new Map();
  const heads = new Map();
  const add = (map, q, key) => {
    if ([...q].length < 2) return;
    if (!map.has(q)) map.set(q, new Set());
    map.get(q).add(key);
  };
  for (const p of pages) {
    add(titles, stripNumbering(p.title), normUrl(p.url));
    for (const h of p.headings) add(heads, stripNumbering(h.text), linkKey(p.url, h.anchor));
  }
  return [
    ...[...titles].map(([query, right]) => ({ query, kind: 'title', right: [...right] })),
    ...[...heads].map(([query, right]) => ({ query, kind: 'heading', right: [...right] })),
  ];
}

/**
 * Map a result link to a section of the site: by URL + anchor when the anchor names a section,
 * else by the hit's text (the section of that page whose text holds it), else the page's top.
 * Returns the section's key (`url#anchor`) or null when the page is unknown.
 */
export function sectionMapper(pages) {
  const byUrl = new Map(pages.map((p) => [normUrl(p.url), p]));
  const squashed = new Map();
  return (url, anchor, hitText) => {
    const p = byUrl.get(normUrl(url));
    if (!p) return null;
    if (anchor && p.sections.some((s) => s.anchor === anchor)) return linkKey(p.url, anchor);
    if (hitText) {
      // The section holding most of the hit's words (an excerpt may start inside a heading and
      // run into the body, and Pagefind ends a heading with ". ").
      const words = hitText
        .split(/\s+/u)
        .map((w) => squash(w.replace(/[.…]+$/u, '')))
        .filter((w) => [...w].length >= 2);
      if (!squashed.has(p)) squashed.set(p, p.sections.map((s) => squash(s.title + s.text)));
      let best = -1;
      let bestCount = 0;
      squashed.get(p).forEach((s, i) => {
        const c = words.reduce((a, w) => a + (s.includes(w) ? w.length : 0), 0);
        if (c > bestCount) (best = i), (bestCount = c);
      });
      if (best >= 0) return linkKey(p.url, p.sections[best].anchor);
    }
    return linkKey(p.url, '');
  };
}

/** bench/debian-queries.tsv: [{ query, targets: ['url#anchor' | 'url'], kind }]. */
export function readSiteJudgments(file) {
  return readTsvJudgments(file, (t) => t.trim()).map(({ query, items, kind }) => ({ query, targets: items, kind }));
}

/** Check that every judged target exists in the site (a typo would make a query unanswerable). */
export function checkJudgments(pages, judgments) {
  const keys = new Set(pages.flatMap((p) => [normUrl(p.url), ...p.sections.map((s) => linkKey(p.url, s.anchor))]));
  const bad = judgments.flatMap((j) => j.targets.filter((t) => !keys.has(t.includes('#') ? linkKey(t.split('#')[0], t.split('#')[1]) : normUrl(t))).map((t) => `${j.query}: ${t}`));
  if (bad.length) throw new Error(`bench/debian-queries.tsv names links the site does not have: ${bad.slice(0, 5).join('; ')}`);
}

/**
 * Relevance of a section key for a judged query: a target `url#anchor` covers that section and
 * every section below it (its subsections); a target `url` covers the whole page.
 */
export function judgedRelevance(pages) {
  const parents = new Map();
  for (const p of pages) for (const s of p.sections) parents.set(linkKey(p.url, s.anchor), s.parents.map((a) => linkKey(p.url, a)));
  return (targets) => {
    const keys = targets.map((t) => (t.includes('#') ? linkKey(t.split('#')[0], t.split('#')[1]) : normUrl(t)));
    return (key) => {
      if (!key) return false;
      const page = key.split('#')[0];
      return keys.some((k) => k === page || k === key || (parents.get(key) ?? []).includes(k));
    };
  };
}

const dedupeKeys = (keys) => [...new Set(keys.filter(Boolean))];

/**
 * Known-item S@1 / S@10 per kind. rankPages(q) -> page URLs ranked; rankSections(q) -> section
 * keys (`url#anchor`) ranked, both as the engine returns them.
 */
export async function siteKnownItem(queries, rankPages, rankSections) {
  const rows = [];
  const pageRows = [];
  for (const k of queries) {
    const right = new Set(k.right);
    const ranked = k.kind === 'title' ? dedupeKeys((await rankPages(k.query)).map(normUrl)) : dedupeKeys(await rankSections(k.query));
    const r = ranked.slice(0, 10).findIndex((x) => right.has(x));
    rows.push({ query: k.query, kind: k.kind, rank: r < 0 ? 0 : r + 1, first: ranked[0] ?? null, right: k.right.slice(0, 3) });
    if (k.kind === 'heading') {
      // The same heading judged by page only: an engine that links pages, not sections, is
      // measured on what it offers too.
      const pages = new Set(k.right.map((x) => x.split('#')[0]));
      const rp = dedupeKeys((await rankPages(k.query)).map(normUrl)).slice(0, 10).findIndex((x) => pages.has(x));
      pageRows.push({ rank: rp < 0 ? 0 : rp + 1 });
    }
  }
  const sum = successRates;
  return {
    ...sum(rows),
    title: sum(rows.filter((x) => x.kind === 'title')),
    heading: sum(rows.filter((x) => x.kind === 'heading')),
    headingPage: sum(pageRows),
    misses: rows.filter((x) => x.rank !== 1).slice(0, 30),
    missCount: rows.filter((x) => x.rank !== 1).length,
  };
}

/** MRR@10 and S@1 on the judged queries; rankSections(q) -> section keys ranked. */
export async function siteJudged(pages, judgments, rankSections) {
  const relevance = judgedRelevance(pages);
  const rows = [];
  for (const j of judgments) {
    const rel = relevance(j.targets);
    const top = dedupeKeys(await rankSections(j.query)).slice(0, 10);
    const r = top.findIndex(rel);
    rows.push({ query: j.query, kind: j.kind, rank: r < 0 ? 0 : r + 1, first: top[0] ?? null });
  }
  const rr = (x) => (x.rank ? 1 / x.rank : 0);
  const byKind = {};
  for (const x of rows) (byKind[x.kind] ??= []).push(rr(x));
  return {
    n: rows.length,
    mrr10: rows.reduce((a, x) => a + rr(x), 0) / (rows.length || 1),
    s1: rows.filter((x) => x.rank === 1).length / (rows.length || 1),
    byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, { n: v.length, mrr10: v.reduce((a, b) => a + b, 0) / v.length }])),
    misses: rows.filter((x) => x.rank !== 1),
  };
}
