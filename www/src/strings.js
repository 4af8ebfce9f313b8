// The element's UI strings: Simplified Chinese (the default) and English (`lang="en…"`).

const ZH = {
  label: '搜索',
  placeholder: '搜索…',
  list: '搜索结果',
  found: (n) => `找到 ${n} 条结果`,
  partial: '没有完全匹配的结果，以下为部分匹配',
  none: (query) => `没有找到与“${query}”相关的结果`,
  loading: '正在加载索引…',
  loadError: '索引加载失败（load error）',
  searchError: '搜索失败：索引文件无法获取或已损坏，请稍后重试或刷新页面（search error）',
  close: '关闭',
  moreResults: '显示更多结果',
  keyHint: '↑↓ 选择 · Enter 打开 · Esc 关闭',
  suggestion: (word) => `搜索建议：${word}`,
  moreOnPage: (n) => `本页另有 ${n} 条结果`,
  shownOnPage: (n, page) => `已展开“${page}”的另外 ${n} 条结果`,
};

/** @type {typeof ZH} */
const EN = {
  label: 'Search',
  placeholder: 'Search…',
  list: 'Search results',
  found: (n) => `${n} result${n === 1 ? '' : 's'}`,
  partial: 'No exact matches; showing partial matches',
  none: (query) => `No results found for “${query}”`,
  loading: 'Loading index…',
  loadError: 'Search index failed to load (load error)',
  searchError: 'Search failed: index files could not be fetched or are damaged; try again or reload the page (search error)',
  close: 'Close',
  moreResults: 'Show more results',
  keyHint: '↑↓ to select · Enter to open · Esc to close',
  suggestion: (word) => `Suggestion: ${word}`,
  moreOnPage: (n) => `${n} more on this page`,
  shownOnPage: (n, page) => `Showing ${n} more from “${page}”`,
};

/** The strings for a `lang` attribute value: English for `en…`, Chinese otherwise. */
export const stringsFor = (lang) => (/^en/i.test(lang || '') ? EN : ZH);
