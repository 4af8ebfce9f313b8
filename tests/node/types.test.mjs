// www/zh-search.d.ts: it compiles under `tsc --strict` as a site would use it (typescript is a
// pinned dev dependency), and it describes what the code really does: the result shapes match
// real results of the wasm module (www/pkg for text sources, target/site/pkg for HTML pages),
// the engine's functions exist, and the attributes it declares are the ones the element reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DTS = path.join(ROOT, 'www/zh-search.d.ts');

/** Members of an interface in the d.ts: name → optional. */
function members(name) {
  const source = ts.createSourceFile(DTS, fs.readFileSync(DTS, 'utf8'), ts.ScriptTarget.Latest, true);
  const decl = source.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === name);
  assert.ok(decl, `interface ${name} in zh-search.d.ts`);
  return new Map(decl.members.map((m) => [m.name.getText(source), !!m.questionToken]));
}

/** Every required member is present and every present key is declared. */
function conforms(value, name) {
  const declared = members(name);
  for (const [key, optional] of declared) if (!optional) assert.ok(key in value, `${name}.${key} is present`);
  for (const key of Object.keys(value)) assert.ok(declared.has(key), `${name} declares ${key}`);
}

async function engineAt(pkg) {
  const js = path.join(pkg, 'zh_search.js');
  const wasm = path.join(pkg, 'zh_search_bg.wasm');
  assert.ok(fs.existsSync(wasm), `missing ${wasm}`);
  const m = await import(pathToFileURL(js).href);
  m.initSync({ module: fs.readFileSync(wasm) });
  return m;
}

test('zh-search.d.ts compiles as a strict TypeScript site uses it (and rejects misuse)', () => {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tests/types/tsconfig.json')], { encoding: 'utf8' });
  assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`);
});

test('the declared result shapes are the real ones', async () => {
  const seeds = await engineAt(path.join(ROOT, 'www/pkg'));
  for (const key of members('Engine').keys()) assert.equal(typeof seeds[key], 'function', `the module exports ${key}()`);
  const results = seeds.search('碳计量');
  conforms(results, 'SearchResults');
  assert.ok(results.hits.length > 0);
  for (const hit of results.hits) conforms(hit, 'Hit');
  assert.ok(!('url' in results.hits[0]), 'text sources have no url');
  assert.equal(results.hits[0].page_title, '', 'text sources have no page title');
  conforms(seeds.stats(), 'IndexStats');
  const grouped = seeds.searchPages('碳计量');
  conforms(grouped, 'PageResults');
  assert.equal(grouped.total, results.total, 'the grouped view counts the same matches');
  assert.ok(grouped.pages.length > 0);
  for (const page of grouped.pages) {
    conforms(page, 'PageHits');
    for (const hit of page.hits) conforms(hit, 'Hit');
  }

  // HTML pages: hits carry url and anchor (make site-pkg builds the fixture site).
  const site = await engineAt(path.join(ROOT, 'target/site/pkg'));
  const page = site.search('开放时间').hits[0];
  conforms(page, 'Hit');
  conforms(site.searchPages('开放时间').pages[0], 'PageHits');
  assert.deepEqual([page.url, page.anchor], ['guide/%E5%85%89%E5%B2%B3%E6%A5%BC.html', 'tickets']);
  assert.deepEqual([page.page_title, page.headings], ['光岳楼 - 聊城旅游指南', ['光岳楼', '门票与开放时间']]);
  const pages = site.searchPages('开放时间');
  conforms(pages, 'PageResults');
  conforms(pages.pages[0], 'PageHits');
  assert.equal(pages.pages[0].url, page.url);
});

test('the declared attributes are the ones the element reads', () => {
  const src = path.join(ROOT, 'www/src');
  const js = fs.readdirSync(src).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(src, f), 'utf8')).join('\n');
  const read = new Set([...js.matchAll(/getAttribute\('([a-z-]+)'\)/g)].map((m) => m[1]));
  assert.deepEqual([...read].sort(), [...members('ZhSearchAttributes').keys()].sort());
});

/** Public members of class `name` in a source file (JS or d.ts): `static x` and `x`. */
function classMembers(file, name) {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const decl = source.statements.find((s) => ts.isClassDeclaration(s) && s.name?.text === name);
  assert.ok(decl, `class ${name} in ${file}`);
  const isStatic = (m) => ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static;
  return new Set(decl.members
    .filter((m) => m.name && !ts.isPrivateIdentifier(m.name))
    .map((m) => `${isStatic(m) ? 'static ' : ''}${m.name.getText(source)}`));
}

test('the declared element is the element: its public members, no more, no less', () => {
  const declared = classMembers(DTS, 'ZhSearchElement');
  const callbacks = ['connectedCallback', 'disconnectedCallback', 'attributeChangedCallback'];
  const real = [...classMembers(path.join(ROOT, 'www/src/element.js'), 'ZhSearchElement')].filter((m) => !callbacks.includes(m));
  assert.deepEqual([...declared].sort(), real.sort());
  for (const name of ['static define', 'suggestions', 'query']) assert.ok(declared.has(name), `declares ${name}`);
  assert.ok(!declared.has('sugg'), 'sugg is gone');
});
