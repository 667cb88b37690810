import { randomUUID } from 'node:crypto';
import { toDbDateText } from '../../src/database/db-values';
import { WorkQueueRepository } from '../../src/provisioning/queue/work-queue.repository';
import { startFakeScimTarget, type FakeScimTarget } from '../support/fake-scim-target';
import { enqueueUsers, registerTarget } from '../support/provisioning-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Claims a process left behind (it was killed, or stopped renewing them) are taken over before the backlog: their
 * lease has run out, so they waited LEASE_MS already. In the queue index's order (rows nobody leases first) they
 * waited for every other pending row too: on MariaDB a survivor took 24 s to take over a killed process's claims
 * behind 1,300 queued users.
 */
describe("work queue: a dead process's claims first", () => {
  let t: TestApp;
  let target: FakeScimTarget;
  let targetId: string;
  const ids = Array.from({ length: 40 }, () => randomUUID());
  const left = ids.slice(30);

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    t = await startTestApp();
    // Assigned-only with nothing assigned, and paused: the engine leaves the rows below to the test.
    targetId = await registerTarget(t, target, { scope: 'assigned' });
    await t.admin('post', `/targets/${targetId}/pause`).expect(200);
    await enqueueUsers(t, targetId, ids);
    // The last ten were claimed by a process that died a minute ago: their lease ran out.
    const placeholders = left.map(() => '?').join(', ');
    await t.dataSource.query(
      `UPDATE provisioned_object SET lease_owner = ?, lease_until = ?
        WHERE target_id = ? AND object_id IN (${placeholders})`,
      ['gone:4242:1', toDbDateText(new Date(Date.now() - 60_000)), targetId, ...left],
    );
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  it('claims the rows whose lease ran out before the rows nobody leased, then the others', async () => {
    const queue = t.app.get(WorkQueueRepository);
    const owner = `test:${randomUUID()}`;
    const first = await queue.claim(targetId, owner, 10, new Date());
    expect(first.map((r) => r.objectId).sort()).toEqual([...left].sort());
    expect(first.every((r) => r.leaseOwner === owner)).toBe(true);
    const next = await queue.claim(targetId, owner, 50, new Date());
    expect(next.map((r) => r.objectId).sort()).toEqual(ids.slice(0, 30).sort());
    await queue.abandon(targetId, [...first, ...next], owner);
  });
});
