// Journal retention figure of `npm run bench`: BENCH_JOURNAL_CHANGES changes (default 1,000,000) pushed through
// SCIM /Bulk as PATCHes of a few users, consumed by two fake targets, then the journal pruned by the gateway's own
// retention job with JOURNAL_RETENTION_DAYS=0 (every consumed row is past the retention). Prints the rows before and
// after, how long the prune took, and the SQLite file's size.
const fs = require('node:fs');
const path = require('node:path');
const autocannon = require('autocannon');
const { api, loadFakeTarget } = require('./provisioning.bench');

const root = path.join(__dirname, '..', '..');
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USERS = 100;
const OPS_PER_BULK = 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `changes` PATCH operations over `ids`, 1,000 to a /Bulk request, up to eight requests at a time. */
function pushChanges(gw, ids, changes) {
  let next = 0;
  return new Promise((resolve, reject) =>
    autocannon(
      {
        url: gw.base,
        connections: Math.min(8, Math.ceil(changes / OPS_PER_BULK)),
        amount: Math.ceil(changes / OPS_PER_BULK),
        timeout: 120,
        requests: [
          {
            method: 'POST',
            path: '/scim/v2/Bulk',
            headers: { Authorization: `Bearer ${gw.scimToken}`, 'Content-Type': 'application/scim+json' },
            setupRequest: (req) => {
              const Operations = [];
              for (let k = 0; k < OPS_PER_BULK && next < changes; k++, next++)
                Operations.push({
                  method: 'PATCH',
                  path: `/Users/${ids[next % ids.length]}`,
                  data: {
                    schemas: [PATCH_OP],
                    Operations: [{ op: 'replace', path: 'title', value: `T${next}` }],
                  },
                });
              return { ...req, body: JSON.stringify({ schemas: [BULK], Operations }) };
            },
          },
        ],
      },
      (err, result) =>
        err
          ? reject(err)
          : result.non2xx + result.errors + result.timeouts
            ? reject(new Error(`POST /Bulk: ${result.non2xx} non-2xx, ${result.errors} errors`))
            : resolve(result),
    ),
  );
}

/** Waits until every target's cursor is at the journal head and nothing is pending. */
async function consumed(gw, targetIds) {
  for (const deadline = Date.now() + 30 * 60_000; ;) {
    const states = await Promise.all(targetIds.map((id) => api(gw, 'GET', `/admin/v1/targets/${id}/status`)));
    if (states.every((s) => s.journal.cursor === s.journal.head && s.pending.objects === 0)) return;
    if (Date.now() > deadline) throw new Error('the targets did not consume the journal within 30 minutes');
    await sleep(500);
  }
}

/** The gateway's own prune job, run in this process on the gateway's database (the cron runs it hourly). */
async function openGatewayApp(gw) {
  const { createApp } = require(path.join(root, 'dist/src/app.setup'));
  const { loadConfig } = require(path.join(root, 'dist/src/config/app-config'));
  const config = loadConfig({
    DATA_DIR: gw.dataDir,
    ...(gw.databaseUrl ? { DATABASE_URL: gw.databaseUrl } : {}),
    DB_MIGRATIONS_RUN: 'false',
    JOBS_ENABLED: 'false',
    PROVISIONING_ENABLED: 'false',
    JOURNAL_RETENTION_DAYS: '0',
    LOG_LEVEL: 'error',
  });
  const silent = { log() {}, error() {}, warn() {}, debug() {}, verbose() {}, fatal() {} };
  const app = await createApp(config, { logger: silent });
  await app.init();
  return app;
}

async function sqliteFigures(app, gw) {
  const file = path.join(gw.dataDir, 'gateway.sqlite');
  const size = (f) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  const { DataSource } = require('typeorm');
  const ds = app.get(DataSource);
  const [{ page_size: pageSize }] = await ds.query('PRAGMA page_size');
  const [{ freelist_count: free }] = await ds.query('PRAGMA freelist_count');
  return { fileMb: (size(file) + size(`${file}-wal`)) / 1024 ** 2, freeMb: (free * pageSize) / 1024 ** 2 };
}

async function benchJournalPrune(startGateway, engine, { changes }) {
  const { startFakeScimTarget } = loadFakeTarget();
  const targets = [
    await startFakeScimTarget({ recordRequests: false }),
    await startFakeScimTarget({ recordRequests: false }),
  ];
  // No scheduled jobs in the gateway: the hourly prune would otherwise run at the top of an hour mid-load.
  const gw = await startGateway(engine, { JOURNAL_RETENTION_DAYS: '0', JOBS_ENABLED: 'false' });
  let app;
  try {
    const auth = { type: 'bearer', token: 'bench-target-token-0123' };
    const targetIds = [];
    for (const [i, target] of targets.entries())
      targetIds.push(
        (
          await api(gw, 'POST', '/admin/v1/targets', {
            name: `journal-${i}`,
            baseUrl: target.url,
            auth,
            scope: 'all',
            provisionGroups: false,
            concurrency: 16,
            requestsPerSecond: 10000,
          })
        ).id,
      );
    const ids = [];
    for (let i = 0; i < USERS; i++)
      ids.push(
        (
          await api(gw, 'POST', '/scim/v2/Users', {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            userName: `journal${i}@bench.example.com`,
            active: true,
          })
        ).id,
      );

    const started = Date.now();
    await pushChanges(gw, ids, changes);
    const pushSeconds = (Date.now() - started) / 1000;
    await consumed(gw, targetIds);
    const consumedSeconds = (Date.now() - started) / 1000;

    app = await openGatewayApp(gw);
    const { DataSource } = require('typeorm');
    const ds = app.get(DataSource);
    const count = async () => Number((await ds.query('SELECT COUNT(*) AS n FROM directory_change'))[0].n);
    const rowsBefore = await count();
    const sqliteBefore = engine === 'sqlite' ? await sqliteFigures(app, gw) : null;
    const { JournalRetentionService } = require(
      path.join(root, 'dist/src/provisioning/jobs/journal-retention.service'),
    );
    const pruneStarted = Date.now();
    const pruned = await app.get(JournalRetentionService).pruneConsumed();
    const pruneSeconds = (Date.now() - pruneStarted) / 1000;
    const rowsAfter = await count();
    const sqliteAfter = engine === 'sqlite' ? await sqliteFigures(app, gw) : null;
    console.log(
      `journal: ${changes.toLocaleString('en')} changes pushed in ${pushSeconds.toFixed(0)} s, consumed by both ` +
        `targets after ${consumedSeconds.toFixed(0)} s; ${rowsBefore.toLocaleString('en')} rows, ` +
        `${pruned.toLocaleString('en')} pruned in ${pruneSeconds.toFixed(1)} s, ${rowsAfter} left` +
        (sqliteBefore
          ? `; SQLite file ${sqliteBefore.fileMb.toFixed(0)} MB before, ${sqliteAfter.fileMb.toFixed(0)} MB after ` +
            `(${sqliteAfter.freeMb.toFixed(0)} MB of it free pages that new rows reuse)`
          : ''),
    );
    return {
      changes,
      pushSeconds,
      consumedSeconds,
      rowsBefore,
      rowsAfter,
      pruned,
      pruneSeconds,
      fileMbBefore: sqliteBefore?.fileMb,
      fileMbAfter: sqliteAfter?.fileMb,
      freeMbAfter: sqliteAfter?.freeMb,
    };
  } finally {
    await app?.close();
    await gw.stop();
    for (const target of targets) await target.close();
  }
}

module.exports = { benchJournalPrune };
