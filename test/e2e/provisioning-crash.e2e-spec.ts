import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { buildGateway, GatewayChild, startGatewayChild } from '../support/gateway-child';
import { USER_SCHEMAS, waitFor } from '../support/provisioning-helpers';

const USERS = 60;

/**
 * SIGKILL at an arbitrary instant while changes are in flight: after a restart on the same database every change
 * is delivered and nothing is created twice (the journal cursor moves only with the work queue; creates look up first).
 */
describe('provisioning: crash safety (SIGKILL)', () => {
  let target: FakeScimTarget;
  let gw: GatewayChild | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-crash-'));

  beforeAll(async () => {
    buildGateway();
    target = await startFakeScimTarget();
  }, 120_000);

  afterAll(async () => {
    await gw?.stop('SIGKILL');
    await target?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every change exactly once across a kill -9 and a restart', async () => {
    gw = await startGatewayChild({ DATA_DIR: dataDir });
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
    // Slow answers keep requests in flight when the kill lands.
    target.slow(40);
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
    gw = await startGatewayChild({ DATA_DIR: dataDir });
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
    const created = target.requests.filter((r) => r.method === 'POST' && r.status === 201);
    expect(created).toHaveLength(USERS);
    expect(target.requests.length).toBeGreaterThan(sentBeforeKill);
  }, 90_000);
});
