#!/usr/bin/env node
// npm run bench:scale: how each cost grows with the directory. For each size in BENCH_SCALE_USERS (default
// 10000,100000; the million-user run is BENCH_SCALE_USERS=1000000) and each engine (SQLite, and MariaDB/MySQL when
// BENCH_DATABASE_URL is set; BENCH_ENGINES narrows): the users loaded through /Bulk, then the reads a SCIM client
// and the console make, an initial sync to a new target (a fake target in a process of its own), a full reconciliation
// with nothing to change, the same initial sync to a second new target that advertises /Bulk, a restart of the
// gateway on the same database, the database's size and the gateway's peak RSS (the whole run, and each phase after
// the table). Prints one Markdown table (the README's growth table is a copy of it), then each size's outbound figures
// against the issue's targets.
const fs = require('node:fs');
const path = require('node:path');
const { startGateway, sharedDatabase } = require('./bench/gateway-process');
const { benchBulk } = require('./bench/scim.bench');
const { api, discovered, reconciled, startTargetProcess } = require('./bench/provisioning.bench');

const SIZES = (process.env.BENCH_SCALE_USERS || '10000,100000').split(',').map(Number);

async function scim(gw, url) {
  const res = await fetch(`${gw.base}/scim/v2${url}`, {
    headers: { Authorization: `Bearer ${gw.scimToken}` },
  });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

/** p50 of `n` sequential calls, in ms. */
async function p50(n, call) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function databaseMb(engine, db) {
  if (engine === 'sqlite') {
    let bytes = 0;
    for (const f of fs.readdirSync(db.env.DATA_DIR))
      if (f.startsWith('gateway.sqlite')) bytes += fs.statSync(path.join(db.env.DATA_DIR, f)).size;
    return bytes / 1e6;
  }
  const { createConnection } = require('mysql2/promise');
  const u = new URL(db.env.DATABASE_URL);
  const c = await createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  });
  try {
    // The sizes are InnoDB's statistics, which a table this young may not have counted yet (10,000 users read 1 MB):
    // counted again first.
    const schema = u.pathname.slice(1);
    const [tables] = await c.query(
      'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?',
      [schema],
    );
    for (const { t } of tables) await c.query(`ANALYZE TABLE \`${schema}\`.\`${t}\``);
    const [[row]] = await c.query(
      'SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema = ?',
      [schema],
    );
    return Number(row.bytes) / 1e6;
  } finally {
    await c.end();
  }
}

async function measure(engine, users) {
  const db = await sharedDatabase(engine);
  // In a process of its own: at a million users its store's garbage collection took a core from this process,
  // which also polls the gateway's status.
  const target = await startTargetProcess({ recordRequests: false });
  let bulkTarget = null;
  const row = { users };
  let gw = await startGateway('sqlite', db.env);
  let peak = 0;
  // The peak of each phase: the kernel's high-water mark is reset at its start (where it allows it).
  const phases = {};
  let current = null;
  let since = Date.now();
  const phase = (name) => {
    if (current) phases[current] = gw.peakRssMb();
    // Progress as it goes: the million-user run takes long enough to want to know where it is.
    if (current) console.error(`  ${current}: ${((Date.now() - since) / 1000).toFixed(1)} s`);
    since = Date.now();
    peak = Math.max(peak, gw.peakRssMb());
    current = name;
    if (name && !gw.resetPeakRss()) phases.unsplit = true;
  };
  try {
    phase('load');
    let t = Date.now();
    const loaded = await benchBulk(gw, { users, perRequest: 50 });
    if (loaded.created !== users) throw new Error(`${loaded.created} of ${users} users loaded`);
    row.loadRate = users / ((Date.now() - t) / 1000);

    // Reads: a page, the lookup every provisioning client sends, a prefix search, a page deep in the list.
    phase('reads');
    row.firstPageMs = await p50(50, () => scim(gw, '/Users?count=100'));
    row.eqMs = await p50(200, (i) =>
      scim(
        gw,
        `/Users?filter=${encodeURIComponent(`userName eq "bulk${(i * 7919) % users}@bench.example.com"`)}`,
      ),
    );
    row.swMs = await p50(50, (i) =>
      scim(gw, `/Users?filter=${encodeURIComponent(`userName sw "bulk${(i * 31) % 1000}"`)}&count=10`),
    );
    row.deepPageMs = await p50(20, () => scim(gw, `/Users?startIndex=${users - 100}&count=100`));

    // A new target that takes every user, as fast as its fake target answers.
    const register = (name, baseUrl) =>
      api(gw, 'POST', '/admin/v1/targets', {
        name,
        scope: 'all',
        baseUrl,
        auth: { type: 'bearer', token: 'bench-token-0123456789' },
        provisionGroups: false,
        concurrency: 32,
        requestsPerSecond: 10000,
      });

    phase('sync');
    t = Date.now();
    const app = await register('scale', target.url);
    await reconciled(gw, app.id, t, users * 10);
    row.syncRate = users / ((Date.now() - t) / 1000);
    // The account discovery the first reconciliation asked for lists every account: not timed with the next one.
    await discovered(gw, app.id, t, users * 10);
    phase('reconciliation');
    t = Date.now();
    await api(gw, 'POST', `/admin/v1/targets/${app.id}/restart`);
    const summary = await reconciled(gw, app.id, t, users * 10);
    row.reconcileRate = users / ((Date.now() - t) / 1000);
    row.settled = summary.comparedByListing?.unchanged ?? 0;

    // The same initial sync to a new target that advertises /Bulk (1,000 operations, 1 MiB a request), the first
    // target paused and its process gone so that neither takes a share of the machine.
    await api(gw, 'POST', `/admin/v1/targets/${app.id}/pause`);
    await target.close();
    bulkTarget = await startTargetProcess({
      recordRequests: false,
      bulk: { maxOperations: 1000, maxPayloadSize: 1024 * 1024 },
    });
    phase('bulk sync');
    t = Date.now();
    const withBulk = await register('scale-bulk', bulkTarget.url);
    await reconciled(gw, withBulk.id, t, users * 10);
    row.bulkSyncRate = users / ((Date.now() - t) / 1000);
    const status = await api(gw, 'GET', `/admin/v1/targets/${withBulk.id}/status`);
    if (status.bulk.mode !== 'bulk') throw new Error(`the /Bulk target's writes went as ${status.bulk.mode}`);
    // Its account discovery lists every account: over before the restart is timed.
    await discovered(gw, withBulk.id, t, users * 10);
    phase(null);
    row.phasePeaks = phases;

    await gw.stop();
    t = Date.now();
    gw = await startGateway('sqlite', db.env);
    row.startupS = (Date.now() - t) / 1000;
    row.databaseMb = await databaseMb(engine, db);
    row.peakRssMb = Math.max(peak, gw.peakRssMb());
    return row;
  } finally {
    await gw.stop();
    await target.close();
    await bulkTarget?.close();
    await db.drop();
  }
}

const fmt = (v, digits = 0) =>
  Number.isFinite(v)
    ? v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

async function main() {
  const engines = [];
  const wanted = process.env.BENCH_ENGINES?.split(',');
  if (!wanted || wanted.includes('sqlite')) engines.push(['sqlite', 'sqlite']);
  const url = process.env.BENCH_DATABASE_URL;
  if (url && (!wanted || wanted.some((e) => e !== 'sqlite')))
    engines.push([new URL(url).protocol.slice(0, -1), url]);
  const lines = [
    '| engine | users | load (/Bulk) users/s | first page p50 ms | userName eq p50 ms | userName sw p50 ms | page at the end p50 ms | initial sync users/s | reconciliation users/s | initial sync with /Bulk users/s | restart s | database MB | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const phaseLines = [];
  const verdictLines = [];
  for (const [label, engine] of engines)
    for (const users of SIZES) {
      console.error(`${label}: ${users.toLocaleString('en')} users…`);
      try {
        const r = await measure(engine, users);
        lines.push(
          `| ${label} | ${fmt(r.users)} | ${fmt(r.loadRate)} | ${fmt(r.firstPageMs, 1)} | ${fmt(r.eqMs, 1)} | ${fmt(r.swMs, 1)} | ${fmt(r.deepPageMs, 1)} | ${fmt(r.syncRate)} | ${fmt(r.reconcileRate)} | ${fmt(r.bulkSyncRate)} | ${fmt(r.startupS, 1)} | ${fmt(r.databaseMb)} | ${fmt(r.peakRssMb)} |`,
        );
        // Each row as soon as it is measured: a million-user run takes long, and one that fails later keeps it.
        console.error(lines[lines.length - 1]);
        const p = r.phasePeaks;
        phaseLines.push(
          p.unsplit
            ? `- ${label}, ${fmt(users)} users: the kernel refused to reset the peak; phases not split`
            : `- ${label}, ${fmt(users)} users, peak RSS MB by phase: load ${fmt(p.load)}, reads ${fmt(p.reads)}, initial sync ${fmt(p.sync)}, reconciliation ${fmt(p.reconciliation)}, initial sync with /Bulk ${fmt(p['bulk sync'])}`,
        );
        console.error(phaseLines[phaseLines.length - 1]);
        verdictLines.push(`- ${label}, ${fmt(users)} users: ${verdicts(r)}`);
        console.error(verdictLines[verdictLines.length - 1]);
      } catch (err) {
        console.error(err);
        lines.push(`| ${label} | ${fmt(users)} | FAILED: ${String(err.message ?? err).slice(0, 80)} |`);
      }
    }
  console.log([...lines, '', ...phaseLines, '', "The issue's targets:", ...verdictLines].join('\n'));
}

/** The outbound scale figures against the issue's targets (set for a million users; the same at every size). */
function verdicts(r) {
  const against = (value, unit, target, pass) =>
    `${fmt(value)} ${unit} (${target}: ${pass ? 'met' : 'MISSED'})`;
  return [
    `initial sync ${against(r.syncRate, 'users/s', '≥ 6,000', r.syncRate >= 6000)}`,
    `with /Bulk ${against(r.bulkSyncRate, 'users/s', '≥ 20,000', r.bulkSyncRate >= 20000)}`,
    `reconciliation ${against(r.reconcileRate, 'users/s', '≥ 20,000', r.reconcileRate >= 20000)}`,
    `peak RSS ${against(r.peakRssMb, 'MB', '≤ 500', r.peakRssMb <= 500)}`,
  ].join('; ');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
