// Types for zh-search.js (the <zh-search> element and the engine it loads from
// pkg/zh_search.js). Import the module for its side effect (it defines <zh-search>) or for
// these names. (zh-search.js is the build's bundle of www/src/.)

/** A `[start, end)` range in UTF-16 code units (JavaScript string indices). */
export type Range = [start: number, end: number];

/** One result: a passage of a corpus file. */
export interface Hit {
  /** The corpus file, relative to the corpus folder, with `/` separators. */
  source: string;
  /** The passage's section title (its heading, or a title derived from its first clause). */
  title: string;
  /** The passage's original text. */
  text: string;
  /** HTML: the text around the best matches, escaped, with `<mark>` around matches (nothing else). */
  snippet: string;
  score: number;
  /** Passage id, stable for a given index. */
  passage: number;
  /** Matched ranges of `text`. */
  highlights: Range[];
  /** Matched ranges of `title`. */
  title_highlights: Range[];
  /** HTML sources only: the page's URL path relative to the corpus folder (percent-encoded). */
  url?: string;
  /** HTML sources only: the `id` of the passage's heading on that page, when it has one. */
  anchor?: string;
  /** The title of the passage's page (HTML `<title>` or first `<h1>`); `""` when it has none. */
  page_title: string;
  /**
   * The headings above the passage, outermost first, ending with its own section's title
   * (`h1 › h2 › h3`); empty when the passage is untitled.
   */
  headings: string[];
}

/** A hit as the element shows it and passes in `zh-search:select`. */
export interface WidgetHit extends Hit {
  /**
   * HTML sources: the absolute link (`url` resolved against the `base` attribute, `#anchor`),
   * set when the hit is opened (before `zh-search:select` fires).
   */
  href?: string;
}

export interface SearchResults {
  /** Number of matching passages (all pages). */
  total: number;
  hits: Hit[];
  /** No passage contained every term; `hits` are the best partial matches. */
  partial: boolean;
}

/** One page of grouped results: its best passages, best first. */
export interface PageHits {
  /** The corpus file, relative to the corpus folder, with `/` separators. */
  source: string;
  /** HTML sources only: the page's URL path relative to the corpus folder (percent-encoded). */
  url?: string;
  /** The page's title; `""` when it has none. */
  page_title: string;
  /** The score of its best hit. */
  score: number;
  /** Number of matching passages on this page. */
  total: number;
  /** Its best passages, best first, at most 20. */
  hits: Hit[];
}

/** Results grouped by page, pages ordered by their best hit. */
export interface PageResults {
  /** Number of matching passages (all pages). */
  total: number;
  /** Number of pages with a matching passage. */
  total_pages: number;
  /** No passage contained every term; the hits are the best partial matches. */
  partial: boolean;
  pages: PageHits[];
}

/** Paging; missing or `null` values use the defaults. Negative, non-finite or non-numeric values throw. */
export interface SearchOptions {
  /** Hits per call (pages for `searchPages`), default 10, capped at 100. */
  limit?: number | null;
  /** Hits (pages for `searchPages`) to skip, default 0. */
  offset?: number | null;
  /** A sharded index: aborting it rejects the search's promise with the signal's reason, and
   * the search fetches no further index files (a reader who typed on). The other engines
   * answer at once and ignore it. */
  signal?: AbortSignal | null;
}

export interface IndexStats {
  sources: number;
  passages: number;
  terms: number;
  index_bytes: number;
}

/** An answer of the engine: the value itself (the embed build, one index file), or a promise of
 * it (a sharded index, searched in a worker that fetches index files as searches need them,
 * rejecting with an `Error` when one cannot be fetched or is damaged). `await` takes both. */
export type Answer<T> = T | Promise<T>;

/** The engine's API: the embed build's module (pkg/zh_search.js after initialisation), or, in a
 * folder written by `zh-search index`, the same methods over the index it fetches. */
export interface Engine {
  search(query: string, options?: SearchOptions | null): Answer<SearchResults>;
  /** Hits grouped by page; `limit` and `offset` count pages (default 10, capped at 100). */
  searchPages(query: string, options?: SearchOptions | null): Answer<PageResults>;
  /** Index terms starting with `prefix`, most useful first; `limit` default 8, capped at 50. */
  suggest(prefix: string, limit?: number | null): Answer<string[]>;
  stats(): Answer<IndexStats>;
}

/** Loads and initialises the engine once (its files relative to zh-search.js); rejects with an
 * `Error` saying what failed (a file missing or damaged, the network). */
export function loadEngine(): Promise<Engine>;

/** Read when the engine loads (set them before the first search). */
export const settings: {
  /** A sharded index's file fetch fails after this many milliseconds (default 20000): a stalled
   * network never hangs a search, which then rejects with an `Error`. */
  fetchTimeoutMs: number;
};

/** A snippet (escaped text with `<mark>`) as DOM nodes, without ever parsing HTML. */
export function snippetNodes(html: string): Array<string | HTMLElement>;

/** `text` with `ranges` wrapped in `<mark>`, as DOM nodes. */
export function markedNodes(text: string, ranges: Range[]): Array<string | HTMLElement>;

/** The attributes of `<zh-search>`. */
export interface ZhSearchAttributes {
  /** Placeholder and accessible name of the search box. */
  placeholder?: string;
  /** Results per page (default 10). */
  limit?: number | `${number}`;
  /** Language of the UI labels: `zh-CN` (default) or `en`. */
  lang?: 'zh-CN' | 'en' | (string & {});
  /** Where hit URLs are resolved (default `/`, the site root, or the folder's `--base-url`). */
  base?: string;
}

/**
 * Fired on `<zh-search>` (bubbling, composed) when the reader opens a hit. Cancelable: call
 * `preventDefault()` to handle the hit yourself instead of navigating to `detail.href` or
 * showing the passage.
 */
export type ZhSearchSelectEvent = CustomEvent<WidgetHit>;

/** What a search the element ran found (the `detail` of `zh-search:results`). */
export interface ZhSearchResultsDetail {
  /** The query searched. */
  query: string;
  /** Number of matches. */
  total: number;
  /** No passage contained every term. */
  partial: boolean;
}

/**
 * Fired on `<zh-search>` (bubbling, composed) after each search it runs: as the reader types,
 * picks a suggestion, asks for more results, or a script sets `value`.
 */
export type ZhSearchResultsEvent = CustomEvent<ZhSearchResultsDetail>;

/** Why a search failed (the `detail` of `zh-search:error`). */
export interface ZhSearchErrorDetail {
  /** The query whose search failed. */
  query: string;
  /** What failed: an index file that could not be fetched (HTTP status, offline, timed out),
   * was damaged or cut short, or belongs to another build of the index. */
  message: string;
}

/**
 * Fired on `<zh-search>` (bubbling, composed) when a search fails (sharded indexes fetch index
 * files as searches need them): the list is emptied and the status line says so; nothing is
 * shown as if it were the answer.
 */
export type ZhSearchErrorEvent = CustomEvent<ZhSearchErrorDetail>;

export class ZhSearchElement extends HTMLElement {
  static readonly observedAttributes: string[];
  /** How many suggestions are shown above the results (default 5). */
  static suggestions: number;
  /**
   * Registers the element as `<zh-search>` unless that name is taken; returns the class.
   * Importing zh-search.js already does it.
   */
  static define(): typeof ZhSearchElement;
  /** The text in the search box; setting it runs a search. */
  value: string;
  /** The query the results shown are for (`value` once its search has run; `""` before). */
  readonly query: string;
  /** The `limit` attribute as a number. */
  readonly limit: number;
  /** The hits shown, in the order of the list (a page's collapsed sections are not shown). */
  readonly hits: WidgetHit[];
  /** The pages shown when results are grouped by page (sites of HTML pages); `null` for a flat list. */
  readonly pages: PageHits[] | null;
  /** The suggestions shown above the results (completions of the query's last term). */
  readonly suggestions: string[];
  /** Total number of matches for the current query. */
  readonly total: number;
  /** No passage contained every term: the hits are the best partial matches. */
  readonly partial: boolean;
  /** Opens hit `index` as a click would. */
  open(index: number): void;
}

export default ZhSearchElement;

declare global {
  interface HTMLElementTagNameMap {
    'zh-search': ZhSearchElement;
  }
  interface GlobalEventHandlersEventMap {
    'zh-search:select': ZhSearchSelectEvent;
    'zh-search:results': ZhSearchResultsEvent;
    'zh-search:error': ZhSearchErrorEvent;
  }
}
