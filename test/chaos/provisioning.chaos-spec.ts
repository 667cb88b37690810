/**
 * Chaos at scale (`npm run chaos`, scripts/chaos.js; too slow for every test run): 2,000 users pushed through /Bulk,
 * the gateway SIGKILLed at random moments while it delivers them and restarted on the same database, on the engine
 * under test (SQLite, or MariaDB/MySQL when TEST_DATABASE_URL is set). Then every user must be in the target exactly
 * once (the target takes duplicates, and every POST it saw is counted), with its final state. On MySQL also two
 * processes, one killed mid-delivery: the other takes its claims over and finishes. Each scenario writes its figures
 * (kills, users, duplicates, drain time after the last kill) to CHAOS_FIGURES, which the script prints.
 *
 * CHAOS_SEED replays a run (the seed is in the figures); CHAOS_USERS and CHAOS_KILLS scale it.
 */
import * as fs from 'node:fs';
import { createConnection, RowDataPacket } from 'mysql2/promise';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import {
  buildGateway,
  ChildDatabase,
  createChildDatabase,
  GatewayChild,
  startGatewayChild,
} from '../support/gateway-child';
import { USER_SCHEMAS } from '../support/provisioning-helpers';

const USERS = Number(process.env.CHAOS_USERS ?? 2000);
const KILLS = Number(process.env.CHAOS_KILLS ?? 5);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/**
 * Every request as slow as a real app's: the delivery lasts long enough for the kills to land in it, even on MySQL,
 * where a restarted process delivers while it is still starting. Every request, not only lookups: joiners are matched
 * against a listing of the target, so an initial sync is creates only.
 */
const REQUEST_MS = 150;
/** Every wait is bounded: a stall fails the run instead of hanging it. */
const PHASE_LIMIT_MS = 120_000;

interface UserState {
  id: string;
  title: string;
  active: boolean;
}

/** mulberry32: a small seeded generator, so that a failing run can be replayed with its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | Promise<T>, limitMs = PHASE_LIMIT_MS) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function report(figures: Record<string, unknown>): void {
  const line = JSON.stringify(figures);
  if (process.env.CHAOS_FIGURES) fs.appendFileSync(process.env.CHAOS_FIGURES, line + '\n');
  else process.stdout.write(`chaos figures: ${line}\n`);
}

/** Creates the users through /Bulk, 1,000 operations a request; returns their state by userName. */
async function pushUsers(gw: GatewayChild, prefix: string): Promise<Map<string, UserState>> {
  const users = new Map<string, UserState>();
  for (let from = 0; from < USERS; from += 1000) {
    const names = Array.from(
      { length: Math.min(1000, USERS - from) },
      (_, i) => `${prefix}${from + i}@chaos.test`,
    );
    const res = await gw.scim('post', '/Bulk', {
      schemas: [BULK],
      Operations: names.map((userName, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `u${i}`,
        data: { schemas: USER_SCHEMAS, userName, active: true, title: 'v1' },
      })),
    });
    expect(res.status).toBe(200);
    const ops = res.body.Operations as { status: string; location: string }[];
    ops.forEach((op, i) => {
      expect(op.status).toBe('201');
      users.set(names[i], { id: op.location.split('/').pop()!, title: 'v1', active: true });
    });
  }
  return users;
}

/** Changes `count` random users through /Bulk and records their new state. */
async function changeUsers(
  gw: GatewayChild,
  users: Map<string, UserState>,
  random: () => number,
  count: number,
  change: { title?: string; active?: boolean },
): Promise<void> {
  const names = [...users.keys()];
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [names[i], names[j]] = [names[j], names[i]];
  }
  names.length = count;
  const res = await gw.scim('post', '/Bulk', {
    schemas: [BULK],
    Operations: names.map((userName) => ({
      method: 'PATCH',
      path: `/Users/${users.get(userName)!.id}`,
      data: {
        schemas: [PATCH_OP],
        Operations: Object.entries(change).map(([path, value]) => ({ op: 'replace', path, value })),
      },
    })),
  });
  expect(res.status).toBe(200);
  for (const op of res.body.Operations as { status: string }[]) expect(op.status).toBe('200');
  for (const userName of names) Object.assign(users.get(userName)!, change);
}

async function registerTarget(gw: GatewayChild, target: FakeScimTarget): Promise<string> {
  const res = await gw.admin('post', '/targets', {
    name: 'chaos',
    scope: 'all',
    baseUrl: target.url,
    auth: { type: 'bearer', token: 'tok-0123456789' },
    profile: 'rfc',
    concurrency: 8,
    requestsPerSecond: 1000,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** What the target holds against what the directory says: users missing or stale, and duplicates. */
function audit(target: FakeScimTarget, users: Map<string, UserState>) {
  const posts = new Map<string, number>();
  for (const r of target.requests)
    // Creates the target carried out (answered 201): one killed while the target waited was never carried out.
    if (r.method === 'POST' && r.path === '/Users' && r.status === 201) {
      const userName = (r.body as { userName: string }).userName;
      posts.set(userName, (posts.get(userName) ?? 0) + 1);
    }
  const held = new Map<string, Record<string, unknown>[]>();
  for (const u of target.users()) {
    const userName = u.userName as string;
    held.set(userName, [...(held.get(userName) ?? []), u]);
  }
  let missing = 0;
  let stale = 0;
  // Disabled before the target ever had it: left out by design (logged `not_active`), created if it comes back.
  let leftOutDisabled = 0;
  for (const [userName, want] of users) {
    const got = held.get(userName);
    if (!got && want.active) missing++;
    else if (!got) leftOutDisabled++;
    else if (got.some((u) => u.title !== want.title || u.active !== want.active)) stale++;
  }
  const duplicatePosts = [...posts.values()].reduce((n, c) => n + c - 1, 0);
  const duplicateResources = [...held.values()].reduce((n, list) => n + list.length - 1, 0);
  return {
    missing,
    stale,
    leftOutDisabled,
    duplicatePosts,
    duplicateResources,
    posts: [...posts.values()].reduce((a, b) => a + b, 0),
  };
}

const postsSeen = (target: FakeScimTarget) =>
  target.requests.reduce((n, r) => n + (r.method === 'POST' && r.path === '/Users' ? 1 : 0), 0);

describe(`chaos: SIGKILLs during the delivery of ${USERS} users (seed ${SEED})`, () => {
  let target: FakeScimTarget;
  let db: ChildDatabase;
  const gateways: GatewayChild[] = [];

  beforeAll(() => buildGateway(), 120_000);

  beforeEach(async () => {
    target = await startFakeScimTarget({ acceptDuplicates: true });
    target.slow(REQUEST_MS);
    db = await createChildDatabase('gw_chaos');
  });

  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.stop('SIGKILL')));
    await target?.close();
    await db?.drop();
  });

  it('delivers every user exactly once, in its final state, across kills and restarts', async () => {
    const random = seeded(SEED);
    const started = Date.now();
    let gw = await startGatewayChild(db.env);
    gateways.push(gw);
    const targetId = await registerTarget(gw, target);
    const users = await pushUsers(gw, 'restart');
    // One kill in each slice of 5%-80% of the creates, at a random point in it.
    const span = 0.75 / KILLS;
    const thresholds = Array.from({ length: KILLS }, (_, k) =>
      Math.floor(USERS * (0.05 + span * (k + random()))),
    );
    let lastKill = 0;
    // Requests in flight when each kill landed: the target drops those whose client is gone, unanswered.
    const inFlightAtKills: number[] = [];
    const unanswered = () => target.requests.filter((r) => r.status === undefined).length;
    let dropped = 0;
    for (let k = 0; k < KILLS; k++) {
      // At least 10 creates after the restart, and room left for the kills still to come: a restart that delivered
      // past this kill's moment moves it, never beyond the end of the creates.
      const floor = Math.min(Math.max(thresholds[k], postsSeen(target) + 10), USERS - 10 * (KILLS - k));
      await until(`${floor} creates before kill ${k + 1}`, () => postsSeen(target) >= floor);
      await sleep(Math.floor(random() * 250));
      await gw.stop('SIGKILL');
      lastKill = Date.now();
      await sleep(REQUEST_MS * 2);
      inFlightAtKills.push(unanswered() - dropped);
      dropped = unanswered();
      gateways.pop();
      gw = await startGatewayChild(db.env);
      gateways.push(gw);
      // Changes that arrive between kills: to users already in the target and to users not yet sent.
      if (k === 1) await changeUsers(gw, users, random, Math.floor(USERS / 4), { title: 'v2' });
      if (k === 3) await changeUsers(gw, users, random, Math.floor(USERS / 10), { active: false });
    }
    const restartedAt = Date.now();
    let state = audit(target, users);
    await until(
      'every user in the target in its final state',
      () => {
        state = audit(target, users);
        return state.missing === 0 && state.stale === 0;
      },
      PHASE_LIMIT_MS,
    ).catch(() => undefined);
    const drainMs = Date.now() - lastKill;
    // A late duplicate would come after the drain: give the queue a moment, then look again.
    const status = await until('nothing pending', async () => {
      const res = await gw.admin('get', `/targets/${targetId}/status`);
      return (res.body.pending as { objects: number }).objects === 0 ? res.body : undefined;
    }).catch(() => undefined);
    state = audit(target, users);
    report({
      scenario: 'kills and restarts',
      engine: db.engine,
      seed: SEED,
      users: USERS,
      kills: KILLS,
      requestsInFlightAtKills: inFlightAtKills,
      postsSeen: state.posts,
      duplicatePosts: state.duplicatePosts,
      duplicateResources: state.duplicateResources,
      missing: state.missing,
      stale: state.stale,
      leftOutDisabled: state.leftOutDisabled,
      drainAfterLastKillS: +(drainMs / 1000).toFixed(1),
      restartToDrainedS: +((Date.now() - restartedAt) / 1000).toFixed(1),
      totalS: +((Date.now() - started) / 1000).toFixed(1),
    });
    expect(status).toBeDefined();
    expect(state).toMatchObject({ missing: 0, stale: 0, duplicatePosts: 0, duplicateResources: 0 });
    expect(target.users()).toHaveLength(USERS - state.leftOutDisabled);
  }, 300_000);

  if (process.env.TEST_DATABASE_URL)
    it('finishes the work of a process killed beside it, each user once (two processes, one database)', async () => {
      const started = Date.now();
      const doomed = await startGatewayChild({ ...db.env, DATA_DIR: db.ownDataDir() });
      const survivor = await startGatewayChild({ ...db.env, DATA_DIR: db.ownDataDir() });
      gateways.push(doomed, survivor);
      const targetId = await registerTarget(doomed, target);
      const users = await pushUsers(doomed, 'pair');
      const conn = await createConnection(db.env.DATABASE_URL);
      try {
        const heldByDoomed = async () => {
          const [rows] = await conn.query<RowDataPacket[]>(
            'SELECT COUNT(*) AS n FROM provisioned_object WHERE lease_owner LIKE ?',
            [`%:${doomed.process.pid}:%`],
          );
          return Number(rows[0].n);
        };
        await until('a third of the creates', () => postsSeen(target) >= USERS / 3);
        const orphans = await heldByDoomed();
        await doomed.stop('SIGKILL');
        const killedAt = Date.now();
        await until('no claim of the killed process left', async () => (await heldByDoomed()) === 0);
        const takeoverMs = Date.now() - killedAt;
        let state = audit(target, users);
        await until('every user in the target', () => {
          state = audit(target, users);
          return state.missing === 0 && state.stale === 0;
        }).catch(() => undefined);
        const drainMs = Date.now() - killedAt;
        const status = await until('nothing pending', async () => {
          const res = await survivor.admin('get', `/targets/${targetId}/status`);
          return (res.body.pending as { objects: number }).objects === 0 ? res.body : undefined;
        }).catch(() => undefined);
        state = audit(target, users);
        report({
          scenario: 'two processes, one killed',
          engine: db.engine,
          seed: SEED,
          users: USERS,
          kills: 1,
          claimsHeldByKilled: orphans,
          takeoverS: +(takeoverMs / 1000).toFixed(1),
          postsSeen: state.posts,
          duplicatePosts: state.duplicatePosts,
          duplicateResources: state.duplicateResources,
          missing: state.missing,
          stale: state.stale,
          drainAfterLastKillS: +(drainMs / 1000).toFixed(1),
          totalS: +((Date.now() - started) / 1000).toFixed(1),
        });
        expect(status).toBeDefined();
        expect(orphans).toBeGreaterThan(0);
        expect(takeoverMs).toBeLessThanOrEqual(15_000);
        expect(state).toMatchObject({ missing: 0, stale: 0, duplicatePosts: 0, duplicateResources: 0 });
      } finally {
        await conn.end();
      }
    }, 300_000);
});
