// Compiled by tests/node/types.test.mjs with `tsc --noEmit --strict`: how a site's TypeScript
// uses www/zh-search.d.ts. Every `@ts-expect-error` line must be an error, so the types are
// real constraints, not `any`.
import ZhSearchElement, {
  loadEngine,
  markedNodes,
  snippetNodes,
  type Engine,
  type Hit,
  type PageResults,
  type SearchResults,
  type WidgetHit,
  type ZhSearchAttributes,
  type ZhSearchSelectEvent,
} from '../../www/zh-search.js';

export async function useEngine(): Promise<string[]> {
  const engine: Engine = await loadEngine();
  const results: SearchResults = engine.search('碳计量', { limit: 5, offset: 0 });
  engine.search('碳计量');
  engine.search('碳计量', null);
  const first: Hit | undefined = results.hits[0];
  const words: string[] = engine.suggest('聊', 8);
  const n: number = results.total + engine.stats().passages + (first?.highlights[0]?.[1] ?? 0);
  const link: string | undefined = first?.url && first.anchor ? `${first.url}#${first.anchor}` : first?.url;
  const grouped: PageResults = engine.searchPages('碳计量', { limit: 5 });
  const path: string = [grouped.pages[0]?.page_title ?? '', ...(first?.headings ?? [])].join(' › ');
  const more: number = (grouped.pages[0]?.total ?? 0) - (grouped.pages[0]?.hits.length ?? 0) + grouped.total_pages;
  // @ts-expect-error headings are strings
  const wrong: number[] = first.headings;
  // @ts-expect-error the query is a string
  engine.search(42);
  // @ts-expect-error limit is a number
  engine.search('x', { limit: '10' });
  // @ts-expect-error hits have no such field
  results.hits[0].page;
  // @ts-expect-error partial is a boolean
  const p: string = results.partial;
  return [...words, String(n), link ?? '', p, path, String(more), String(wrong)];
}

export function useElement(): void {
  const el = document.querySelector('zh-search');
  if (!el) return;
  const typed: ZhSearchElement = el; // the tag name maps to the element's type
  typed.value = '光岳楼';
  const hits: WidgetHit[] = typed.hits;
  typed.open(0);
  ZhSearchElement.suggestions = 3;
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
  document.addEventListener('zh-search:select', (e: ZhSearchSelectEvent) => console.log(e.detail.title, hits.length));
  const attrs: ZhSearchAttributes = { placeholder: '搜索本站…', limit: '10', lang: 'en', base: '/docs/' };
  // @ts-expect-error limit is a number or a numeric string
  const bad: ZhSearchAttributes = { limit: 'ten' };
  const nodes: Array<string | HTMLElement> = [...snippetNodes('<mark>a</mark>'), ...markedNodes('abc', [[0, 1]])];
  console.log(attrs, bad, nodes);
}
