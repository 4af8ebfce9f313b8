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
// Pages of a documentation site shaped like Debian's (long titles, numbered sections, several
// sections per page), at the paths of tests/site-docbook/, with the fields the engine of issue 16
// returns: page_title, headings (parents, then the section's own title), url, anchor.
const DOCS = [
  ['第 2 章 Debian 软件包管理', 'reference/ch02.zh-cn.html', [
    ['2.1. Debian 软件包管理的前提', [], 's-pre', '使用 apt-get 或 aptitude 管理软件包之前，请先了解 Debian 的软件包仓库结构与依赖关系。'],
    ['2.2. 基础软件包管理操作', [], 's-basic', 'Debian 提供 apt、apt-get、aptitude 三种基础软件包管理工具，它们都以 dpkg 为后端。'],
    ['2.2.1. apt 和 apt-get / apt-cache 和 aptitude 的对比', ['2.2. 基础软件包管理操作'], 's-compare', 'apt-get 和 apt-cache 是最基础的基于 APT 的软件包管理工具，适合在脚本中使用。'],
    ['2.2.2. 命令行中的基础软件包管理操作', ['2.2. 基础软件包管理操作'], 's-cmdline', '下面是使用 apt-get 命令安装、升级和删除软件包的基础操作：apt-get install、apt-get upgrade、apt-get remove。'],
    ['示例', ['2.2. 基础软件包管理操作', '2.2.2. 命令行中的基础软件包管理操作'], 's-cmdline-ex', '例如运行 apt-get update 更新软件包索引，再运行 apt-get dist-upgrade 升级整个系统。'],
    ['2.3. aptitude 的高级使用', [], 's-aptitude', 'aptitude 在交互模式下提供全屏的软件包管理界面，也可以像 apt-get 一样在命令行中使用。'],
    ['2.4. 高级软件包管理操作', [], 's-advanced', '使用 apt-get -s 模拟安装，使用 apt-get source 获取源码包，使用 dpkg -l 列出已安装的软件包。'],
  ]],
  ['第 9 章 使您的 Debian 系统保持最新状态', 'faq/uptodate.zh-cn.html', [
    ['9.1. 屏幕监视技巧', [], 's-screen', '在远程登录的终端里运行长时间任务时，可以使用 screen 程序避免任务因断线而中止，例如 apt-get upgrade。'],
    ['9.4. 监控、控制和启动程序活动', [], 's-monitor', '使用 top 观察进程，使用 nice 调整优先级。'],
  ]],
  ['ssh', 'faq/pkgtools.zh-cn.html', [
    ['ssh', [], null, 'ssh 是安全的远程登录程序。apt-get install openssh-client 安装客户端。'],
  ]],
];
// The fixture site tests/site/ as the engine of issue 16 should index it (so that
// tests/e2e/pages.test.mjs can be tried with ZH_SEARCH_SITE_PKG pointing at this module).
const GYL = 'guide/%E5%85%89%E5%B2%B3%E6%A5%BC.html';
DOCS.push(
  ['光岳楼 - 聊城旅游指南', GYL, [
    ['光岳楼', [], null, '光岳楼位于聊城古城中央，是现存最古老、最高大的木构楼阁之一。'],
    ['历史沿革', ['光岳楼'], 'history', '光岳楼始建于明洪武七年（1374 年），原名“余木楼”。'],
    ['历史沿革', ['光岳楼'], 'history', '明弘治九年改称光岳楼，取“东岳泰山之光”之意。'],
    ['门票与开放时间', ['光岳楼'], 'tickets', '门票<四十元>，学生半价&老人免票。\n开放时间：每天八点至十八点。'],
    ['交通', ['光岳楼'], null, '从火车站乘坐公交车约二十分钟可到达古城。'],
  ]],
  ['聊城美食', 'guide/food.htm', [
    ['聊城美食', [], null, '编辑部整理'],
    ['沙镇呱嗒', ['聊城美食'], 'shaobing', '呱嗒是一种带馅的烤饼，外皮酥脆。'],
    ['魏氏熏鸡', ['聊城美食'], 'tofu', '选用本地散养鸡\n果木熏制，色泽金黄'],
  ]],
  ['聊城旅游指南', 'index.html', [
    ['欢迎来到聊城', [], null, '聊城是一座“江北水城”，古城、湖泊与运河交织在一起。'],
    ['最新消息', ['欢迎来到聊城'], 'news', '东昌湖环湖步道已经全线贯通，市民可以沿湖骑行。'],
    ['最新消息', ['欢迎来到聊城'], 'news', '运河博物馆推出夜间开放活动。'],
  ]],
);
for (const [page, url, sections] of DOCS) {
  for (const [title, parents, anchor, text] of sections) {
    PASSAGES.push({ source: decodeURIComponent(url), url, ...(anchor ? { anchor } : {}), page_title: page, headings: [...parents, title], title, text });
  }
}
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
      passage: i, highlights, title_highlights: ranges(p.title, terms), page_title: p.page_title ?? '',
      headings: p.headings ?? [p.title], ...(p.url ? { url: p.url } : {}), ...(p.anchor ? { anchor: p.anchor } : {}) };
  });
  return { total: matched.length, hits, partial };
}
/** The grouped view (the contract of issue 16): pages ordered by their best hit, limit/offset
 * count pages, per page its matching passages (total) and at most 20 hits, best first. */
export function searchPages(query, options) {
  const { limit = 10, offset = 0 } = options ?? {};
  const all = search(query, { limit: 1e9 });
  const pages = new Map();
  for (const hit of all.hits) {
    let p = pages.get(hit.source);
    if (!p) pages.set(hit.source, (p = { source: hit.source, ...(hit.url ? { url: hit.url } : {}), page_title: hit.page_title, score: hit.score, total: 0, hits: [] }));
    p.total++;
    if (p.hits.length < 20) p.hits.push(hit);
  }
  const list = [...pages.values()];
  return { total: all.total, total_pages: list.length, partial: all.partial, pages: list.slice(offset, offset + limit) };
}
export function suggest(prefix, limit = 10) { return ['碳计量', '碳计量中心'].filter((s) => s.startsWith(prefix)).slice(0, limit); }
export function stats() { return { sources: 2, passages: PASSAGES.length, terms: 1234, index_bytes: 56789 }; }
