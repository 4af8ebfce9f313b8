// bench/lib/site.mjs: how the bench draws known-item queries from a documentation site and judges
// the links engines return (make bench's debian corpus), checked on the DocBook fixture site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  stripNumbering, normUrl, linkKey, readSite, knownItemSiteQueries, sectionMapper, judgedRelevance,
  siteKnownItem, siteJudged, readSiteJudgments, decode,
} from '../../bench/lib/site.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SITE = path.join(ROOT, 'tests/site-docbook');
const REF = 'reference/ch02.zh-cn.html';
const FAQ = 'faq/pkgtools.zh-cn.html';
// The UTF-8 pages (the GBK ones are not what this reader is for).
const pages = () => readSite(SITE).filter((p) => [REF, FAQ, 'maint-guide/first.zh-cn.html'].includes(p.url));

test('numbering and chapter labels are removed from headings', () => {
  const cases = [
    ['2.1.3. 软件包配置', '软件包配置'],
    ['2.1.3.\u00a0软件包配置', '软件包配置'],
    ['第 2 章 Debian 软件包管理', 'Debian 软件包管理'],
    ['第\u00a010\u00a0章\u00a0Debian 和内核', 'Debian 和内核'],
    ['附录 A. 附录', '附录'],
    ['A.1. Debian 迷宫', 'Debian 迷宫'],
    ['8.1.6.1. dpkg-deb', 'dpkg-deb'],
    ['2.2.1. apt vs. apt-get / apt-cache vs. aptitude', 'apt vs. apt-get / apt-cache vs. aptitude'],
    ['Debian 参考手册', 'Debian 参考手册'],
    ['100% 自由', '100% 自由'],
  ];
  for (const [heading, query] of cases) assert.equal(stripNumbering(heading), query, heading);
});

test('links compare the same whatever the engine writes', () => {
  assert.equal(normUrl('/doc/a/b.html#x'), 'doc/a/b.html');
  assert.equal(normUrl('%E6%96%B0%E9%97%BB/a.html'), '新闻/a.html');
  assert.equal(normUrl('/guide/index.html'), 'guide/');
  assert.equal(linkKey('/a.html', null), 'a.html#');
  assert.equal(linkKey('a.html', 'x'), 'a.html#x');
  assert.equal(decode('a&amp;b &#160;&#x4e2d;&lt;'), 'a&b \u00a0中<');
});

test('the DocBook pages give their titles, headings and anchors', () => {
  const ref = pages().find((p) => p.url === REF);
  // Whitespace (U+00A0 included) reads as one space: the text a reader would type.
  assert.equal(ref.title, '第 2 章 Debian 软件包管理');
  assert.deepEqual(
    ref.headings.map((h) => [h.level, stripNumbering(h.text), h.anchor]),
    [
      [1, 'Debian 软件包管理', '_debian_package_management'],
      [2, '基础软件包管理操作', '_basic_package_management_operations'],
      [2, '软件包管理技巧', '_tips_for_the_package_management'],
      [3, '更多关于软件包管理的文档', '_more_readings_for_the_package_management'],
    ],
  );
  const more = ref.sections.find((s) => s.anchor === '_more_readings_for_the_package_management');
  assert.deepEqual(more.parents, ['_debian_package_management', '_tips_for_the_package_management']);
  assert.ok(more.text.length > 100, 'the section holds its list of links');
  assert.ok(!ref.sections.some((s) => s.text.includes('background-repeat')), 'no <style> text');
});

test('known-item queries: one per distinct title and heading, right answers are links', () => {
  const qs = knownItemSiteQueries(pages());
  const title = qs.find((q) => q.kind === 'title' && q.query === 'Debian 软件包管理');
  assert.deepEqual(title.right, [REF]);
  const dpkg = qs.find((q) => q.kind === 'heading' && q.query === 'dpkg');
  assert.deepEqual(dpkg.right, [`${FAQ}#dpkg`]);
  const keys = qs.map((q) => `${q.kind}\u0000${q.query}`);
  assert.equal(new Set(keys).size, keys.length, 'no duplicate query of one kind');
  assert.ok(qs.every((q) => [...q.query].length >= 2 && !/^\d/.test(q.query)));
});

test('hits are placed in sections by anchor, else by their words', () => {
  const map = sectionMapper(pages());
  assert.equal(map(`/${FAQ}`, 'filesearch', ''), `${FAQ}#filesearch`);
  // No anchor: the words of an excerpt find the section (Pagefind ends a heading with ". ").
  assert.equal(map(FAQ, '', '如何查出一个特定的文件属于哪个软件包？. 要找出 dpkg --search'), `${FAQ}#filesearch`);
  assert.equal(map(FAQ, null, null), `${FAQ}#`);
  assert.equal(map('nowhere.html', 'x', 'y'), null);
});

test('judged relevance covers a section and its subsections, a page covers the page', () => {
  const rel = judgedRelevance(pages());
  const tips = rel([`${REF}#_tips_for_the_package_management`]);
  assert.ok(tips(`${REF}#_tips_for_the_package_management`));
  assert.ok(tips(`${REF}#_more_readings_for_the_package_management`), 'a subsection');
  assert.ok(!tips(`${REF}#_basic_package_management_operations`), 'a sibling');
  assert.ok(!tips(null));
  const page = rel([FAQ]);
  assert.ok(page(`${FAQ}#dpkg`) && page(`${FAQ}#`));
  assert.ok(!page(`${REF}#`));
});

test('S@1, S@10 and MRR@10 count from the ranked links', async () => {
  const qs = [
    { query: 'a', kind: 'title', right: ['p.html'] },
    { query: 'b', kind: 'heading', right: ['p.html#x', 'q.html#y'] },
    { query: 'c', kind: 'heading', right: ['p.html#z'] },
  ];
  const pagesOf = { a: ['/p.html', 'q.html'], b: ['q.html'], c: ['p.html'] };
  const sectionsOf = { a: [], b: ['q.html#y'], c: ['p.html#', 'p.html#', 'p.html#z'] };
  const r = await siteKnownItem(qs, (q) => pagesOf[q], (q) => sectionsOf[q]);
  assert.equal(r.title.s1, 1);
  assert.equal(r.heading.s1, 0.5);
  assert.equal(r.heading.s10, 1);
  assert.equal(r.misses[0].rank, 2, 'duplicates are removed before ranking');
  assert.equal(r.headingPage.s1, 1);
  const j = await siteJudged(pages(), [{ query: 'q', kind: 'k', targets: [`${FAQ}#filesearch`] }], () => [`${FAQ}#dpkg`, `${FAQ}#filesearch`]);
  assert.equal(j.mrr10, 0.5);
});

test('bench/debian-queries.tsv holds 30 judged queries of every kind', () => {
  const j = readSiteJudgments(path.join(ROOT, 'bench/debian-queries.tsv'));
  assert.equal(j.length, 30);
  assert.deepEqual([...new Set(j.map((x) => x.kind))].sort(), ['command', 'concept', 'pinyin', 'question', 'trad']);
  for (const x of j) {
    assert.ok(x.targets.length >= 1, x.query);
    for (const t of x.targets) assert.match(t, /^(debian-reference|doc\/debian\/FAQ\/zh-cn|doc\/maint-guide-zh-cn\/html)\/[^#\s]+\.html(#[\w.-]+)?$/, t);
  }
});
