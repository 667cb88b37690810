import { DirectoryReader } from '../../src/directory/readers/directory.reader';
import { DeliveryEngine } from '../../src/provisioning/engine/delivery-engine.service';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { registerTarget, USER_SCHEMAS, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const TARGETS = 5;
const USERS = 300;

/**
 * Many targets, one change: every target receives each new user once, and the engine reads each changed user from
 * the directory about once for all of them, not once per target (the fan-out's cost must not grow with a per-target
 * read). The targets take duplicates, so a second create of anyone would be counted, not refused.
 */
describe('provisioning: one change to many targets', () => {
  let t: TestApp;
  const targets: FakeScimTarget[] = [];
  const targetIds: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < TARGETS; i++) targets.push(await startFakeScimTarget({ acceptDuplicates: true }));
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    for (const [i, target] of targets.entries())
      targetIds.push(
        await registerTarget(t, target, { name: `app-${i}`, provisionGroups: false, concurrency: 4 }),
      );
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all(targets.map((target) => target.close()));
  });

  it('sends each new user to every target once, reading it from the directory about once for all of them', async () => {
    // Every target idle on the empty directory first: its initial cycle is over.
    await waitFor(
      'the initial cycles',
      async () => {
        for (const id of targetIds) {
          const s = (await t.admin('get', `/targets/${id}/status`).expect(200)).body as {
            pending: { objects: number };
            reconciliation: { requested: boolean };
          };
          if (s.pending.objects > 0 || s.reconciliation.requested) return false;
        }
        return true;
      },
      20_000,
    );
    // Every id the engine asks the directory for from now on (the real reader runs; the test only counts).
    const reader = t.app.get(DirectoryReader);
    const read: string[] = [];
    const users = reader.users.bind(reader);
    const counting = jest.spyOn(reader, 'users').mockImplementation((ids: string[]) => {
      read.push(...ids);
      return users(ids);
    });
    try {
      const res = await t
        .scim('post', '/Bulk')
        .send({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: Array.from({ length: USERS }, (_, i) => ({
            method: 'POST',
            path: '/Users',
            bulkId: `u${i}`,
            data: { schemas: USER_SCHEMAS, userName: `fan${i}@example.com`, active: true, title: 'Analyst' },
          })),
        })
        .expect(200);
      const created = (res.body as { Operations: { status: string }[] }).Operations;
      expect(created.filter((o) => o.status === '201')).toHaveLength(USERS);

      await waitFor(
        'every user in every target',
        () => targets.every((target) => target.users().length >= USERS),
        60_000,
      );
      for (const target of targets) {
        const posts = target.requests.filter((r) => r.method === 'POST' && r.path === '/Users');
        const names = posts.map((r) => (r.body as { userName: string }).userName);
        expect(new Set(names).size).toBe(USERS);
        expect(names).toHaveLength(USERS);
      }
      const distinct = new Set(read).size;
      expect(distinct).toBe(USERS);
      // Without sharing, each target's batches read every user: TARGETS × USERS ids (1,500). Shared: 300 on a quiet
      // machine; 524 and 550 under CI's load (SQLite, MariaDB), when reads were kept 2 s (now 10 s) and the targets
      // drifted further apart than that.
      expect(read.length).toBeLessThan(2.5 * USERS);
    } finally {
      counting.mockRestore();
    }
  }, 90_000);
});

/**
 * The process-wide bound on claimed objects (`PROVISIONING_MAX_IN_FLIGHT`, the engine's memory bound): three targets
 * that would each claim 64 at once hold at most 100 between them, and every one of them still gets every user once.
 */
describe('provisioning: many targets within the process-wide bound on claimed objects', () => {
  let t: TestApp;
  const targets: FakeScimTarget[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) targets.push(await startFakeScimTarget({ acceptDuplicates: true }));
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50', PROVISIONING_MAX_IN_FLIGHT: '100' } });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all(targets.map((target) => target.close()));
  });

  it('never holds more than the bound, and shares it: every target progresses and gets every user once', async () => {
    const users = 400;
    const res = await t
      .scim('post', '/Bulk')
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: Array.from({ length: users }, (_, i) => ({
          method: 'POST',
          path: '/Users',
          bulkId: `u${i}`,
          data: { schemas: USER_SCHEMAS, userName: `bound${i}@example.com`, active: true },
        })),
      })
      .expect(200);
    expect(
      (res.body as { Operations: { status: string }[] }).Operations.every((o) => o.status === '201'),
    ).toBe(true);
    // Slow answers keep the claimed objects in flight long enough to be seen.
    for (const target of targets) target.slow(5, { method: 'POST', path: '/Users' });
    const engine = t.app.get(DeliveryEngine);
    const ids: string[] = [];
    for (const [i, target] of targets.entries())
      ids.push(
        await registerTarget(t, target, { name: `bound-${i}`, provisionGroups: false, concurrency: 8 }),
      );
    let peak = 0;
    const seenBusy = new Set<number>();
    await waitFor(
      'every user in every target',
      () => {
        const each = ids.map((id) => engine.inFlightFor(id));
        each.forEach((n, i) => n > 0 && seenBusy.add(i));
        peak = Math.max(
          peak,
          each.reduce((a, b) => a + b, 0),
        );
        return targets.every((target) => target.users().length >= users);
      },
      60_000,
    );
    expect(peak).toBeGreaterThan(50);
    expect(peak).toBeLessThanOrEqual(100);
    expect(seenBusy.size).toBe(3);
    for (const target of targets) {
      const names = target.requests
        .filter((r) => r.method === 'POST' && r.path === '/Users')
        .map((r) => (r.body as { userName: string }).userName);
      expect(names).toHaveLength(users);
      expect(new Set(names).size).toBe(users);
    }
  }, 90_000);
});

/**
 * Full reconciliations take turns (`RECONCILE_MAX_CONCURRENT`): twenty new targets walking the directory at once held
 * the gateway's RSS at about 1.1 GB for their first 50 s (100,000 users each); a few at a time, it stays under 300 MB.
 * Here one at a time: each target's reconciliation starts with a listing of the target, which answers after 1.5 s,
 * so a listing that starts before the previous target's has ended shows two reconciliations at once.
 */
describe('provisioning: full reconciliations take turns', () => {
  const LISTING_MS = 1500;
  let t: TestApp;
  const targets: FakeScimTarget[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) targets.push(await startFakeScimTarget({ acceptDuplicates: true }));
    t = await startTestApp({
      env: {
        PROVISIONING_POLL_MS: '50',
        RECONCILE_MAX_CONCURRENT: '1',
        // Every reconciliation, a new target's first included, compares users through one listing of the target.
        RECONCILE_LISTING_MIN_OBJECTS: '0',
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all(targets.map((target) => target.close()));
  });

  it('runs one at a time when the bound is 1, and every target still gets every user once', async () => {
    const users = 4;
    for (let i = 0; i < users; i++)
      await t
        .scim('post', '/Users')
        .send({ schemas: USER_SCHEMAS, userName: `turn${i}@example.com`, active: true })
        .expect(201);
    // Every read of /Users is slow (the listing, and the lookups of the users it did not settle).
    for (const target of targets) target.slow(LISTING_MS, { method: 'GET', path: '/Users' });
    const ids = await Promise.all(
      targets.map((target, i) => registerTarget(t, target, { name: `turn-${i}`, provisionGroups: false })),
    );
    // While the first lists its target, the status says which one runs and where the others wait.
    type Turn = { state: string; ahead?: number; running?: number; maxConcurrent?: number } | null;
    let turns: Turn[] = [];
    await waitFor(
      'one reconciliation running, two waiting for a turn',
      async () => {
        turns = await Promise.all(
          ids.map(
            async (id) =>
              (
                (await t.admin('get', `/targets/${id}/status`).expect(200)).body as {
                  reconciliation: { turn: Turn };
                }
              ).reconciliation.turn,
          ),
        );
        const count = (state: string) => turns.filter((turn) => turn?.state === state).length;
        return count('running') === 1 && count('waiting') === 2;
      },
      LISTING_MS,
    );
    expect(turns.filter((turn) => turn?.state === 'waiting').sort((a, b) => a!.ahead! - b!.ahead!)).toEqual([
      { state: 'waiting', ahead: 0, running: 1, maxConcurrent: 1 },
      { state: 'waiting', ahead: 1, running: 1, maxConcurrent: 1 },
    ]);
    await waitFor(
      'every user in every target',
      () => targets.every((target) => target.users().length >= users),
      30_000,
    );
    const listings = targets.map((target) => {
      const first = target.requests.find(
        (r) => r.method === 'GET' && r.path === '/Users' && r.query.filter === undefined,
      );
      if (!first) throw new Error(`target ${target.port} was never listed`);
      return first.time.getTime();
    });
    listings.sort((a, b) => a - b);
    // Each starts after the one before was answered (all three within milliseconds when they run at once).
    expect(listings[1] - listings[0]).toBeGreaterThanOrEqual(LISTING_MS - 50);
    expect(listings[2] - listings[1]).toBeGreaterThanOrEqual(LISTING_MS - 50);
    for (const target of targets) {
      const posts = target.requests.filter((r) => r.method === 'POST' && r.path === '/Users');
      expect(posts.map((r) => (r.body as { userName: string }).userName).sort()).toEqual(
        Array.from({ length: users }, (_, i) => `turn${i}@example.com`),
      );
    }
  }, 60_000);
});
