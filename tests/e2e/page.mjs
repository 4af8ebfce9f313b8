// Shared helpers for the browser tests: launch chromium on a build, deploy a fixture site with the
// widget, serve a folder with tools/serve.mjs, open a page in a fresh context and record every
// problem (console errors/warnings, page errors, failed or non-2xx requests, requests leaving the
// origin, CSP violations); read the widget's state; run axe-core in the page.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer, CSP } from '../../tools/serve.mjs';
import { launch } from './browser.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS = path.join(ROOT, 'target/e2e');
export const WWW = process.env.ZH_SEARCH_WWW ? path.resolve(process.env.ZH_SEARCH_WWW) : path.join(ROOT, 'www');
export { CSP };

/** Chromium for a file of tests on the www/ build: checks the build is there, makes SHOTS. */
export async function launchOnBuild() {
  assert.ok(fs.existsSync(path.join(WWW, 'pkg/zh_search_bg.wasm')), `missing ${WWW}/pkg: run make build`);
  fs.mkdirSync(SHOTS, { recursive: true });
  return launch();
}

/** A site's search page: the widget under /search/, as a site owner adds it. */
export const SEARCH_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>站内搜索 - 聊城旅游指南</title>
  <script type="module" src="./zh-search.js"></script>
</head>
<body>
  <main>
    <h1>站内搜索</h1>
    <zh-search placeholder="搜索本站…" limit="5"></zh-search>
  </main>
</body>
</html>
`;

/**
 * The fixture site `root` as a site owner deploys it, in a new temporary folder (the caller
 * removes it): its pages, plus under /search/ SEARCH_PAGE, the widget and the package `pkg`.
 */
export function deploySite(root, pkg, name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zh-search-${name}-`));
  fs.cpSync(root, dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'search'));
  fs.writeFileSync(path.join(dir, 'search/index.html'), SEARCH_PAGE);
  fs.copyFileSync(path.join(WWW, 'zh-search.js'), path.join(dir, 'search/zh-search.js'));
  fs.cpSync(pkg, path.join(dir, 'search/pkg'), { recursive: true });
  return dir;
}

/**
 * Serve `root` and open `pathname` in a new context. Options: csp (send the strict CSP header),
 * viewport, deviceScaleFactor, colorScheme, init (a function run in every page before its
 * scripts), navigates (the test follows links: requests the browser aborts because the page is
 * left are not problems). Returns { page, context, origin, problems, requests, checkClean }.
 */
export async function openPage(browser, t, {
  root = WWW, pathname = '/', csp = true, viewport = { width: 1024, height: 860 }, deviceScaleFactor = 1,
  colorScheme = 'light', init, navigates = false,
} = {}) {
  const server = await startServer({ root, port: 0, host: '127.0.0.1', csp });
  t.after(() => server.close());
  const origin = server.url;
  const context = await browser.newContext({ viewport, deviceScaleFactor, colorScheme, reducedMotion: 'reduce' });
  t.after(() => context.close());
  const problems = [];
  const requests = [];
  const local = (u) => u.startsWith('data:') || u === origin || u.startsWith(origin + '/');
  await context.route((u) => !local(u.href), (route) => {
    problems.push(`request left the local origin: ${route.request().url()}`);
    return route.abort();
  });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (navigates && r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  const response = await page.goto(origin + pathname, { waitUntil: 'load' });
  assert.equal(response.status(), 200);
  if (csp) assert.equal(response.headers()['content-security-policy'], CSP);
  await page.waitForFunction(() => customElements.get('zh-search') !== undefined);
  const checkClean = async () => {
    const violations = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual([...problems, ...violations.map((v) => `CSP violation: ${v}`)], []);
    for (const u of requests) assert.ok(local(u), `request to ${u}`);
  };
  return { page, context, origin, problems, requests, checkClean };
}

/** The widget's state, read from its shadow DOM. */
export const widgetState = (page) =>
  page.locator('zh-search').evaluate((host) => {
    const r = host.shadowRoot;
    const input = r.querySelector('input');
    const opts = [...r.querySelectorAll('[role=option]')];
    return {
      expanded: input.getAttribute('aria-expanded'),
      active: input.getAttribute('aria-activedescendant'),
      selected: opts.filter((o) => o.getAttribute('aria-selected') === 'true').map((o) => o.id),
      ids: opts.map((o) => o.id),
      suggestions: opts.filter((o) => o.hasAttribute('data-s')).map((o) => o.textContent),
      hits: opts.filter((o) => o.hasAttribute('data-i')).length,
      hitIds: opts.filter((o) => o.hasAttribute('data-i')).map((o) => o.id),
      status: r.querySelector('[role=status]').textContent,
      focus: r.activeElement ? r.activeElement.localName + (r.activeElement.closest('dialog') ? '@dialog' : '') : null,
      dialogOpen: !!r.querySelector('dialog')?.open,
      value: input.value,
    };
  });

/** Fill the input (one input event) and wait until the status shows a finished search for it. */
export async function searchFor(page, q) {
  const input = page.locator('zh-search input');
  await input.fill(q);
  await page.waitForFunction(
    (q) => {
      const root = document.querySelector('zh-search').shadowRoot;
      const status = root.querySelector('[role=status]').textContent;
      return root.querySelector('input').value === q && /\d|没有找到|No results/.test(status) && root.host.query === q;
    },
    q,
    { timeout: 10_000 },
  );
  return input;
}

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Run axe-core (from node_modules, injected through the devtools protocol so the page's CSP
 * is untouched and nothing is fetched) over the whole document, shadow roots included.
 * Returns the violations as readable strings.
 */
export async function axeViolations(page) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  return violations;
}

/** Horizontal overflow of the page and of the widget's box, in CSS pixels (0 = none). */
export const overflow = (page) =>
  page.evaluate(() => {
    const doc = document.scrollingElement;
    const box = document.querySelector('zh-search').shadowRoot.querySelector('.box').getBoundingClientRect();
    return {
      page: Math.max(0, doc.scrollWidth - doc.clientWidth),
      widget: Math.max(0, Math.ceil(box.right) - doc.clientWidth, -Math.floor(box.left)),
    };
  });
