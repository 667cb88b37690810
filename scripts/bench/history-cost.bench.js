// What the directory history costs the SCIM writes, in `npm run bench`: the same POST /Users and PATCH load on a
// gateway with DIRECTORY_HISTORY=off (journal rows as before the history existed: no actor, request id or changed
// attributes) and with the default `full`, alternated `rounds` times on fresh databases. Measured as CPU time per
// request (the gateway's, and the database server's when it runs on this machine) and as requests per second; the
// CPU time is the steadier of the two on a machine whose cores the load generator shares.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const autocannon = require('autocannon');

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in these

function cpuSeconds(pid) {
  if (!pid) return 0;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** The local MariaDB/MySQL server's pid, when the engine is one and it runs here. */
function databasePid(engine) {
  if (engine === 'sqlite') return null;
  try {
    return Number(execSync('pgrep -x mariadbd || pgrep -x mysqld').toString().trim().split('\n')[0]) || null;
  } catch {
    return null;
  }
}

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

/** One gateway: `users` POSTs, then as many PATCHes of one attribute; CPU µs per request and req/s of each. */
async function measure(startGateway, engine, history, users) {
  const gw = await startGateway(engine, { DIRECTORY_HISTORY: history });
  const db = databasePid(engine);
  const cpu = () => cpuSeconds(gw.pid) + cpuSeconds(db);
  try {
    const headers = { Authorization: `Bearer ${gw.scimToken}`, 'Content-Type': 'application/scim+json' };
    const ids = [];
    let i = 0;
    let before = cpu();
    const post = await run({
      url: gw.base,
      amount: users,
      requests: [
        {
          method: 'POST',
          path: '/scim/v2/Users',
          headers,
          setupRequest: (req) => ({ ...req, body: JSON.stringify(userDoc(i++)) }),
          onResponse: (status, body) => status === 201 && ids.push(JSON.parse(body).id),
        },
      ],
    });
    const postCpu = cpu() - before;
    let p = 0;
    before = cpu();
    const patch = await run({
      url: gw.base,
      amount: users,
      requests: [
        {
          method: 'PATCH',
          headers,
          setupRequest: (req) => {
            const n = p++;
            return {
              ...req,
              path: `/scim/v2/Users/${ids[(n * 104729) % ids.length]}`,
              body: JSON.stringify({
                schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
                Operations: [{ op: 'replace', path: 'title', value: `Title ${n}` }],
              }),
            };
          },
        },
      ],
    });
    const patchCpu = cpu() - before;
    return {
      postUs: (postCpu / users) * 1e6,
      patchUs: (patchCpu / users) * 1e6,
      postRps: users / post.duration,
      patchRps: users / patch.duration,
      withDatabase: db !== null,
    };
  } finally {
    await gw.stop();
  }
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * A warm-up pair (not counted: the first runs of a session meet cold caches), then `rounds` × (off, full),
 * alternated so that a slow spell of the machine falls on both runs of a pair. Each pair gives its own ratio, full
 * over off; the cost is the median of those ratios minus one (+0.05: 5 % more CPU per request, or 5 % fewer
 * requests a second for the rates), with the lowest and highest pair's, so that one disturbed pair neither decides
 * the figure nor hides.
 */
async function benchHistoryCost(startGateway, engine, { users = 20000, rounds = 5 } = {}) {
  await measure(startGateway, engine, 'off', users);
  await measure(startGateway, engine, 'full', users);
  const off = [];
  const full = [];
  for (let r = 0; r < rounds; r++) {
    off.push(await measure(startGateway, engine, 'off', users));
    full.push(await measure(startGateway, engine, 'full', users));
  }
  const figures = {};
  for (const key of ['postUs', 'patchUs', 'postRps', 'patchRps']) {
    figures[key] = { off: median(off.map((x) => x[key])), full: median(full.map((x) => x[key])) };
  }
  /** Per pair, full over off (`inverse`: off over full, for rates), minus one: median, lowest, highest. */
  const cost = (key, inverse = false) => {
    const ratios = off.map((o, i) => (inverse ? o[key] / full[i][key] : full[i][key] / o[key]) - 1);
    return { median: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) };
  };
  return {
    users,
    rounds,
    runs: { off, full },
    withDatabase: off[0].withDatabase,
    ...figures,
    postCpuCost: cost('postUs'),
    patchCpuCost: cost('patchUs'),
    // A rate's cost: the fraction of requests a second lost, 1 − full/off, from each pair's ratio.
    postRateCost: cost('postRps', true),
    patchRateCost: cost('patchRps', true),
  };
}

module.exports = { benchHistoryCost };
