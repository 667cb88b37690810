import { DeliveryEngine } from '../../src/provisioning/engine/delivery-engine.service';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import {
  byUserName,
  createUser,
  ENTERPRISE,
  registerTarget,
  USER_SCHEMAS,
  waitFor,
} from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const USERS = 240;

/**
 * The claim loop's bookkeeping: deliveries that finish while the next claim is on its way to the database must free
 * their slots. A lost decrement shrinks every later batch until the engine claims one object at a time (an initial
 * sync on MariaDB once crawled at 6 users/s this way).
 */
describe('provisioning: the claim loop, provision on demand beside it, and woken groups', () => {
  let t: TestApp;
  let target: FakeScimTarget;

  beforeAll(async () => {
    // The target takes duplicates: "created once" counts every POST, and a second create would be a second user.
    target = await startFakeScimTarget({ acceptDuplicates: true });
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  afterEach(() => {
    target.clearFaults();
    target.reset();
  });

  /** Nothing pending, no reconciliation waiting, nothing in flight in this process. */
  const idle = async (targetId: string) => {
    const status = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body as {
      pending: { objects: number };
      reconciliation: { requested: boolean };
    };
    const inFlight = t.app.get(DeliveryEngine).inFlightFor(targetId);
    return !status.reconciliation.requested && status.pending.objects === 0 && inFlight === 0;
  };
  const lookupsOf = (userName: string) =>
    target.requests.filter((r) => r.method === 'GET' && (r.query.filter ?? '').includes(userName));
  const postsOf = (userName: string) =>
    target.requests.filter(
      (r) =>
        r.method === 'POST' && r.path === '/Users' && (r.body as { userName?: string }).userName === userName,
    );

  it('waits for the engine to finish an object before provisioning it on demand, so it is created once', async () => {
    const targetId = await registerTarget(t, target, {
      name: 'race',
      profile: 'rfc',
      provisionGroups: false,
    });
    target.slow(700, { method: 'POST', path: '/Users' });
    const userName = 'race@example.com';
    const userId = await createUser(t, userName);
    await waitFor('the engine looking the user up', () => lookupsOf(userName).length > 0);
    const res = await t.admin('post', `/targets/${targetId}/provision`).send({ userId }).expect(200);
    expect(res.body).toMatchObject({ status: expect.stringMatching(/Success|Skipped/) });
    expect(byUserName(target, 'race@example.com')).toBeDefined();
    expect(postsOf('race@example.com')).toHaveLength(1);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  it('answers 409 when the engine holds the object longer than provision on demand waits', async () => {
    const targetId = await registerTarget(t, target, {
      name: 'held',
      profile: 'rfc',
      provisionGroups: false,
    });
    target.slow(4000, { method: 'POST', path: '/Users' });
    const userName = 'slowpoke@example.com';
    const userId = await createUser(t, userName);
    await waitFor('the engine looking the user up', () => lookupsOf(userName).length > 0);
    const res = await t.admin('post', `/targets/${targetId}/provision`).send({ userId }).expect(409);
    expect(JSON.stringify(res.body)).toContain('being provisioned to this target right now');
    await waitFor('the engine done', () => byUserName(target, 'slowpoke@example.com'), 15_000);
    expect(postsOf('slowpoke@example.com')).toHaveLength(1);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  }, 30_000);

  it('sends a group whose members are being created a few times, not once per member', async () => {
    const members = 60;
    const group = await t
      .scim('post', '/Groups')
      .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Big team' })
      .expect(201);
    const targetId = await registerTarget(t, target, {
      name: 'groups',
      profile: 'rfc',
      provisionGroups: true,
      concurrency: 2,
    });
    await waitFor('the empty group in the target', () =>
      target.groups().some((g) => g.displayName === 'Big team'),
    );
    // The members join the group in the directory before they exist in the target; slow user creates spread their
    // arrival over a few seconds, and each arrival wakes the group.
    target.slow(40, { method: 'POST', path: '/Users' });
    const operations = Array.from({ length: members }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `m${i}`,
      data: { schemas: USER_SCHEMAS, userName: `member${i}@example.com`, active: true },
    }));
    await t
      .scim('post', '/Bulk')
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          ...operations,
          {
            method: 'PATCH',
            path: `/Groups/${group.body.id as string}`,
            data: {
              schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
              Operations: [
                {
                  op: 'add',
                  path: 'members',
                  value: operations.map((o) => ({ value: `bulkId:${o.bulkId}` })),
                },
              ],
            },
          },
        ],
      })
      .expect(200);
    await waitFor(
      'the group with every member in the target',
      () => {
        const g = target.groups().find((x) => x.displayName === 'Big team');
        return (g?.members as unknown[] | undefined)?.length === members;
      },
      60_000,
    );
    const memberPatches = target.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith('/Groups'));
    expect(memberPatches.length).toBeLessThanOrEqual(10);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  }, 90_000);

  it('wakes, after a restart, a user left waiting for a manager who reached the target before the crash', async () => {
    const targetId = await registerTarget(t, target, {
      name: 'stranded',
      profile: 'rfc',
      provisionGroups: false,
    });
    const bossId = await createUser(t, 'chief@example.com');
    const annId = await createUser(t, 'report@example.com', { [ENTERPRISE]: { manager: { value: bossId } } });
    const linked = () =>
      (byUserName(target, 'report@example.com')?.[ENTERPRISE] as { manager?: unknown } | undefined)?.manager;
    await waitFor('the report linked to her manager', linked);
    await waitFor('the engine idle', () => idle(targetId));
    // The state a kill between the manager's completion and the wake leaves: the report recorded as sent without
    // a manager and waiting for one, and the target's copy without it.
    const [row] = await t.dataSource.query<{ last_sent: string }[]>(
      'SELECT last_sent FROM provisioned_object WHERE target_id = ? AND object_id = ?',
      [targetId, annId],
    );
    const sent = JSON.parse(row.last_sent) as Record<string, unknown>;
    for (const k of Object.keys(sent)) if (k.toLowerCase().includes('manager')) delete sent[k];
    await t.dataSource.query(
      'UPDATE provisioned_object SET last_sent = ?, waiting_for = ? WHERE target_id = ? AND object_id = ?',
      [JSON.stringify(sent), bossId, targetId, annId],
    );
    const copy = byUserName(target, 'report@example.com')!;
    delete (copy[ENTERPRISE] as { manager?: unknown }).manager;
    target.reset();
    t = await t.restart();
    await waitFor('the manager link sent again', () =>
      target.requests.some((r) => r.method === 'PATCH' && JSON.stringify(r.body).includes('manager')),
    );
    const [after] = await t.dataSource.query<{ waiting_for: string | null }[]>(
      'SELECT waiting_for FROM provisioned_object WHERE target_id = ? AND object_id = ?',
      [targetId, annId],
    );
    expect(after.waiting_for).toBeNull();
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  }, 30_000);

  it('reconciles each live object once and queues again only what the target holds that the directory lost', async () => {
    const targetId = await registerTarget(t, target, {
      name: 'recon',
      profile: 'rfc',
      provisionGroups: false,
    });
    const ids = [await createUser(t, 'r1@example.com'), await createUser(t, 'r2@example.com')];
    type Summary = { startedAt: string; queued: Record<string, number> };
    const summaryOf = async () =>
      (
        (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body as {
          reconciliation: { summary: Summary | null };
        }
      ).reconciliation.summary;
    // The target's first reconciliation must be over, not just between taking its request and queueing (when the
    // engine also looks idle): otherwise it may meet the leaver below and deprovision it before the restart.
    await waitFor(
      'both users in the target, the first reconciliation done and the engine idle',
      async () =>
        ids.every((_, i) => byUserName(target, `r${i + 1}@example.com`)) &&
        (await summaryOf()) !== null &&
        (await idle(targetId)),
    );
    // A leaver nobody told the target about: gone from the directory without a journal row.
    await t.dataSource.query('DELETE FROM directory_user WHERE id = ?', [ids[1]]);
    const restartedAt = Date.now();
    await t.admin('post', `/targets/${targetId}/restart`).expect(202);
    const summary = await waitFor('the summary of the reconciliation after the restart', async () => {
      if (!(await idle(targetId))) return undefined;
      const latest = await summaryOf();
      return latest && Date.parse(latest.startedAt) >= restartedAt ? latest : undefined;
    });
    expect(summary.queued.goneFromDirectory).toBe(1);
    // Purged from the directory: deprovisioned in the target (disabled or deleted), the live user left alone.
    await waitFor('the lost user deprovisioned', () => {
      const lost = byUserName(target, 'r2@example.com');
      return !lost || lost.active === false;
    });
    expect(byUserName(target, 'r1@example.com')?.active).toBe(true);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  }, 30_000);

  it('frees every claimed slot once an initial sync of many users is delivered, within the concurrency', async () => {
    const operations = Array.from({ length: USERS }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `u${i}`,
      data: { schemas: USER_SCHEMAS, userName: `bulk${i}@example.com`, active: true },
    }));
    await t
      .scim('post', '/Bulk')
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations })
      .expect(200);
    // Slow answers keep deliveries in flight while the engine claims the next batch.
    target.slow(5);
    const targetId = await registerTarget(t, target, {
      name: 'initial-sync',
      profile: 'rfc',
      provisionGroups: false,
      concurrency: 2,
      requestsPerSecond: 10_000,
    });
    await waitFor('every user in the target', () => target.users().length >= USERS, 60_000);
    // Idle includes nothing in flight: a claimed slot never freed would keep the wait from ending.
    await waitFor('nothing pending and every claimed slot free', () => idle(targetId));
    // Overlapping batches never put more than `concurrency` requests before the target at once.
    expect(target.peakInFlight()).toBe(2);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  }, 90_000);
});
