import { DeliveryEngine } from '../../src/provisioning/engine/delivery-engine.service';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { registerTarget, USER_SCHEMAS, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const USERS = 240;

/**
 * The claim loop's bookkeeping: deliveries that finish while the next claim is on its way to the database must free
 * their slots. A lost decrement shrinks every later batch until the engine claims one object at a time (an initial
 * sync on MariaDB once crawled at 6 users/s this way).
 */
describe('provisioning: claim loop bookkeeping', () => {
  let t: TestApp;
  let target: FakeScimTarget;

  beforeAll(async () => {
    target = await startFakeScimTarget({ recordRequests: false });
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  it('frees every claimed slot once an initial sync of many users is delivered', async () => {
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
      profile: 'rfc',
      provisionGroups: false,
      concurrency: 2,
      requestsPerSecond: 10_000,
    });
    await waitFor('every user in the target', () => target.users().length >= USERS, 60_000);
    const engine = t.app.get(DeliveryEngine);
    await waitFor('nothing pending', async () => {
      const status = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body as {
        pending: { objects: number };
      };
      return status.pending.objects === 0 && engine.inFlightFor(targetId) === 0;
    });
    expect(engine.inFlightFor(targetId)).toBe(0);
  }, 90_000);
});
