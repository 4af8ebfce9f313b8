// A sharded index in the browser (`zh-search index SITE --out DIR --shards on`): the folder the
// CLI writes, served by tools/serve.mjs under the strict CSP, with gzip and without. Searches run
// in the worker and fetch only the shards they read; every answer equals the single-file
// folder's for the same site. Then each fault a network or a host can make, injected through the
// server (404, a cut-short or corrupted shard, a dropped connection, a stall past the timeout,
// going offline, shards of another build): the element says the search failed and shows no
// results as if they were the answer, the API rejects with an Error, nothing is left unhandled,
// and the next search after the fault clears works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';
import { ROOT } from './page.mjs';
import { startServer, CSP } from '../../tools/serve.mjs';

const CLI = path.join(ROOT, 'target/release/zh-search');
const SEARCH_ERROR = '搜索失败';
const QUERIES = ['碳计量', '聊城', 'zhongxin', '"国家 碳计量"', '光岳楼', '臺灣', '创新券 预约', '不存在的词语组合'];

let browser;
let tmp;
let sharded;
let single;
before(async () => {
  assert.ok(fs.existsSync(CLI), `missing ${CLI}: run make cli`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-search-sharded-'));
  sharded = path.join(tmp, 'sharded');
  single = path.join(tmp, 'single');
  const seeds = path.join(ROOT, 'seeds');
  execFileSync(CLI, ['index', seeds, '--out', path.join(sharded, 'search'), '--shards', 'on']);
  execFileSync(CLI, ['index', seeds, '--out', path.join(single, 'search'), '--shards', 'off', '--layout', 'grams']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const isShard = (urlPath) => /\/zh-search-index\.[0-9a-f]{16}\/\d+\.bin$/.test(urlPath);

/** The folder's page under /search/ on a server (`fault` as tools/serve.mjs takes it). */
async function open(t, root, { gzip = true, fault = null, timeoutMs } = {}) {
  const server = await startServer({ root, port: 0, host: '127.0.0.1', csp: true, gzip, fault });
  t.after(() => server.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('zh-search: search failed')) {
      // Failed fetches are reported by the browser itself ("Failed to load resource").
      if (!/Failed to load resource|net::ERR_/.test(m.text())) problems.push(`console.error: ${m.text()}`);
    }
  });
  page.on('request', (r) => requests.push(r.url()));
  await context.route((u) => !u.href.startsWith(server.url), (route) => {
    problems.push(`request left the origin: ${route.request().url()}`);
    return route.abort();
  });
  const response = await page.goto(`${server.url}/search/index.html`);
  assert.equal(response.headers()['content-security-policy'], CSP);
  await page.waitForFunction(() => customElements.get('zh-search') !== undefined);
  if (timeoutMs) {
    await page.evaluate(async (ms) => {
      const m = await import('./zh-search.js');
      m.settings.fetchTimeoutMs = ms;
    }, timeoutMs);
  }
  return { page, context, server, problems, requests };
}

/** Types `q` and waits for the element's answer: results or a failed search. */
async function search(page, q) {
  await page.locator('zh-search input').fill(q);
  await page.waitForFunction(
    (q) => {
      const host = document.querySelector('zh-search');
      const status = host.shadowRoot.querySelector('[role=status]').textContent;
      return host.query === q && /\d|没有找到|搜索失败/.test(status);
    },
    q,
    { timeout: 20_000 },
  );
  // A sharded index adds the suggestions after the results: the worker answers in order, so
  // once the API's own suggest has answered, the element's has too.
  await page.evaluate(async (q) => {
    const m = await import('./zh-search.js');
    await (await m.loadEngine()).suggest(/\S*$/.exec(q)[0], 6);
  }, q).catch(() => {});
  return page.evaluate(() => {
    const host = document.querySelector('zh-search');
    return {
      total: host.total,
      partial: host.partial,
      hits: host.hits.map((h) => [h.title, h.text, h.snippet, h.score]),
      suggestions: host.suggestions,
      status: host.shadowRoot.querySelector('[role=status]').textContent,
    };
  });
}

/** What the API answers (`loadEngine().search`), or the Error it rejects with. */
const apiSearch = (page, q) =>
  page.evaluate(async (q) => {
    const m = await import('./zh-search.js');
    try {
      const engine = await m.loadEngine();
      const results = await engine.search(q, { limit: 5 });
      return { total: results.total };
    } catch (err) {
      return { error: err instanceof Error, message: String(err.message) };
    }
  }, q);

test('a sharded folder answers what the single-file folder answers, in a worker, fetching only what it reads', async (t) => {
  for (const gzip of [true, false]) {
    const a = await open(t, sharded, { gzip });
    const b = await open(t, single, { gzip });
    await a.page.locator('zh-search input').focus();
    await b.page.locator('zh-search input').focus();
    const fetched = () => a.requests.map((u) => new URL(u).pathname).filter(isShard);
    const total = fs.readdirSync(path.join(sharded, 'search'), { recursive: true }).filter((f) => isShard(`/${f}`)).length;
    for (const [i, q] of QUERIES.entries()) {
      assert.deepEqual(await search(a.page, q), await search(b.page, q), `${q} (gzip ${gzip})`);
      if (i === 0) {
        const first = fetched().length;
        assert.ok(first > 0 && first < total, `the first search fetched ${first} of ${total} shards`);
      }
    }
    const files = a.requests.map((u) => new URL(u).pathname);
    assert.ok(files.some((f) => /zh-search-worker\.[0-9a-f]{8}\.js$/.test(f)), 'the worker was loaded');
    const shards = fetched();
    assert.equal(new Set(shards).size, shards.length, 'no shard fetched twice');
    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
  }
});

test('the page keeps running while a slow network delivers the shards', async (t) => {
  const { page, problems } = await open(t, sharded, { fault: (p) => (isShard(p) ? { delayMs: 400 } : undefined) });
  await page.locator('zh-search input').focus();
  // Frames keep coming while the search waits for its shards (the worker does the waiting).
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const frame = (now) => {
      window.__gaps.push(now - last);
      last = now;
      if (window.__gaps.length < 10_000) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  const answer = await search(page, '碳计量');
  assert.ok(answer.total > 0, answer.status);
  const longest = await page.evaluate(() => Math.max(...window.__gaps));
  assert.ok(longest < 250, `the page froze for ${longest} ms`);
  assert.deepEqual(problems, []);
});

test('a search abandoned through its signal fetches no further round; typing over a search shows only the last', async (t) => {
  // Every shard takes 300 ms: 'gyl' (pinyin initials) reads its shards in several rounds.
  const slow = { fault: (p) => (isShard(p) ? { delayMs: 300 } : undefined) };
  const shardsFetched = (requests) => requests.filter((u) => isShard(new URL(u).pathname)).length;
  const whole = await open(t, sharded, slow);
  const full = await whole.page.evaluate(async () => {
    const m = await import('./zh-search.js');
    return (await (await m.loadEngine()).search('gyl', { limit: 5 })).total;
  });
  assert.ok(full > 0);
  const allRounds = shardsFetched(whole.requests);

  const { page, problems, requests } = await open(t, sharded, slow);
  const outcome = await page.evaluate(async () => {
    const m = await import('./zh-search.js');
    const engine = await m.loadEngine();
    const controller = new AbortController();
    const search = engine.search('gyl', { limit: 5, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await search.then(() => null, (err) => err.name);
    // Longer than the rounds left would take.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const bad = await engine.search('gyl', { signal: 'no' }).then(() => null, (err) => err.name);
    const before = new AbortController();
    before.abort();
    const early = await engine.searchPages('gyl', { signal: before.signal }).then(() => null, (err) => err.name);
    return { error, bad, early };
  });
  assert.deepEqual(outcome, { error: 'AbortError', bad: 'TypeError', early: 'AbortError' });
  const abandoned = shardsFetched(requests);
  assert.ok(abandoned >= 1 && abandoned < allRounds, `abandoned after ${abandoned} of ${allRounds} shards`);

  // The element: a query typed over by the next shows the last one's results, quietly.
  await page.locator('zh-search input').fill('gyl');
  await page.waitForTimeout(150);
  const last = await search(page, '碳计量');
  assert.ok(last.total > 0, last.status);
  assert.deepEqual(problems, []);
});

/** Each fault, injected for every shard, then cleared. */
const FAULTS = [
  ['HTTP 404', { status: 404 }, /HTTP 404/],
  ['HTTP 500', { status: 500 }, /HTTP 500/],
  ['a cut-short shard', { truncate: 40 }, /truncated|corrupt|cut short/i],
  ['a corrupted shard', { corrupt: true }, /truncated|corrupt|checksum/i],
  ['a dropped connection', { drop: true }, /network error|offline/i],
  ['a stall past the timeout', { delayMs: 3_000 }, /timed out/],
];

for (const [name, spec, message] of FAULTS) {
  test(`${name}: the element says the search failed, the API rejects with an Error, the next search works`, async (t) => {
    let failing = true;
    const { page, problems } = await open(t, sharded, {
      fault: (p) => (failing && isShard(p) ? spec : undefined),
      timeoutMs: 1_000,
    });
    await page.locator('zh-search input').focus();
    const shown = await search(page, '碳计量');
    assert.match(shown.status, new RegExp(SEARCH_ERROR));
    assert.equal(shown.total, 0);
    assert.deepEqual(shown.hits, [], 'no results are shown as if they were the answer');
    const api = await apiSearch(page, '聊城');
    assert.equal(api.error, true, JSON.stringify(api));
    assert.match(api.message, message);
    failing = false;
    const after = await search(page, '光岳楼');
    assert.ok(after.total > 0, `after the fault: ${after.status}`);
    assert.deepEqual(problems, []);
  });
}

test('offline: the search fails with a message, and works again back online', async (t) => {
  const { page, context, problems } = await open(t, sharded);
  await page.locator('zh-search input').focus();
  await page.waitForFunction(async () => {
    const m = await import('./zh-search.js');
    return m.loadEngine().then(() => true, () => false);
  });
  await context.setOffline(true);
  const shown = await search(page, '碳计量');
  assert.match(shown.status, new RegExp(SEARCH_ERROR));
  assert.deepEqual(shown.hits, []);
  const api = await apiSearch(page, '聊城');
  assert.equal(api.error, true);
  assert.match(api.message, /network error|offline/);
  await context.setOffline(false);
  const back = await search(page, '光岳楼');
  assert.ok(back.total > 0, back.status);
  assert.deepEqual(problems, []);
});

test("shards of another build are refused: the search fails saying the index was rebuilt", async (t) => {
  // The folder of one build with the shards of another (the site re-indexed while a reader's
  // page, or a cache, still held the old root).
  const mixed = path.join(tmp, 'mixed');
  const extra = path.join(tmp, 'seeds-plus');
  fs.cpSync(path.join(ROOT, 'seeds'), extra, { recursive: true });
  fs.writeFileSync(path.join(extra, 'extra.md'), '# 新增\n\n一段新加的文字。\n');
  const other = path.join(tmp, 'other');
  execFileSync(CLI, ['index', extra, '--out', path.join(other, 'search'), '--shards', 'on']);
  fs.cpSync(sharded, mixed, { recursive: true });
  const dirOf = (root) => fs.readdirSync(path.join(root, 'search')).find((f) => /^zh-search-index\.[0-9a-f]{16}$/.test(f));
  const ours = path.join(mixed, 'search', dirOf(sharded));
  fs.rmSync(ours, { recursive: true });
  fs.cpSync(path.join(other, 'search', dirOf(other)), ours, { recursive: true });
  const { page, problems } = await open(t, mixed);
  await page.locator('zh-search input').focus();
  const shown = await search(page, '碳计量');
  assert.match(shown.status, new RegExp(SEARCH_ERROR));
  assert.deepEqual(shown.hits, []);
  const api = await apiSearch(page, '聊城');
  assert.equal(api.error, true);
  assert.match(api.message, /another build|HTTP 404/);
  assert.deepEqual(problems, []);
});

for (const [name, file] of [['the root', /\.root$/], ['the worker', /zh-search-worker\.[0-9a-f]{8}\.js$/]]) {
  test(`${name} missing: the element says the index failed to load, loadEngine() rejects with an Error`, async (t) => {
    const { page, problems } = await open(t, sharded, { fault: (p) => (file.test(p) ? { status: 404 } : undefined) });
    await page.locator('zh-search input').focus();
    await page.locator('zh-search input').fill('碳计量');
    await page.waitForFunction(() =>
      /load error/.test(document.querySelector('zh-search').shadowRoot.querySelector('[role=status]').textContent));
    const api = await page.evaluate(async () => {
      const m = await import('./zh-search.js');
      return m.loadEngine().then(() => ({}), (err) => ({ error: err instanceof Error, message: String(err.message) }));
    });
    assert.equal(api.error, true, JSON.stringify(api));
    // The element logs the failed load once (console.error): expected here, nothing else.
    assert.deepEqual(problems.filter((p) => !p.includes('failed to load the search index')), []);
  });
}

test('a script that sets the value gets it searched: the engine loads without the box ever having focus', async (t) => {
  const { page, problems } = await open(t, sharded);
  await page.evaluate(() => {
    document.querySelector('zh-search').value = '碳计量';
  });
  await page.waitForFunction(() => {
    const host = document.querySelector('zh-search');
    return host.query === '碳计量' && host.total > 0;
  });
  assert.deepEqual(problems, []);
});
