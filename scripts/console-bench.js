#!/usr/bin/env node
// npm run bench:console: the web console's figures of issue 14, in Debian's Chromium driven by Playwright, against
// the built gateway (dist/; built first unless CONSOLE_BENCH_NO_BUILD=1) on a fresh SQLite database:
//   - the first load's JavaScript and CSS: the bytes transferred (the gateway serves them uncompressed) and their gzip
//     size (zlib, level 6, as a compressing proxy would send them), against 300 KB compressed;
//   - time to interactive, from the navigation's start: to the sign-in form usable, and on to the overview rendered
//     (every target's card and chart) after signing in, against 1 s;
//   - with CONSOLE_BENCH_TARGETS targets (50; CONSOLE_BENCH_BUSY_TARGETS of them, 10, get every user) and a
//     provisioning log of CONSOLE_BENCH_LOG_ENTRIES entries (1,000,000):
//     the overview's refresh (its three API calls, as the browser timed them) and the provisioning log page's first
//     page, unfiltered, for one target, and an old entry opened by its URL, each against 1 s.
// The log is written by the gateway itself, as `npm run bench`'s log export does: users through /Bulk, each created
// in every busy target (a fake SCIM target each) and skipped in the others; that takes minutes at 1,000,000 entries.
// CONSOLE_BENCH_LOG_ENTRIES=100000 is the quick mode.
// CHROMIUM_PATH names another browser.
const { execSync } = require('node:child_process');
const path = require('node:path');
const zlib = require('node:zlib');
const { cpuSeconds, startGateway } = require('./bench/gateway-process');
const { benchBulk } = require('./bench/scim.bench');
const { api, loadFakeTarget } = require('./bench/provisioning.bench');

const root = path.join(__dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Users through /Bulk, then `targets` targets: the first `busy` (CONSOLE_BENCH_BUSY_TARGETS, 10) in front of a fake
 * target of its own, so that every user is created in each; the others with a scoping filter no user passes, where
 * each user is logged as skipped (out of scope). As an identity team's apps are: a few get everyone. (An assigned-only
 * target with nothing assigned logs nothing: its sync walks the assignments, not the directory.)
 */
async function fillLog(gw, startFakeScimTarget, { entries, targets }) {
  const busy = Math.min(targets, Number(process.env.CONSOLE_BENCH_BUSY_TARGETS || 10));
  // Every target logs every user: a create in a busy one, a skip (not assigned: out of scope) in the others.
  const users = Math.ceil(entries / targets);
  const fakes = [];
  for (let i = 0; i < busy; i++)
    fakes.push(await startFakeScimTarget({ recordRequests: false, maxPageSize: 1000 }));
  const started = Date.now();
  // 50 operations a request; fewer for a small run (32 connections each send one request at least).
  const b = await benchBulk(gw, { users, perRequest: Math.max(1, Math.min(50, Math.floor(users / 32))) });
  if (b.created !== users) throw new Error(`/Bulk created ${b.created} of ${users} users`);
  const ids = [];
  for (let i = 0; i < targets; i++) {
    const t = await api(gw, 'POST', '/admin/v1/targets', {
      name: `app-${String(i + 1).padStart(2, '0')}`,
      scope: 'all',
      baseUrl: fakes[i % busy].url,
      auth: { type: 'bearer', token: 'bench-token-0123456789' },
      provisionGroups: false,
      concurrency: 16,
      requestsPerSecond: 10000,
      enabled: i < busy,
    });
    if (i >= busy) {
      const mappings = await api(gw, 'GET', `/admin/v1/targets/${t.id}/mappings`);
      mappings.users.scoping = [
        { clauses: [{ attribute: 'userName', operator: 'EQUALS', value: 'nobody@bench.invalid' }] },
      ];
      await api(gw, 'PUT', `/admin/v1/targets/${t.id}/mappings`, mappings);
      await api(gw, 'PATCH', `/admin/v1/targets/${t.id}`, { enabled: true });
    }
    ids.push(t.id);
  }
  let logged = 0;
  for (let last = -1, stalled = 0; ;) {
    const statuses = await api(gw, 'GET', '/admin/v1/targets/status');
    logged = statuses.reduce(
      (sum, s) =>
        sum +
        Object.values(s.totals).reduce(
          (n, byStatus) => n + Object.values(byStatus).reduce((a, c) => a + c, 0),
          0,
        ),
      0,
    );
    const idle = statuses.every((s) => s.pending.objects === 0 && !s.reconciliation.requested);
    if (logged >= entries && idle) break;
    stalled = logged === last ? stalled + 1 : 0;
    if (stalled > 240) throw new Error(`the log stalled at ${logged} of ${entries} entries`);
    last = logged;
    await sleep(500);
  }
  console.log(
    `console bench: ${users.toLocaleString('en')} users to ${busy} of ${targets} targets, ${logged.toLocaleString('en')} log entries, ` +
      `in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return { fakes, ids, logged };
}

/**
 * Waits until the gateway is quiet (under 20% of a core over 2 s; its engine polls 50 targets even when there is
 * nothing to send): after the fill, reconciliations settle and account
 * discovery lists each target's users, which is not the console's cost.
 */
async function untilIdle(pid, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const before = cpuSeconds(pid);
    await sleep(2000);
    const share = (cpuSeconds(pid) - before) / 2;
    if (share < 0.2) return;
    if (Date.now() > deadline)
      throw new Error(`the gateway stayed busy (${Math.round(share * 100)}% of a core)`);
  }
}

/** Milliseconds since the navigation's start, in the page. */
const pageNow = (page) => page.evaluate(() => performance.now());

/** Resource timings of the admin API calls the page made, whose path (with query) starts with `prefix`. */
const apiTimings = (page) =>
  page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => ({
      path: new URL(e.name).pathname + new URL(e.name).search,
      start: e.startTime,
      end: e.responseEnd,
    })),
  );

/** Cold loads (each in a new browser context: nothing cached, not signed in), and log pages, timed this many times. */
const RUNS = Number(process.env.CONSOLE_BENCH_RUNS || 5);

async function measureConsole(gw, { targets, logged }) {
  const { chromium } = require('@playwright/test');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: asRoot ? ['--no-sandbox'] : [],
  });
  const errors = [];
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    return page;
  };
  try {
    // Cold first loads: to the sign-in form usable, then signed in at once, to every target's card and chart.
    const signIn = [];
    const overview = [];
    let first;
    let page;
    for (let run = 0; run < RUNS; run++) {
      await page?.context().close();
      page = await newPage();
      const assets = [];
      page.on('response', (res) => {
        const type = res.request().resourceType();
        if (type === 'script' || type === 'stylesheet') assets.push({ type, body: res.body() });
      });
      await page.goto(`${gw.base}/console`, { waitUntil: 'commit' });
      await page.waitForFunction(
        () => {
          const input = document.querySelector('#token');
          const button = document.querySelector('button[type=submit]');
          return input instanceof HTMLInputElement && !input.disabled && button && !button.disabled;
        },
        undefined,
        { polling: 'raf' },
      );
      const usable = await pageNow(page);
      signIn.push(usable);
      // The operator's typing is not the console's time: from the form usable on, the clock runs from the submit.
      await page.evaluate(() =>
        document.addEventListener('submit', () => (window.submittedAt = performance.now()), {
          capture: true,
          once: true,
        }),
      );
      await page.fill('#token', gw.adminToken);
      await page.click('button[type=submit]');
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid=deliveries-summary]').length >= n,
        targets,
        { polling: 'raf', timeout: 30_000 },
      );
      overview.push(usable + (await page.evaluate(() => performance.now() - window.submittedAt)));
      first = { js: 0, jsGzip: 0, css: 0, cssGzip: 0, files: 0 };
      for (const a of assets) {
        const body = await a.body;
        const gz = zlib.gzipSync(body, { level: 6 }).length;
        first.files++;
        first[a.type === 'script' ? 'js' : 'css'] += body.length;
        first[a.type === 'script' ? 'jsGzip' : 'cssGzip'] += gz;
      }
    }

    // The overview's refresh every 2 s: the three calls of each, from the first start to the last answer.
    await page.waitForTimeout(21_000);
    const timings = await apiTimings(page);
    const cycles = timings
      .filter((t) => t.path === '/admin/v1/targets/status')
      .map((s) => {
        const calls = timings.filter(
          (t) =>
            Math.abs(t.start - s.start) < 50 &&
            (t.path === '/admin/v1/targets' ||
              t.path === '/admin/v1/targets/status' ||
              t.path.startsWith('/admin/v1/targets/deliveries')),
        );
        return Math.max(...calls.map((c) => c.end)) - Math.min(...calls.map((c) => c.start));
      });

    // The provisioning log (signed in, the app cached): its first page (50 entries, newest first), the first page
    // for one target, and an old entry opened by its URL: from the navigation's start to the rows (the entry) shown.
    const logPage = async (query, ready) => {
      const times = [];
      for (let run = 0; run < RUNS; run++) {
        await page.goto(`${gw.base}/console/logs${query}`, { waitUntil: 'commit' });
        await page.waitForFunction(ready, undefined, { polling: 'raf', timeout: 30_000 });
        times.push(await pageNow(page));
      }
      return median(times);
    };
    const rows = () => document.querySelectorAll('tr[data-entry]').length >= 50;
    const logMs = await logPage('', rows);
    const { entries } = await api(gw, 'GET', '/admin/v1/provisioning-logs?limit=1');
    const newest = entries[0];
    const targetMs = await logPage(`?targetId=${newest.targetId}`, rows);
    const old = Math.max(1, Math.floor(newest.id / 2));
    const entryMs = await logPage(`?entry=${old}`, () => !!document.querySelector('#detail-h'));
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
    return {
      first,
      signInMs: median(signIn),
      overviewMs: median(overview),
      refreshMs: { median: median(cycles), max: Math.max(...cycles), count: cycles.length },
      logMs,
      targetMs,
      entryMs,
      logged,
    };
  } finally {
    await browser.close();
  }
}

/**
 * The figures, as rows for `record(engine, figure, value, unit, target, pass)` (the table of `npm run bench`).
 * `startGateway` is bench/gateway-process.js's; `engine` 'sqlite' or a server URL.
 */
async function benchConsole(record, label, engine, { entries, targets }) {
  const { startFakeScimTarget } = loadFakeTarget();
  const gw = await startGateway(engine);
  let fakes = [];
  try {
    const filled = await fillLog(gw, startFakeScimTarget, { entries, targets });
    fakes = filled.fakes;
    await untilIdle(gw.pid);
    const m = await measureConsole(gw, { targets, logged: filled.logged });
    const kb = (n) => n / 1024;
    const gzipKb = kb(m.first.jsGzip + m.first.cssGzip);
    record(
      label,
      `console first load, JS + CSS gzip (zlib level 6; the gateway sends them uncompressed: ${kb(m.first.js + m.first.css).toFixed(1)} KB in ${m.first.files} files)`,
      gzipKb,
      'KB',
      '< 300 KB',
      gzipKb < 300,
    );
    record(label, '  (of it JavaScript, gzip)', kb(m.first.jsGzip), 'KB', '', undefined);
    record(
      label,
      `console: navigation start → sign-in form usable (median of ${RUNS} cold loads)`,
      m.signInMs,
      'ms',
      '< 1,000 ms',
      m.signInMs < 1000,
    );
    record(
      label,
      `console: navigation start → overview of ${targets} targets rendered after sign-in (median of ${RUNS})`,
      m.overviewMs,
      'ms',
      '< 1,000 ms',
      m.overviewMs < 1000,
    );
    const size = `${targets} targets, log of ${m.logged.toLocaleString('en')} entries`;
    record(
      label,
      `console overview refresh, ${size}: median of ${m.refreshMs.count} (3 API calls)`,
      m.refreshMs.median,
      'ms',
      '< 1,000 ms',
      m.refreshMs.median < 1000,
    );
    record(
      label,
      '  (the slowest refresh)',
      m.refreshMs.max,
      'ms',
      '< 2,000 ms (the interval)',
      m.refreshMs.max < 2000,
    );
    record(
      label,
      `console log page, first page of 50, ${size} (median of ${RUNS})`,
      m.logMs,
      'ms',
      '< 1,000 ms',
      m.logMs < 1000,
    );
    record(label, '  (filtered to one target)', m.targetMs, 'ms', '< 1,000 ms', m.targetMs < 1000);
    record(label, '  (an old entry opened by its URL)', m.entryMs, 'ms', '< 1,000 ms', m.entryMs < 1000);
  } finally {
    await gw.stop();
    await Promise.all(fakes.map((f) => f.close()));
  }
}

async function main() {
  const entries = Number(process.env.CONSOLE_BENCH_LOG_ENTRIES || 1_000_000);
  const targets = Number(process.env.CONSOLE_BENCH_TARGETS || 50);
  if (process.env.CONSOLE_BENCH_NO_BUILD !== '1') {
    console.log('building…');
    execSync('npm run --silent build', { cwd: root, stdio: 'inherit' });
  }
  const rows = [];
  const record = (engine, figure, value, unit, target, pass) =>
    rows.push({
      engine,
      figure,
      value: Number.isFinite(value) ? `${Math.round(value * 10) / 10} ${unit}` : 'n/a',
      target,
      verdict: pass === undefined ? '' : pass ? 'met' : 'MISSED',
    });
  console.log(`console bench: ${targets} targets, ${entries.toLocaleString('en')} log entries…`);
  await benchConsole(record, 'sqlite', 'sqlite', { entries, targets });
  const keys = ['engine', 'figure', 'value', 'target', 'verdict'];
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log('\n' + line(keys));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(keys.map((k) => r[k])));
  if (rows.some((r) => r.verdict === 'MISSED')) process.exitCode = 1;
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });

module.exports = { benchConsole };
