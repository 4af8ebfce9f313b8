// <zh-search>: the search box, its list of suggestions and hits (flat, or grouped by page for
// sites of HTML pages), the status line and the detail view. ARIA combobox + listbox: focus
// stays in the box, the active option is aria-activedescendant.
import { dist, loadEngine } from './engine.js';
import { crumbs, element, markedNodes, searchIcon, snippetNodes } from './render.js';
import { stringsFor } from './strings.js';
import CSS from './zh-search.css';

/** A page's sections shown before its "N more on this page" option. */
const SECTIONS_SHOWN = 2;
/** Typing pauses this long before a search runs. */
const DEBOUNCE_MS = 40;

/** One stylesheet, adopted by every element's shadow root. */
let sheet;
/** Element ids are unique per page: each element numbers its own. */
let elementCount = 0;
/** Thrown inside #run when a newer run has started while it waited for the engine. */
const STALE = Symbol('stale');
/** A failed load is logged once, however many elements share it. */
let loadErrorLogged = false;
/** The index holds web pages (one engine per page: every element shares it). */
let siteOfPages = false;

export class ZhSearchElement extends HTMLElement {
  static observedAttributes = ['placeholder', 'limit', 'lang'];
  /** Suggestions shown above the results. */
  static suggestions = 5;

  /** Registers the element as `<zh-search>` (once; zh-search.js does it when imported). */
  static define() {
    if (!customElements.get('zh-search')) customElements.define('zh-search', this);
    return this;
  }

  // What is shown: the hits in list order, the pages (grouped view) or null, the suggestions.
  #hits = [];
  #pages = null;
  #suggestions = [];
  #total = 0;
  #partial = false;
  /** The query the results shown are for. */
  #query = '';
  /** Hits of the flat view loaded so far (several "more results" pages). */
  #flatHits = [];
  /** The current query's results are grouped by page. */
  #grouped = false;
  #hasMore = false;
  /** Pages whose every section is shown ("N more on this page" expanded). */
  #expandedPages = new Set();
  /** The options of the list, in order, and the index of the active one (-1: none). */
  #options = [];
  #active = -1;
  #engine = null;
  #loadFailed = false;
  /** Runs started (see #run: only the latest shows its answer). */
  #runs = 0;
  #loadStarted = false;
  /** An IME composition is open: nothing runs on its half-typed letters. */
  #composing = false;
  #debounce;
  /** Aborts the searches of the run in progress (see #run). */
  #abort;

  #id;
  #input;
  #status;
  #list;
  #moreButton;
  #dialog;
  #detailTitle;
  #detailSource;
  #detailText;
  #closeButton;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open', delegatesFocus: true });
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    const id = (this.#id = `zs${++elementCount}`);
    this.#input = element('input', {
      type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: false, enterKeyHint: 'search',
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': `${id}-l`,
    });
    this.#status = element('div', { className: 'status', role: 'status', 'aria-live': 'polite' });
    this.#list = element('div', { id: `${id}-l`, role: 'listbox', hidden: true, tabIndex: -1 });
    this.#moreButton = element('button', { className: 'more', type: 'button', hidden: true });
    this.#detailTitle = element('h2', { id: `${id}-h` });
    this.#detailSource = element('div', { className: 'source' });
    this.#detailText = element('div', { className: 'passage', tabIndex: 0 });
    this.#closeButton = element('button', { className: 'close', type: 'button' }, '×');
    this.#dialog = element('dialog', { 'aria-labelledby': `${id}-h` },
      element('header', {}, element('div', { className: 'heading' }, this.#detailTitle, this.#detailSource), this.#closeButton),
      this.#detailText);
    const box = element('div', { className: 'box', part: 'box' },
      element('div', { className: 'bar' }, searchIcon(), this.#input), this.#status, this.#list, this.#moreButton);
    root.append(box, this.#dialog);

    const input = this.#input;
    // IME: nothing runs on the half-typed letters of a composition; one search when it ends.
    input.addEventListener('input', (e) => e.isComposing || this.#composing || this.#schedule());
    input.addEventListener('compositionstart', () => {
      this.#composing = true;
      clearTimeout(this.#debounce);
    });
    input.addEventListener('compositionend', () => {
      this.#composing = false;
      this.#schedule();
    });
    input.addEventListener('keydown', (e) => this.#onKey(e));
    input.addEventListener('focus', () => this.#list.children.length && this.#expand(true));
    const optionAt = (e) => this.#options.indexOf(e.target.closest?.('[role=option]'));
    this.#list.addEventListener('click', (e) => this.#pick(optionAt(e), e));
    this.#list.addEventListener('mousemove', (e) => {
      const i = optionAt(e);
      if (i >= 0 && i !== this.#active) this.#activate(i, false);
    });
    this.#moreButton.addEventListener('click', () => {
      this.#run(true);
      input.focus();
    });
    // The dialog's close event comes a task later: closing by the button or the backdrop puts
    // focus back at once; Esc (the browser closes the dialog itself) does it on the event.
    const closeDetail = () => {
      this.#dialog.close();
      input.focus();
    };
    this.#closeButton.addEventListener('click', closeDetail);
    this.#dialog.addEventListener('close', () => input.focus());
    this.#dialog.addEventListener('click', (e) => e.target === this.#dialog && closeDetail());
    this.#applyLabels();
  }

  connectedCallback() {
    // The embed build loads at once (one module, the index inside). A folder the CLI wrote
    // starts fetching the engine and the index when the reader goes to the box.
    if (!dist) return this.#load();
    const start = () => this.#load();
    this.#input.addEventListener('focus', start, { once: true });
    this.#input.addEventListener('input', start, { once: true });
    if (this.matches(':focus-within')) start();
  }

  /** Starts loading the engine (once per element; the engine itself loads once per page). */
  #load() {
    if (this.#loadStarted) return;
    this.#loadStarted = true;
    loadEngine().then(
      (engine) => {
        this.#engine = engine;
        if (this.#input.value.trim()) this.#run();
      },
      (err) => {
        if (!loadErrorLogged) {
          loadErrorLogged = true;
          console.error('zh-search: failed to load the search index', err);
        }
        this.#loadFailed = true;
        this.#say(this.#strings.loadError);
      },
    );
  }

  disconnectedCallback() {
    clearTimeout(this.#debounce);
    // A removed element fetches nothing more for a search it can no longer show.
    this.#runs++;
    this.#abort?.abort();
  }

  attributeChangedCallback() {
    this.#applyLabels();
    if (this.#engine && this.#query) this.#run();
  }

  /** The `limit` attribute as a number (results per page, default 10). */
  get limit() {
    const n = parseInt(this.getAttribute('limit'), 10);
    return n > 0 ? n : 10;
  }

  /** The text in the search box; setting it runs a search. */
  get value() {
    return this.#input.value;
  }
  set value(text) {
    this.#input.value = text;
    // A script that sets the query wants it searched: the engine starts loading now if it
    // waits for the box's focus (a folder the CLI wrote), and searches once it has loaded.
    this.#load();
    this.#run();
  }

  /** The query the results shown are for (`value` once its search has run). */
  get query() {
    return this.#query;
  }

  /** The hits shown, in list order (a page's collapsed sections are not shown). */
  get hits() {
    return this.#hits;
  }

  /** The pages shown when results are grouped by page; null for a flat list. */
  get pages() {
    return this.#pages;
  }

  /** The suggestions shown above the results. */
  get suggestions() {
    return this.#suggestions;
  }

  /** Total number of matches for the query. */
  get total() {
    return this.#total;
  }

  /** No passage contained every term: the hits are the best partial matches. */
  get partial() {
    return this.#partial;
  }

  get #strings() {
    return stringsFor(this.getAttribute('lang'));
  }

  #applyLabels() {
    const strings = this.#strings;
    const placeholder = this.getAttribute('placeholder');
    this.#input.placeholder = placeholder ?? strings.placeholder;
    this.#input.setAttribute('aria-label', placeholder || strings.label);
    this.#list.setAttribute('aria-label', strings.list);
    this.#closeButton.setAttribute('aria-label', strings.close);
    this.#moreButton.textContent = strings.moreResults;
  }

  #schedule() {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => this.#run(), DEBOUNCE_MS);
  }

  /** The status line: `main`, an accented `note`, or else the keyboard `hint` (not announced). */
  #say(main, note, hint) {
    this.#status.replaceChildren(
      ...(main ? [element('span', {}, main)] : []),
      ...(note ? [element('span', { className: 'partial-note' }, note)] : []),
      ...(hint && !note ? [element('span', { className: 'key-hint', 'aria-hidden': 'true' }, hint)] : []),
    );
  }

  /**
   * Search the box's query (`more`: the next page of results for the same query) and show it.
   * The embed build and a single index file answer at once, and all of this runs synchronously;
   * a sharded index answers in promises (its worker may fetch shards first): a run that a newer
   * one has overtaken by then shows nothing.
   */
  async #run(more = false) {
    clearTimeout(this.#debounce);
    const run = ++this.#runs;
    // The run this one overtakes fetches nothing more (a sharded index's worker stops it).
    this.#abort?.abort();
    const { signal } = (this.#abort = new AbortController());
    /** The engine's answer, awaited only when it is a promise (then the engine is
     * `asynchronous`: a sharded index's worker). Whatever an overtaken run gets, even an
     * error (its abort), it shows nothing. */
    let asynchronous = false;
    const settled = async (answer, search = false) => {
      if (search && answer instanceof Promise) asynchronous = true;
      let value;
      try {
        value = answer instanceof Promise ? await answer : answer;
      } catch (err) {
        throw run === this.#runs ? err : STALE;
      }
      if (run !== this.#runs) throw STALE;
      return value;
    };
    const query = this.#input.value;
    if (this.#loadFailed || this.#composing) return;
    if (!this.#engine) return this.#say(query.trim() ? this.#strings.loading : '');
    if (!query.trim()) {
      this.#query = '';
      this.#suggestions = [];
      this.#pages = null;
      this.#flatHits = [];
      this.#hasMore = false;
      this.#render();
      return this.#say('');
    }
    const engine = this.#engine;
    let results;
    let focus;
    let suggestLater = false;
    const last = /\S*$/.exec(query)[0];
    const completions = (words) =>
      words.filter((word) => word !== last).slice(0, ZhSearchElement.suggestions);
    try {
      // Sites of web pages get the grouped view (the engine's searchPages: "More results" pages
      // pages); text corpora, and an engine without searchPages, the flat list of passages. A
      // site is known by its first hit with a URL; until then each search is the flat one.
      if (!more) {
        if (!siteOfPages) {
          results = engine.search(query, { limit: this.limit, signal });
          if (results instanceof Promise) results = await settled(results, true);
          siteOfPages = typeof engine.searchPages === 'function' && results.hits.some((hit) => hit.url);
          if (siteOfPages) results = undefined;
        }
        this.#grouped = siteOfPages;
      }
      if (this.#grouped) {
        results ??= engine.searchPages(query, { limit: this.limit, offset: more ? this.#pages.length : 0, signal });
        if (results instanceof Promise) results = await settled(results, true);
        this.#pages = more ? this.#pages.concat(results.pages) : results.pages;
        this.#hasMore = this.#pages.length < results.total_pages;
        focus = more && results.pages[0]?.hits[0];
      } else {
        results ??= engine.search(query, { limit: this.limit, offset: more ? this.#flatHits.length : 0, signal });
        if (results instanceof Promise) results = await settled(results, true);
        this.#pages = null;
        this.#flatHits = more ? this.#flatHits.concat(results.hits) : results.hits;
        this.#hasMore = this.#flatHits.length < results.total;
        focus = more && results.hits[0];
      }
      // Completions of the last term (not inside quotes), the term itself left out. A sharded
      // index (its answers are promises) is asked for them once the results are shown, so that
      // the first results wait for no suggestion shard (below).
      if (!more) {
        const quoted = /["“”「」]/.test(last);
        if (quoted) this.#suggestions = [];
        else if (asynchronous) {
          this.#suggestions = [];
          suggestLater = true;
        } else this.#suggestions = completions(engine.suggest(last, ZhSearchElement.suggestions + 1));
      }
    } catch (err) {
      if (err === STALE) return;
      // Nothing is shown as if it were the answer: the list empties and the status says why.
      console.error('zh-search: search failed', err);
      this.#query = query;
      this.#total = 0;
      this.#partial = false;
      this.#suggestions = [];
      this.#pages = null;
      this.#flatHits = [];
      this.#hasMore = false;
      this.#render();
      this.#say(this.#strings.searchError);
      this.dispatchEvent(new CustomEvent('zh-search:error', {
        detail: { query, message: String(err?.message ?? err) }, bubbles: true, composed: true,
      }));
      return;
    }
    this.#query = query;
    if (!more) this.#expandedPages = new Set();
    this.#total = results.total;
    this.#partial = results.partial;
    this.#render(focus);
    this.#announce();
    this.dispatchEvent(new CustomEvent('zh-search:results', {
      detail: { query, total: this.#total, partial: this.#partial }, bubbles: true, composed: true,
    }));
    if (suggestLater) {
      let words;
      try {
        words = await settled(engine.suggest(last, ZhSearchElement.suggestions + 1));
      } catch (err) {
        // The results stand; only the suggestions are missing.
        if (err !== STALE) console.error('zh-search: suggestions failed', err);
        return;
      }
      // Added only while the reader has not moved through the list (they would shift it).
      if (this.#active === -1 && words.length) {
        this.#suggestions = completions(words);
        this.#render();
      }
    }
  }

  /** The status line: the count (and `extra`, announced with it), partial matches, the key hint. */
  #announce(extra) {
    const strings = this.#strings;
    const query = this.#query.trim();
    if (!this.#total) return this.#say(query && strings.none(query));
    const found = strings.found(this.#total);
    this.#say(extra ? `${found} · ${extra}` : found, this.#partial && strings.partial, strings.keyHint);
  }

  /**
   * Rebuild the list: suggestions, then the hits, flat or grouped by page (a page's best
   * SECTIONS_SHOWN, nested under the first, then "N more on this page" until expanded).
   * `focus` (a hit) becomes the active option.
   */
  #render(focus) {
    const strings = this.#strings;
    const id = this.#id;
    const hits = [];
    const hitOption = (hit, nested) => {
      const i = hits.push(hit) - 1;
      const title = hit.page_title ? crumbs(hit, !nested) : markedNodes(hit.title, hit.title_highlights);
      return element('div', { id: `${id}-o${i}`, role: 'option', 'aria-selected': 'false', 'data-i': i, className: nested ? 'nested' : '' },
        element('div', { className: 'title' }, ...title),
        ...(nested ? [] : [element('div', { className: 'source' }, hit.source)]),
        element('div', { className: 'snippet' }, ...snippetNodes(hit.snippet)));
    };
    const items = this.#suggestions.map((word, i) =>
      element('div', { id: `${id}-s${i}`, role: 'option', 'aria-selected': 'false', className: 'suggestion', 'data-s': word,
        'aria-label': strings.suggestion(word) }, searchIcon(), element('span', {}, word)));
    if (this.#pages) {
      this.#pages.forEach((page, p) => {
        const shown = this.#expandedPages.has(p) ? page.hits : page.hits.slice(0, SECTIONS_SHOWN);
        const rest = page.hits.length - shown.length;
        const moreOnPage = () => element('div', { id: `${id}-p${p}`, role: 'option', 'aria-selected': 'false',
          className: 'nested more-on-page', 'data-x': p }, strings.moreOnPage(rest));
        items.push(element('div', { role: 'group', 'aria-label': page.page_title || page.source },
          ...shown.map((hit, k) => hitOption(hit, k > 0)), ...(rest > 0 ? [moreOnPage()] : [])));
      });
    } else {
      items.push(...this.#flatHits.map((hit) => hitOption(hit, false)));
    }
    this.#hits = hits;
    this.#list.replaceChildren(...items);
    this.#options = [...this.#list.querySelectorAll('[role=option]')];
    this.#active = -1;
    this.#input.removeAttribute('aria-activedescendant');
    this.#expand(this.#options.length > 0);
    if (focus) this.#activate(this.#optionOf(hits.indexOf(focus)));
  }

  /** Index among the options of hit i (-1 when it is not shown). */
  #optionOf(i) {
    return this.#options.findIndex((option) => option.dataset.i === String(i));
  }

  /** Show the rest of page p's hits in place, the first of them active, and say so. */
  #expandPage(p) {
    const page = this.#pages?.[p];
    if (!page || this.#expandedPages.has(p)) return;
    this.#expandedPages.add(p);
    this.#render(page.hits[SECTIONS_SHOWN]);
    this.#announce(this.#strings.shownOnPage(page.hits.length - SECTIONS_SHOWN, page.page_title || page.source));
    this.#input.focus();
  }

  /** Open or close the list (and the "more results" button with it). */
  #expand(open) {
    this.#list.hidden = !open;
    this.#moreButton.hidden = !open || !this.#hasMore;
    this.#input.setAttribute('aria-expanded', String(open));
    if (!open) this.#activate(-1);
  }

  /** Make option i the active one (-1: none), scrolled into view unless `scroll` is false. */
  #activate(i, scroll = true) {
    this.#options[this.#active]?.setAttribute('aria-selected', 'false');
    this.#active = i;
    const option = this.#options[i];
    if (!option) return this.#input.removeAttribute('aria-activedescendant');
    option.setAttribute('aria-selected', 'true');
    this.#input.setAttribute('aria-activedescendant', option.id);
    if (scroll) option.scrollIntoView({ block: 'nearest' });
  }

  #onKey(e) {
    if (e.isComposing || e.keyCode === 229 || this.#composing) return;
    const count = this.#options.length;
    const open = !this.#list.hidden;
    const move = (i) => {
      e.preventDefault();
      if (!count) return;
      if (!open) this.#expand(true);
      this.#activate(i);
    };
    const active = this.#active;
    switch (e.key) {
      case 'ArrowDown': return move(active < 0 || active >= count - 1 ? 0 : active + 1);
      case 'ArrowUp': return move(active <= 0 ? count - 1 : active - 1);
      case 'PageDown': return move(Math.min(count - 1, active + 5));
      case 'PageUp': return move(Math.max(0, active - 5));
      case 'Home': return active >= 0 && move(0);
      case 'End': return active >= 0 && move(count - 1);
      case 'Enter':
        if (open && active >= 0) {
          e.preventDefault();
          this.#pick(active, e);
        } else if (this.#input.value.trim()) {
          e.preventDefault();
          this.#run();
        }
        return;
      case ' ': // Space expands an active "N more on this page"; elsewhere it types a space.
        if (open && this.#options[active]?.dataset.x !== undefined) {
          e.preventDefault();
          this.#pick(active, e);
        }
        return;
      case 'Escape':
        e.preventDefault();
        if (open) this.#expand(false);
        else if (this.#input.value) {
          this.#input.value = '';
          this.#run();
        }
    }
  }

  /** Option i of the list: a suggestion becomes the query's last term; "N more" expands; a hit opens. */
  #pick(i, e) {
    const data = this.#options[i]?.dataset;
    if (!data) return;
    if (data.x !== undefined) return this.#expandPage(Number(data.x));
    const word = data.s;
    if (word === undefined) return this.open(Number(data.i), e);
    this.#input.value = this.#input.value.replace(/\S*$/, word);
    this.#run();
    this.#input.focus();
  }

  /**
   * Open hit i: fire the cancelable `zh-search:select` (detail: the hit), then go to its page
   * (`hit.href`, for HTML sources) or show the passage in the detail view.
   */
  open(i, e) {
    const hit = this.#hits[i];
    if (!hit) return;
    this.#activate(this.#optionOf(i));
    if (hit.url) {
      const url = new URL(hit.url, new URL(this.getAttribute('base') || dist?.base || '/', document.baseURI));
      if (hit.anchor) url.hash = hit.anchor;
      hit.href = url.href;
    }
    const select = new CustomEvent('zh-search:select', { detail: hit, bubbles: true, composed: true, cancelable: true });
    if (!this.dispatchEvent(select)) return;
    if (hit.href) {
      if (e?.ctrlKey || e?.metaKey) window.open(hit.href, '_blank', 'noopener');
      else location.assign(hit.href);
      return;
    }
    this.#detailTitle.replaceChildren(...markedNodes(hit.title, hit.title_highlights));
    this.#detailSource.textContent = hit.source;
    this.#detailText.replaceChildren(...markedNodes(hit.text, hit.highlights));
    this.#dialog.showModal();
    this.#detailText.scrollTop = 0;
    this.#detailText.querySelector('mark')?.scrollIntoView({ block: 'center' });
    this.#detailText.focus();
  }
}
