// Compiled by tests/node/types.test.mjs with `tsc --noEmit --strict`: how a site's TypeScript
// uses www/zh-search.d.ts. Every `@ts-expect-error` line must be an error, so the types are
// real constraints, not `any`.
import ZhSearchElement, {
  loadEngine,
  markedNodes,
  snippetNodes,
  type Engine,
  type Hit,
  type PageHits,
  type PageResults,
  type SearchResults,
  type WidgetHit,
  type ZhSearchAttributes,
  type ZhSearchResultsEvent,
  type ZhSearchSelectEvent,
} from '../../www/zh-search.js';

export async function useEngine(): Promise<string[]> {
  const engine: Engine = await loadEngine();
  const results: SearchResults = await engine.search('碳计量', { limit: 5, offset: 0 });
  // @ts-expect-error a sharded index answers in a promise: await the answer
  const unawaited: SearchResults = engine.search('碳计量');
  engine.search('碳计量');
  engine.search('碳计量', null);
  const first: Hit | undefined = results.hits[0];
  const words: string[] = await engine.suggest('聊', 8);
  const n: number = results.total + (await engine.stats()).passages + (first?.highlights[0]?.[1] ?? 0);
  const link: string | undefined = first?.url && first.anchor ? `${first.url}#${first.anchor}` : first?.url;
  const where: string = first ? [first.page_title, ...first.headings].join(' › ') : '';
  const grouped: PageResults = await engine.searchPages('碳计量', { limit: 5, offset: 5 });
  const page: PageHits | undefined = grouped.pages[0];
  const passages: number = grouped.total + grouped.total_pages + (page?.total ?? 0) + (page?.hits.length ?? 0);
  const pageLink: string = page?.url ?? page?.source ?? '';
  // @ts-expect-error a page has no snippet of its own
  grouped.pages[0].snippet;
  // @ts-expect-error headings are strings
  const level: number = first?.headings[0];
  // @ts-expect-error the query is a string
  engine.search(42);
  // @ts-expect-error limit is a number
  engine.search('x', { limit: '10' });
  // @ts-expect-error hits have no such field
  results.hits[0].page;
  // @ts-expect-error partial is a boolean
  const p: string = results.partial;
  return [...words, String(n), link ?? '', p, where, String(passages), pageLink, String(level), String(unawaited)];
}

export function useElement(): void {
  const el = document.querySelector('zh-search');
  if (!el) return;
  const typed: ZhSearchElement = el; // the tag name maps to the element's type
  typed.value = '光岳楼';
  const hits: WidgetHit[] = typed.hits;
  const shownPages: number = typed.pages?.length ?? 0;
  // @ts-expect-error pages are read-only
  typed.pages = null;
  typed.open(0);
  ZhSearchElement.suggestions = 3;
  const defined: typeof ZhSearchElement = ZhSearchElement.define();
  const shownWords: string[] = typed.suggestions;
  const searched: string = typed.query;
  const counts: number = typed.total + (typed.partial ? 1 : 0) + typed.limit;
  // @ts-expect-error suggestions are read-only
  typed.suggestions = [];
  // @ts-expect-error the query shown is read-only (set value to search)
  typed.query = 'x';
  // @ts-expect-error total is read-only
  typed.total = 0;
  // @ts-expect-error the old name is gone
  typed.sugg;
  // @ts-expect-error value is a string
  typed.value = 5;
  // @ts-expect-error hits are read-only
  typed.hits = [];
  el.addEventListener('zh-search:select', (e) => {
    const hit: WidgetHit = e.detail; // the event map gives the detail's type
    if (hit.href) e.preventDefault();
    // @ts-expect-error detail is a hit
    e.detail.toFixed();
  });
  document.addEventListener('zh-search:select', (e: ZhSearchSelectEvent) => console.log(e.detail.title, hits.length, shownPages));
  el.addEventListener('zh-search:results', (e) => {
    const found: number = e.detail.total; // the event map gives the detail's type
    console.log(e.detail.query, found, e.detail.partial);
    // @ts-expect-error results events are not cancelable selections: no hit in them
    e.detail.title;
  });
  document.addEventListener('zh-search:results', (e: ZhSearchResultsEvent) => console.log(e.detail.query));
  console.log(defined, shownWords, searched, counts);
  const attrs: ZhSearchAttributes = { placeholder: '搜索本站…', limit: '10', lang: 'en', base: '/docs/' };
  // @ts-expect-error limit is a number or a numeric string
  const bad: ZhSearchAttributes = { limit: 'ten' };
  const nodes: Array<string | HTMLElement> = [...snippetNodes('<mark>a</mark>'), ...markedNodes('abc', [[0, 1]])];
  console.log(attrs, bad, nodes);
}
