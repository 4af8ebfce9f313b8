// `make dist` / `zh-search index SITE --out DIR`: the indexer CLI writes a folder that works copied
// to a server as is. The folder is written to a temporary directory, checked file by file, put
// under /search/ of a site whose home page is nothing but the HTML snippet from its README.md
// (and the project README), and both that page and the folder's own example page are searched
// under the strict CSP. The element fetches nothing before the box gets focus, then the glue, the
// engine and the index; a host that hands over the index already inflated works too; a missing,
// damaged or cut-short file makes the element say so and loadEngine() reject with an Error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch } from './browser.mjs';
import { ROOT, openPage, widgetState, searchFor } from './page.mjs';

const CLI = path.join(ROOT, 'target/release/zh-search');
const ENGINE = path.join(ROOT, 'target/engine/pkg');
const MARKER = '__ZH_SEARCH_DIST__';
const LOAD_ERROR = '索引加载失败（load error）';

let browser;
let tmp;
let dist;
let summary;
before(async () => {
  assert.ok(fs.existsSync(CLI), `missing ${CLI}: run make cli`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-search-dist-'));
  dist = path.join(tmp, 'search');
  summary = execFileSync(CLI, ['index', path.join(ROOT, 'seeds'), '--out', dist], { encoding: 'utf8' });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const files = (dir) =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();

/** The one file of `dir` named `stem.<8 hex>.ext`. */
function hashedFile(dir, stem, ext) {
  const names = fs.readdirSync(dir).filter((f) => new RegExp(`^${stem}\\.[0-9a-f]{8}\\.${ext}$`).test(f));
  assert.equal(names.length, 1, `one ${stem}.*.${ext} in ${dir}: ${names}`);
  return names[0];
}

const sha8 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 8);

/** The ```html block of a Markdown file that loads zh-search.js. */
function htmlSnippet(markdown) {
  const blocks = [...markdown.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]);
  const snippet = blocks.find((b) => b.includes('zh-search.js'));
  assert.ok(snippet, 'an html snippet that loads zh-search.js');
  return snippet;
}

/** A copy of the folder written by the CLI, under tmp/name/search, changed by `change(dir, names)`. */
function variant(name, change) {
  const dir = path.join(tmp, name, 'search');
  fs.cpSync(dist, dir, { recursive: true });
  change(dir, {
    index: hashedFile(dir, 'zh-search-index', 'bin'),
    wasm: hashedFile(dir, 'zh-search-engine', 'wasm'),
    glue: hashedFile(dir, 'zh-search-glue', 'js'),
  });
  return path.dirname(dir);
}

const names = () => ({
  index: hashedFile(dist, 'zh-search-index', 'bin'),
  wasm: hashedFile(dist, 'zh-search-engine', 'wasm'),
  glue: hashedFile(dist, 'zh-search-glue', 'js'),
});

test('the folder holds exactly the files a site needs: the engine as built, files named by their hash', () => {
  const { index, wasm, glue } = names();
  assert.deepEqual(files(dist), [
    'README.md', 'favicon.svg', 'index.css', 'index.html', glue, wasm, index, 'zh-search.d.ts', 'zh-search.js',
  ].sort());
  for (const name of [index, wasm, glue]) {
    assert.equal(name.split('.')[1], sha8(fs.readFileSync(path.join(dist, name))), `${name} is named by its SHA-256`);
  }
  // The engine as built, stored gzip-compressed (small on hosts that do not compress .wasm).
  assert.ok(zlib.gunzipSync(fs.readFileSync(path.join(dist, wasm))).equals(fs.readFileSync(path.join(ENGINE, 'zh_search_bg.wasm'))));
  assert.ok(fs.readFileSync(path.join(dist, glue)).equals(fs.readFileSync(path.join(ENGINE, 'zh_search.js'))));
  for (const [from, to] of [
    ['www/zh-search.d.ts', 'zh-search.d.ts'], ['scripts/dist/index.html', 'index.html'],
    ['scripts/dist/index.css', 'index.css'], ['scripts/dist/favicon.svg', 'favicon.svg'], ['scripts/dist/README.md', 'README.md'],
  ]) {
    assert.ok(fs.readFileSync(path.join(ROOT, from)).equals(fs.readFileSync(path.join(dist, to))), `${to} is ${from}`);
  }
  // The element is make engine's bundle with its placeholder replaced by the folder's names.
  const built = fs.readFileSync(path.join(ENGINE, 'zh-search.js'), 'utf8');
  const config = JSON.stringify(JSON.stringify({ glue, index, wasm }));
  const element = fs.readFileSync(path.join(dist, 'zh-search.js'), 'utf8');
  assert.ok(built.includes(`"${MARKER}"`));
  assert.equal(element, built.replaceAll(`"${MARKER}"`, config));
  // The index is stored gzip (small whatever the host does) and inflates to the index.
  const stored = fs.readFileSync(path.join(dist, index));
  assert.deepEqual([...stored.subarray(0, 2)], [0x1f, 0x8b]);
  const inflated = zlib.gunzipSync(stored);
  assert.ok(inflated.length > stored.length);
  // The example page has no inline script or style (it must run under the CSP).
  const page = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
});

test('the CLI ends with a summary whose figures are the folder\'s', () => {
  const m = /indexed (\d+) pages, (\d+) passages; index (\d+) bytes \((\d+) gzip\); wrote (\d+) files \((\d+) bytes\) to (.*) in ([\d.]+) s/
    .exec(summary);
  assert.ok(m, summary);
  const [, pages, passages, indexBytes, gzipBytes, count, bytes, out, seconds] = m;
  assert.equal(Number(pages), 2);
  assert.ok(Number(passages) > 0);
  const stored = fs.readFileSync(path.join(dist, names().index));
  assert.equal(Number(gzipBytes), stored.length);
  assert.equal(Number(indexBytes), zlib.gunzipSync(stored).length);
  assert.equal(Number(count), files(dist).length);
  assert.equal(Number(bytes), files(dist).reduce((sum, f) => sum + fs.statSync(path.join(dist, f)).size, 0));
  assert.equal(out, dist);
  assert.ok(Number(seconds) > 0);
});

test("the README's snippet, pasted into a page, works with the folder copied to /search/; nothing is fetched before focus", async (t) => {
  const distSnippet = htmlSnippet(fs.readFileSync(path.join(dist, 'README.md'), 'utf8'));
  const mainSnippet = htmlSnippet(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  assert.equal(mainSnippet, distSnippet, 'the project README shows the same snippet');
  fs.writeFileSync(path.join(tmp, 'index.html'),
    `<!doctype html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>站点</title></head>\n<body>\n${distSnippet}</body>\n</html>\n`);
  const { page, requests, checkClean } = await openPage(browser, t, { root: tmp, pathname: '/' });
  const paths = () => [...new Set(requests.map((u) => new URL(u).pathname))].sort();
  await page.waitForTimeout(300);
  assert.deepEqual(paths(), ['/', '/search/zh-search.js'], 'only the element before the box gets focus');
  const input = await searchFor(page, '碳计量');
  const s = await widgetState(page);
  assert.ok(s.hits > 0);
  assert.match(s.status, /找到\s*\d+\s*条结果/);
  assert.equal(await input.getAttribute('placeholder'), '搜索本站…');
  const { index, wasm, glue } = names();
  assert.deepEqual(paths(), ['/', ...[glue, wasm, index, 'zh-search.js'].map((f) => `/search/${f}`)].sort());
  // The API the element uses: the engine's stats through loadEngine().
  const stats = await page.evaluate(() => import('/search/zh-search.js').then((m) => m.loadEngine()).then((e) => e.stats()));
  assert.equal(stats.sources, 2);
  await checkClean();
});

test("the folder's own example page works served as is", async (t) => {
  const { page, requests, checkClean } = await openPage(browser, t, { root: dist, pathname: '/' });
  await searchFor(page, '光岳楼');
  assert.ok((await widgetState(page)).hits > 0);
  // Its stylesheet and icon are files of the folder (the CSP blocks inline styles and data: URLs):
  // the stylesheet applies, the icon is declared, so no browser asks for a missing /favicon.ico.
  const looks = await page.evaluate(async () => {
    const icon = document.querySelector('link[rel=icon]');
    const main = getComputedStyle(document.querySelector('main'));
    return { icon: icon && new URL(icon.href).pathname, iconStatus: icon && (await fetch(icon.href)).status,
      maxWidth: main.maxWidth, sheets: document.styleSheets.length };
  });
  assert.deepEqual(looks, { icon: '/favicon.svg', iconStatus: 200, maxWidth: '760px', sheets: 1 });
  assert.ok(requests.some((u) => new URL(u).pathname === '/index.css'), 'the stylesheet was fetched');
  await checkClean();
});

test('an index file that arrives inflated (what a browser hands over when a host serves it with Content-Encoding: gzip) works too', async (t) => {
  const root = variant('plain', (dir, { index }) => {
    const file = path.join(dir, index);
    fs.writeFileSync(file, zlib.gunzipSync(fs.readFileSync(file)));
  });
  const { page, checkClean } = await openPage(browser, t, { root, pathname: '/search/' });
  await searchFor(page, '光岳楼');
  assert.ok((await widgetState(page)).hits > 0);
  await checkClean();
});

test('--base-url is where hits link to, unless the base attribute says otherwise', async (t) => {
  const root = path.join(tmp, 'based');
  execFileSync(CLI, ['index', path.join(ROOT, 'tests/site'), '--out', path.join(root, 'search'), '--base-url', '/docs/'],
    { stdio: 'pipe' });
  const { page, origin, checkClean } = await openPage(browser, t, { root, pathname: '/search/', init: () => {
    window.__selected = [];
    document.addEventListener('zh-search:select', (e) => {
      window.__selected.push(e.detail.href);
      e.preventDefault();
    });
  } });
  let input = await searchFor(page, '运河博物馆');
  await input.press('ArrowDown');
  await input.press('Enter');
  await page.waitForFunction(() => window.__selected.length === 1);
  assert.equal(await page.evaluate(() => window.__selected[0]), `${origin}/docs/index.html#news`);
  await page.locator('zh-search').evaluate((el) => el.setAttribute('base', '/other/'));
  input = await searchFor(page, '呱嗒');
  await input.press('ArrowDown');
  await input.press('Enter');
  await page.waitForFunction(() => window.__selected.length === 2);
  assert.equal(await page.evaluate(() => window.__selected[1]), `${origin}/other/guide/food.htm#shaobing`);
  await checkClean();
});

/** Opens the example page of a damaged copy, types, and returns what the element and the API say. */
async function faulty(t, name, change) {
  const root = variant(name, change);
  const { page, problems } = await openPage(browser, t, { root, pathname: '/search/' });
  await page.locator('zh-search input').fill('光岳楼');
  await page.waitForFunction(
    (text) => document.querySelector('zh-search').shadowRoot.querySelector('[role=status]').textContent === text,
    LOAD_ERROR, { timeout: 10_000 },
  );
  const api = await page.evaluate(() => import('/search/zh-search.js').then((m) => m.loadEngine())
    .then(() => ({ resolved: true }), (e) => ({ isError: e instanceof Error, message: e.message })));
  await page.waitForTimeout(200);
  assert.equal((await widgetState(page)).hits, 0);
  // What the page reports: the element's one console error, the failed request if any, never an
  // uncaught error or unhandled rejection.
  assert.deepEqual(problems.filter((p) => p.startsWith('pageerror')), []);
  assert.ok(problems.some((p) => p.startsWith('console.error: zh-search: failed to load the search index')), problems.join('\n'));
  return { api, problems };
}

test('a missing index: the element says so, loadEngine() rejects with an Error naming the file', async (t) => {
  let missing;
  const { api, problems } = await faulty(t, 'no-index', (dir, { index }) => {
    missing = index;
    fs.rmSync(path.join(dir, index));
  });
  assert.deepEqual(api, { isError: true, message: `zh-search: ${missing} answered HTTP 404` });
  assert.ok(problems.some((p) => p.startsWith('HTTP 404') && p.endsWith(missing)), problems.join('\n'));
});

test('a missing engine: the element says so, loadEngine() rejects with an Error', async (t) => {
  const { api } = await faulty(t, 'no-wasm', (dir, { wasm }) => fs.rmSync(path.join(dir, wasm)));
  assert.equal(api.isError, true);
  assert.match(api.message, /zh-search-engine\.[0-9a-f]{8}\.wasm answered HTTP 404/);
});

for (const [name, damage, expected] of [
  ['cut-short', (bytes) => bytes.subarray(0, bytes.length >> 1), /could not be read \(damaged or cut short\)/],
  ['corrupt-gzip', (bytes) => Buffer.concat([bytes.subarray(0, 10), Buffer.alloc(bytes.length - 10, 0x55)]),
    /could not be read \(damaged or cut short\)/],
  ['not-an-index', () => Buffer.from('<!doctype html><title>404</title>'), /is not a zh-search index this engine reads: \S/],
  ['damaged-index', (bytes) => zlib.gzipSync(zlib.gunzipSync(bytes).subarray(0, 200)), /is not a zh-search index this engine reads: \S/],
]) {
  test(`a ${name} index file: the element says so, loadEngine() rejects with an Error`, async (t) => {
    const { api } = await faulty(t, name, (dir, { index }) => {
      const file = path.join(dir, index);
      fs.writeFileSync(file, damage(fs.readFileSync(file)));
    });
    assert.equal(api.isError, true);
    assert.match(api.message, expected);
  });
}

test("make dist's script runs the CLI over ZH_SEARCH_SEEDS into its folder and prints the size table of what it ships", () => {
  const again = path.join(tmp, 'again');
  const out = execFileSync(path.join(ROOT, 'scripts/dist.sh'), [again], {
    encoding: 'utf8', env: { ...process.env, ZH_SEARCH_SEEDS: 'tests/site' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.match(out, /indexed \d+ pages/);
  assert.ok(!fs.existsSync(path.join(again, 'pkg')));
  for (const f of [hashedFile(again, 'zh-search-engine', 'wasm'), hashedFile(again, 'zh-search-glue', 'js'),
    hashedFile(again, 'zh-search-index', 'bin'), 'zh-search.js']) {
    const shipped = path.join(again, f);
    const row = out.split('\n').find((l) => l.startsWith(`${shipped} `));
    assert.ok(row, `a row for ${shipped} in:\n${out}`);
    assert.equal(Number(row.trim().split(/\s+/)[1]), fs.statSync(shipped).size, `${f}: the raw size of the shipped file`);
  }
  // Another site, another index; the same engine and glue.
  assert.notEqual(hashedFile(again, 'zh-search-index', 'bin'), names().index);
  assert.equal(hashedFile(again, 'zh-search-engine', 'wasm'), names().wasm);
});
