#!/usr/bin/env node
// npm run bench: starts the built gateway on a fresh database (SQLite, and MariaDB/MySQL when
// BENCH_DATABASE_URL=mariadb://user:pass@127.0.0.1:3306 is set), drives it over HTTP from this process with
// autocannon (32 connections), times the mapping engine in this process, and prints one table of figures
// against the targets of the issues.
//   BENCH_USERS=100000 (default)   BENCH_ENGINES=sqlite,mariadb (default: sqlite, and the URL's engine when set)
//   BENCH_PHASES=history,reconciliation (default: every phase; words of the phases' names)
const { execSync } = require('node:child_process');
const path = require('node:path');
const { startGateway } = require('./bench/gateway-process');
const { benchScim, benchBigGroup, benchBulk } = require('./bench/scim.bench');
const { benchProvisioning } = require('./bench/provisioning.bench');
const { benchManyTargets, benchPushLatency } = require('./bench/fan-out.bench');
const { benchJournalPrune } = require('./bench/journal-prune.bench');
const { benchHistoryCost } = require('./bench/history-cost.bench');
const { benchLogExport } = require('./bench/log-export.bench');
const { benchReconciliation } = require('./bench/reconciliation.bench');
const { benchConsole } = require('./console-bench');

const USERS = Number(process.env.BENCH_USERS || 100000);
const root = path.join(__dirname, '..');

const rows = [];
function record(engine, figure, value, unit, target, pass) {
  rows.push({
    engine,
    figure,
    value: Number.isFinite(value) ? `${Math.round(value * 10) / 10} ${unit}` : 'n/a',
    target,
    verdict: pass === undefined ? '' : pass ? 'met' : 'MISSED',
  });
}

/** BENCH_PHASES=history,export: only the phases whose name holds one of these words (all when unset). */
const PHASES = (process.env.BENCH_PHASES || '')
  .split(',')
  .map((w) => w.trim().toLowerCase())
  .filter(Boolean);

/** A phase that fails is reported as a row, and the other phases still run. */
async function phase(label, name, fn) {
  if (PHASES.length > 0 && !PHASES.some((w) => name.toLowerCase().includes(w))) return;
  try {
    await fn();
  } catch (err) {
    console.error(`${label}: ${name} failed:`, err);
    rows.push({
      engine: label,
      figure: `${name}: FAILED (${String(err.message ?? err).slice(0, 80)})`,
      value: '',
      target: '',
      verdict: 'MISSED',
    });
  }
}

async function benchEngine(label, engine) {
  await phase(label, 'SCIM load, queries and writes', () => benchScimPhase(label, engine));
  await phase(label, '/Bulk', () => benchBulkPhase(label, engine));
  await phase(label, 'provisioning', () => benchProvisioningPhase(label, engine));
  await phase(label, 'twenty targets at once', () => benchManyTargetsPhase(label, engine));
  await phase(label, 'HR push with five targets', () => benchPushLatencyPhase(label, engine));
  await phase(label, 'full reconciliation', async () => {
    const r = await benchReconciliation(startGateway, engine, { users: USERS });
    record(
      label,
      `full reconciliation of ${r.users.toLocaleString('en')} users with nothing to change (${r.unchanged.toLocaleString('en')} settled by the listing, ${r.queued.toLocaleString('en')} queued)`,
      r.rate,
      'users/s',
      '≥ 20,000 users/s',
      r.rate >= 20000 && r.unchanged === r.users,
    );
    record(label, '  (its duration)', r.seconds, 's', '', undefined);
    const small = r.small;
    record(
      label,
      `full reconciliation of an assigned-only app, ${small.assigned.toLocaleString('en')} assigned of ${r.users.toLocaleString('en')} (walk: ${small.walk}, ${(small.queued.users + small.queued.groups + small.queued.goneFromDirectory).toLocaleString('en')} queued)`,
      small.seconds,
      's',
      '≤ 1 s',
      small.seconds <= 1,
    );
    record(label, '  (peak RSS of the gateway)', r.peakRssMb, 'MB', '≤ 500 MB', r.peakRssMb <= 500);
  });
  await phase(label, 'journal retention', () => benchJournalPrunePhase(label, engine));
  await phase(label, 'cost of the directory history', () => benchHistoryCostPhase(label, engine));
  await phase(label, 'provisioning log export', async () => {
    const entries = Number(process.env.BENCH_LOG_ENTRIES || 100000);
    const e = await benchLogExport(startGateway, engine, { entries });
    const figure = `export of ${entries.toLocaleString('en')} log entries`;
    const complete = e.rows === entries;
    record(
      label,
      `${figure}: peak RSS rise (CSV, ${e.rows.toLocaleString('en')} rows)`,
      e.rssRiseMb,
      'MB',
      '< 50 MB',
      complete && e.rssRiseMb < 50,
    );
    record(label, `${figure}: duration (${e.megabytes.toFixed(0)} MB)`, e.seconds, 's', '', undefined);
  });
  // The web console with 50 targets and a small log; `npm run bench:console` has them with 1,000,000 entries.
  await phase(label, 'web console', () =>
    benchConsole(record, label, engine, {
      entries: Number(process.env.BENCH_CONSOLE_LOG_ENTRIES || 10000),
      targets: 50,
    }),
  );
}

/**
 * The same initial sync to twenty new /Bulk targets at once. BENCH_FANOUT_USERS users each (default: BENCH_USERS
 * up to 20,000, to keep the everyday run short; the issue's figure is BENCH_FANOUT_USERS=100000).
 */
async function benchManyTargetsPhase(label, engine) {
  const users = Number(process.env.BENCH_FANOUT_USERS || Math.min(USERS, 20000));
  const m = await benchManyTargets(startGateway, engine, { users, targets: 20 });
  record(
    label,
    `initial sync of ${users.toLocaleString('en')} users to ${m.targets} new targets with /Bulk at once, aggregate`,
    m.rate,
    'users/s',
    '≥ 10,000 users/s',
    m.rate >= 10000,
  );
  record(label, '  (the slowest target done after)', m.seconds, 's', '', undefined);
  const during = m.peakReset ? 'during the sync' : 'since the start, the load included';
  record(label, `  (peak RSS of the gateway ${during})`, m.peakRssMb, 'MB', '≤ 500 MB', m.peakRssMb <= 500);
  record(
    label,
    '  (peak RSS of the gateway while the users were loaded through /Bulk)',
    m.loadPeakRssMb,
    'MB',
    '',
    undefined,
  );
}

/**
 * New users pushed at 1,000 a second for BENCH_PUSH_CHANGES (5,000) changes, five targets receiving each: plain
 * targets (the issue's figure), then targets that take /Bulk.
 */
async function benchPushLatencyPhase(label, engine) {
  const changes = Number(process.env.BENCH_PUSH_CHANGES || 5000);
  for (const bulk of [false, true]) {
    const p = await benchPushLatency(startGateway, engine, { changes, rate: 1000, targets: 5, bulk });
    const what = `HR push → received at ${Math.round(p.offeredRate).toLocaleString('en')} changes/s with ${p.targets} ${bulk ? '/Bulk targets' : 'targets'}`;
    const all = p.delivered === p.changes * p.targets;
    record(
      label,
      `${what}, p50 (${p.delivered.toLocaleString('en')} of ${(p.changes * p.targets).toLocaleString('en')} received)`,
      p.p50,
      'ms',
      '',
      undefined,
    );
    record(label, `${what}, p99`, p.p99, 'ms', '≤ 1,000 ms', all && p.p99 <= 1000);
  }
}

/**
 * The directory history's cost on SCIM writes: the same load on a gateway with DIRECTORY_HISTORY=off and one with
 * full, 1,000 requests at a time, BENCH_HISTORY_USERS (BENCH_USERS up to 10,000) POSTs and PATCHes each, on
 * BENCH_HISTORY_PAIRS (6) pairs of gateways, which alternate the one started first. BENCH_HISTORY_MODE=paths
 * measures DIRECTORY_HISTORY=paths against off instead, and =off two gateways alike: the method's own spread.
 */
async function benchHistoryCostPhase(label, engine) {
  const users = Number(process.env.BENCH_HISTORY_USERS || Math.min(USERS, 10000));
  const pairs = Number(process.env.BENCH_HISTORY_PAIRS || 6);
  const mode = (process.env.BENCH_HISTORY_MODE || 'full').trim().toLowerCase();
  if (!['full', 'paths', 'off'].includes(mode))
    throw new Error(
      `BENCH_HISTORY_MODE must be full, paths or off (got "${process.env.BENCH_HISTORY_MODE}")`,
    );
  const h = await benchHistoryCost(startGateway, engine, { users, pairs, mode });
  const whose = h.withDatabase ? 'gateway + database server' : 'gateway';
  const pct = (x) => x * 100;
  const spread = (c) => `pairs ${pct(c.low).toFixed(1)} to ${pct(c.high).toFixed(1)} %`;
  const how = `${h.pairs} pairs (each start order's median, averaged) ${h.atOnce ? 'loaded at once' : 'interleaved'} × ${h.users.toLocaleString('en')}${h.pinned ? ', pinned' : ''}`;
  for (const [what, cpu, rate, us, rps] of [
    ['POST /Users', h.postCpuCost, h.postRateCost, h.postUs, h.postRps],
    ['PATCH', h.patchCpuCost, h.patchRateCost, h.patchUs, h.patchRps],
  ]) {
    record(
      label,
      `directory history's cost${mode === 'full' ? '' : ` (DIRECTORY_HISTORY=${mode} against off)`} on ${what}: CPU per request (${whose}), ${how}, ${Math.round(us.off)} → ${Math.round(us.full)} µs (${spread(cpu)})`,
      pct(cpu.median),
      '%',
      '≤ 5 %',
      cpu.median <= 0.05,
    );
    // Loaded at once, the two gateways share one CPU: no rate of either is measured.
    if (rate)
      record(
        label,
        `  (its rate: ${Math.round(rps.off)} → ${Math.round(rps.full)} req/s; ${spread(rate)})`,
        pct(rate.median),
        '% fewer',
        '',
        undefined,
      );
  }
}

/** BENCH_JOURNAL_CHANGES (default 10 changes per BENCH_USERS user: 1,000,000) PATCHes through /Bulk, then pruned. */
async function benchJournalPrunePhase(label, engine) {
  const changes = Number(process.env.BENCH_JOURNAL_CHANGES || USERS * 10);
  const j = await benchJournalPrune(startGateway, engine, { changes });
  record(
    label,
    `journal rows after ${changes.toLocaleString('en')} changes consumed by all targets and pruned (${j.rowsBefore.toLocaleString('en')} before, JOURNAL_RETENTION_DAYS=0)`,
    j.rowsAfter,
    'rows',
    'only the retention window remains (here: the newest row)',
    j.rowsAfter <= 1 && j.rowsBefore >= changes, // every PATCH of the /Bulk requests journaled
  );
  record(
    label,
    `  (pruning ${j.pruned.toLocaleString('en')} rows, 5,000 per transaction)`,
    j.pruneSeconds,
    's',
    '',
    undefined,
  );
  if (j.fileMbAfter !== undefined)
    record(
      label,
      `  (SQLite file before ${j.fileMbBefore.toFixed(0)} MB; after, ${j.freeMbAfter.toFixed(0)} MB of it free pages new rows reuse)`,
      j.fileMbAfter,
      'MB',
      '',
      undefined,
    );
}

async function benchScimPhase(label, engine) {
  const gw = await startGateway(engine);
  try {
    const mariadb = label !== 'sqlite';
    const s = await benchScim(gw, { users: USERS });
    record(
      label,
      `POST /Users, ${USERS.toLocaleString('en')} new users with enterprise extension`,
      s.postRps,
      'req/s',
      mariadb ? '≥ 2,000 req/s' : '≥ 2,500 req/s',
      s.postRps >= (mariadb ? 2000 : 2500),
    );
    record(label, 'POST /Users p99', s.postP99, 'ms', '≤ 50 ms', s.postP99 <= 50);
    record(
      label,
      `GET /Users?filter=userName eq "…" at ${USERS.toLocaleString('en')} users`,
      s.filterRps,
      'req/s',
      mariadb ? '≥ 4,000 req/s' : '≥ 6,000 req/s',
      s.filterRps >= (mariadb ? 4000 : 6000),
    );
    record(label, 'PATCH replace one attribute', s.patchRps, 'req/s', '≥ 2,000 req/s', s.patchRps >= 2000);
    const g = await benchBigGroup(gw, { users: USERS, additions: 2000 });
    record(
      label,
      `PATCH add one member to a group of ${g.groupMembers.toLocaleString('en')} members, p99`,
      g.addMemberP99,
      'ms',
      '≤ 20 ms',
      g.addMemberP99 <= 20,
    );
    record(label, `  (filling that group, 1,000 members per PATCH)`, g.fillSeconds, 's', '', undefined);
    const rss = gw.peakRssMb();
    record(label, 'peak RSS of the gateway process', rss, 'MB', '≤ 400 MB', rss <= 400);
  } finally {
    await gw.stop();
  }
}

async function benchBulkPhase(label, engine) {
  const bulkGateway = await startGateway(engine);
  try {
    const b = await benchBulk(bulkGateway, { users: USERS, perRequest: 50 });
    record(
      label,
      `${USERS.toLocaleString('en')} users through /Bulk, 50 operations per request (${b.created.toLocaleString('en')} created)`,
      b.seconds,
      's',
      '≤ 60 s',
      b.seconds <= 60 && b.created === USERS,
    );
  } finally {
    await bulkGateway.stop();
  }
}

/**
 * What a sync's users cost in CPU, under its figure: the gateway's time per user (all its threads; its main thread
 * cannot run faster than one core), the database server's and the fake target's when they run here.
 */
function recordCpu(label, cpu, rate) {
  const others = [
    cpu.database !== null ? `database ${cpu.database} µs` : null,
    cpu.target !== null ? `fake target ${cpu.target} µs` : null,
  ].filter(Boolean);
  record(
    label,
    `  CPU per user synced, the gateway's (all its threads${others.length ? `; ${others.join(', ')} beside it` : ''}): it used ${((rate * cpu.gateway) / 1e6).toFixed(2)} cores`,
    cpu.gateway,
    'µs',
    '',
    undefined,
  );
}

async function benchProvisioningPhase(label, engine) {
  const p = await benchProvisioning(startGateway, engine, { users: USERS });
  record(
    label,
    `HR push → target received at 200 changes/s, p50 (${p.delivered}/${p.changes} delivered)`,
    p.p50,
    'ms',
    '',
    undefined,
  );
  record(label, 'HR push → target received at 200 changes/s, p99', p.p99, 'ms', '≤ 1,000 ms', p.p99 <= 1000);
  record(
    label,
    `initial sync of ${p.syncUsers.toLocaleString('en')} users to a new target`,
    p.syncRate,
    'users/s',
    '≥ 2,000 users/s',
    p.syncRate >= 2000,
  );
  recordCpu(label, p.syncCpu, p.syncRate);
  record(
    label,
    `initial sync of ${p.syncUsers.toLocaleString('en')} users to a new target with /Bulk (1,000 operations a request; writes went as ${p.bulkMode} requests)`,
    p.bulkRate,
    'users/s',
    '≥ 20,000 users/s',
    p.bulkRate >= 20000 && p.bulkMode === 'bulk',
  );
  recordCpu(label, p.bulkCpu, p.bulkRate);
  record(
    label,
    `impact preview of a scoping change, ${p.syncUsers.toLocaleString('en')} users provisioned`,
    p.impactMs,
    'ms',
    '≤ 10,000 ms',
    p.impactMs <= 10000,
  );
  record(
    label,
    `a group of ${p.assignUsers.toLocaleString('en')} members assigned to a new target, all provisioned`,
    p.assignRate,
    'users/s',
    '≥ 2,000 users/s',
    p.assignRate >= 2000,
  );
  record(
    label,
    `  unassigned with a deletion threshold of 500: first object held after (${p.disabledBeforeHold} disabled)`,
    p.heldAfterMs,
    'ms',
    '≤ 2,000 ms',
    p.heldAfterMs !== null && p.heldAfterMs <= 2000 && p.disabledBeforeHold <= 500,
  );
  record(label, '  (every other member held after)', p.allHeldAfterMs, 'ms', '', undefined);
  record(
    label,
    'peak RSS of the gateway process while provisioning',
    p.peakRssMb,
    'MB',
    '≤ 400 MB',
    p.peakRssMb <= 400,
  );
}

async function main() {
  console.log('building…');
  execSync('npm run --silent build', { cwd: root, stdio: 'inherit' });
  // In this process, before any gateway runs, so that the core is not shared.
  console.log('benchmarking the mapping engine…');
  const { benchMapping } = require(path.join(root, 'dist/src/mapping/mapping-set/mapping.bench.js'));
  const mapping = await benchMapping();
  record(
    'n/a',
    `users mapped per second through the default set + 10 expressions (one core)${mapping.errors > 0 ? `: ${mapping.errors} users mapped with errors` : ''}`,
    mapping.usersPerSecond,
    'users/s',
    '≥ 50,000 users/s',
    mapping.usersPerSecond >= 50000 && mapping.errors === 0,
  );
  const engines = [['sqlite', 'sqlite']];
  if (process.env.BENCH_DATABASE_URL)
    engines.push([
      new URL(process.env.BENCH_DATABASE_URL).protocol.replace(':', ''),
      process.env.BENCH_DATABASE_URL,
    ]);
  const only = process.env.BENCH_ENGINES?.split(',').map((e) => e.trim().toLowerCase());
  const chosen = only ? engines.filter(([label]) => only.includes(label)) : engines;
  if (chosen.length === 0)
    throw new Error(
      `BENCH_ENGINES=${process.env.BENCH_ENGINES} names none of: ${engines.map(([l]) => l).join(', ')}`,
    );
  for (const [label, engine] of chosen) {
    console.log(`benchmarking on ${label} with ${USERS.toLocaleString('en')} users…`);
    await benchEngine(label, engine);
  }
  const widths = ['engine', 'figure', 'value', 'target', 'verdict'].map((k) =>
    Math.max(k.length, ...rows.map((r) => String(r[k]).length)),
  );
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log('\n' + line(['engine', 'figure', 'value', 'target', 'verdict']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line([r.engine, r.figure, r.value, r.target, r.verdict]));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
