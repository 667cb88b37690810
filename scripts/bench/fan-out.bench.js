// Many targets at once, in `npm run bench`: (1) the same initial sync to twenty new targets that advertise /Bulk,
// aggregate users/s and the slowest target's time; (2) HR push → received at 1,000 changes/s with five targets, p50
// and p99 over every (change, target) pair. The fake targets run in processes of their own, so that the figures
// measure the gateway and not this process, which drives the load and polls.
const { fork } = require('node:child_process');
const http = require('node:http');
const { benchBulk } = require('./scim.bench');
const { api, compileFakeTarget } = require('./provisioning.bench');

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * `count` fake targets in one child process. `arrivals()` asks it for the time each userName's first accepted POST
 * reached each target (when `record` is on); `counts()` for how many users each holds.
 */
async function startTargetGroupProcess(count, options) {
  const child = fork(
    __filename,
    ['--fake-targets', compileFakeTarget(), JSON.stringify(options), String(count)],
    {
      // Room for what the targets hold: the default bound (about 4 GB) was reached with 2,000,000 users in one.
      execArgv: ['--max-old-space-size=8192'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const urls = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.urls));
    child.once('exit', (code) => reject(new Error(`the fake targets' process exited with ${code}`)));
  });
  let asked = 0;
  const ask = (what) =>
    new Promise((resolve) => {
      const id = ++asked;
      const onMessage = (m) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        resolve(m.answer);
      };
      child.on('message', onMessage);
      child.send({ id, what });
    });
  return {
    urls,
    counts: () => ask('counts'),
    arrivals: () => ask('arrivals'),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `count` fake targets in child processes of `perProcess` targets each (one process when unset), answering as one:
 * `urls`, `counts()` and `arrivals()` in the targets' order. A process that holds millions of users spends seconds
 * in each full garbage collection (3.7-3.8 s each with 2,000,000, before it ran out of heap), during which its
 * targets answer nobody: the figure would measure that process.
 */
async function startTargets(count, options, perProcess = count) {
  const sizes = [];
  for (let left = count; left > 0; left -= perProcess) sizes.push(Math.min(perProcess, left));
  const processes = await Promise.all(sizes.map((n) => startTargetGroupProcess(n, options)));
  const all = async (what) => (await Promise.all(processes.map((p) => p[what]()))).flat();
  return {
    urls: processes.flatMap((p) => p.urls),
    counts: () => all('counts'),
    arrivals: () => all('arrivals'),
    close: () => Promise.all(processes.map((p) => p.close())),
  };
}

if (require.main === module && process.argv[2] === '--fake-targets') {
  const { startFakeScimTarget } = require(require('node:path').join(process.argv[3], 'fake-scim-target.js'));
  const options = JSON.parse(process.argv[4]);
  const count = Number(process.argv[5]);
  Promise.all(Array.from({ length: count }, () => startFakeScimTarget(options))).then((targets) => {
    process.send({ urls: targets.map((t) => t.url) });
    process.on('message', ({ id, what }) => {
      if (what === 'counts') return process.send({ id, answer: targets.map((t) => t.userCount()) });
      // userName → ms since the epoch of the first POST /Users (or /Bulk POST operation) the target accepted.
      const answer = targets.map((t) => {
        const seen = {};
        for (const r of t.requests) {
          if (r.method === 'POST' && r.path === '/Users' && r.status === 201) {
            seen[r.body.userName] ??= r.time.getTime();
          } else if (r.method === 'POST' && r.path === '/Bulk') {
            for (const op of r.body?.Operations ?? [])
              if (op.method === 'POST' && op.data?.userName) seen[op.data.userName] ??= r.time.getTime();
          }
        }
        return seen;
      });
      process.send({ id, answer });
    });
    process.on('SIGTERM', () => Promise.all(targets.map((t) => t.close())).then(() => process.exit(0)));
    process.on('disconnect', () => process.exit(0));
  });
}

/**
 * `users` users loaded through /Bulk, then `targets` targets registered at once (each advertising /Bulk, 1,000
 * operations a request): the seconds until every target holds every user, the aggregate users/s, the slowest
 * target's time, the gateway's peak RSS during the sync (`peakReset` false: the kernel refused the reset, so the
 * load's peak is in it) and during the load.
 */
async function benchManyTargets(startGateway, engine, { users, targets = 20 }) {
  const gw = await startGateway(engine);
  // At most 400,000 users held by one process (twenty targets of 20,000 in one, as before; of 100,000, four each).
  const perProcess = Math.max(1, Math.floor(400_000 / users));
  const fakes = await startTargets(
    targets,
    { recordRequests: false, bulk: { maxOperations: 1000, maxPayloadSize: 1024 * 1024 } },
    perProcess,
  );
  try {
    const loaded = await benchBulk(gw, { users, perRequest: 50 });
    if (loaded.created !== users) throw new Error(`${loaded.created} of ${users} users loaded`);
    // The load's peak apart from the sync's: the figure is the sync's, and a peak of the load would hide in it.
    const loadPeakRssMb = gw.peakRssMb();
    const peakReset = gw.resetPeakRss();
    const started = Date.now();
    for (const [i, url] of fakes.urls.entries())
      await api(gw, 'POST', '/admin/v1/targets', {
        name: `fan-out-${i}`,
        scope: 'all',
        baseUrl: url,
        auth: { type: 'bearer', token: 'bench-token-0123456789' },
        provisionGroups: false,
        concurrency: 8,
        requestsPerSecond: 10000,
      });
    const doneAt = new Array(targets).fill(null);
    for (let last = -1, stalled = 0; doneAt.some((d) => d === null);) {
      const counts = await fakes.counts();
      const now = Date.now();
      for (const [i, n] of counts.entries()) if (n >= users && doneAt[i] === null) doneAt[i] = now;
      const total = counts.reduce((a, b) => a + b, 0);
      stalled = total === last ? stalled + 1 : 0;
      if (stalled > 240)
        throw new Error(`the sync to ${targets} targets stalled at ${total} of ${users * targets}`);
      last = total;
      await sleep(250);
    }
    const seconds = (Math.max(...doneAt) - started) / 1000;
    const finished = doneAt.map((d) => (d - started) / 1000).sort((a, b) => a - b);
    console.log(`${targets} targets: each done after (s) ${finished.map((s) => s.toFixed(0)).join(', ')}`);
    return {
      users,
      targets,
      seconds,
      rate: (users * targets) / seconds,
      peakRssMb: gw.peakRssMb(),
      peakReset,
      loadPeakRssMb,
    };
  } finally {
    await fakes.close();
    await gw.stop();
  }
}

/**
 * POST of one SCIM user over a pool of 64 kept-alive connections (HR clients pool theirs too): when the gateway
 * falls behind, requests wait in this pool, and that wait is part of the latency measured.
 */
function pushUser(gw, agent, doc) {
  const body = JSON.stringify(doc);
  const url = new URL('/scim/v2/Users', gw.base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          Authorization: `Bearer ${gw.scimToken}`,
          'Content-Type': 'application/scim+json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 ? resolve() : reject(new Error(`POST /Users answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `targets` targets registered on an empty directory, then `changes` new users pushed at a steady `rate` a second:
 * for each (user, target), the time from the push being sent to the POST (or the /Bulk request holding its POST)
 * reaching the target. p50, p99 and how many of the pairs arrived within a minute of the last push. Plain targets
 * by default (each change sent as a request of its own); `bulk`: targets advertising /Bulk (1,000 operations a
 * request), which get what is pending a batch at a time.
 */
async function benchPushLatency(
  startGateway,
  engine,
  { changes = 5000, rate = 1000, targets = 5, bulk = false },
) {
  const gw = await startGateway(engine);
  const fakes = await startTargets(targets, {
    recordRequests: true,
    ...(bulk ? { bulk: { maxOperations: 1000, maxPayloadSize: 1024 * 1024 } } : {}),
  });
  try {
    for (const [i, url] of fakes.urls.entries())
      await api(gw, 'POST', '/admin/v1/targets', {
        name: `latency-${i}`,
        scope: 'all',
        baseUrl: url,
        auth: { type: 'bearer', token: 'bench-token-0123456789' },
        provisionGroups: false,
        requestsPerSecond: 10000,
      });
    await sleep(1000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const sentAt = new Map();
    const pushes = [];
    const t0 = Date.now();
    for (let i = 0; i < changes; i++) {
      const wait = t0 + (i * 1000) / rate - Date.now();
      if (wait > 0) await sleep(wait);
      const userName = `push${i}@bench.example.com`;
      sentAt.set(userName, Date.now());
      pushes.push(pushUser(gw, agent, { schemas: [USER], userName, active: true }));
    }
    const pushSeconds = (Date.now() - t0) / 1000;
    await Promise.all(pushes);
    agent.destroy();
    const deadline = Date.now() + 60_000;
    let arrivals = await fakes.arrivals();
    const arrived = () => arrivals.reduce((n, seen) => n + Object.keys(seen).length, 0);
    while (arrived() < changes * targets && Date.now() < deadline) {
      await sleep(250);
      arrivals = await fakes.arrivals();
    }
    const latencies = arrivals
      .flatMap((seen) => Object.entries(seen).map(([userName, at]) => at - sentAt.get(userName)))
      .sort((a, b) => a - b);
    return {
      changes,
      targets,
      offeredRate: changes / pushSeconds,
      delivered: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      peakRssMb: gw.peakRssMb(),
    };
  } finally {
    await fakes.close();
    await gw.stop();
  }
}

module.exports = { benchManyTargets, benchPushLatency };
