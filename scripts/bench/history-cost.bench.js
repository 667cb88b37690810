// What the directory history costs the SCIM writes, in `npm run bench`: the same POST /Users and PATCH load on a
// gateway with DIRECTORY_HISTORY=off (journal rows as before the history existed: no actor, request id or changed
// attributes) and on one with the default `full`. Both run at once on fresh databases and the load comes in chunks:
// on SQLite each chunk goes to both at the same moment; with a database server, to one, then the other. A slow
// spell of this shared machine lasts seconds to minutes, so it falls on both alike; measured one after the other,
// whole runs of the same configuration differ by up to 30 %. The cost is measured as CPU time per request (the
// gateway's, and the database server's when it runs on this machine), and with a server as requests per second
// over the same chunks too.
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const autocannon = require('autocannon');
const { cpuSeconds, databasePid } = require('./gateway-process');

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
function run(opts) {
  return new Promise((resolve, reject) =>
    autocannon({ connections: 32, pipelining: 1, timeout: 30, ...opts }, (err, result) => {
      if (err) return reject(err);
      if (result.non2xx + result.errors + result.timeouts > 0)
        return reject(
          new Error(`${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`),
        );
      resolve(result);
    }),
  );
}

function userDoc(n) {
  return {
    schemas: [CORE, ENTERPRISE],
    userName: `h${n}@bench.example.com`,
    externalId: `H${n}`,
    name: { givenName: `G${n}`, familyName: `F${n}` },
    title: 'Analyst',
    emails: [{ value: `h${n}@bench.example.com`, type: 'work', primary: true }],
    [ENTERPRISE]: { department: `D${n % 50}`, employeeNumber: String(n) },
  };
}

/** The CPUs this process may run on, read before it pins itself (the count follows its affinity), and their list. */
const CPUS = os.availableParallelism();
const ALLOWED = (() => {
  try {
    return /list:\s*(\S+)/.exec(execFileSync('taskset', ['-c', '-p', String(process.pid)]).toString())?.[1];
  } catch {
    return undefined;
  }
})();

/**
 * Pins a process, every thread of it, to the CPUs in `list` ("1", "0"), where `taskset` is there and the machine
 * has two CPUs or more: false otherwise. Left to the scheduler, one gateway of the pair may share a core with the
 * load generator for a whole run while the other has one to itself, and their CPU time per request then differs
 * by up to 13 % for that alone (seen on this 2-core machine).
 */
function pin(pid, list) {
  if (CPUS < 2 || !ALLOWED) return false;
  // A thread that ends while taskset walks the process's threads fails the call: the next try does not meet it.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'pipe' });
      return true;
    } catch (err) {
      if (process.env.BENCH_DEBUG) console.error(String(err.stderr));
    }
  }
  return false;
}

/** One gateway of the pair, with the CPU time and wall time its chunks took. */
async function side(startGateway, engine, history) {
  const gw = await startGateway(engine, { DIRECTORY_HISTORY: history });
  return {
    history,
    gw,
    ids: [],
    posted: 0,
    patched: 0,
    post: { cpu: 0, seconds: 0, requests: 0 },
    patch: { cpu: 0, seconds: 0, requests: 0 },
    headers: { Authorization: `Bearer ${gw.scimToken}`, 'Content-Type': 'application/scim+json' },
  };
}

/** `amount` requests of one kind to one side; each response stamps the side's last-response time. */
function chunk(s, amount, { onResponse, ...request }) {
  return run({
    url: s.gw.base,
    amount,
    requests: [
      {
        ...request,
        headers: s.headers,
        onResponse: (status, body) => {
          s.lastResponse = process.hrtime.bigint();
          onResponse?.(status, body);
        },
      },
    ],
  });
}

function postChunk(s, amount) {
  return chunk(s, amount, {
    method: 'POST',
    path: '/scim/v2/Users',
    setupRequest: (req) => ({ ...req, body: JSON.stringify(userDoc(s.posted++)) }),
    onResponse: (status, body) => status === 201 && s.ids.push(JSON.parse(body).id),
  });
}

function patchChunk(s, amount) {
  return chunk(s, amount, {
    method: 'PATCH',
    setupRequest: (req) => {
      const n = s.patched++;
      return {
        ...req,
        path: `/scim/v2/Users/${s.ids[(n * 104729) % s.ids.length]}`,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'title', value: `Title ${n}` }],
        }),
      };
    },
  });
}

/**
 * Runs one chunk on one side and adds its CPU time (gateway + local database server) and its wall time, up to its
 * last response (autocannon itself ends a run on its next one-second tick).
 */
async function timed(s, db, figures, chunk) {
  const cpu = () => cpuSeconds(s.gw.pid) + cpuSeconds(db);
  const before = cpu();
  const started = process.hrtime.bigint();
  await chunk();
  figures.cpu += cpu() - before;
  figures.seconds += Number(s.lastResponse - started) / 1e9;
}

/**
 * The same chunk to both sides at the same moment, each side's CPU time read from its own process: on SQLite all
 * of a write's cost is in the gateway's process, and two gateways sharing one CPU at the same instant meet the
 * same machine. Alternated chunks a second apart did not: their pairs spread from +0.9 to +13.9 % around a median
 * of 4-8 %, at once from +4.5 to +5.8 %. No rate is measured so: the two share the CPU.
 */
async function bothTimed(sides, kind, send) {
  const before = sides.map((s) => cpuSeconds(s.gw.pid));
  await Promise.all(sides.map(send));
  sides.forEach((s, i) => (s[kind].cpu += cpuSeconds(s.gw.pid) - before[i]));
}

/**
 * One pair of gateways at once, DIRECTORY_HISTORY=off and full. `users` POSTs to each, `chunk` at a time: on
 * SQLite to both at once (bothTimed); with a database server, whose CPU time cannot be told apart between the two,
 * alternating between them (and which goes first in a round). Then as many PATCHes the same way. A first chunk on
 * each is not counted (cold caches, the JIT). Per kind: CPU µs per request and requests a second of each side, and
 * the cost, full over off minus one (+0.05: 5 % more CPU per request; for rates, 5 % fewer requests a second).
 * `offFirst`: which gateway starts first and is sent to first; the pairs alternate it. Two gateways alike (both
 * off) gave the one started second +0.9 % (POST) and +0.4 % (PATCH), pairs -1.2 to +4.6 %, when it was the same
 * one in every pair; with the order alternated, -2.0 % and +1.0 %, pairs -4.7 to +5.4 % (BENCH_HISTORY_MODE=off).
 */
async function measurePair(startGateway, engine, db, { users, chunk, mode, offFirst, atOnce }) {
  const first = await side(startGateway, engine, offFirst ? 'off' : mode);
  const second = await side(startGateway, engine, offFirst ? mode : 'off').catch(async (err) => {
    await first.gw.stop();
    throw err;
  });
  const [off, full] = offFirst ? [first, second] : [second, first];
  // The gateways on one CPU, this process and its load on another.
  const [mine, theirs] = ALLOWED?.split(/[,-]/) ?? [];
  const pinned = pin(off.gw.pid, theirs) && pin(full.gw.pid, theirs) && pin(process.pid, mine);
  try {
    const rounds = Math.max(2, Math.round(users / chunk));
    for (const [kind, send] of [
      ['post', postChunk],
      ['patch', patchChunk],
    ]) {
      for (const s of [off, full]) await send(s, chunk);
      for (let r = 0; r < rounds; r++) {
        if (atOnce) await bothTimed([first, second], kind, (s) => send(s, chunk));
        else {
          const order = r % 2 ? [full, off] : [off, full];
          for (const s of order) await timed(s, db, s[kind], () => send(s, chunk));
        }
        for (const s of [off, full]) s[kind].requests += chunk;
      }
    }
    const result = { pinned, offFirst };
    for (const kind of ['post', 'patch']) {
      const [o, f] = [off[kind], full[kind]];
      const us = { off: (o.cpu / o.requests) * 1e6, full: (f.cpu / f.requests) * 1e6 };
      const rps = atOnce ? null : { off: o.requests / o.seconds, full: f.requests / f.seconds };
      result[kind] = {
        us,
        rps,
        cpuCost: us.full / us.off - 1,
        rateCost: rps ? rps.off / rps.full - 1 : null,
      };
    }
    return result;
  } finally {
    if (pinned) pin(process.pid, ALLOWED);
    await Promise.all([off.gw.stop(), full.gw.stop()]);
  }
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * `pairs` pairs of fresh gateways, one after the other (measurePair); `mode`: the DIRECTORY_HISTORY set against off.
 * Loading both at once evens out the machine's slow spells within a pair; what is left differs from one pair of
 * processes to the next (±3 % here, with nothing different between them), and the gateway started second paid
 * 1-4 points more in a run; so the pairs alternate which starts first, and each figure is the mean of the two
 * orders' medians (`balanced`), with the lowest and highest pair's.
 */
async function benchHistoryCost(
  startGateway,
  engine,
  { users = 10000, chunk = 1000, pairs = 6, mode = 'full' } = {},
) {
  const db = databasePid(engine);
  // On SQLite (no server process) both gateways are loaded at once; with a server, alternately.
  const atOnce = db === null;
  const runs = [];
  for (let i = 0; i < pairs; i++)
    runs.push(
      await measurePair(startGateway, engine, db, { users, chunk, mode, atOnce, offFirst: i % 2 === 0 }),
    );
  // A value of the runs: the median of the runs that started `off` first and of those that started it second, averaged.
  const balanced = (value) => {
    const medians = [true, false]
      .map((order) => runs.filter((r) => r.offFirst === order).map(value))
      .filter((xs) => xs.length > 0)
      .map(median);
    return medians.reduce((a, b) => a + b, 0) / medians.length;
  };
  const spread = (value) => {
    const xs = runs.map(value);
    return { median: balanced(value), low: Math.min(...xs), high: Math.max(...xs) };
  };
  const of = (kind, key) =>
    runs[0][kind][key] && {
      off: balanced((r) => r[kind][key].off),
      full: balanced((r) => r[kind][key].full),
    };
  return {
    users,
    chunk,
    pairs,
    runs,
    withDatabase: !atOnce,
    pinned: runs.every((r) => r.pinned),
    postUs: of('post', 'us'),
    patchUs: of('patch', 'us'),
    postRps: of('post', 'rps'),
    patchRps: of('patch', 'rps'),
    postCpuCost: spread((r) => r.post.cpuCost),
    patchCpuCost: spread((r) => r.patch.cpuCost),
    atOnce,
    // A rate's cost: the fraction of requests a second lost, 1 − full/off (none when loaded at once).
    postRateCost: atOnce ? null : spread((r) => r.post.rateCost),
    patchRateCost: atOnce ? null : spread((r) => r.patch.rateCost),
  };
}

module.exports = { benchHistoryCost };
