// `make dist`: scripts/dist.sh writes a folder that works copied to a server as is. The folder is
// written to a temporary directory, checked file by file, put under /search/ of a site whose
// home page is nothing but the HTML snippet from dist/README.md (and the project README), and
// both that page and the folder's own example page are searched under the strict CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';
import { ROOT, WWW, openPage, widgetState, searchFor } from './page.mjs';

let browser;
let tmp;
let dist;
before(async () => {
  assert.ok(fs.existsSync(path.join(WWW, 'pkg/zh_search_bg.wasm')), `missing ${WWW}/pkg: run make build`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-search-dist-'));
  dist = path.join(tmp, 'search');
  execFileSync(path.join(ROOT, 'scripts/dist.sh'), [dist], { stdio: 'pipe' });
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

/** The ```html block of a Markdown file that loads zh-search.js. */
function htmlSnippet(markdown) {
  const blocks = [...markdown.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]);
  const snippet = blocks.find((b) => b.includes('zh-search.js'));
  assert.ok(snippet, 'an html snippet that loads zh-search.js');
  return snippet;
}

test('dist/ holds exactly the files a site needs, identical to the build (scripts minified)', () => {
  assert.deepEqual(files(dist), [
    'README.md', 'favicon.svg', 'index.css', 'index.html', 'pkg/zh_search.js', 'pkg/zh_search_bg.wasm', 'zh-search.d.ts',
    'zh-search.js',
  ]);
  for (const [from, to] of [
    ['www/zh-search.d.ts', 'zh-search.d.ts'], ['www/pkg/zh_search_bg.wasm', 'pkg/zh_search_bg.wasm'],
  ]) {
    assert.ok(fs.readFileSync(path.join(ROOT, from)).equals(fs.readFileSync(path.join(dist, to))), `${to} is ${from}`);
  }
  // The scripts are the build's, minified by esbuild (scripts/dist.sh), and smaller: the glue
  // minified as is, the element the build's minified bundle of its sources in www/src/.
  const glue = fs.readFileSync(path.join(dist, 'pkg/zh_search.js'));
  const minifiedGlue = execFileSync(path.join(ROOT, 'node_modules/.bin/esbuild'),
    ['--minify', '--format=esm', '--log-level=warning', path.join(ROOT, 'www/pkg/zh_search.js')]);
  assert.ok(glue.equals(minifiedGlue), 'pkg/zh_search.js is www/pkg/zh_search.js, minified');
  assert.ok(glue.length < fs.statSync(path.join(ROOT, 'www/pkg/zh_search.js')).size, 'pkg/zh_search.js is smaller than www/pkg/zh_search.js');
  const element = fs.readFileSync(path.join(dist, 'zh-search.js'));
  assert.ok(element.equals(fs.readFileSync(path.join(WWW, 'zh-search.js'))), "zh-search.js is the build's www/zh-search.js");
  const sources = fs.readdirSync(path.join(ROOT, 'www/src')).map((f) => fs.statSync(path.join(ROOT, 'www/src', f)).size);
  assert.ok(element.length < sources.reduce((a, b) => a + b, 0), 'zh-search.js is smaller than its sources in www/src/');
  // The example page has no inline script or style (it must run under the CSP).
  const page = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
});

test("the README's snippet, pasted into a page, works with dist/ copied to /search/", async (t) => {
  const distSnippet = htmlSnippet(fs.readFileSync(path.join(dist, 'README.md'), 'utf8'));
  const mainSnippet = htmlSnippet(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  assert.equal(mainSnippet, distSnippet, 'the project README shows the same snippet');
  fs.writeFileSync(path.join(tmp, 'index.html'),
    `<!doctype html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>站点</title></head>\n<body>\n${distSnippet}</body>\n</html>\n`);
  const { page, requests, checkClean } = await openPage(browser, t, { root: tmp, pathname: '/' });
  const input = await searchFor(page, '碳计量');
  const s = await widgetState(page);
  assert.ok(s.hits > 0);
  assert.match(s.status, /找到\s*\d+\s*条结果/);
  assert.equal(await input.getAttribute('placeholder'), '搜索本站…');
  const paths = [...new Set(requests.map((u) => new URL(u).pathname))].sort();
  assert.deepEqual(paths, ['/', '/search/pkg/zh_search.js', '/search/pkg/zh_search_bg.wasm', '/search/zh-search.js']);
  await checkClean();
});

test("dist/index.html, the folder's own example, works served as is", async (t) => {
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

test('make dist prints the size table of the minified files it ships', () => {
  const out = execFileSync(path.join(ROOT, 'scripts/dist.sh'), [path.join(tmp, 'again')], { encoding: 'utf8' });
  for (const f of ['pkg/zh_search_bg.wasm', 'pkg/zh_search.js', 'zh-search.js']) {
    const shipped = path.join(tmp, 'again', f);
    const row = out.split('\n').find((l) => l.startsWith(`${shipped} `));
    assert.ok(row, `a row for ${shipped} in:\n${out}`);
    assert.equal(Number(row.trim().split(/\s+/)[1]), fs.statSync(shipped).size, `${f}: the raw size of the shipped file`);
  }
});
