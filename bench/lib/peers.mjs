// The peers' inputs: a static HTML site for Pagefind (one page per document), a documents file
// and the FlexSearch bundle for the FlexSearch page. Same documents for both: { id, title, text }.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { retire } from './trash.mjs';

const require = createRequire(import.meta.url);

export const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** The Pagefind binary shipped in npm's @pagefind/<platform> package (the extended one if present). */
export function pagefindBinary() {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const dir = path.dirname(require.resolve(`@pagefind/${platform}-${process.arch}/package.json`));
  for (const name of ['pagefind_extended', 'pagefind']) {
    const f = path.join(dir, 'bin', name);
    if (fs.existsSync(f)) return { path: f, extended: name === 'pagefind_extended' };
  }
  throw new Error(`no pagefind binary in ${dir}/bin`);
}

export const PAGEFIND_LANG = 'zh-cn';

/**
 * One HTML page per document under `dir`: the title as <h1>, each text line as <p>, and the
 * document id in Pagefind metadata (`passage`), so a result maps back to its document.
 */
export function writePagefindSource(dir, docs) {
  retire(dir);
  fs.mkdirSync(path.join(dir, 'p'), { recursive: true });
  for (const d of docs) {
    const paras = d.text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => `<p>${esc(l)}</p>`)
      .join('\n');
    const html = `<!doctype html>
<html lang="${PAGEFIND_LANG}"><head><meta charset="utf-8"><title>${esc(d.title)}</title></head>
<body><main data-pagefind-body>
<h1>${esc(d.title)}</h1>
${paras}
<span data-pagefind-meta="passage:${d.id}" hidden></span>
</main></body></html>
`;
    fs.writeFileSync(path.join(dir, 'p', `${d.id}.html`), html);
  }
}

/** Write the FlexSearch page's assets: the ESM bundle and the documents. */
export function writeFlexSite(dir, docs) {
  fs.mkdirSync(dir, { recursive: true });
  // 'flexsearch' resolves (CommonJS) to dist/flexsearch.bundle.min.js; the ESM bundle sits beside it.
  const bundle = path.join(path.dirname(require.resolve('flexsearch')), 'flexsearch.bundle.module.min.mjs');
  fs.copyFileSync(bundle, path.join(dir, 'flexsearch.bundle.module.min.mjs'));
  // id is the array index; the page shows title + text, so both ship.
  fs.writeFileSync(path.join(dir, 'docs.json'), JSON.stringify(docs.map((d) => [d.title, d.text])));
}

/**
 * FlexSearch as configured everywhere in the bench: Charset.CJK (one token per character),
 * context on. `docs` = [[title, text], …], id = index. (lib/pages.mjs's FlexSearch page does the
 * same in the browser: keep the two in step.)
 */
export function flexIndex(FlexSearch, docs) {
  const { Index, Charset } = FlexSearch;
  const ix = new Index({ encoder: Charset.CJK, context: true });
  for (let i = 0; i < docs.length; i++) ix.add(i, docs[i][0] + '\n' + docs[i][1]);
  return ix;
}
