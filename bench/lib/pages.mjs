// Minimal bench pages, one per engine, each in its own folder of the corpus's site:
//   zh/index.html    <zh-search> (the folder zh-search index wrote) — the widget renders the results
//   pf/index.html    Pagefind's UI-less API (pagefind/pagefind.js): search, then data() of the top 10
//   flex/index.html  FlexSearch (Charset.CJK, context on) indexing docs.json in the page
// With ?q=…, a page searches on load, renders the first results, sets window.__first
// (performance.now(), i.e. ms since navigation started) and calls /__mark. Every page exposes
// window.bench = { ready, timed(q), lastIds() } for the latency (and Pagefind's quality) runs;
// Pagefind's page adds lastSections() for sites.
import fs from 'node:fs';
import path from 'node:path';

const head = (title) => `<!doctype html>
<html lang="zh-cn">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${title}</title>
</head>
<body>
`;

// Shared by the peers' pages: render [{ title, text | html }] into <ol id="r">.
const RENDER = `
const Q = new URLSearchParams(location.search).get('q');
const ol = document.getElementById('r');
function render(items) {
  ol.replaceChildren(...items.map((it) => {
    const li = document.createElement('li');
    const b = document.createElement('b');
    b.textContent = it.title;
    const p = document.createElement('p');
    if (it.html !== undefined) p.innerHTML = it.html; // Pagefind's excerpt: escaped text + <mark>
    else p.textContent = it.text;
    li.append(b, p);
    return li;
  }));
}
function done() {
  window.__first = performance.now();
  fetch('/__mark?tag=first');
}
`;

const ZH = `${head('zh-search bench')}<zh-search limit="10"></zh-search>
<script type="module">
import { loadEngine } from './zh-search.js';
const Q = new URLSearchParams(location.search).get('q');
const el = document.querySelector('zh-search');
if (Q) {
  const root = el.shadowRoot;
  const check = () => {
    if (window.__first === undefined && el.query === Q && (root.querySelector('[role="option"][data-i]') || el.total === 0)) {
      window.__first = performance.now();
      window.__count = el.hits.length;
      fetch('/__mark?tag=first');
      obs.disconnect();
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  el.value = Q;
  check();
}
let zh;
window.bench = {
  ready: loadEngine().then((m) => { zh = m; return true; }),
  async timed(q) {
    // A sharded index answers in a promise (its worker may fetch shards first).
    return (await zh.search(q, { limit: 10 })).hits.length;
  },
  lastIds: () => null,
};
</script>
</body>
</html>
`;

const PF = `${head('Pagefind bench')}<ol id="r"></ol>
<script type="module">
import * as pf from './pagefind/pagefind.js';
${RENDER}
let last = null;
const top = async (q) => {
  const r = (last = await pf.search(q));
  return Promise.all(r.results.slice(0, 10).map((x) => x.data()));
};
window.bench = {
  ready: pf.init().then(() => true),
  async timed(q) {
    return (await top(q)).length;
  },
  // Every result of the last timed search (page hashes; the bench maps them to documents).
  lastIds: () => last.results.map((x) => x.id),
  // On a site: the top 10 pages' sections as Pagefind links them (sub_results: URL, anchor id,
  // how many query words each holds, its excerpt as text).
  lastSections: () =>
    Promise.all(
      last.results.slice(0, 10).map(async (x) => {
        const d = await x.data();
        const subs = (d.sub_results ?? []).map((s) => ({
          url: s.url,
          anchor: s.anchor?.id ?? '',
          n: s.locations?.length ?? 0,
          text: (s.plain_excerpt ?? s.excerpt ?? '').replace(/<[^>]*>/g, '').replace(/\u200b/g, '').replace(/^…\s*|\s*…$/g, ''),
        }));
        return { url: d.url, subs };
      }),
    ),
};
if (Q) {
  const d = await top(Q);
  window.__count = d.length;
  render(d.map((x) => ({ title: x.meta.title, html: x.excerpt })));
  done();
}
</script>
</body>
</html>
`;

const FLEX = `${head('FlexSearch bench')}<ol id="r"></ol>
<script type="module">
import { Index, Charset } from './flexsearch.bundle.module.min.mjs';
${RENDER}
let ix, docs;
const build = (async () => {
  docs = await (await fetch('./docs.json')).json();
  const t = performance.now();
  ix = new Index({ encoder: Charset.CJK, context: true });
  for (let i = 0; i < docs.length; i++) ix.add(i, docs[i][0] + '\\n' + docs[i][1]);
  window.__indexMs = performance.now() - t;
  return true;
})();
const top = (q) => ix.search(q, { limit: 10 }).map((i) => docs[i]);
window.bench = {
  ready: build,
  async timed(q) {
    return top(q).length;
  },
  lastIds: () => null,
};
if (Q) {
  await build;
  const d = top(Q);
  window.__count = d.length;
  render(d.map(([title, text]) => ({ title, text: text.slice(0, 100) })));
  done();
}
</script>
</body>
</html>
`;

export function writePages(site) {
  for (const [dir, html] of [['zh', ZH], ['pf', PF], ['flex', FLEX]]) {
    fs.mkdirSync(path.join(site, dir), { recursive: true });
    fs.writeFileSync(path.join(site, dir, 'index.html'), html);
  }
}
