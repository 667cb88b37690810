// Provisioning figures of `npm run bench`: initial sync of every user to a fake SCIM target, then HR push → target
// received latency at a steady 200 changes/s. The fake target is the test one (test/support), compiled on the fly.
const { execFileSync, fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { cpuSeconds, databasePid } = require('./gateway-process');

const root = path.join(__dirname, '..', '..');
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The test's fake target compiled to JavaScript once per run; the folder holding `fake-scim-target.js`. */
let compiled = null;
function compileFakeTarget() {
  if (compiled) return compiled;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-fake-target-'));
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules/typescript/bin/tsc'),
      path.join(root, 'test/support/fake-scim-target.ts'),
      '--outDir',
      out,
      '--module',
      'commonjs',
      '--target',
      'es2022',
      '--esModuleInterop',
      '--skipLibCheck',
      '--types',
      'node',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  compiled = out;
  return out;
}

function loadFakeTarget() {
  return require(path.join(compileFakeTarget(), 'fake-scim-target.js'));
}

/**
 * A fake target in a process of its own, so that the figure measures the gateway, not this process's event loop
 * (which also polls and drives the load). `options` as startFakeScimTarget's; `bulk` makes it advertise /Bulk.
 */
async function startTargetProcess(options) {
  const child = fork(__filename, ['--fake-target', compileFakeTarget(), JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`the fake target process exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

if (require.main === module && process.argv[2] === '--fake-target') {
  const { startFakeScimTarget } = require(path.join(process.argv[3], 'fake-scim-target.js'));
  startFakeScimTarget(JSON.parse(process.argv[4])).then((target) => {
    process.send({ url: target.url });
    process.on('SIGTERM', () => target.close().then(() => process.exit(0)));
    // The benchmark is gone (it failed, or was stopped): so is its target.
    process.on('disconnect', () => process.exit(0));
  });
}

async function api(gw, method, url, body) {
  const res = await fetch(`${gw.base}${url}`, {
    method,
    headers: {
      Authorization: `Bearer ${url.startsWith('/scim') ? gw.scimToken : gw.adminToken}`,
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : {};
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The status once a reconciliation that started at or after `since` has nothing left pending; its summary. */
async function reconciled(gw, targetId, since, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await api(gw, 'GET', `/admin/v1/targets/${targetId}/status`);
    const summary = s.reconciliation.summary;
    if (
      summary &&
      Date.parse(summary.startedAt) >= since &&
      !s.reconciliation.requested &&
      s.pending.objects === 0
    )
      return summary;
    if (Date.now() > deadline) throw new Error(`reconciliation not over after ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/**
 * Once account discovery has listed the target after a reconciliation that started at or after `since` (the first
 * reconciliation of a new target asks for it, and it lists every account): a figure timed while it still runs would
 * be charged with that listing.
 */
async function discovered(gw, targetId, since, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const o = await api(gw, 'GET', `/admin/v1/targets/${targetId}/orphans?limit=1`);
    const scan = o.lastScan;
    if (scan && Date.parse(scan.startedAt) >= since && !o.scanRequested && !scan.awaitingDrain) return scan;
    if (Date.now() > deadline) throw new Error(`account discovery not over after ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/**
 * Once the target's first cycle is over: its reconciliation has nothing left pending and the account discovery it
 * asked for has listed the target (every account of it, seconds of the gateway's thread), so that the next figure
 * is not charged with either.
 */
async function settled(gw, targetId, since, timeoutMs) {
  await reconciled(gw, targetId, since, timeoutMs);
  await discovered(gw, targetId, since, timeoutMs);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function postUsers(gw, prefix, count) {
  let i = 0;
  return new Promise((resolve, reject) =>
    autocannon(
      {
        url: gw.base,
        connections: 32,
        amount: count,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/scim/v2/Users',
            headers: { Authorization: `Bearer ${gw.scimToken}`, 'Content-Type': 'application/scim+json' },
            setupRequest: (req) => {
              const n = i++;
              const doc = {
                schemas: [USER],
                userName: `${prefix}${n}@bench.example.com`,
                active: true,
                title: 'Analyst',
              };
              Object.assign(doc, { name: { givenName: `G${n}`, familyName: `F${n}` } });
              return { ...req, body: JSON.stringify(doc) };
            },
          },
        ],
      },
      (err, result) =>
        err
          ? reject(err)
          : result.non2xx + result.errors
            ? reject(new Error('POST /Users failed'))
            : resolve(result),
    ),
  );
}

async function countUsers(target) {
  const res = await fetch(`${target.url}/Users?count=0`);
  return (await res.json()).totalResults;
}

/** Polls `target` until it holds `total` users; the seconds since `started`. */
async function syncedAfter(target, total, started, what) {
  for (let last = -1, stalled = 0; ;) {
    const n = await countUsers(target);
    if (n >= total) return (Date.now() - started) / 1000;
    stalled = n === last ? stalled + 1 : 0;
    if (stalled > 240) throw new Error(`${what} stalled at ${n} of ${total} users`);
    last = n;
    await sleep(250);
  }
}

/**
 * CPU time per user synced, from now to `end(users)`, in µs: the gateway's (all its threads), the database server's
 * when it runs on this machine, and the fake target's when it has a process of its own. On a machine of two cores
 * they share, this says what limits the figure: the gateway's main thread cannot go faster than one core allows.
 */
function cpuPerUser(gw, engine, targetPid) {
  const db = databasePid(engine);
  const read = () => [cpuSeconds(gw.pid), cpuSeconds(db), cpuSeconds(targetPid)];
  const before = read();
  return {
    end: (users) => {
      const [gateway, database, target] = read().map((s, i) => Math.round(((s - before[i]) * 1e6) / users));
      return { gateway, database: db ? database : null, target: targetPid ? target : null };
    },
  };
}

/**
 * Initial sync of every user to a new target that advertises /Bulk (1,000 operations, 1 MiB a request), served by a
 * fake target in its own process: users/s. `GATEWAY_NODE_ARGS=--cpu-prof` profiles the gateway child.
 */
async function benchBulkSync(gw, auth, total, engine = 'sqlite') {
  const target = await startTargetProcess({
    recordRequests: false,
    bulk: { maxOperations: 1000, maxPayloadSize: 1024 * 1024 },
  });
  try {
    const cpu = cpuPerUser(gw, engine, target.pid);
    const started = Date.now();
    const app = await api(gw, 'POST', '/admin/v1/targets', {
      name: 'initial-sync-bulk',
      scope: 'all',
      baseUrl: target.url,
      auth,
      provisionGroups: false,
      concurrency: 32,
      requestsPerSecond: 10000,
    });
    const seconds = await syncedAfter(target, total, started, 'initial sync with /Bulk');
    const bulkCpu = cpu.end(total);
    await settled(gw, app.id, started, 600_000);
    const status = await api(gw, 'GET', `/admin/v1/targets/${app.id}/status`);
    // Done: the later phases measure other targets.
    await api(gw, 'POST', `/admin/v1/targets/${app.id}/pause`);
    return { bulkSeconds: seconds, bulkRate: total / seconds, bulkMode: status.bulk.mode, bulkCpu };
  } finally {
    await target.close();
  }
}

/**
 * The impact preview of a scoping change on the initial-sync target (every user provisioned): how long it takes to
 * evaluate every user against the proposal. Nothing is sent or saved.
 */
async function benchImpact(gw) {
  const targets = await api(gw, 'GET', '/admin/v1/targets');
  const target = targets.find((t) => t.name === 'initial-sync');
  const mapping = await api(gw, 'GET', `/admin/v1/targets/${target.id}/mappings`);
  mapping.users.scoping = [{ clauses: [{ attribute: 'title', operator: 'EQUALS', value: 'Analyst' }] }];
  const started = Date.now();
  const preview = await api(gw, 'POST', `/admin/v1/targets/${target.id}/impact`, { mappings: mapping });
  const ms = Date.now() - started;
  console.log(`impact preview: ${preview.evaluated} objects in ${ms} ms`, preview.counts);
  return ms;
}

/** Every user's id, through cursor paging. */
async function userIds(gw) {
  const ids = [];
  for (let cursor = ''; cursor !== undefined;) {
    const page = await api(
      gw,
      'GET',
      `/scim/v2/Users?count=1000&attributes=id&cursor=${encodeURIComponent(cursor)}`,
    );
    ids.push(...page.Resources.map((r) => r.id));
    cursor = page.nextCursor;
  }
  return ids;
}

/**
 * Assignments at scale: one group holding every user is assigned to a new assigned-only target (all provisioned:
 * users/s), then unassigned with a deletion threshold of 500: how long until the threshold holds the rest, and
 * how many disables went out before it did.
 */
async function benchAssignment(gw, startFakeScimTarget, auth, total) {
  const target = await startFakeScimTarget({ recordRequests: false });
  try {
    const ids = await userIds(gw);
    const group = await api(gw, 'POST', '/scim/v2/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'everyone',
    });
    for (let i = 0; i < ids.length; i += 1000)
      await api(gw, 'PATCH', `/scim/v2/Groups/${group.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'add', path: 'members', value: ids.slice(i, i + 1000).map((value) => ({ value })) },
        ],
      });
    const app = await api(gw, 'POST', '/admin/v1/targets', {
      name: 'assigned',
      scope: 'assigned',
      baseUrl: target.url,
      auth,
      provisionGroups: false,
      deletionThreshold: 500,
      concurrency: 32,
      requestsPerSecond: 10000,
    });
    // The new target's initial reconciliation finds nothing assigned: wait for it to be over.
    for (;;) {
      const s = await api(gw, 'GET', `/admin/v1/targets/${app.id}/status`);
      if (!s.reconciliation.requested && s.pending.objects === 0) break;
      await sleep(100);
    }
    const started = Date.now();
    const assignment = await api(gw, 'POST', `/admin/v1/targets/${app.id}/assignments`, {
      principalType: 'Group',
      principalId: group.id,
    });
    for (let last = -1, stalled = 0; ;) {
      const n = await countUsers(target);
      if (n >= total) break;
      stalled = n === last ? stalled + 1 : 0;
      if (stalled > 240) throw new Error(`assignment stalled at ${n} of ${total} users`);
      last = n;
      await sleep(250);
    }
    const assignSeconds = (Date.now() - started) / 1000;

    const unassigned = Date.now();
    await api(gw, 'DELETE', `/admin/v1/targets/${app.id}/assignments/${assignment.id}`);
    let heldAfterMs = null;
    let allHeldAfterMs = null;
    for (const deadline = Date.now() + 300_000; Date.now() < deadline && allHeldAfterMs === null;) {
      const s = await api(gw, 'GET', `/admin/v1/targets/${app.id}/status`);
      if (heldAfterMs === null && s.deletions.held > 0) heldAfterMs = Date.now() - unassigned;
      if (s.deletions.held >= total - 500) allHeldAfterMs = Date.now() - unassigned;
      else await sleep(100);
    }
    const disabled = (
      await fetch(`${target.url}/Users?filter=${encodeURIComponent('active eq false')}&count=0`)
        .then((r) => r.json())
        .catch(() => ({ totalResults: null }))
    ).totalResults;
    return {
      assignUsers: total,
      assignSeconds,
      assignRate: total / assignSeconds,
      heldAfterMs,
      allHeldAfterMs,
      disabledBeforeHold: disabled,
    };
  } finally {
    await target.close();
  }
}

/**
 * On a fresh gateway: (1) HR push → target received latency at a steady `rate` of new users per second, (2) initial
 * sync of `users` users to a newly registered target. Returns the figures and the gateway's peak RSS.
 */
async function benchProvisioning(startGateway, engine, { users, changes = 2000, rate = 200 }) {
  const { startFakeScimTarget } = loadFakeTarget();
  const gw = await startGateway(engine);
  const live = await startFakeScimTarget();
  const bulk = await startFakeScimTarget({ recordRequests: false });
  try {
    const auth = { type: 'bearer', token: 'bench-token-0123456789' };
    const first = await api(gw, 'POST', '/admin/v1/targets', {
      name: 'latency',
      scope: 'all',
      baseUrl: live.url,
      auth,
      requestsPerSecond: 10000,
    });
    await sleep(500);

    const sentAt = new Map();
    const pushes = [];
    const t0 = Date.now();
    for (let i = 0; i < changes; i++) {
      const wait = t0 + (i * 1000) / rate - Date.now();
      if (wait > 0) await sleep(wait);
      const userName = `latency${i}@bench.example.com`;
      sentAt.set(userName, Date.now());
      pushes.push(api(gw, 'POST', '/scim/v2/Users', { schemas: [USER], userName, active: true }));
    }
    await Promise.all(pushes);
    const deadline = Date.now() + 60_000;
    const received = () =>
      live.requests.filter((r) => r.method === 'POST' && r.path === '/Users' && r.status === 201);
    while (received().length < changes && Date.now() < deadline) await sleep(50);
    const latencies = received()
      .map((r) => r.time.getTime() - sentAt.get(r.body.userName))
      .sort((a, b) => a - b);
    await api(gw, 'POST', `/admin/v1/targets/${first.id}/pause`);

    await postUsers(gw, 'sync', users);
    const total = users + changes;
    const cpu = cpuPerUser(gw, engine, null);
    const started = Date.now();
    const plain = await api(gw, 'POST', '/admin/v1/targets', {
      name: 'initial-sync',
      scope: 'all',
      baseUrl: bulk.url,
      auth,
      provisionGroups: false,
      concurrency: 32,
      requestsPerSecond: 10000,
    });
    const syncSeconds = await syncedAfter(bulk, total, started, 'initial sync');
    const syncCpu = cpu.end(total);
    await settled(gw, plain.id, started, 600_000);
    const withBulk = await benchBulkSync(gw, auth, total, engine);
    const impactMs = await benchImpact(gw);
    const assignment = await benchAssignment(gw, startFakeScimTarget, auth, total);
    return {
      impactMs,
      ...assignment,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      delivered: latencies.length,
      changes,
      syncUsers: total,
      syncSeconds,
      syncRate: total / syncSeconds,
      syncCpu,
      ...withBulk,
      peakRssMb: gw.peakRssMb(),
    };
  } finally {
    await Promise.all([live.close(), bulk.close()]);
    await gw.stop();
  }
}

module.exports = {
  benchProvisioning,
  benchBulkSync,
  benchAssignment,
  compileFakeTarget,
  loadFakeTarget,
  startTargetProcess,
  api,
  reconciled,
  discovered,
  countUsers,
};
