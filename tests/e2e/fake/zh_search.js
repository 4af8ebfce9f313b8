// Hand-written stand-in for the wasm-bindgen output, used ONLY while developing the widget
// before the Rust side compiles. Never used by the real tests (they load www/pkg/).
// Serve it with: node tests/e2e/fake/serve-fake.mjs
const PASSAGES = [
  { source: '000_995a90f47ebf7413.txt', title: '聊城市产品质量监督检验所： 提升科研能力，助力新质生产力培育',
    text: '以聊城市产品质量监督检验所(山东省黄河流域高质量发展区域计量中心)为主体，联合山东省计量科学研究院共同筹建的国家碳计量中心(山东)于2023年8月获得国家市场监督管理总局批准筹建，这是全国第三家国家碳计量中心，也是全国唯一一家以市级部门为筹建主体的国家碳计量中心。' },
  { source: '003_072645c75c3c641d.txt', title: '全国第三家国家碳计量中心落户聊城',
    text: '三家国家碳计量中心落户聊城，为聊城 NQI 一站式服务提供了有力支撑。' },
  { source: '003_072645c75c3c641d.txt', title: '光岳楼 <script>alert(1)</script> & "quotes"',
    text: '光岳楼是聊城的地标 <img src=x onerror=alert(1)> & 碳计量 "test" \'x\'，游客络绎不绝。' },
  { source: '000_995a90f47ebf7413.txt', title: '东昌府区新区小学开展心理健康教育',
    text: '为进一步加强学生心理健康教育，帮助学生认识情绪、管理情绪，东昌府区新区小学开展了心理健康教育主题活动。' },
];
for (let i = 0; i < 12; i++) {
  PASSAGES.push({ source: i % 2 ? '000_995a90f47ebf7413.txt' : '003_072645c75c3c641d.txt',
    title: `碳计量 填充段落 ${i + 1}`, text: `第${i + 1}段：关于碳计量的一些文字，用来测试长列表滚动。` });
}
const esc = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const T2S = { 國: '国', 計: '计', 碳: '碳', 中: '中', 心: '心', 家: '家', 量: '量' };
const norm = (s) => [...s].map((c) => T2S[c] ?? c).join('').toLowerCase();
function ranges(hay, terms) {
  const out = [];
  const h = norm(hay);
  for (const t of terms) {
    let i = 0;
    while ((i = h.indexOf(t, i)) !== -1) { out.push([i, i + t.length]); i += t.length; }
  }
  out.sort((a, b) => a[0] - b[0]);
  return out;
}
function markup(s, rs) {
  let o = '', p = 0;
  for (const [a, b] of rs) { if (a < p) continue; o += esc(s.slice(p, a)) + '<mark>' + esc(s.slice(a, b)) + '</mark>'; p = b; }
  return o + esc(s.slice(p));
}
let ready = false;
export default async function init() { await new Promise((r) => setTimeout(r, 30)); ready = true; }
export function initSync() { ready = true; }
export function search(query, options) {
  if (!ready) throw new Error('not initialised');
  let limit = 10, offset = 0;
  if (options != null) {
    if (typeof options !== 'object') throw new Error('options must be an object');
    for (const k of ['limit', 'offset']) {
      const v = options[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`bad ${k}`);
      if (k === 'limit') limit = v; else offset = v;
    }
  }
  const terms = norm(String(query)).split(/\s+/).filter(Boolean);
  if (!terms.length) return { total: 0, hits: [], partial: false };
  let all = PASSAGES.map((p, i) => ({ p, i, hit: terms.filter((t) => norm(p.title + p.text).includes(t)).length }));
  let partial = false;
  let matched = all.filter((x) => x.hit === terms.length);
  if (!matched.length) { matched = all.filter((x) => x.hit > 0); partial = matched.length > 0; }
  const hits = matched.slice(offset, offset + limit).map(({ p, i }) => {
    const highlights = ranges(p.text, terms);
    const s0 = Math.max(0, (highlights[0]?.[0] ?? 0) - 20);
    const snipText = (s0 > 0 ? '…' : '') + p.text.slice(s0, s0 + 80);
    const shift = s0 > 0 ? 1 - s0 : 0;
    const sr = highlights.map(([a, b]) => [a + shift, b + shift]).filter(([a, b]) => a >= 0 && b <= snipText.length);
    return { source: p.source, title: p.title, text: p.text, snippet: markup(snipText, sr), score: 10 - i / 10,
      passage: i, highlights, title_highlights: ranges(p.title, terms) };
  });
  return { total: matched.length, hits, partial };
}
export function suggest(prefix, limit = 10) { return ['碳计量', '碳计量中心'].filter((s) => s.startsWith(prefix)).slice(0, limit); }
export function stats() { return { sources: 2, passages: PASSAGES.length, terms: 1234, index_bytes: 56789 }; }
