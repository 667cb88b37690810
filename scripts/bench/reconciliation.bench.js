// A full reconciliation with nothing to change: `users` users loaded through /Bulk, synced to a fake target (in a
// process of its own), the account discovery of that first cycle let finish, then `POST restart`; timed from the
// request to the end of the cycle (nothing left pending), with the status's summary of what the listing settled and
// the gateway's peak RSS.
const { benchBulk } = require('./scim.bench');
const {
  api,
  countUsers,
  discovered,
  loadFakeTarget,
  reconciled,
  startTargetProcess,
} = require('./provisioning.bench');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A new target served by `target` (users only, 32 requests at once). */
function register(gw, target, name, scope) {
  return api(gw, 'POST', '/admin/v1/targets', {
    name,
    scope,
    baseUrl: target.url,
    auth: { type: 'bearer', token: 'bench-token-0123456789' },
    provisionGroups: false,
    concurrency: 32,
    requestsPerSecond: 10000,
  });
}

async function benchReconciliation(startGateway, engine, { users }) {
  const { startFakeScimTarget } = loadFakeTarget();
  const gw = await startGateway(engine);
  // In a process of its own: the listing's pages are served while this process polls the status.
  const target = await startTargetProcess({ recordRequests: false });
  try {
    const loaded = await benchBulk(gw, { users, perRequest: 50 });
    if (loaded.created !== users) throw new Error(`${loaded.created} of ${users} users loaded`);
    const registered = Date.now();
    const app = await register(gw, target, 'reconciled', 'all');
    // The initial sync, and the first reconciliation it ends with.
    await reconciled(gw, app.id, registered, users * 5);
    const held = await countUsers(target);
    if (held !== users) throw new Error(`${held} of ${users} users synced`);
    await discovered(gw, app.id, registered, users * 5);
    const started = Date.now();
    await api(gw, 'POST', `/admin/v1/targets/${app.id}/restart`);
    const summary = await reconciled(gw, app.id, started, users * 5);
    const seconds = (Date.now() - started) / 1000;
    const small = await smallAssignedApp(gw, startFakeScimTarget, Math.max(1, Math.floor(users / 100)));
    return {
      users,
      seconds,
      rate: users / seconds,
      listed: summary.comparedByListing?.listed ?? 0,
      unchanged: summary.comparedByListing?.unchanged ?? 0,
      queued: summary.queued.users,
      small,
      peakRssMb: gw.peakRssMb(),
    };
  } finally {
    await target.close();
    await gw.stop();
  }
}

/**
 * A small app in the same directory: an assigned-only target with `assigned` users assigned directly, synced, then
 * reconciled with nothing to change. Its reconciliation walks the assignments and what the app holds, so it should
 * cost the app's size, not the directory's.
 */
async function smallAssignedApp(gw, startFakeScimTarget, assigned) {
  const target = await startFakeScimTarget({ recordRequests: false });
  try {
    const ids = [];
    for (let start = 1; ids.length < assigned; start += 1000) {
      const page = await api(gw, 'GET', `/scim/v2/Users?startIndex=${start}&count=1000&attributes=id`);
      ids.push(...page.Resources.map((r) => r.id));
    }
    const registered = Date.now();
    const app = await register(gw, target, 'small app', 'assigned');
    await reconciled(gw, app.id, registered, 600_000);
    for (let i = 0; i < assigned; i += 10_000)
      await api(gw, 'POST', `/admin/v1/targets/${app.id}/assignments/bulk`, {
        principals: ids.slice(i, Math.min(i + 10_000, assigned)).map((id) => ({ type: 'User', id })),
      });
    for (const deadline = Date.now() + 600_000; target.userCount() < assigned; await sleep(50))
      if (Date.now() > deadline)
        throw new Error(`${target.userCount()} of ${assigned} assigned users synced`);
    const started = Date.now();
    await api(gw, 'POST', `/admin/v1/targets/${app.id}/restart`);
    const summary = await reconciled(gw, app.id, started, 600_000);
    return { assigned, seconds: (Date.now() - started) / 1000, walk: summary.walk, queued: summary.queued };
  } finally {
    await target.close();
  }
}

module.exports = { benchReconciliation };
