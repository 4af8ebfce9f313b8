// Demo page glue: example-query buttons and an index stats line. No inline scripts (CSP).
import { loadEngine } from './zh-search.js';

const widget = document.querySelector('zh-search');
const examples = document.getElementById('examples');
const statsLine = document.getElementById('stats');

examples.addEventListener('click', (e) => {
  const q = e.target.closest('button[data-q]')?.dataset.q;
  if (!q || !widget) return;
  widget.value = q;
  widget.focus();
});
examples.hidden = false;

const fmt = new Intl.NumberFormat('zh-CN');
loadEngine().then(
  (m) => {
    const s = m.stats();
    const kb = (s.index_bytes / 1024).toFixed(1);
    statsLine.textContent =
      `索引：${fmt.format(s.sources)} 个来源 · ${fmt.format(s.passages)} 个段落 · ` +
      `${fmt.format(s.terms)} 个词条 · ${kb} KB`;
  },
  () => {
    // The widget itself reports the load error.
  },
);
