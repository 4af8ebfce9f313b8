// A site owner's HTML pages end to end: the fixture site tests/site/ is built into its own wasm
// package (make site-pkg → target/site/pkg), served with the widget under /search/ and the
// strict CSP, searched, and a click (or Enter) on a result opens the right page at the right
// heading.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch } from './browser.mjs';
import { ROOT, SHOTS, openPage, widgetState, searchFor, axeViolations, deploySite } from './page.mjs';

const SITE_PKG = path.join(ROOT, 'target/site/pkg');
let browser;
let site;
before(async () => {
  assert.ok(fs.existsSync(path.join(SITE_PKG, 'zh_search_bg.wasm')), `missing ${SITE_PKG}: run make site-pkg`);
  site = deploySite(path.join(ROOT, 'tests/site'), SITE_PKG, 'site');
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

const open = (t, init) => openPage(browser, t, { root: site, pathname: '/search/', init, navigates: true });

/** Where the page is and what its :target is. */
const where = (page) =>
  page.evaluate(() => {
    const H = 'h1,h2,h3,h4,h5,h6';
    const target = document.querySelector(':target');
    const heading = target && (target.closest(H) ?? target.querySelector(H));
    const r = target?.getBoundingClientRect();
    return {
      path: decodeURIComponent(location.pathname),
      hash: location.hash,
      // The heading's own text (without the page's permalink marker).
      target: heading ? heading.textContent.replace(/[\s#¶]+$/, '').trim() : null,
      top: r && Math.round(r.top),
      inView: !!r && r.top > -2 && r.top < innerHeight,
      scrolled: scrollY > 0,
    };
  });

test('the fixture site is what the package indexes', async (t) => {
  const { page, checkClean } = await open(t);
  const stats = await page.evaluate(async () => (await (await import('/search/zh-search.js')).loadEngine()).stats());
  assert.equal(stats.sources, 3, 'three pages');
  await checkClean();
});

test('clicking a result opens its page at the heading', async (t) => {
  const { page, origin, checkClean } = await open(t);
  await searchFor(page, '开放时间');
  const s = await widgetState(page);
  assert.ok(s.hits >= 1);
  await page.screenshot({ path: path.join(SHOTS, 'site-search.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'axe on the search page with results open');
  const first = page.locator('zh-search [data-i]').first();
  assert.match(await first.textContent(), /门票与开放时间/);
  await first.click();
  await page.waitForURL(`${origin}/guide/%E5%85%89%E5%B2%B3%E6%A5%BC.html#tickets`);
  const w = await where(page);
  assert.deepEqual({ ...w, top: undefined }, { path: '/guide/光岳楼.html', hash: '#tickets', target: '门票与开放时间', top: undefined, inView: true, scrolled: true }, `heading at ${w.top}px`);
  await page.screenshot({ path: path.join(SHOTS, 'site-page.png') });
  await checkClean();
});

test('Enter on a result opens its page; anchors from <a id>, <a name> and <section id>', async (t) => {
  const { page, origin, checkClean } = await open(t);
  const cases = [
    ['呱嗒', '/guide/food.htm', '#shaobing', '沙镇呱嗒'],
    ['熏鸡', '/guide/food.htm', '#tofu', '魏氏熏鸡'],
    ['洪武', '/guide/光岳楼.html', '#history', '历史沿革'],
    ['运河博物馆', '/index.html', '#news', '最新消息'],
  ];
  for (const [q, pathname, hash, heading] of cases) {
    await page.goto(`${origin}/search/`);
    const input = await searchFor(page, q);
    await input.press('ArrowDown');
    await input.press('Enter');
    await page.waitForURL((u) => u.hash === hash);
    const w = await where(page);
    assert.equal(w.path, pathname, q);
    assert.equal(w.target, heading, q);
  }
  // A heading without an anchor links to the page itself.
  await page.goto(`${origin}/search/`);
  const input = await searchFor(page, '公交车');
  await input.press('ArrowDown');
  await input.press('Enter');
  await page.waitForURL(`${origin}/guide/%E5%85%89%E5%B2%B3%E6%A5%BC.html`);
  await checkClean();
});

test('the select event carries url, anchor and href; preventDefault keeps the page; base sets the site root', async (t) => {
  const { page, origin, checkClean } = await open(t, () => {
    window.__selected = [];
    document.addEventListener('zh-search:select', (e) => {
      const { url, anchor, href, source, title } = e.detail;
      window.__selected.push({ url, anchor, href, source, title });
      e.preventDefault();
    });
  });
  let input = await searchFor(page, '运河博物馆');
  await input.press('ArrowDown');
  await input.press('Enter');
  await page.waitForFunction(() => window.__selected.length === 1);
  assert.deepEqual(await page.evaluate(() => window.__selected[0]), {
    url: 'index.html', anchor: 'news', href: `${origin}/index.html#news`, source: 'index.html', title: '最新消息',
  });
  await page.waitForTimeout(200);
  assert.equal(page.url(), `${origin}/search/`, 'the page handled the hit itself');
  assert.equal((await widgetState(page)).dialogOpen, false);

  // A site served under a sub-path sets base.
  await page.locator('zh-search').evaluate((el) => el.setAttribute('base', '/docs/'));
  input = await searchFor(page, '呱嗒');
  await input.press('ArrowDown');
  await input.press('Enter');
  await page.waitForFunction(() => window.__selected.length === 2);
  assert.equal((await page.evaluate(() => window.__selected[1])).href, `${origin}/docs/guide/food.htm#shaobing`);
  await checkClean();
});
