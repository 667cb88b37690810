// SCIM inbound figures of `npm run bench`: load 100,000 users over HTTP and measure the hot paths.
const autocannon = require('autocannon');

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const DEPARTMENTS = ['Finance', 'Sales', 'Engineering', 'HR', 'Legal', 'Support'];

function workerDoc(prefix, i) {
  return {
    schemas: [USER, ENTERPRISE],
    userName: `${prefix}${i}@bench.example.com`,
    externalId: `${prefix.toUpperCase()}${i}`,
    name: { givenName: `Given${i}`, familyName: `Family${i}` },
    displayName: `Given${i} Family${i}`,
    title: 'Analyst',
    active: true,
    emails: [{ value: `${prefix}${i}@bench.example.com`, type: 'work', primary: true }],
    [ENTERPRISE]: {
      employeeNumber: String(i),
      department: DEPARTMENTS[i % DEPARTMENTS.length],
      costCenter: `CC${i % 50}`,
    },
  };
}

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 32, pipelining: 1, timeout: 30, ...opts }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

function check(result, what) {
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(
      `${what}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
}

async function scimFetch(gw, method, path, body) {
  const res = await fetch(`${gw.base}/scim/v2${path}`, {
    method,
    headers: { Authorization: `Bearer ${gw.scimToken}`, 'Content-Type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Creates `count` users with POST /Users over 32 connections; returns req/s and latency. */
async function postUsers(gw, prefix, count) {
  let i = 0;
  const result = await run({
    url: gw.base,
    amount: count,
    requests: [
      {
        method: 'POST',
        path: '/scim/v2/Users',
        headers: { Authorization: `Bearer ${gw.scimToken}`, 'Content-Type': 'application/scim+json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(workerDoc(prefix, i++)) }),
      },
    ],
  });
  check(result, 'POST /Users');
  return result;
}

async function listIds(gw, filter, max) {
  const ids = [];
  for (let start = 1; ids.length < max; start += 1000) {
    const page = await scimFetch(
      gw,
      'GET',
      `/Users?filter=${encodeURIComponent(filter)}&attributes=id&startIndex=${start}&count=1000`,
    );
    ids.push(...page.Resources.map((r) => r.id));
    if (page.Resources.length < 1000) break;
  }
  return ids.slice(0, max);
}

async function benchScim(gw, { users }) {
  const figures = {};
  const load = await postUsers(gw, 'w', users);
  figures.postRps = load.requests.average;
  figures.postP99 = load.latency.p99;
  figures.loadSeconds = load.duration;

  let k = 0;
  const filter = await run({
    url: gw.base,
    duration: 10,
    requests: [
      {
        method: 'GET',
        headers: { Authorization: `Bearer ${gw.scimToken}` },
        setupRequest: (req) => ({
          ...req,
          path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "w${(k++ * 7919) % users}@bench.example.com"`)}`,
        }),
      },
    ],
  });
  check(filter, 'GET filter');
  figures.filterRps = filter.requests.average;
  figures.filterP99 = filter.latency.p99;

  const ids = await listIds(gw, 'externalId sw "W"', 20000);
  let p = 0;
  const patch = await run({
    url: gw.base,
    duration: 10,
    requests: [
      {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${gw.scimToken}`, 'Content-Type': 'application/scim+json' },
        setupRequest: (req) => {
          const n = p++;
          return {
            ...req,
            path: `/scim/v2/Users/${ids[(n * 104729) % ids.length]}`,
            body: JSON.stringify({
              schemas: [PATCH_OP],
              Operations: [{ op: 'replace', path: 'title', value: `Title ${n}` }],
            }),
          };
        },
      },
    ],
  });
  check(patch, 'PATCH replace');
  figures.patchRps = patch.requests.average;
  figures.patchP99 = patch.latency.p99;
  return figures;
}

/** A group holding every loaded user, then single-member additions to it. */
async function benchBigGroup(gw, { users, additions }) {
  const all = await listIds(gw, 'externalId sw "W"', users);
  const group = await scimFetch(gw, 'POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Everyone',
  });
  const started = Date.now();
  for (let i = 0; i < all.length; i += 1000) {
    await scimFetch(gw, 'PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: all.slice(i, i + 1000).map((value) => ({ value })) }],
    });
  }
  const fillSeconds = (Date.now() - started) / 1000;
  await postUsers(gw, 'joiner', additions);
  const joiners = await listIds(gw, 'externalId sw "JOINER"', additions);
  let j = 0;
  const add = await run({
    url: gw.base,
    amount: joiners.length,
    requests: [
      {
        method: 'PATCH',
        path: `/scim/v2/Groups/${group.id}`,
        headers: { Authorization: `Bearer ${gw.scimToken}`, 'Content-Type': 'application/scim+json' },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            schemas: [PATCH_OP],
            Operations: [{ op: 'add', path: 'members', value: [{ value: joiners[j++] }] }],
          }),
        }),
      },
    ],
  });
  check(add, 'PATCH add member');
  return {
    groupMembers: all.length + joiners.length,
    fillSeconds,
    addMemberP99: add.latency.p99,
    addMemberRps: add.requests.average,
  };
}

/** `users` new users through POST /Bulk, `perRequest` operations per request, 32 requests in flight. */
async function benchBulk(gw, { users, perRequest }) {
  let next = 0;
  const started = Date.now();
  const result = await run({
    url: gw.base,
    amount: Math.ceil(users / perRequest),
    requests: [
      {
        method: 'POST',
        path: '/scim/v2/Bulk',
        headers: { Authorization: `Bearer ${gw.scimToken}`, 'Content-Type': 'application/scim+json' },
        setupRequest: (req) => {
          const Operations = [];
          for (let k = 0; k < perRequest && next < users; k++, next++) {
            Operations.push({
              method: 'POST',
              path: '/Users',
              bulkId: `b${next}`,
              data: workerDoc('bulk', next),
            });
          }
          return {
            ...req,
            body: JSON.stringify({
              schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
              Operations,
            }),
          };
        },
      },
    ],
  });
  check(result, 'POST /Bulk');
  const created = await scimFetch(
    gw,
    'GET',
    `/Users?filter=${encodeURIComponent('externalId sw "BULK"')}&count=0`,
  );
  return { seconds: (Date.now() - started) / 1000, created: created.totalResults };
}

module.exports = { benchScim, benchBigGroup, benchBulk };
