// Browser tests of how <zh-search> takes input: suggestions chosen with the keyboard and the
// mouse, IME composition (synthetic events and Chrome's own IME path through the devtools
// protocol), its attributes, and the cancelable select event. Build first (make build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchOnBuild, openPage, widgetState, searchFor } from './page.mjs';

let browser;
before(async () => {
  browser = await launchOnBuild();
});
after(async () => {
  await browser?.close();
});

/**
 * Record every search the widget runs from now on (its zh-search:results events: one per query
 * it searches), once the engine is loaded; returns a function that reads the queries so far.
 */
async function countSearches(page) {
  await page.evaluate(async () => {
    await (await import('/zh-search.js')).loadEngine();
    window.__searches = [];
    document.querySelector('zh-search').addEventListener('zh-search:results', (e) => window.__searches.push(e.detail.query));
  });
  return () => page.evaluate(() => window.__searches.slice());
}

/** Call the engine's `name` function in the page (no eval: the page runs under the CSP). */
const engine = (page, name, ...args) =>
  page.evaluate(async ([name, args]) => (await (await import('/zh-search.js')).loadEngine())[name](...args), [name, args]);

test('suggestions: completions of the last term, chosen with the keyboard and the mouse', async (t) => {
  const { page, checkClean } = await openPage(browser, t);
  const searches = await countSearches(page);
  const input = page.locator('zh-search input');

  // Suggestions come from suggest(), most useful first, without the term as typed.
  const expected = (await engine(page, 'suggest', '补', 6)).filter((w) => w !== '补').slice(0, 5);
  assert.ok(expected.length >= 2, `the seeds have completions of 补: ${expected}`);
  await input.click();
  await input.pressSequentially('补', { delay: 20 });
  await page.waitForFunction(() => document.querySelector('zh-search').query === '补');
  let s = await widgetState(page);
  assert.deepEqual(s.suggestions, expected, 'suggestions in suggest() order, above the results');
  assert.equal(s.expanded, 'true');
  assert.ok(s.hits > 0);
  assert.equal(s.ids.slice(0, expected.length).join(), s.ids.filter((id) => /-s\d+$/.test(id)).join(), 'suggestions first');
  assert.equal(new Set(s.ids).size, s.ids.length, 'option ids are unique');
  const labels = await page.locator('zh-search [role=option][data-s]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.deepEqual(labels, expected.map((w) => `搜索建议：${w}`), 'screen readers hear that an option is a suggestion');

  // ↓ ↓ ↑ move through the suggestions; Enter on one makes it the query and searches it.
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  s = await widgetState(page);
  assert.equal(s.active, s.ids[1]);
  assert.deepEqual(s.selected, [s.ids[1]]);
  await input.press('ArrowUp');
  assert.equal((await widgetState(page)).active, s.ids[0]);
  await input.press('ArrowDown');
  const before = (await searches()).length;
  await input.press('Enter');
  await page.waitForFunction((w) => document.querySelector('zh-search').query === w, expected[1]);
  s = await widgetState(page);
  assert.equal(s.value, expected[1], 'the chosen suggestion is the query');
  assert.deepEqual((await searches()).slice(before), [expected[1]], 'exactly one search, for the suggestion');
  assert.equal(s.focus, 'input', 'focus stays in the box');
  assert.equal(s.dialogOpen, false);
  assert.equal(s.active, null, 'nothing active in the new list');
  const total = (await engine(page, 'search', expected[1])).total;
  assert.match(s.status, new RegExp(`找到\\s*${total}\\s*条结果`));
  assert.ok(!s.suggestions.includes(expected[1]), 'the query itself is not suggested');

  // In a multi-term query only the last term is completed.
  await input.fill('健步走 补');
  await page.waitForFunction(() => document.querySelector('zh-search').query === '健步走 补');
  s = await widgetState(page);
  assert.deepEqual(s.suggestions, expected);
  // A click chooses too.
  await page.locator('zh-search [role=option][data-s]').first().click();
  await page.waitForFunction((q) => document.querySelector('zh-search').query === q, `健步走 ${expected[0]}`);
  s = await widgetState(page);
  assert.equal(s.value, `健步走 ${expected[0]}`);
  assert.equal(s.focus, 'input');

  // Esc closes the list (suggestions too); the terms inside quotes get no suggestions.
  await input.press('Escape');
  s = await widgetState(page);
  assert.equal(s.expanded, 'false');
  await input.fill('"补');
  await page.waitForFunction(() => document.querySelector('zh-search').query === '"补');
  assert.deepEqual((await widgetState(page)).suggestions, []);
  await checkClean();
});

test('IME: no search, focus move or Enter action while composing; one search when it ends (synthetic events)', async (t) => {
  const { page, checkClean } = await openPage(browser, t, {
    init: () => {
      window.__selects = 0;
      document.addEventListener('zh-search:select', () => window.__selects++);
    },
  });
  const searches = await countSearches(page);
  const input = page.locator('zh-search input');
  await searchFor(page, '光岳楼');
  const baseline = await widgetState(page);
  assert.ok(baseline.hits > 0);
  const n0 = (await searches()).length;

  // The reader types a letter, and within the debounce a pinyin composition starts.
  await page.locator('zh-search').evaluate((host) => {
    const el = host.shadowRoot.querySelector('input');
    const fire = (e) => el.dispatchEvent(e);
    el.value = '光岳楼x';
    fire(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: 'x' }));
    fire(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
    for (const part of ['t', 'ta', 'tan', 'tanji']) {
      fire(new CompositionEvent('compositionupdate', { bubbles: true, data: part }));
      el.value = '光岳楼' + part;
      fire(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertCompositionText', data: part, isComposing: true }));
    }
    const key = (key, keyCode) => fire(new KeyboardEvent('keydown', { key, keyCode, bubbles: true, cancelable: true, isComposing: true }));
    key('ArrowDown', 229);
    key('Enter', 229);
    key('Escape', 229);
    key('Enter', 13);
  });
  await page.waitForTimeout(300); // several debounce periods
  let s = await widgetState(page);
  assert.deepEqual((await searches()).slice(n0), [], 'no search during the composition (nor for the letter before it)');
  assert.equal(s.value, '光岳楼tanji', 'the composition text stays in the box');
  assert.equal(s.status, baseline.status, 'results and announcement unchanged');
  assert.equal(s.hits, baseline.hits);
  assert.equal(s.expanded, 'true', 'Escape during composition does not close the list');
  assert.equal(s.active, null, 'arrow keys during composition do not move the selection');
  assert.equal(s.focus, 'input', 'focus stays in the box');
  assert.equal(s.dialogOpen, false, 'Enter during composition opens nothing');
  assert.equal(await page.evaluate(() => window.__selects), 0);

  // The candidate is committed: exactly one search, for the committed text.
  await page.locator('zh-search').evaluate((host) => {
    const el = host.shadowRoot.querySelector('input');
    el.value = '光岳楼';
    el.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertCompositionText', data: '', isComposing: true }));
    el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '' }));
    el.value = '碳计量';
    el.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: '碳计量' }));
  });
  await page.waitForFunction(() => document.querySelector('zh-search').query === '碳计量');
  await page.waitForTimeout(200);
  assert.deepEqual((await searches()).slice(n0), ['碳计量'], 'one search after compositionend');
  s = await widgetState(page);
  assert.match(s.status, /找到\s*\d+\s*条结果/);
  await checkClean();
});

test("IME: Chrome's own composition path (Input.imeSetComposition), Enter during composition", async (t) => {
  const { page, context, checkClean } = await openPage(browser, t, {
    init: () => {
      window.__selects = 0;
      document.addEventListener('zh-search:select', () => window.__selects++);
      window.__events = [];
      document.addEventListener('compositionstart', () => window.__events.push('start'), true);
      document.addEventListener('compositionend', () => window.__events.push('end'), true);
      window.__keys = [];
      document.addEventListener('keydown', (e) => window.__keys.push([e.key, e.isComposing]), true);
    },
  });
  const searches = await countSearches(page);
  await searchFor(page, '光岳楼');
  const input = page.locator('zh-search input');
  await input.press('End');
  const baseline = await widgetState(page);
  const n0 = (await searches()).length;
  const cdp = await context.newCDPSession(page);
  for (const text of ['t', 'tan', 'tan ji', 'tan ji liang']) {
    await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
  }
  // Enter while the composition is open: the browser marks it isComposing.
  await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 });
  await page.waitForTimeout(300);
  let s = await widgetState(page);
  assert.deepEqual(await page.evaluate(() => window.__events), ['start'], 'a composition is open');
  assert.deepEqual(await page.evaluate(() => window.__keys.filter((k) => k[0] === 'Enter')), [['Enter', true]], 'the Enter came during the composition');
  assert.equal(s.value, '光岳楼tan ji liang');
  assert.deepEqual((await searches()).slice(n0), [], 'no search on the half-typed letters');
  assert.equal(s.status, baseline.status);
  assert.equal(s.focus, 'input');
  assert.equal(s.dialogOpen, false);
  assert.equal(await page.evaluate(() => window.__selects), 0);

  // The IME commits 碳计量 in place of the letters.
  await cdp.send('Input.insertText', { text: '碳计量' });
  await page.waitForFunction(() => document.querySelector('zh-search').query === '光岳楼碳计量');
  await page.waitForTimeout(200);
  assert.deepEqual(await page.evaluate(() => window.__events), ['start', 'end']);
  assert.deepEqual((await searches()).slice(n0), ['光岳楼碳计量'], 'exactly one search, after compositionend');
  s = await widgetState(page);
  assert.equal(s.value, '光岳楼碳计量');
  await checkClean();
});

test('attributes: placeholder, limit and lang (zh-CN default, en)', async (t) => {
  const { page, checkClean } = await openPage(browser, t);
  const input = page.locator('zh-search input');
  const host = page.locator('zh-search');
  const labels = () =>
    host.evaluate((el) => {
      const r = el.shadowRoot;
      return {
        placeholder: r.querySelector('input').placeholder,
        label: r.querySelector('input').getAttribute('aria-label'),
        list: r.querySelector('[role=listbox]').getAttribute('aria-label'),
        close: r.querySelector('dialog button').getAttribute('aria-label'),
        more: r.querySelector('button.more').textContent,
      };
    });
  assert.match((await labels()).placeholder, /碳计量/, 'the demo page sets a placeholder');
  await host.evaluate((el) => el.removeAttribute('placeholder'));
  assert.deepEqual(await labels(), { placeholder: '搜索…', label: '搜索', list: '搜索结果', close: '关闭', more: '显示更多结果' });
  await host.evaluate((el) => el.setAttribute('placeholder', '站内搜索'));
  assert.equal((await labels()).placeholder, '站内搜索');
  assert.equal((await labels()).label, '站内搜索');

  // limit: results per page.
  const total = await page.evaluate(async () => (await (await import('/zh-search.js')).loadEngine()).search('聊城').total);
  assert.ok(total > 3);
  await host.evaluate((el) => el.setAttribute('limit', '3'));
  await searchFor(page, '聊城');
  assert.equal((await widgetState(page)).hits, 3);
  await page.locator('zh-search button.more').click();
  await page.waitForFunction(() => document.querySelector('zh-search').shadowRoot.querySelectorAll('[data-i]').length === 6);
  await host.evaluate((el) => el.setAttribute('limit', 'nonsense'));
  await page.waitForFunction(() => document.querySelector('zh-search').shadowRoot.querySelectorAll('[data-i]').length === 10,
    undefined, { timeout: 5000 });

  // lang=en: every label, the announcement and the suggestions' names.
  await host.evaluate((el) => (el.removeAttribute('placeholder'), el.setAttribute('lang', 'en')));
  assert.deepEqual(await labels(), { placeholder: 'Search…', label: 'Search', list: 'Search results', close: 'Close', more: 'Show more results' });
  await searchFor(page, '补');
  const s = await widgetState(page);
  assert.match(s.status, /^\d+ results?/);
  const names = await page.locator('zh-search [data-s]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.ok(names.length > 0 && names.every((n) => n.startsWith('Suggestion: ')), JSON.stringify(names));
  await input.fill('qqqzzzxxyy');
  await page.waitForFunction(() => /No results found for “qqqzzzxxyy”/.test(document.querySelector('zh-search').shadowRoot.querySelector('[role=status]').textContent));
  await checkClean();
});

test('zh-search:select is cancelable: the page can handle a hit itself', async (t) => {
  const { page, checkClean } = await openPage(browser, t, {
    init: () => {
      window.__selected = [];
      document.addEventListener('zh-search:select', (e) => {
        window.__selected.push({ title: e.detail.title, cancelable: e.cancelable });
        e.preventDefault();
      });
    },
  });
  const input = await searchFor(page, '光岳楼');
  await input.press('ArrowDown');
  await input.press('Enter');
  await page.waitForFunction(() => window.__selected.length === 1);
  const [sel] = await page.evaluate(() => window.__selected);
  assert.equal(sel.cancelable, true);
  const s = await widgetState(page);
  assert.equal(s.dialogOpen, false, 'preventDefault() keeps the detail view closed');
  assert.equal(s.focus, 'input');
  await checkClean();
});
