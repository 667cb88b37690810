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
 * queue; creates look up first, or match against a listing, and an object whose create may have gone unrecorded is
 * looked up whatever the listing says). The target takes duplicates, so a second create would show as a second user.
 * Twice: joiners matched by lookups (slow lookups keep requests in flight at the kill), and by a listing of the
 * target (then slow creates do). Account discovery is off in both: its listing of the target once the work has
 * drained would otherwise count as the matching's.
 */
const NO_DISCOVERY = { ORPHAN_SCAN_MAX_ACCOUNTS: '0' };
describe.each([
  ['lookups', { ...NO_DISCOVERY, MATCH_INDEX_MAX_ACCOUNTS: '0' }, { method: 'GET' }],
  ['a listing', NO_DISCOVERY, { method: 'POST' }],
])('provisioning: crash safety (SIGKILL), joiners matched by %s', (mode, modeEnv, slowScope) => {
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
    gw = await startGatewayChild({ ...db.env, ...modeEnv });
    // Slow requests keep others in flight when the kill lands; a create the target acted on is answered 201, even if
    // the gateway dies before reading the answer.
    target.slow(200, slowScope);
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
    // Registered after the users: its initial sync finds them all waiting, as many joiners as in a real first cycle.
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
    gw = await startGatewayChild({ ...db.env, ...modeEnv });
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
    // Every create the target carried out (it takes duplicates): one per user.
    const posts = target.requests.filter(
      (r) => r.method === 'POST' && r.path === '/Users' && r.status === 201,
    );
    expect(posts).toHaveLength(USERS);
    expect(target.requests.length).toBeGreaterThan(sentBeforeKill);
    const listed = target.requests.some((r) => r.method === 'GET' && r.path === '/Users' && !r.query.filter);
    expect(listed).toBe(mode === 'a listing');
  }, 90_000);
});
