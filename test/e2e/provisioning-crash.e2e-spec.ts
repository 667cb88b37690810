import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import {
  buildGateway,
  ChildDatabase,
  createChildDatabase,
  GatewayChild,
  startGatewayChild,
} from '../support/gateway-child';
import { USER_SCHEMAS, waitFor } from '../support/provisioning-helpers';

const USERS = 60;

/**
 * SIGKILL at an arbitrary instant while changes are in flight: after a restart on the same database (on the engine
 * under test) every change is delivered and nothing is created twice (the journal cursor moves only with the work
 * queue; creates look up first). The target takes duplicates, so a second create would show as a second user.
 */
describe('provisioning: crash safety (SIGKILL)', () => {
  let target: FakeScimTarget;
  let db: ChildDatabase;
  let gw: GatewayChild | undefined;

  beforeAll(async () => {
    buildGateway();
    target = await startFakeScimTarget({ acceptDuplicates: true });
    db = await createChildDatabase('gw_crash');
  }, 120_000);

  afterAll(async () => {
    await gw?.stop('SIGKILL');
    await target?.close();
    await db?.drop();
  });

  it('delivers every change exactly once across a kill -9 and a restart', async () => {
    gw = await startGatewayChild(db.env);
    const reg = await gw.admin('post', '/targets', {
      name: 'crash-target',
      scope: 'all',
      baseUrl: target.url,
      auth: { type: 'bearer', token: 'tok-0123456789' },
      profile: 'rfc',
      concurrency: 4,
      requestsPerSecond: 1000,
    });
    expect(reg.status).toBe(201);
    // Slow lookups keep requests in flight when the kill lands. Creates are answered at once: a POST the target
    // records is one it acted on, even if the gateway dies before reading the answer.
    target.slow(200, { method: 'GET' });
    const ids: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const res = await gw.scim('post', '/Users', {
        schemas: USER_SCHEMAS,
        userName: `crash${i}@example.com`,
        active: true,
        title: 'v1',
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    }
    await waitFor(
      'some creates in flight',
      () => target.requests.filter((r) => r.method === 'POST').length >= 10,
      20_000,
    );
    // Changes that arrive just before the kill, to objects already sent or not.
    for (const id of ids.slice(0, 20)) {
      const res = await gw.scim('patch', `/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'v2' }],
      });
      expect(res.status).toBe(200);
    }
    await gw.stop('SIGKILL');
    const sentBeforeKill = target.requests.length;
    expect(target.users().length).toBeLessThan(USERS);

    target.slow(0);
    gw = await startGatewayChild(db.env);
    await waitFor(
      'every user with its latest title',
      () => {
        const users = target.users();
        return (
          users.length === USERS &&
          users.filter((u) => u.title === 'v2').length === 20 &&
          users.filter((u) => u.title === 'v1').length === USERS - 20
        );
      },
      30_000,
    );
    const names = target.users().map((u) => u.userName as string);
    expect(new Set(names).size).toBe(USERS);
    // Every POST the target saw, whatever it answered: one per user.
    const posts = target.requests.filter((r) => r.method === 'POST' && r.path === '/Users');
    expect(posts).toHaveLength(USERS);
    expect(target.requests.length).toBeGreaterThan(sentBeforeKill);
  }, 90_000);
});
