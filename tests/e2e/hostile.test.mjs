// Hostile input in the browser:
//  * an evil corpus (tests/fixtures/evil: <script>, <img onerror>, javascript: links, </mark>,
//    HTML entities, in texts, headings and a file name) built into its own module
//    (make wasm-evil -> target/evil/pkg) and served with and without the strict CSP header:
//    every piece of it is shown literally and nothing runs (no dialog, no console error, no
//    request, no CSP violation event or report);
//  * wasm memory stays flat across 10,000 searches of every odd kind (seed module, www/pkg).
// Figures go to target/e2e/hostile.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, CSP } from '../../tools/serve.mjs';
import { launch } from './browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WWW = path.join(ROOT, 'www');
const EVIL_PKG = process.env.ZH_SEARCH_EVIL_PKG ? path.resolve(process.env.ZH_SEARCH_EVIL_PKG) : path.join(ROOT, 'target/evil/pkg');
const FIGURES = path.join(ROOT, 'target/e2e/hostile.json');
const REPORT_PATH = '/__csp-report';

let browser;
const figures = {};
before(async () => {
  assert.ok(fs.existsSync(path.join(WWW, 'pkg/zh_search_bg.wasm')), 'missing www/pkg: run make build');
  assert.ok(fs.existsSync(path.join(EVIL_PKG, 'zh_search_bg.wasm')), `missing ${EVIL_PKG}: run make wasm-evil`);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  fs.mkdirSync(path.dirname(FIGURES), { recursive: true });
  fs.writeFileSync(FIGURES, JSON.stringify(figures, null, 2) + '\n');
});

/** www/ with the evil module as its pkg/, in a temporary folder. */
function evilSite(t) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-search-evil-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.cpSync(WWW, root, { recursive: true, filter: (src) => !src.startsWith(path.join(WWW, 'pkg')) });
  fs.cpSync(EVIL_PKG, path.join(root, 'pkg'), { recursive: true });
  return root;
}

/**
 * Serves `root` through tools/serve.mjs behind a small front server that adds the strict CSP
 * (when `csp`) with a report-uri, and collects the violation reports the browser POSTs to it.
 */
async function serve(t, root, csp) {
  const files = await startServer({ root, port: 0 });
  t.after(() => files.close());
  const reports = [];
  const front = http.createServer((req, res) => {
    if (req.url === REPORT_PATH) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        reports.push(body);
        res.writeHead(204).end();
      });
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: files.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      const headers = { ...up.headers };
      if (csp) headers['content-security-policy'] = `${CSP}; report-uri ${REPORT_PATH}`;
      res.writeHead(up.statusCode, headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => front.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => { front.closeAllConnections?.(); front.close(resolve); }));
  return { origin: `http://127.0.0.1:${front.address().port}`, reports };
}

/** Opens the demo page and records everything that must not happen. */
async function open(t, origin) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 860 } });
  t.after(() => context.close());
  const problems = [];
  const local = (u) => u.startsWith('data:') || u === origin || u.startsWith(origin + '/');
  await context.route((u) => !local(u.href), (route) => {
    problems.push(`request left the origin: ${route.request().url()}`);
    return route.abort();
  });
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    problems.push(`dialog ${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const response = await page.goto(origin + '/', { waitUntil: 'load' });
  assert.equal(response.status(), 200);
  await page.waitForFunction(() => customElements.get('zh-search') !== undefined);
  return { page, problems, requests };
}

/** Runs a query through the widget's input and waits for the answer. */
async function search(page, q) {
  // Clear first, so the status line cannot still show the previous query's answer.
  await page.locator('zh-search input').fill('');
  await page.waitForFunction(() => document.querySelector('zh-search').shadowRoot.querySelector('[role=status]').textContent === '');
  await page.locator('zh-search input').fill(q);
  await page.waitForFunction((q) => {
    const r = document.querySelector('zh-search').shadowRoot;
    return r.querySelector('input').value === q && /\d|没有找到/.test(r.querySelector('[role=status]').textContent);
  }, q, { timeout: 10_000 });
}


const EVIL_QUERIES = ['恶意正文', '攻击标题', '链接', '伪造高亮', '实体测试', '样式注入', '模板注入', '属性逃逸', '表单注入', '<script>', '</mark>', 'javascript:', '&lt;', 'onerror'];

/** Everything that must be true of the page after an evil query. */
async function checkLiteral(page, q) {
  return page.evaluate(async (q) => {
    const m = await import('/pkg/zh_search.js');
    const r = m.search(q, { limit: 10 });
    const root = document.querySelector('zh-search').shadowRoot;
    const options = [...root.querySelectorAll('[role=option]')];
    const decode = (s) => s.replace(/<\/?mark>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]);
    const out = { q, total: r.total, shown: options.length, mismatches: [], foreign: [], handlers: [], texts: [] };
    r.hits.forEach((hit, i) => {
      const li = options[i];
      if (!li) return out.mismatches.push(`hit ${i} not shown`);
      const [title, meta, snippet] = li.children;
      // A hit with a page title reads "page title › section" (issue 16): every part of the line is
      // literally one of the hit's own strings, the first its page's; otherwise the line is the title.
      const parts = [...title.querySelectorAll('.crumb')].map((c) => c.textContent);
      const own = [hit.page_title, ...(hit.headings ?? []), hit.title];
      const literal = hit.page_title
        ? parts.length > 0 && parts.join('') === title.textContent && parts.every((x) => own.includes(x)) &&
          [hit.page_title, hit.title].includes(parts[0])
        : title.textContent === hit.title;
      if (!literal) out.mismatches.push(`title ${JSON.stringify(title.textContent)} (${JSON.stringify(parts)}) is not ${JSON.stringify(own)}`);
      if (meta.textContent !== hit.source) out.mismatches.push(`source ${meta.textContent} != ${hit.source}`);
      if (snippet.textContent !== decode(hit.snippet)) out.mismatches.push(`snippet ${JSON.stringify(snippet.textContent)} != ${JSON.stringify(decode(hit.snippet))}`);
      out.texts.push(hit.title, hit.source, hit.text);
    });
    const all = [...document.querySelectorAll('*'), ...root.querySelectorAll('*')];
    for (const el of root.querySelectorAll('*')) {
      if (!['style', 'div', 'input', 'svg', 'circle', 'path', 'span', 'ul', 'li', 'mark', 'button', 'dialog', 'header', 'h2'].includes(el.localName)) out.foreign.push(el.outerHTML.slice(0, 80));
    }
    for (const el of all) {
      for (const a of el.getAttributeNames()) if (/^on/i.test(a) || /javascript:/i.test(el.getAttribute(a))) out.handlers.push(`${el.localName}[${a}]`);
    }
    out.scripts = document.querySelectorAll('script').length;
    return out;
  }, q);
}

async function evilRun(t, csp) {
  const { origin, reports } = await serve(t, evilSite(t), csp);
  const { page, problems, requests } = await open(t, origin);
  const scriptsAtLoad = await page.evaluate(() => document.querySelectorAll('script').length);
  const seen = new Set();
  let hits = 0;
  for (const q of EVIL_QUERIES) {
    await search(page, q);
    const got = await checkLiteral(page, q);
    assert.ok(got.total > 0, `${q} finds the evil text`);
    assert.equal(got.shown, Math.min(10, got.total));
    assert.deepEqual(got.mismatches, [], `${q}: shown exactly as the engine returned it`);
    assert.deepEqual(got.foreign, [], `${q}: no injected elements`);
    assert.deepEqual(got.handlers, [], `${q}: no event-handler or javascript: attributes`);
    assert.equal(got.scripts, scriptsAtLoad, 'no new <script>');
    got.texts.forEach((s) => seen.add(s));
    hits += got.shown;
    // The detail view shows the whole passage, literally.
    await page.locator('zh-search input').press('ArrowDown');
    await page.locator('zh-search input').press('Enter');
    const dialog = page.locator('zh-search dialog[open]');
    await dialog.waitFor({ state: 'visible' });
    const shown = await dialog.evaluate((d) => ({
      title: d.querySelector('h2').textContent, source: d.querySelector('.source').textContent, body: d.querySelector('.passage').textContent,
      elements: [...d.querySelectorAll('*')].map((e) => e.localName).filter((n) => !['header', 'div', 'h2', 'button', 'mark'].includes(n)),
    }));
    const first = await page.evaluate(async (q) => (await import('/pkg/zh_search.js')).search(q, { limit: 1 }).hits[0], q);
    assert.deepEqual(shown, { title: first.title, source: first.source, body: first.text, elements: [] }, `${q}: detail view`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  }
  // The payloads themselves were on screen as text.
  const everything = [...seen].join('\n');
  for (const payload of ['<script>alert(2)</script>', '<img src=x onerror="alert(3)">', '[点我](javascript:alert(7))',
    '<a href="javascript:alert(8)">', '</mark><mark>假的高亮</mark>', '&lt;script&gt;alert(10)&lt;/script&gt;', '&amp;', '&#60;b&#62;',
    '<img src=x onerror=alert(1)>.md', '<style>*{display:none}</style>', "{{constructor.constructor('alert(11)')()}}"]) {
    assert.ok(everything.includes(payload), `shown literally: ${payload}`);
  }
  await page.waitForTimeout(300);
  const violations = await page.evaluate(() => window.__violations);
  assert.deepEqual([...problems, ...violations.map((v) => `CSP violation: ${v}`), ...reports.map((r) => `CSP report: ${r}`)], [],
    'no dialog, console error, failed request or CSP violation');
  for (const u of requests) assert.ok(u.startsWith(origin + '/'), `request to ${u}`);
  return { page, reports, problems, queries: EVIL_QUERIES.length, hits };
}

test('an evil corpus is shown literally and runs nothing under the strict CSP', async (t) => {
  const { page, reports, queries, hits } = await evilRun(t, true);
  // Control: the page really reports violations (so the empty lists above mean something).
  await page.evaluate(() => {
    const s = document.createElement('style');
    s.textContent = 'body{}';
    document.head.append(s);
  });
  await page.waitForFunction(() => window.__violations.length > 0);
  const deadline = Date.now() + 5000;
  while (!reports.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(reports.length, 1, 'the control violation was reported to the server');
  assert.match(reports[0], /style-src/);
  figures.evilCsp = { queries, hitsChecked: hits, controlViolationReported: true };
});

test('the evil corpus runs nothing without a CSP either', async (t) => {
  const { queries, hits } = await evilRun(t, false);
  figures.evilNoCsp = { queries, hitsChecked: hits };
});

test('wasm memory stays flat across 10,000 searches', async (t) => {
  const files = await startServer({ root: WWW, port: 0, csp: true });
  t.after(() => files.close());
  const { page, problems } = await open(t, files.url);
  const result = await page.evaluate(async () => {
    const m = await import('/pkg/zh_search.js');
    const wasm = await m.default(); // already initialised: returns the instance's exports
    const bytes = () => wasm.memory.buffer.byteLength;
    const long = '碳计量 光岳楼 NQI abc 123 ！？,. \u{1F600} 國家 '.repeat(3000).slice(0, 100_000);
    const queries = ['碳计量', '聊城', '健步走 补给站', '"好客山东·好品山东"', '國家碳計量中心', 'ＮＱＩ', 'nq',
      '聊城的碳计量中心是什么时候批准的', '', '   ', '\u3000', '"', '“未闭合', '* ? ( ) - + \\', '碳\u0000计\u200B量',
      '\ud800碳计量', '😀', '𠀀', 'e\u0301', long, 'qqqzzz', '的', '2229.6万元'];
    const options = [undefined, null, {}, { limit: 100 }, { limit: 0 }, { offset: 5 }, { limit: 3, offset: 1e9 }, { limit: 1e12 }];
    const run = (i) => {
      const q = queries[i % queries.length];
      try {
        if (i % 10 === 9) m.suggest(q, i % 60);
        else if (i % 97 === 0) m.search(q, { limit: -1 }); // throws
        else m.search(q, options[i % options.length]);
      } catch (e) {
        if (!(e instanceof Error)) throw e;
      }
    };
    const initial = bytes();
    for (let i = 0; i < 500; i++) run(i); // warm-up: caches, allocator pools
    const before = bytes();
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) run(i);
    const ms = performance.now() - t0;
    return { initial, before, after: bytes(), ms, stillWorks: m.search('碳计量').total };
  });
  assert.ok(result.stillWorks >= 2);
  assert.ok(result.after - result.before <= 128 * 1024,
    `wasm memory grew by ${result.after - result.before} bytes over 10,000 searches (${result.before} -> ${result.after})`);
  assert.deepEqual(problems, []);
  figures.memory = { ...result, searches: 10_000 };
});
