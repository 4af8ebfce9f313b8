// Bytes over the wire for one engine's bench page served by the plain static server
// (tools/serve.mjs) with gzip on or off: what a reader downloads before the first result of a
// query, how many requests that took, how long navigation → first result took, and then, in the
// same page, what each next query with new terms downloads and how long it takes.
//
// Two counts of the same bytes, both of what actually crossed the connection (compressed when
// the server compressed, headers included):
// - the server's sockets: every byte each response wrote (status line, headers, body as sent),
//   whoever asked for it: the page, a Web Worker, the worker's own script. This is the figure
//   reported;
// - Chromium's own count (CDP encodedDataLength, through playwright-core's request.sizes()),
//   kept beside it as a check: Chromium reports a dedicated worker's script with a body of 0
//   bytes (Pagefind's pagefind-worker.js), so it undercounts engines that start a worker.
// Requests are counted from navigation until the page asks for /__mark (it does so once its
// first result is in the DOM; the bench writes an empty __mark file in the site's root so that
// request is an ordinary 200 and is left out of every count).
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../../tools/serve.mjs';
import { latencySummary } from './metrics.mjs';

const MARK = '/__mark';

/** Make the site's root answer /__mark (the pages' "first result shown" signal) with a 200. */
export function writeMarkFile(site) {
  fs.writeFileSync(path.join(site, MARK.slice(1)), '');
}

/**
 * A log of every response a server sent: { path, bytes (written to the socket), done }, in the
 * order the requests arrived. HTTP/1.1 answers one request at a time per connection, so the
 * socket's byte count between two answers is one answer's size.
 */
export function tapServer(server) {
  const log = [];
  server.on('request', (req, res) => {
    const entry = { path: new URL(req.url, 'http://x').pathname, bytes: 0, done: false };
    log.push(entry);
    const sock = req.socket;
    const finish = () => {
      if (entry.done) return;
      const at = sock.bytesWritten;
      entry.bytes = at - (sock.zhBenchWritten ?? 0);
      sock.zhBenchWritten = at;
      entry.done = true;
    };
    res.on('finish', finish);
    res.on('close', finish);
  });
  return log;
}

/** Chromium's count of a context's requests: url -> { bytes (headers + encoded body), done }. */
function recordChromium(context) {
  const list = [];
  context.on('request', (r) => {
    if (r.url().startsWith('data:')) return;
    const entry = { path: new URL(r.url()).pathname, bytes: 0, done: false };
    list.push(entry);
    const end = async () => {
      try {
        const s = await r.sizes();
        entry.bytes = s.responseHeadersSize + s.responseBodySize;
      } catch {}
      entry.done = true;
    };
    r.zhBenchEnd = end;
  });
  context.on('requestfinished', (r) => r.zhBenchEnd?.());
  context.on('requestfailed', (r) => r.zhBenchEnd?.());
  return list;
}

const isMark = (e) => e.path === MARK;

/** Wait until every entry of `list` is done (or `ms` passed). */
async function settle(list, ms = 10_000) {
  const until = Date.now() + ms;
  while (list.some((r) => !r.done) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return list.every((r) => r.done);
}

/** The entries before the first /__mark, once done; null while the mark has not arrived. */
const beforeMark = (list) => {
  const i = list.findIndex(isMark);
  return i < 0 ? null : list.slice(0, i);
};
const sum = (list) => list.reduce((a, r) => a + r.bytes, 0);

/**
 * One cold load of `${url}/${engine}/?q=…`: bytes and requests until the page asked for /__mark,
 * navigation → first result (the page's performance.now() at that point), the problems seen.
 */
async function coldLoad(browser, server, log, engine, query, problems) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  try {
    const chromium = recordChromium(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message.slice(0, 300)}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text().slice(0, 300)}`);
    });
    log.length = 0;
    await page.goto(`${server.url}/${engine}/?q=${encodeURIComponent(query)}`, { timeout: 60_000 });
    await page.waitForFunction(() => window.__first !== undefined, null, { timeout: 300_000, polling: 50 });
    const { ms, count } = await page.evaluate(() => ({ ms: window.__first, count: window.__count }));
    const until = Date.now() + 10_000;
    while (!(beforeMark(log) && beforeMark(chromium)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const sent = beforeMark(log);
    const seen = beforeMark(chromium);
    if (!sent || !seen) throw new Error(`${engine}: the page never asked for ${MARK}`);
    if (!(await settle(sent)) || !(await settle(seen))) problems.push(`${engine}: requests still open 10 s after the first result`);
    return {
      query,
      ms,
      results: count,
      bytes: sum(sent),
      requests: sent.length,
      chromiumBytes: sum(seen),
      chromiumRequests: seen.length,
      files: sent.map((r) => ({ path: r.path, bytes: r.bytes })),
      page,
      context,
      log,
    };
  } catch (e) {
    await context.close();
    throw e;
  }
}

/**
 * After the first result, in the same page: each query of `queries` once, one after the other
 * (as a reader types one search after another): bytes it downloaded and its latency including
 * those fetches; then the same list again (everything it needs is loaded by then). One session's
 * raw figures: see `mergeSessions`.
 */
async function nextQueries(load, queries) {
  const { page, log } = load;
  const perQuery = [];
  for (const q of queries) {
    const from = log.length;
    const ms = await page.evaluate(async (q) => {
      await window.bench.ready;
      const t = performance.now();
      await window.bench.timed(q);
      return performance.now() - t;
    }, q);
    await new Promise((r) => setTimeout(r, 30)); // requests still in flight when the query returned
    const fresh = log.slice(from).filter((r) => !isMark(r));
    await settle(fresh);
    perQuery.push({ query: q, ms, bytes: sum(fresh), requests: fresh.length });
  }
  for (const x of perQuery) {
    x.again = await page.evaluate(async (q) => {
      const t = performance.now();
      await window.bench.timed(q);
      return performance.now() - t;
    }, x.query);
  }
  return perQuery;
}

/**
 * The next-query figures of several sessions (one per cold load, each the same queries in the
 * same order): per query, the median of its sessions' bytes, requests and latencies (one
 * session's latency swings by half on these machines: a single run's p95 is the luck of two
 * queries), then their summaries over the queries.
 */
function mergeSessions(sessions) {
  const median = (xs) => latencySummary(xs).median;
  const perQuery = sessions[0].map((first, i) => {
    const runs = sessions.map((s) => s[i]);
    return {
      query: first.query,
      ms: median(runs.map((r) => r.ms)),
      bytes: median(runs.map((r) => r.bytes)),
      requests: median(runs.map((r) => r.requests)),
      again: median(runs.map((r) => r.again)),
      msRuns: runs.map((r) => r.ms),
      bytesRuns: runs.map((r) => r.bytes),
    };
  });
  const bytes = perQuery.map((x) => x.bytes);
  return {
    n: perQuery.length,
    sessions: sessions.length,
    bytes: latencySummary(bytes),
    totalBytes: bytes.reduce((a, b) => a + b, 0),
    requests: latencySummary(perQuery.map((x) => x.requests)),
    latencyWithFetches: latencySummary(perQuery.map((x) => x.ms)),
    latencyCached: latencySummary(perQuery.map((x) => x.again)),
    perQuery,
  };
}

/**
 * Every wire figure of one engine on one site folder: for gzip on and off, `runs` cold loads
 * with `first` (the figures are their medians); with gzip on, after each of them the next-query
 * session (per query, the median of the sessions). Returns { gzip: {...}, identity: {...} }.
 */
export async function measureWire(browser, site, engine, { first, runs, queries, problems }) {
  writeMarkFile(site);
  const out = {};
  for (const mode of ['gzip', 'identity']) {
    const server = await startServer({ root: site, port: 0, gzip: mode === 'gzip' });
    const log = tapServer(server.server);
    try {
      const loads = [];
      const sessions = [];
      for (let i = 0; i < runs; i++) {
        const load = await coldLoad(browser, server, log, engine, first, problems);
        try {
          if (mode === 'gzip' && queries?.length) sessions.push(await nextQueries(load, queries));
        } finally {
          await load.context.close();
        }
        const { page, context, log: _, ...figures } = load;
        loads.push(figures);
      }
      if (sessions.length) out.next = mergeSessions(sessions);
      const med = (k) => latencySummary(loads.map((l) => l[k])).median;
      out[mode] = {
        query: first,
        runs: loads.length,
        bytes: med('bytes'),
        requests: med('requests'),
        ms: med('ms'),
        chromiumBytes: med('chromiumBytes'),
        chromiumRequests: med('chromiumRequests'),
        files: loads[0].files,
        loads: loads.map(({ files, ...l }) => l),
      };
    } finally {
      await server.close();
    }
  }
  return out;
}
