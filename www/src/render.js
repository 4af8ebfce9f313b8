// Building the element's DOM: a small element factory, highlighted text from the engine's
// escaped snippets and highlight ranges, the search icon, a hit's heading path. Corpus text
// only ever becomes text nodes: nothing here parses HTML.

/**
 * `document.createElement(tag)` with `props` (a property when the element has it, otherwise an
 * attribute; `role` always an attribute) and `children` appended.
 */
export const element = (tag, props = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key in el && key !== 'role') el[key] = value;
    else el.setAttribute(key, value);
  }
  el.append(...children);
  return el;
};

/** The entities the engine's snippets use (it escapes &, <, >, " and '). */
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };
const decodeEntities = (text) => text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name) => ENTITIES[name]);

/** Safely turn a snippet ("text with <mark>…</mark>", everything else escaped) into DOM nodes. */
export function snippetNodes(html) {
  const nodes = [];
  let mark = null;
  for (const part of String(html).split(/(<\/?mark>)/)) {
    if (part === '<mark>' || part === '</mark>') {
      if (mark?.firstChild) nodes.push(mark);
      mark = part === '<mark>' ? element('mark') : null;
    } else if (part) {
      const text = decodeEntities(part);
      if (mark) mark.append(text);
      else nodes.push(text);
    }
  }
  if (mark?.firstChild) nodes.push(mark);
  return nodes;
}

/** Text with [start, end) UTF-16 ranges wrapped in <mark>, as DOM nodes. */
export function markedNodes(text, ranges) {
  text = String(text);
  const sorted = (Array.isArray(ranges) ? ranges : [])
    .map(([start, end]) => [Math.max(0, start | 0), Math.min(text.length, end | 0)])
    .filter(([start, end]) => end > start)
    .sort((x, y) => x[0] - y[0]);
  const nodes = [];
  let pos = 0;
  for (const [start, end] of sorted) {
    if (end <= pos) continue;
    const from = Math.max(start, pos);
    if (from > pos) nodes.push(text.slice(pos, from));
    nodes.push(element('mark', {}, text.slice(from, end)));
    pos = end;
  }
  if (pos < text.length) nodes.push(text.slice(pos));
  return nodes;
}

const SVG = 'http://www.w3.org/2000/svg';

/** The magnifying glass (decorative: hidden from screen readers). */
export function searchIcon() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  for (const [tag, shape] of [['circle', { cx: 11, cy: 11, r: 7 }], ['path', { d: 'm20 20-3.6-3.6' }]]) {
    const el = document.createElementNS(SVG, tag);
    const attributes = { ...shape, fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round' };
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    svg.append(el);
  }
  return svg;
}

/** Text compared for "says the same": whitespace runs folded, case ignored. */
const fold = (text) => String(text ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The heading path of a hit on a page, as crumbs: the page title (left out of a page's
 * sub-results), the headings above the section, the section's own title (highlighted). Whatever
 * only repeats the page title is said once: a section titled like the page, and the outermost
 * heading when the page title holds it (`<title>光岳楼 - 指南</title>` over `<h1>光岳楼</h1>`).
 */
export function crumbs(hit, withPage) {
  const page = fold(hit.page_title);
  const headings = (Array.isArray(hit.headings) ? hit.headings : []).map(String);
  if (headings.length && fold(headings.at(-1)) === fold(hit.title)) headings.pop();
  const above = headings.filter((x, i) => fold(x) && fold(x) !== page && !(i === 0 && page.includes(fold(x))));
  const own = fold(hit.title);
  const showOwn = own && own !== page && !(headings.length === 0 && page.includes(own));
  // A section title said by the page title keeps its highlights there.
  const at = showOwn ? -1 : hit.page_title.indexOf(hit.title);
  const shift = (ranges) => (Array.isArray(ranges) ? ranges : []).map(([start, end]) => [start + at, end + at]);
  const nodes = [];
  if (withPage || (!showOwn && !above.length)) {
    const title = at >= 0 ? markedNodes(hit.page_title, shift(hit.title_highlights)) : [hit.page_title];
    nodes.push(element('span', { className: 'crumb' }, ...title));
  }
  above.forEach((heading, i) =>
    nodes.push(element('span', { className: i < above.length - 1 || showOwn ? 'crumb crumb-above' : 'crumb' }, heading)));
  if (showOwn) nodes.push(element('span', { className: 'crumb' }, ...markedNodes(hit.title, hit.title_highlights)));
  return nodes;
}
