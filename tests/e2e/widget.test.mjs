// Browser end-to-end tests of <zh-search> on the demo page (www/index.html), served by
// tools/serve.mjs in-process and driven through playwright-core + Debian's /usr/bin/chromium.
// Build first (make build). Screenshots go to target/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../tools/serve.mjs';
import { WWW, SHOTS, launchOnBuild, openPage, widgetState } from './page.mjs';
const SEED_A = '000_995a90f47ebf7413.txt';
const SEED_B = '003_072645c75c3c641d.txt';
const QUERY = '碳计量';
// Result options (the list also holds suggestion options, marked data-s, above them).
const HIT = '[role=option][data-i]';

const T2S = { 國: '国', 計: '计' };
const norm = (s) => [...s.normalize('NFKC').toLowerCase().replace(/\s+/g, '')].map((c) => T2S[c] ?? c).join('');

let browser;
before(async () => {
  browser = await launchOnBuild();
});
after(async () => {
  await browser?.close();
});

/**
 * Serve www/ (optionally with the CSP header), open the demo page and record every problem:
 * console errors/warnings, page errors, failed or non-2xx requests, requests leaving the origin,
 * CSP violations (tests/e2e/page.mjs), and that the wasm module was fetched.
 */
async function openDemo(t, { csp = false, colorScheme = 'light' } = {}) {
  const opened = await openPage(browser, t, {
    root: WWW, csp, colorScheme,
    init: () => {
      window.__selects = [];
      document.addEventListener('zh-search:select', (e) => {
        window.__selects.push({
          source: e.detail.source, passage: e.detail.passage, title: e.detail.title, text: e.detail.text,
          highlights: e.detail.highlights, bubbles: e.bubbles, composed: e.composed,
          target: e.target.localName,
        });
      });
    },
  });
  const checkClean = async () => {
    // The element starts loading the engine when it connects; a test that never searches could
    // get here first, so wait for the load (the same promise the element awaits) before checking.
    await opened.page.evaluate(async () => (await import('/zh-search.js')).loadEngine());
    await opened.checkClean();
    assert.ok(opened.requests.some((u) => u.endsWith('/pkg/zh_search_bg.wasm')), 'the wasm module was fetched');
  };
  return { ...opened, checkClean };
}

/** Type the query like a person and wait until the result list shows matches for it. */
async function searchFor(page, q) {
  const input = page.locator('zh-search input');
  await input.click();
  await input.pressSequentially(q, { delay: 15 });
  await page.waitForFunction(
    (q) => {
      const root = document.querySelector('zh-search').shadowRoot;
      const lb = root.querySelector('[role=listbox]');
      return root.querySelector('input').value === q && lb && !lb.hidden &&
        lb.querySelectorAll('[role=option]').length > 0 && /\d/.test(root.querySelector('[role=status]').textContent);
    },
    q,
    { timeout: 10_000 },
  );
  return input;
}

/** Text of runs of adjacent <mark>s (only whitespace between) inside each element. */
async function markRuns(locator) {
  return locator.evaluateAll((els) =>
    els.map((el) => {
      const runs = [];
      let cur = null;
      for (const n of el.childNodes) {
        if (n.nodeName === 'MARK') {
          if (cur === null) runs.push((cur = ''));
          cur += n.textContent;
          runs[runs.length - 1] = cur;
        } else if (n.textContent.trim() !== '') cur = null;
      }
      return runs;
    }),
  );
}

test('search, keyboard navigation and the detail view on the demo page', async (t) => {
  const { page, checkClean } = await openDemo(t);

  // Combobox wiring before any search.
  const input = page.locator('zh-search input');
  assert.equal(await input.getAttribute('role'), 'combobox');
  assert.equal(await input.getAttribute('aria-autocomplete'), 'list');
  assert.equal(await input.getAttribute('aria-expanded'), 'false');
  assert.match(await input.getAttribute('placeholder'), /碳计量/);
  const listboxId = await input.getAttribute('aria-controls');
  assert.ok(listboxId);
  assert.equal(await page.locator(`zh-search [role=listbox]`).getAttribute('id'), listboxId);

  await searchFor(page, QUERY);
  const options = page.locator('zh-search [role=listbox] [role=option]');
  const n = await options.count();
  assert.ok(n >= 2, `${n} result options`);
  assert.equal(await input.getAttribute('aria-expanded'), 'true');

  // Marks: every run of highlighted text is part of the query, and the whole query is marked.
  const runs = (await markRuns(page.locator('zh-search [role=option] *:has(> mark)'))).flat().map(norm);
  assert.ok(runs.length > 0, 'results contain <mark> elements');
  for (const r of runs) assert.ok(norm(QUERY).includes(r), `mark "${r}" is part of the query`);
  assert.ok(runs.includes(norm(QUERY)), `some mark reads ${QUERY}: ${JSON.stringify(runs)}`);

  // Both seed files appear among the results.
  const texts = await options.allTextContents();
  assert.ok(texts.some((s) => s.includes(SEED_A)), `${SEED_A} shown`);
  assert.ok(texts.some((s) => s.includes(SEED_B)), `${SEED_B} shown`);

  // The polite live region announces the count, and it matches the engine.
  const status = page.locator('zh-search [role=status]');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  const announced = await status.textContent();
  const m = /找到\s*(\d+)\s*条结果/.exec(announced);
  assert.ok(m, `status announces the count: ${announced}`);
  const total = await page.evaluate(async (q) => (await (await import('/zh-search.js')).loadEngine()).search(q).total, QUERY);
  assert.equal(Number(m[1]), total);

  await page.screenshot({ path: path.join(SHOTS, 'widget.png'), fullPage: true });

  // ↓ ↓ ↑ move the active option: it is the one marked selected, and only it.
  let s = await widgetState(page);
  assert.equal(s.active, null);
  const pressMovesTo = async (key, option) => {
    await input.press(key);
    s = await widgetState(page);
    assert.equal(s.active, s.ids[option], `${key} makes option ${option} active`);
    assert.deepEqual(s.selected, [s.ids[option]]);
  };
  await pressMovesTo('ArrowDown', 0);
  await pressMovesTo('ArrowDown', 1);
  await pressMovesTo('ArrowUp', 0);
  await pressMovesTo('ArrowDown', 1);

  // Enter opens the detail view of the second hit and fires zh-search:select.
  await input.press('Enter');
  const dialog = page.locator('zh-search dialog[open]');
  await dialog.waitFor({ state: 'visible' });
  const selects = await page.evaluate(() => window.__selects);
  assert.equal(selects.length, 1, 'one zh-search:select event');
  const hit = selects[0];
  assert.equal(hit.bubbles, true);
  assert.equal(hit.composed, true);
  assert.equal(hit.target, 'zh-search');
  assert.ok(texts[1].includes(hit.source), 'the event carries the active hit');
  const detail = await dialog.evaluate((d) => ({
    text: d.querySelector('.passage').textContent,
    marks: [...d.querySelectorAll('.passage mark')].map((x) => x.textContent),
    all: d.textContent,
    label: d.getAttribute('aria-labelledby') && d.getRootNode().getElementById(d.getAttribute('aria-labelledby'))?.textContent,
  }));
  assert.equal(detail.text, hit.text, 'the detail view shows the whole passage');
  assert.equal(detail.marks.length, hit.highlights.length, 'one <mark> per highlight range');
  assert.deepEqual(detail.marks, hit.highlights.map(([a, b]) => hit.text.slice(a, b)));
  assert.ok(detail.marks.length > 0);
  assert.equal(detail.label, hit.title, 'the dialog is labelled by the hit title');
  assert.ok(detail.all.includes(hit.source));
  s = await widgetState(page);
  assert.equal(s.dialogOpen, true);
  assert.match(s.focus, /@dialog$/, 'focus moved into the detail view');
  await page.screenshot({ path: path.join(SHOTS, 'widget-detail.png') });

  // Esc closes the detail view and focus returns to the input.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  s = await widgetState(page);
  assert.equal(s.dialogOpen, false);
  assert.equal(s.focus, 'input');

  // Esc closes the list, a second Esc clears the input.
  await page.keyboard.press('Escape');
  s = await widgetState(page);
  assert.equal(s.expanded, 'false');
  assert.equal(s.active, null);
  assert.equal(s.value, QUERY);
  await page.keyboard.press('Escape');
  s = await widgetState(page);
  assert.equal(s.value, '');
  assert.equal(s.expanded, 'false');

  // A click on a result opens it too.
  await searchFor(page, '光岳楼');
  await page.locator('zh-search [role=option]').first().click();
  await dialog.waitFor({ state: 'visible' });
  assert.equal((await page.evaluate(() => window.__selects)).length, 2);
  await page.locator('zh-search dialog button').click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await widgetState(page)).focus, 'input');

  await checkClean();
});

test('empty state, partial matches and English labels', async (t) => {
  const { page, checkClean } = await openDemo(t);
  const status = page.locator('zh-search [role=status]');
  const input = page.locator('zh-search input');

  await input.fill('qqqzzzxxyy');
  await page.waitForFunction(() => /没有找到/.test(document.querySelector('zh-search').shadowRoot.querySelector('[role=status]').textContent));
  assert.match(await status.textContent(), /没有找到.*qqqzzzxxyy/);
  assert.equal(await input.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('zh-search [role=option]').count(), 0);

  const partialQuery = '碳计量 qqqzzzxxyy';
  const partial = await page.evaluate(async (q) => (await (await import('/zh-search.js')).loadEngine()).search(q).partial, partialQuery);
  await input.fill(partialQuery);
  await page.waitForFunction(() => /\d/.test(document.querySelector('zh-search').shadowRoot.querySelector('[role=status]').textContent));
  if (partial) assert.match(await status.textContent(), /部分匹配/);
  else assert.doesNotMatch(await status.textContent(), /部分匹配/);

  // The demo's example buttons drive the widget through its `value` property.
  await page.locator('#examples button[data-q="光岳楼"]').click();
  await page.waitForFunction(() => document.querySelector('zh-search').shadowRoot.querySelectorAll('[role=option]').length > 0);
  assert.equal(await input.inputValue(), '光岳楼');
  assert.match(await status.textContent(), /找到\s*\d+\s*条结果/);

  await page.locator('zh-search').evaluate((el) => el.setAttribute('lang', 'en'));
  await input.fill(QUERY);
  await page.waitForFunction(() => /\d+ results?/.test(document.querySelector('zh-search').shadowRoot.querySelector('[role=status]').textContent));
  await checkClean();
});

test('paging: more results, Home/End/PageDown', async (t) => {
  const { page, checkClean } = await openDemo(t);
  const q = '聊城';
  const total = await page.evaluate(async (q) => {
    const m = await (await import('/zh-search.js')).loadEngine();
    return m.search(q).total;
  }, q);
  const input = await searchFor(page, q);
  const options = page.locator(`zh-search ${HIT}`);
  const limit = 10;
  assert.equal(await options.count(), Math.min(limit, total));
  const more = page.locator('zh-search button.more');
  if (total > limit) {
    assert.ok(await more.isVisible(), 'a "more results" button is shown');
    await more.click();
    await page.waitForFunction(([n, sel]) => document.querySelector('zh-search').shadowRoot.querySelectorAll(sel).length === n,
      [Math.min(2 * limit, total), HIT]);
    let s = await widgetState(page);
    assert.equal(s.active, s.hitIds[limit], 'the first newly loaded result becomes active');
    assert.equal(s.focus, 'input', 'focus goes back to the input');
    assert.equal(new Set(s.ids).size, s.ids.length, 'option ids are unique');
    await input.press('End');
    s = await widgetState(page);
    assert.equal(s.active, s.ids.at(-1));
    await input.press('Home');
    s = await widgetState(page);
    assert.equal(s.active, s.ids[0]);
    await input.press('PageDown');
    s = await widgetState(page);
    assert.equal(s.active, s.ids[5]);
    await input.press('ArrowUp');
    await input.press('ArrowUp');
    await input.press('ArrowUp');
    await input.press('ArrowUp');
    await input.press('ArrowUp');
    await input.press('ArrowUp');
    s = await widgetState(page);
    assert.equal(s.active, s.ids.at(-1), 'ArrowUp wraps from the first option to the last');
  } else {
    assert.equal(await more.isVisible(), false);
  }
  await checkClean();
});

test('snippets are parsed without ever creating markup', async (t) => {
  const { page, checkClean } = await openDemo(t);
  const out = await page.evaluate(async () => {
    const { snippetNodes, markedNodes } = await import('/zh-search.js');
    const box = document.createElement('div');
    box.append(...snippetNodes('<img src=x onerror=alert(1)>&lt;b&gt;x&lt;/b&gt; <mark>A&amp;B&quot;&#39;</mark><script>alert(2)</script><mark>'));
    const box2 = document.createElement('div');
    box2.append(...markedNodes('<b>碳计量</b>', [[3, 6], [4, 5], [100, 200], [-5, 1]]));
    const tags = (el) => [...el.querySelectorAll('*')].map((e) => e.localName);
    return { tags: tags(box), text: box.textContent, marks: [...box.querySelectorAll('mark')].map((m) => m.textContent),
      tags2: tags(box2), marks2: [...box2.querySelectorAll('mark')].map((m) => m.textContent), text2: box2.textContent };
  });
  assert.deepEqual(out.tags.filter((x) => x !== 'mark'), [], 'only <mark> elements are created');
  assert.equal(out.text, '<img src=x onerror=alert(1)><b>x</b> A&B"\'<script>alert(2)</script>');
  assert.deepEqual(out.marks, ['A&B"\'']);
  assert.deepEqual(out.tags2, ['mark', 'mark']);
  assert.deepEqual(out.marks2, ['<', '碳计量']);
  assert.equal(out.text2, '<b>碳计量</b>');
  await checkClean();
});

test('dark colour scheme screenshot', async (t) => {
  const { page, checkClean } = await openDemo(t, { colorScheme: 'dark' });
  await searchFor(page, QUERY);
  await page.locator('zh-search input').press('ArrowDown');
  await page.screenshot({ path: path.join(SHOTS, 'widget-dark.png'), fullPage: true });
  await page.locator('zh-search input').press('Enter');
  await page.locator('zh-search dialog[open]').waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'widget-dark-detail.png') });
  await checkClean();
});

test('a missing wasm file shows a load error (logged once)', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-search-broken-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.cpSync(WWW, root, { recursive: true, filter: (src) => !src.endsWith('zh_search_bg.wasm') });
  const server = await startServer({ root, port: 0 });
  t.after(() => server.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(server.url + '/');
  const status = page.locator('zh-search').first().locator('[role=status]');
  await page.waitForFunction(() => /load error/.test(document.querySelector('zh-search').shadowRoot.querySelector('[role=status]').textContent));
  assert.match(await status.textContent(), /索引加载失败/);
  // A second widget on the same page shares the failed load and does not log again.
  await page.evaluate(() => document.body.append(document.createElement('zh-search')));
  await page.waitForFunction(() => /load error/.test(document.querySelectorAll('zh-search')[1].shadowRoot.querySelector('[role=status]').textContent));
  await page.locator('zh-search').first().locator('input').fill('碳计量');
  await page.waitForTimeout(150);
  assert.match(await status.textContent(), /load error/);
  const ours = errors.filter((e) => e.includes('zh-search'));
  assert.equal(ours.length, 1, `one console.error from the widget: ${JSON.stringify(errors)}`);
  assert.equal(errors.filter((e) => e.startsWith('pageerror')).length, 0, 'no uncaught errors');
});

test('works under a strict Content-Security-Policy', async (t) => {
  const { page, checkClean } = await openDemo(t, { csp: true });
  await searchFor(page, QUERY);
  assert.ok((await page.locator('zh-search [role=option]').count()) >= 2);
  assert.match(await page.locator('zh-search [role=status]').textContent(), /找到\s*\d+\s*条结果/);
  assert.ok((await page.locator('zh-search [role=option] mark').count()) > 0);
  // The demo's stats line (a separate module) also ran.
  await page.waitForFunction(() => /段落/.test(document.getElementById('stats').textContent));
  await checkClean();
});
