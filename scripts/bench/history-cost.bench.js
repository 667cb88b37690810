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

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * `rounds` × (off, full), alternated so that a slow spell of the machine falls on both. The cost of each figure is
 * full over off, minus one: +0.05 is 5 % more CPU per request (or 5 % fewer requests a second, for the rates).
 */
async function benchHistoryCost(startGateway, engine, { users = 20000, rounds = 3 } = {}) {
  const off = [];
  const full = [];
  for (let r = 0; r < rounds; r++) {
    off.push(await measure(startGateway, engine, 'off', users));
    full.push(await measure(startGateway, engine, 'full', users));
  }
  const avg = (runs, key) => mean(runs.map((x) => x[key]));
  const figures = {};
  for (const key of ['postUs', 'patchUs', 'postRps', 'patchRps']) {
    figures[key] = { off: avg(off, key), full: avg(full, key) };
  }
  return {
    users,
    rounds,
    runs: { off, full },
    withDatabase: off[0].withDatabase,
    ...figures,
    postCpuCost: figures.postUs.full / figures.postUs.off - 1,
    patchCpuCost: figures.patchUs.full / figures.patchUs.off - 1,
    postRateCost: 1 - figures.postRps.full / figures.postRps.off,
    patchRateCost: 1 - figures.patchRps.full / figures.patchRps.off,
  };
}

module.exports = { benchHistoryCost };
