// <zh-search>: Chinese full-text search over an index embedded in a WebAssembly module.
// No dependencies, no inline styles/scripts (works under a strict CSP), and every piece of
// corpus text reaches the DOM through text nodes only. Types: zh-search.d.ts.
const PKG = new URL('./pkg/zh_search.js', import.meta.url);

let engine;
/** Load and initialise the wasm module once; resolves to the module namespace. */
export const loadEngine = () =>
  (engine ??= import(PKG).then(async (m) => {
    await m.default();
    warmUp(m);
    return m;
  }));

/** Warm-up after loading (see warmUp): up to WARM_UP_SEARCHES searches cycling through
 * WARM_UP_QUERIES, in slices of about WARM_UP_SLICE_MS between other tasks, and no more than
 * WARM_UP_TOTAL_MS of searching in all (a large index makes each search dearer). */
const WARM_UP_SEARCHES = 250;
const WARM_UP_SLICE_MS = 4;
const WARM_UP_TOTAL_MS = 300;
const WARM_UP_QUERIES = ['zhong', '"中文" 搜索', '中文的搜索是什么', '中文', 'zh'];

/**
 * Searches down every path (pinyin, phrase, several terms, question, single word) in the idle
 * time after loading, so that the engine's one-time work is done before the reader types: the
 * first search folds the corpus, and the browser runs new wasm code in its baseline compiler
 * until a function has run often enough to be optimised, an optimisation that then competes
 * with the page for the CPU. It starts after the tasks already queued (the element's first
 * search among them) and holds the page for a few ms at a time (bench/RESULTS.md shows what it
 * does to the in-page latency).
 */
function warmUp(m) {
  let done = 0;
  let spent = 0;
  const slice = () => {
    const start = performance.now();
    try {
      do {
        m.search(WARM_UP_QUERIES[done % WARM_UP_QUERIES.length], { limit: 10 });
        if (done === 0) m.suggest('zh', 8);
        done++;
      } while (done < WARM_UP_SEARCHES && performance.now() - start < WARM_UP_SLICE_MS);
    } catch {
      return; // A damaged index reports its error on the first real search.
    }
    spent += performance.now() - start;
    if (done < WARM_UP_SEARCHES && spent < WARM_UP_TOTAL_MS) later(slice);
  };
  later(slice);
}

/** Runs `fn` after the current tasks, without keeping Node alive for it. */
const later = (fn) => setTimeout(fn, 0)?.unref?.();

const L = {
  zh: {
    label: '搜索', ph: '搜索…', list: '搜索结果', found: (n) => `找到 ${n} 条结果`,
    partial: '没有完全匹配的结果，以下为部分匹配', none: (q) => `没有找到与“${q}”相关的结果`,
    loading: '正在加载索引…', error: '索引加载失败（load error）', close: '关闭', more: '显示更多结果',
    hint: '↑↓ 选择 · Enter 打开 · Esc 关闭', sg: (w) => `搜索建议：${w}`,
    moreIn: (n) => `本页另有 ${n} 条结果`, shownIn: (n, p) => `已展开“${p}”的另外 ${n} 条结果`,
  },
  en: {
    label: 'Search', ph: 'Search…', list: 'Search results', found: (n) => `${n} result${n === 1 ? '' : 's'}`,
    partial: 'No exact matches; showing partial matches', none: (q) => `No results found for “${q}”`,
    loading: 'Loading index…', error: 'Search index failed to load (load error)', close: 'Close',
    more: 'Show more results', hint: '↑↓ to select · Enter to open · Esc to close', sg: (w) => `Suggestion: ${w}`,
    moreIn: (n) => `${n} more on this page`, shownIn: (n, p) => `Showing ${n} more from “${p}”`,
  },
};

const CSS = `
:host{--a:var(--zh-search-accent,#b4232a);--bg:var(--zh-search-bg,#fff);--fg:var(--zh-search-fg,#1c1917);
--mu:var(--zh-search-muted,#6b6460);--bd:var(--zh-search-border,#e7e5e4);--mk:var(--zh-search-mark-bg,#fde68a);
--mf:var(--zh-search-mark-fg,inherit);--hv:var(--zh-search-hover,#f5f5f4);--r:var(--zh-search-radius,12px);
--sh:var(--zh-search-shadow,0 1px 2px rgb(0 0 0/.04),0 8px 24px rgb(0 0 0/.06));
display:block;color:var(--fg);font:15px/1.6 var(--zh-search-font,system-ui,-apple-system,"Segoe UI","PingFang SC",
"Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif)}
@media (prefers-color-scheme:dark){:host{--a:var(--zh-search-accent,#f87171);--bg:var(--zh-search-bg,#1c1b1a);
--fg:var(--zh-search-fg,#ecebe9);--mu:var(--zh-search-muted,#a8a29e);--bd:var(--zh-search-border,#3a3735);
--mk:var(--zh-search-mark-bg,rgb(250 204 21/.2));--mf:var(--zh-search-mark-fg,#fde68a);--hv:var(--zh-search-hover,#292624);
--sh:var(--zh-search-shadow,0 1px 2px rgb(0 0 0/.3),0 8px 24px rgb(0 0 0/.35))}}
[hidden]{display:none!important}*{box-sizing:border-box}
.w{background:var(--bg);border:1px solid var(--bd);border-radius:var(--r);box-shadow:var(--sh);overflow:hidden}
.b{display:flex;align-items:center;gap:10px;padding:0 14px;color:var(--mu)}
.b:focus-within{color:var(--a)}svg{flex:none;width:20px;height:20px}
input{flex:1;min-width:0;height:52px;border:0;outline:0;background:none;color:var(--fg);font:inherit;font-size:17px}
input:focus-visible{outline:0}input::placeholder{color:var(--mu);opacity:.85}
.w:focus-within{border-color:color-mix(in srgb,var(--a) 55%,var(--bd));box-shadow:var(--sh),0 0 0 3px color-mix(in srgb,var(--a) 18%,transparent)}
.s{display:flex;justify-content:space-between;gap:12px;padding:7px 16px;border-top:1px solid var(--bd);
color:var(--mu);font-size:13px}.s:empty{padding:0;border:0}.s .p{color:var(--a)}@media (max-width:520px){.k{display:none}}
[role=listbox]{margin:0;padding:6px;max-height:min(70vh,560px);overflow:auto;border-top:1px solid var(--bd)}
[role=option]{padding:10px 12px;border-radius:calc(var(--r) - 4px);cursor:pointer;border-left:3px solid transparent}
[role=listbox]>*+*,[role=group]>*+*{margin-top:2px}[role=option]:hover{background:var(--hv)}
.sg{display:flex;align-items:center;gap:10px;padding:5px 12px;color:var(--mu)}.sg span{color:var(--fg)}
.sg svg{width:15px;height:15px}.sg+:not(.sg){margin-top:6px}
/* A page's further sections hang off a rule, Pagefind-like. */
.sub{margin-left:22px;padding:7px 12px;border-left-color:var(--bd);border-radius:0 calc(var(--r) - 4px) calc(var(--r) - 4px) 0}
[aria-selected=true]{background:var(--hv);border-left-color:var(--a)}
.t{font-weight:600;font-size:15.5px;line-height:1.45;overflow-wrap:anywhere}.m{color:var(--mu);font-size:12px;margin:1px 0 3px;
font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.cr+.cr::before{content:"›";margin:0 .4em;color:var(--mu);font-weight:400}.mid{font-weight:500}
.sub .t{font-size:14.5px}
.mo{padding:5px 12px;color:var(--a);font-size:13.5px}
[role=group]+*{margin-top:8px}
@media (max-width:520px){.sub{margin-left:12px}.mid{display:inline-block;max-width:7em;overflow:hidden;
text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom}}
.x{font-size:14px;color:var(--fg);opacity:.88;display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
mark{background:var(--mk);color:var(--mf);border-radius:3px;padding:0 1px}
button{font:inherit;color:inherit;cursor:pointer}
.more{display:block;width:calc(100% - 12px);margin:0 6px 6px;padding:8px;border:1px dashed var(--bd);
border-radius:calc(var(--r) - 4px);background:none;color:var(--a);font-size:14px}
.more:hover{background:var(--hv)}
:focus-visible{outline:2px solid var(--a);outline-offset:2px}
dialog{width:min(760px,calc(100vw - 32px));max-height:min(85vh,900px);padding:0;border:1px solid var(--bd);
border-radius:var(--r);background:var(--bg);color:var(--fg);box-shadow:0 24px 64px rgb(0 0 0/.3)}
dialog[open]{display:flex;flex-direction:column}dialog::backdrop{background:rgb(15 12 10/.45)}
@media (prefers-color-scheme:dark){dialog::backdrop{background:rgb(0 0 0/.6)}}
header{display:flex;align-items:flex-start;gap:12px;padding:18px 20px 12px;border-bottom:1px solid var(--bd)}
h2{margin:0;font-size:19px;line-height:1.45}header .m{margin-top:4px}.f{flex:1;min-width:0}
.c{flex:none;width:34px;height:34px;border:1px solid var(--bd);border-radius:50%;background:none;font-size:20px;line-height:1}
.c:hover{background:var(--hv)}
.d{margin:0;padding:16px 20px 22px;overflow:auto;white-space:pre-wrap;line-height:1.9;font-size:16px}
.d:focus-visible{outline:2px solid color-mix(in srgb,var(--a) 40%,transparent);outline-offset:-6px;border-radius:12px}
`;

let sheet;
const h = (tag, props = {}, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) k in el && k !== 'role' ? (el[k] = v) : el.setAttribute(k, v);
  el.append(...kids);
  return el;
};
const ENT = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };
const decode = (s) => s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e) => ENT[e]);

/** Safely turn a snippet ("text with <mark>…</mark>", everything else escaped) into DOM nodes. */
export function snippetNodes(html) {
  const out = [];
  let mark = null;
  for (const part of String(html).split(/(<\/?mark>)/)) {
    if (part === '<mark>' || part === '</mark>') {
      if (mark?.firstChild) out.push(mark);
      mark = part === '<mark>' ? h('mark') : null;
    } else if (part) {
      const text = decode(part);
      mark ? mark.append(text) : out.push(text);
    }
  }
  if (mark?.firstChild) out.push(mark);
  return out;
}

/** Text with [start, end) UTF-16 ranges wrapped in <mark>, as DOM nodes. */
export function markedNodes(text, ranges) {
  text = String(text);
  const rs = (Array.isArray(ranges) ? ranges : [])
    .map(([a, b]) => [Math.max(0, a | 0), Math.min(text.length, b | 0)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out = [];
  let pos = 0;
  for (const [a, b] of rs) {
    if (b <= pos) continue;
    const s = Math.max(a, pos);
    if (s > pos) out.push(text.slice(pos, s));
    out.push(h('mark', {}, text.slice(s, b)));
    pos = b;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return out;
}

const ICON = () => {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  for (const [t, a] of [['circle', { cx: 11, cy: 11, r: 7 }], ['path', { d: 'm20 20-3.6-3.6' }]]) {
    const e = document.createElementNS(ns, t);
    for (const k in a) e.setAttribute(k, a[k]);
    for (const [k, v] of Object.entries({ fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round' }))
      e.setAttribute(k, v);
    svg.append(e);
  }
  return svg;
};

/** A page's sections shown before its "N more on this page" option. */
const SECTIONS_SHOWN = 2;

const fold = (x) => String(x ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The heading path of a hit on a page, as crumbs: the page title (left out of a page's
 * sub-results), the headings above the section, the section's own title (highlighted). Whatever
 * only repeats the page title is said once: a section titled like the page, and the outermost
 * heading when the page title holds it (`<title>光岳楼 - 指南</title>` over `<h1>光岳楼</h1>`).
 */
function crumbs(hit, withPage) {
  const page = fold(hit.page_title);
  const heads = (Array.isArray(hit.headings) ? hit.headings : []).map(String);
  if (heads.length && fold(heads.at(-1)) === fold(hit.title)) heads.pop();
  const above = heads.filter((x, i) => fold(x) && fold(x) !== page && !(i === 0 && page.includes(fold(x))));
  const own = fold(hit.title);
  const showOwn = own && own !== page && !(heads.length === 0 && page.includes(own));
  // A section title said by the page title keeps its highlights there.
  const at = showOwn ? -1 : hit.page_title.indexOf(hit.title);
  const shift = (rs) => (Array.isArray(rs) ? rs : []).map(([a, b]) => [a + at, b + at]);
  const out = [];
  if (withPage || (!showOwn && !above.length)) {
    out.push(h('span', { className: 'cr' }, ...(at >= 0 ? markedNodes(hit.page_title, shift(hit.title_highlights)) : [hit.page_title])));
  }
  above.forEach((x, i) => out.push(h('span', { className: i < above.length - 1 || showOwn ? 'cr mid' : 'cr' }, x)));
  if (showOwn) out.push(h('span', { className: 'cr' }, ...markedNodes(hit.title, hit.title_highlights)));
  return out;
}

let uid = 0;
let errLogged = false;
/** The index holds web pages (one engine per page: every element shares it). */
let siteOfPages = false;

export class ZhSearchElement extends HTMLElement {
  static observedAttributes = ['placeholder', 'limit', 'lang'];
  /** Suggestions shown above the results. */
  static suggestions = 5;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open', delegatesFocus: true });
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    const id = `zs${++uid}`;
    this._id = id;
    this.hits = [];
    this.pages = null;
    this._flat = [];
    this._open = new Set();
    this._opts = [];
    this.sugg = [];
    this.total = 0;
    this.active = -1;
    this._q = '';
    this._in = h('input', {
      type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: false, enterKeyHint: 'search',
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': `${id}-l`,
    });
    this._st = h('div', { className: 's', role: 'status', 'aria-live': 'polite' });
    this._ul = h('div', { id: `${id}-l`, role: 'listbox', hidden: true, tabIndex: -1 });
    this._more = h('button', { className: 'more', type: 'button', hidden: true });
    this._h = h('h2', { id: `${id}-h` });
    this._meta = h('div', { className: 'm' });
    this._body = h('div', { className: 'd', tabIndex: 0 });
    this._x = h('button', { className: 'c', type: 'button' }, '×');
    this._dlg = h('dialog', { 'aria-labelledby': `${id}-h` },
      h('header', {}, h('div', { className: 'f' }, this._h, this._meta), this._x), this._body);
    this._box = h('div', { className: 'w', part: 'box' },
      h('div', { className: 'b' }, ICON(), this._in), this._st, this._ul, this._more);
    root.append(this._box, this._dlg);

    // IME: nothing runs on the half-typed letters of a composition; one search when it ends.
    this._in.addEventListener('input', (e) => e.isComposing || this._ime || this._schedule());
    this._in.addEventListener('compositionstart', () => ((this._ime = true), clearTimeout(this._timer)));
    this._in.addEventListener('compositionend', () => ((this._ime = false), this._schedule()));
    this._in.addEventListener('keydown', (e) => this._key(e));
    this._in.addEventListener('focus', () => this._ul.children.length && this._expand(true));
    const at = (e) => this._opts.indexOf(e.target.closest?.('[role=option]'));
    this._ul.addEventListener('click', (e) => this._pick(at(e), e));
    this._ul.addEventListener('mousemove', (e) => {
      const i = at(e);
      if (i >= 0 && i !== this.active) this._activate(i, false);
    });
    this._more.addEventListener('click', () => (this._run(true), this._in.focus()));
    // The dialog's close event comes a task later: closing by the button or the backdrop puts
    // focus back at once; Esc (the browser closes the dialog itself) does it on the event.
    const closeDetail = () => (this._dlg.close(), this._in.focus());
    this._x.addEventListener('click', closeDetail);
    this._dlg.addEventListener('close', () => this._in.focus());
    this._dlg.addEventListener('click', (e) => e.target === this._dlg && closeDetail());
    this._labels();
  }

  connectedCallback() {
    loadEngine().then(
      (m) => {
        this.m = m;
        if (this._in.value.trim()) this._run();
      },
      (err) => {
        if (!errLogged) (errLogged = true), console.error('zh-search: failed to load the search index', err);
        this.failed = true;
        this._say(this.t.error);
      },
    );
  }

  disconnectedCallback() {
    clearTimeout(this._timer);
  }

  attributeChangedCallback() {
    this._labels();
    if (this.m && this._q) this._run();
  }

  get t() {
    return L[/^en/i.test(this.getAttribute('lang') || '') ? 'en' : 'zh'];
  }

  get limit() {
    const n = parseInt(this.getAttribute('limit'), 10);
    return n > 0 ? n : 10;
  }

  /** The current query; setting it runs a search. */
  get value() {
    return this._in.value;
  }
  set value(v) {
    this._in.value = v;
    this._run();
  }

  _labels() {
    const t = this.t;
    this._in.placeholder = this.getAttribute('placeholder') ?? t.ph;
    this._in.setAttribute('aria-label', this.getAttribute('placeholder') || t.label);
    this._ul.setAttribute('aria-label', t.list);
    this._x.setAttribute('aria-label', t.close);
    this._more.textContent = t.more;
  }

  _schedule() {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this._run(), 40);
  }

  _say(main, note, hint) {
    this._st.replaceChildren(
      ...(main ? [h('span', {}, main)] : []),
      ...(note ? [h('span', { className: 'p' }, note)] : []),
      ...(hint && !note ? [h('span', { className: 'k', 'aria-hidden': 'true' }, hint)] : []),
    );
  }

  _run(more = false) {
    clearTimeout(this._timer);
    const q = this._in.value;
    if (this.failed || this._ime) return;
    if (!this.m) return q.trim() ? this._say(this.t.loading) : this._say('');
    if (!q.trim()) {
      this._q = '';
      this.sugg = [];
      this.pages = null;
      this._flat = [];
      this._hasMore = false;
      this._render();
      return this._say('');
    }
    let r;
    let focus;
    try {
      // Sites of web pages get the grouped view (the engine's searchPages: "More results" pages
      // pages); text corpora, and an engine without searchPages, the flat list of passages. A
      // site is known by its first hit with a URL; until then each search is the flat one.
      if (!more) {
        if (!siteOfPages) {
          r = this.m.search(q, { limit: this.limit });
          siteOfPages = typeof this.m.searchPages === 'function' && r.hits.some((hit) => hit.url);
          if (siteOfPages) r = undefined;
        }
        this._grouped = siteOfPages;
      }
      if (this._grouped) {
        r ??= this.m.searchPages(q, { limit: this.limit, offset: more ? this.pages.length : 0 });
        this.pages = more ? this.pages.concat(r.pages) : r.pages;
        this._hasMore = this.pages.length < r.total_pages;
        focus = more && r.pages[0]?.hits[0];
      } else {
        r ??= this.m.search(q, { limit: this.limit, offset: more ? this._flat.length : 0 });
        this.pages = null;
        this._flat = more ? this._flat.concat(r.hits) : r.hits;
        this._hasMore = this._flat.length < r.total;
        focus = more && r.hits[0];
      }
      // Completions of the last term (not inside quotes), the term itself left out.
      const last = /\S*$/.exec(q)[0];
      if (!more) this.sugg = /["“”「」]/.test(last) ? [] : this.m.suggest(last, ZhSearchElement.suggestions + 1)
        .filter((w) => w !== last).slice(0, ZhSearchElement.suggestions);
    } catch (err) {
      console.error('zh-search: search failed', err);
      r = { total: 0, hits: [], partial: false };
      this.sugg = [];
      this.pages = null;
      this._flat = [];
      this._hasMore = false;
    }
    this._q = q;
    if (!more) this._open = new Set();
    this.total = r.total;
    this.partial = r.partial;
    this._render(focus);
    this._status();
  }

  /** The status line: the count (and `extra`, announced with it), partial matches, the key hint. */
  _status(extra) {
    const t = this.t;
    const q = this._q.trim();
    if (!this.total) return this._say(q && t.none(q));
    this._say(extra ? `${t.found(this.total)} · ${extra}` : t.found(this.total), this.partial && t.partial, t.hint);
  }

  /**
   * Rebuild the list: suggestions, then the hits, flat or grouped by page (a page's best
   * SECTIONS_SHOWN, indented under the first, then "N more on this page" until expanded).
   * `focus` (a hit) becomes the active option.
   */
  _render(focus) {
    const t = this.t;
    const hits = [];
    const option = (hit, sub) => {
      const i = hits.push(hit) - 1;
      return h('div', { id: `${this._id}-o${i}`, role: 'option', 'aria-selected': 'false', 'data-i': i, className: sub ? 'sub' : '' },
        h('div', { className: 't' }, ...(hit.page_title ? crumbs(hit, !sub) : markedNodes(hit.title, hit.title_highlights))),
        ...(sub ? [] : [h('div', { className: 'm' }, hit.source)]),
        h('div', { className: 'x' }, ...snippetNodes(hit.snippet)));
    };
    const items = this.sugg.map((w, i) =>
      h('div', { id: `${this._id}-s${i}`, role: 'option', 'aria-selected': 'false', className: 'sg', 'data-s': w,
        'aria-label': t.sg(w) }, ICON(), h('span', {}, w)));
    if (this.pages) {
      this.pages.forEach((page, p) => {
        const shown = this._open.has(p) ? page.hits : page.hits.slice(0, SECTIONS_SHOWN);
        const rest = page.hits.length - shown.length;
        items.push(h('div', { role: 'group', 'aria-label': page.page_title || page.source },
          ...shown.map((hit, k) => option(hit, k > 0)),
          ...(rest > 0 ? [h('div', { id: `${this._id}-p${p}`, role: 'option', 'aria-selected': 'false', className: 'sub mo',
            'data-x': p }, t.moreIn(rest))] : [])));
      });
    } else {
      items.push(...this._flat.map((hit) => option(hit, false)));
    }
    this.hits = hits;
    this._ul.replaceChildren(...items);
    this._opts = [...this._ul.querySelectorAll('[role=option]')];
    this.active = -1;
    this._in.removeAttribute('aria-activedescendant');
    this._expand(this._opts.length > 0);
    if (focus) this._activate(this._optionOf(hits.indexOf(focus)));
  }

  /** Index among the options of hit i (-1 when it is not shown). */
  _optionOf(i) {
    return this._opts.findIndex((o) => o.dataset.i === String(i));
  }

  /** Show the rest of page p's hits in place, the first of them active, and say so. */
  _reveal(p) {
    const page = this.pages?.[p];
    if (!page || this._open.has(p)) return;
    this._open.add(p);
    this._render(page.hits[SECTIONS_SHOWN]);
    this._status(this.t.shownIn(page.hits.length - SECTIONS_SHOWN, page.page_title || page.source));
    this._in.focus();
  }

  _expand(on) {
    this._ul.hidden = !on;
    this._more.hidden = !on || !this._hasMore;
    this._in.setAttribute('aria-expanded', String(on));
    if (!on) this._activate(-1);
  }

  _activate(i, scroll = true) {
    this._opts[this.active]?.setAttribute('aria-selected', 'false');
    this.active = i;
    const li = this._opts[i];
    if (!li) return this._in.removeAttribute('aria-activedescendant');
    li.setAttribute('aria-selected', 'true');
    this._in.setAttribute('aria-activedescendant', li.id);
    if (scroll) li.scrollIntoView({ block: 'nearest' });
  }

  _key(e) {
    if (e.isComposing || e.keyCode === 229 || this._ime) return;
    const n = this._opts.length;
    const open = !this._ul.hidden;
    const move = (i) => {
      e.preventDefault();
      if (!n) return;
      if (!open) this._expand(true);
      this._activate(i);
    };
    const a = this.active;
    switch (e.key) {
      case 'ArrowDown': return move(a < 0 || a >= n - 1 ? 0 : a + 1);
      case 'ArrowUp': return move(a <= 0 ? n - 1 : a - 1);
      case 'PageDown': return move(Math.min(n - 1, a + 5));
      case 'PageUp': return move(Math.max(0, a - 5));
      case 'Home': return a >= 0 && move(0);
      case 'End': return a >= 0 && move(n - 1);
      case 'Enter':
        if (open && a >= 0) e.preventDefault(), this._pick(a, e);
        else if (this._in.value.trim()) e.preventDefault(), this._run();
        return;
      case ' ': // Space expands an active "N more on this page"; elsewhere it types a space.
        if (open && this._opts[a]?.dataset.x !== undefined) e.preventDefault(), this._pick(a, e);
        return;
      case 'Escape':
        e.preventDefault();
        if (open) this._expand(false);
        else if (this._in.value) (this._in.value = ''), this._run();
    }
  }

  /** Option i of the list: a suggestion becomes the query's last term; "N more" expands; a hit opens. */
  _pick(i, e) {
    const d = this._opts[i]?.dataset;
    if (!d) return;
    if (d.x !== undefined) return this._reveal(Number(d.x));
    const w = d.s;
    if (w === undefined) return this.open(Number(d.i), e);
    this._in.value = this._in.value.replace(/\S*$/, w);
    this._run();
    this._in.focus();
  }

  /**
   * Open hit i: fire the cancelable `zh-search:select` (detail: the hit), then go to its page
   * (`hit.href`, for HTML sources) or show the passage in the detail view.
   */
  open(i, e) {
    const hit = this.hits[i];
    if (!hit) return;
    this._activate(this._optionOf(i));
    if (hit.url) {
      const u = new URL(hit.url, new URL(this.getAttribute('base') || '/', document.baseURI));
      if (hit.anchor) u.hash = hit.anchor;
      hit.href = u.href;
    }
    if (!this.dispatchEvent(new CustomEvent('zh-search:select', { detail: hit, bubbles: true, composed: true, cancelable: true })))
      return;
    if (hit.href) return e?.ctrlKey || e?.metaKey ? window.open(hit.href, '_blank', 'noopener') : location.assign(hit.href);
    this._h.replaceChildren(...markedNodes(hit.title, hit.title_highlights));
    this._meta.textContent = hit.source;
    this._body.replaceChildren(...markedNodes(hit.text, hit.highlights));
    this._dlg.showModal();
    this._body.scrollTop = 0;
    this._body.querySelector('mark')?.scrollIntoView({ block: 'center' });
    this._body.focus();
  }
}

if (!customElements.get('zh-search')) customElements.define('zh-search', ZhSearchElement);
export default ZhSearchElement;
