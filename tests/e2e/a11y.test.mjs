// Accessibility of <zh-search> on the demo page: axe-core (npm, pinned; injected from
// node_modules) finds no violation with suggestions, results and the detail view open, in light
// and dark; the result count is announced through a polite live region; focus is visible; the
// page works on a 360 px wide phone and at 200% zoom (screenshots in target/e2e/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, launchOnBuild, openPage, widgetState, searchFor, axeViolations, overflow } from './page.mjs';

let browser;
before(async () => {
  browser = await launchOnBuild();
});
after(async () => {
  await browser?.close();
});

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core: no violations with suggestions, results and the detail view open (${colorScheme})`, async (t) => {
    const { page, checkClean } = await openPage(browser, t, { colorScheme });
    assert.deepEqual(await axeViolations(page), [], 'empty widget');

    // Suggestions and results in the list, one option active.
    const input = await searchFor(page, '补');
    let s = await widgetState(page);
    assert.ok(s.suggestions.length > 0 && s.hits > 0, 'suggestions and results are both shown');
    await input.press('ArrowDown');
    assert.deepEqual(await axeViolations(page), [], 'suggestions and results open');

    // Results with highlights, partial matches, the "more" button, an active result.
    await searchFor(page, '聊城');
    for (let i = 0; i < 3; i++) await input.press('ArrowDown');
    s = await widgetState(page);
    assert.ok(s.hits >= 10 && s.active, 'results open with an active option');
    assert.deepEqual(await axeViolations(page), [], 'results open');
    await searchFor(page, '碳计量 qqqzzzxxyy');
    assert.deepEqual(await axeViolations(page), [], 'partial matches');
    await searchFor(page, 'qqqzzzxxyy');
    assert.deepEqual(await axeViolations(page), [], 'no results');

    // The detail view (a modal dialog).
    await searchFor(page, '碳计量');
    await input.press('ArrowDown');
    await input.press('Enter');
    await page.locator('zh-search dialog[open]').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'detail view open');
    await checkClean();
  });
}

test('the result count is announced through a polite live region', async (t) => {
  const { page, checkClean } = await openPage(browser, t);
  const status = page.locator('zh-search [role=status]');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  // The live region exists (empty) before anything is announced, as screen readers require.
  assert.equal((await status.textContent()).trim(), '');
  for (const q of ['碳计量', '聊城', '光岳楼']) {
    await searchFor(page, q);
    const total = await page.evaluate(async (q) => (await (await import('/zh-search.js')).loadEngine()).search(q).total, q);
    const text = await status.textContent();
    assert.match(text, new RegExp(`^找到 ${total} 条结果`), `${q}: ${text}`);
  }
  // The visual keyboard hint is hidden from screen readers, not announced with the count.
  assert.equal(await status.locator('[aria-hidden=true]').count(), 1);
  await checkClean();
});

test('focus is visible: the search box, the active option, buttons and the detail view', async (t) => {
  const { page, checkClean } = await openPage(browser, t);
  const box = () => page.locator('zh-search').evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.box')).boxShadow);
  const unfocused = await box();
  await page.keyboard.press('Tab'); // the demo's first example button
  await page.locator('zh-search input').focus();
  const focused = await box();
  assert.notEqual(focused, unfocused, 'the box shows a focus ring');
  assert.match(focused, /0px 0px 0px 3px/, `a 3px ring: ${focused}`);

  // The active option (aria-activedescendant, focus stays in the input) is marked visibly.
  const input = await searchFor(page, '聊城');
  const optionStyle = (i) =>
    page.locator('zh-search').evaluate((el, i) => {
      const li = el.shadowRoot.querySelectorAll('[data-i]')[i];
      const cs = getComputedStyle(li);
      return `${cs.backgroundColor} ${cs.borderLeftColor}`;
    }, i);
  const before = await optionStyle(0);
  while ((await widgetState(page)).active !== (await page.locator('zh-search [data-i]').first().getAttribute('id'))) {
    await input.press('ArrowDown');
  }
  assert.notEqual(await optionStyle(0), before, 'the active option looks different');

  // Keyboard focus on the "more" button draws an outline.
  await input.focus();
  await page.keyboard.press('Tab');
  const outline = await page.locator('zh-search').evaluate((el) => {
    const active = el.shadowRoot.activeElement;
    const cs = getComputedStyle(active);
    return { cls: active.className, style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) };
  });
  assert.deepEqual(outline, { cls: 'more', style: 'solid', width: 2 });

  // Opening a result with the keyboard moves focus into the detail view, which shows it.
  await input.focus();
  await input.press('Enter');
  await page.locator('zh-search dialog[open]').waitFor();
  const detail = await page.locator('zh-search').evaluate((el) => {
    const active = el.shadowRoot.activeElement;
    return { cls: active.className, style: getComputedStyle(active).outlineStyle };
  });
  assert.deepEqual(detail, { cls: 'passage', style: 'solid' });
  await checkClean();
});

const layouts = [
  // A 360 px wide phone.
  { name: '360px', viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 },
  // 200% zoom of a 1280×860 window: 640×430 CSS pixels at twice the density.
  { name: 'zoom200', viewport: { width: 640, height: 430 }, deviceScaleFactor: 2 },
];

for (const { name, viewport, deviceScaleFactor } of layouts) {
  test(`narrow layouts: ${name} (no horizontal overflow, screenshots)`, async (t) => {
    const { page, checkClean } = await openPage(browser, t, { viewport, deviceScaleFactor });
    assert.deepEqual(await overflow(page), { page: 0, widget: 0 }, 'empty page');
    const input = await searchFor(page, '补');
    await input.press('ArrowDown');
    assert.deepEqual(await overflow(page), { page: 0, widget: 0 }, 'suggestions open');
    await page.screenshot({ path: path.join(SHOTS, `widget-${name}-suggestions.png`), fullPage: true });
    await searchFor(page, '碳计量');
    await input.press('ArrowDown');
    assert.deepEqual(await overflow(page), { page: 0, widget: 0 }, 'results open');
    // Every result's title and snippet fit inside the list.
    const clipped = await page.locator('zh-search').evaluate((el) => {
      const list = el.shadowRoot.querySelector('[role=listbox]').getBoundingClientRect();
      return [...el.shadowRoot.querySelectorAll('[data-i] .title, [data-i] .snippet')]
        .map((e) => e.getBoundingClientRect())
        .filter((r) => r.left < list.left - 0.5 || r.right > list.right + 0.5).length;
    });
    assert.equal(clipped, 0, 'no result text sticks out of the list');
    await page.screenshot({ path: path.join(SHOTS, `widget-${name}.png`), fullPage: true });
    await input.press('Enter');
    const dialog = page.locator('zh-search dialog[open]');
    await dialog.waitFor();
    const box = await dialog.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `the detail view fits: ${JSON.stringify(box)}`);
    assert.equal((await overflow(page)).page, 0, 'detail view open');
    await page.screenshot({ path: path.join(SHOTS, `widget-${name}-detail.png`) });
    assert.deepEqual(await axeViolations(page), [], `axe at ${name}`);
    await checkClean();
  });
}
