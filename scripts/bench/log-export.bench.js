// Provisioning-log download figures of `npm run bench`: the log filled by an initial sync (one Create entry per
// user, written by the gateway itself), then GET /admin/v1/provisioning-logs/export?format=csv read to the end while
// the gateway's resident memory is watched: how much it rises above what it was before the download. The download
// runs on a second gateway process on the same database, with provisioning and jobs off: the first one goes on
// after the sync (the orphan scan lists the target's 100,000 accounts), which is not the download's memory.
const fs = require('node:fs');
const { benchBulk } = require('./scim.bench');
const { api, loadFakeTarget } = require('./provisioning.bench');
const { sharedDatabase } = require('./gateway-process');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** VmRSS (now) or VmHWM (the peak the kernel kept) of a process, in MB. */
function memoryMb(pid, field) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

/**
 * `entries` users through /Bulk, provisioned to a new target (the log then holds one Create entry per user), then
 * the CSV download of that target's log. Returns the rows and bytes received, the duration and the RSS rise.
 */
async function benchLogExport(startGateway, engine, { entries }) {
  const { startFakeScimTarget } = loadFakeTarget();
  const db = await sharedDatabase(engine);
  try {
    // startGateway('sqlite', …) creates no database of its own; DATA_DIR or DATABASE_URL names the shared one.
    const targetId = await fillLog(await startGateway('sqlite', db.env), startFakeScimTarget, entries);
    const gw = await startGateway('sqlite', {
      ...db.env,
      PROVISIONING_ENABLED: 'false',
      JOBS_ENABLED: 'false',
    });
    try {
      return await measureExport(gw, targetId);
    } finally {
      await gw.stop();
    }
  } finally {
    await db.drop();
  }
}

/** `entries` users through /Bulk, provisioned to a new target: the log then holds one Create entry per user. */
async function fillLog(gw, startFakeScimTarget, entries) {
  const target = await startFakeScimTarget({ recordRequests: false });
  try {
    const b = await benchBulk(gw, { users: entries, perRequest: 50 });
    if (b.created !== entries) throw new Error(`/Bulk created ${b.created} of ${entries} users`);
    const app = await api(gw, 'POST', '/admin/v1/targets', {
      name: 'log-export',
      scope: 'all',
      baseUrl: target.url,
      auth: { type: 'bearer', token: 'bench-token-0123456789' },
      provisionGroups: false,
      concurrency: 32,
      requestsPerSecond: 10000,
    });
    const started = Date.now();
    for (let last = -1, stalled = 0; ;) {
      const s = await api(gw, 'GET', `/admin/v1/targets/${app.id}/status`);
      const n = s.totals?.Create?.Success ?? 0;
      if (n >= entries) break;
      stalled = n === last ? stalled + 1 : 0;
      if (stalled > 240) throw new Error(`the log stalled at ${n} of ${entries} Create entries`);
      last = n;
      await sleep(250);
    }
    console.log(
      `log export: ${entries} Create entries written in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    return app.id;
  } finally {
    await gw.stop();
    await target.close();
  }
}

/** The CSV download of the target's log, read to the end; the rows and bytes received, the time, the RSS rise. */
async function measureExport(gw, targetId) {
  await sleep(1000);
  const before = memoryMb(gw.pid, 'VmRSS');
  const peakReset = gw.resetPeakRss();
  const anonBefore = memoryMb(gw.pid, 'RssAnon');
  let sampled = before;
  let anon = anonBefore;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, memoryMb(gw.pid, 'VmRSS'));
    anon = Math.max(anon, memoryMb(gw.pid, 'RssAnon'));
  }, 20);
  const started = Date.now();
  let bytes = 0;
  let lines = 0;
  try {
    const res = await fetch(`${gw.base}/admin/v1/provisioning-logs/export?format=csv&targetId=${targetId}`, {
      headers: { Authorization: `Bearer ${gw.adminToken}` },
    });
    if (!res.ok) throw new Error(`export: ${res.status} ${(await res.text()).slice(0, 200)}`);
    for await (const chunk of res.body) {
      bytes += chunk.length;
      // No value of these entries holds a line break: one per row, the header's included.
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (Date.now() - started) / 1000;
  const peak = Math.max(sampled, peakReset ? memoryMb(gw.pid, 'VmHWM') : -Infinity);
  const rows = lines - 1;
  console.log(
    `log export: ${rows} rows, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s; RSS ${before.toFixed(0)} MB ` +
      `before, peak ${peak.toFixed(0)} MB (${peakReset ? 'kernel peak reset' : 'sampled every 20 ms'}); of it ` +
      `anonymous (the heap) ${anonBefore.toFixed(0)} MB before, ${anon.toFixed(0)} MB at most (sampled)`,
  );
  return { rows, megabytes: bytes / 1e6, seconds, rssBeforeMb: before, rssRiseMb: peak - before };
}

module.exports = { benchLogExport };
