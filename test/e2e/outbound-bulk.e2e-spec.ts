import { FakeScimTarget, RecordedRequest, startFakeScimTarget } from '../support/fake-scim-target';
import type { BulkSettings } from '../support/fake-scim-target';
import { registerTarget, USER_SCHEMAS, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const USERS = 1000;
const userName = (i: number) => `bulk${String(i).padStart(4, '0')}@example.com`;

/**
 * Outbound /Bulk: a target that advertises it gets the writes of a batch in `POST /Bulk` requests within its limits;
 * each operation is logged and recorded as its own request would be. The targets take duplicates, so a write sent
 * twice shows as a second account instead of a 409 that would hide it.
 */
describe('outbound /Bulk', () => {
  let t: TestApp;
  const fakes: FakeScimTarget[] = [];

  beforeAll(async () => {
    // Success entries keep the response here: each operation's own answer is what one test looks at.
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50', PROVISIONING_LOG_RESPONSES: 'all' } });
    await t
      .scim('post', '/Bulk')
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: Array.from({ length: USERS }, (_, i) => ({
          method: 'POST',
          path: '/Users',
          bulkId: `u${i}`,
          data: {
            schemas: USER_SCHEMAS,
            userName: userName(i),
            active: true,
            name: { givenName: `Given${i}`, familyName: 'Bulk' },
            title: 'Analyst',
          },
        })),
      })
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all(fakes.map((f) => f.close()));
  }, 30_000);

  const start = async (bulk?: BulkSettings) => {
    const fake = await startFakeScimTarget({ acceptDuplicates: true, bulk });
    fakes.push(fake);
    return fake;
  };
  /** Requests the engine may send as fast as the fake answers (plain targets sync in seconds, not at 25/s). */
  const register = (fake: FakeScimTarget, settings: Record<string, unknown> = {}) =>
    registerTarget(t, fake, { profile: 'rfc', requestsPerSecond: 10_000, concurrency: 16, ...settings });
  const bulkRequests = (fake: FakeScimTarget) =>
    fake.requests.filter((r) => r.method === 'POST' && r.path === '/Bulk');
  const plainPosts = (fake: FakeScimTarget) =>
    fake.requests.filter((r) => r.method === 'POST' && r.path === '/Users');
  const operationsIn = (r: RecordedRequest) => (r.body as { Operations: unknown[] }).Operations.length;
  const bytesOf = (r: RecordedRequest) => Buffer.byteLength(JSON.stringify(r.body));
  const status = async (id: string) =>
    (await t.admin('get', `/targets/${id}/status`).expect(200)).body as {
      pending: { objects: number };
      reconciliation: { requested: boolean };
      bulk: { setting: string; mode: string; reason: string; limits?: unknown };
    };
  /** Every directory user in the target, and nothing left pending. */
  const synced = async (id: string, fake: FakeScimTarget) => {
    await waitFor(`${USERS} users in the target`, () => fake.users().length >= USERS, 40_000);
    await waitFor(
      'nothing pending',
      async () => {
        const s = await status(id);
        return !s.reconciliation.requested && s.pending.objects === 0;
      },
      20_000,
    );
    // Each directory user exactly once: a create sent twice would be a second account.
    const names = fake.users().map((u) => u.userName as string);
    expect(names).toHaveLength(USERS);
    expect(new Set(names).size).toBe(USERS);
  };
  const logCounts = async (id: string) => {
    const rows = await t.dataSource.query<{ action: string; status: string; n: number | string }[]>(
      'SELECT action, status, COUNT(*) AS n FROM provisioning_log WHERE target_id = ? GROUP BY action, status',
      [id],
    );
    return Object.fromEntries(rows.map((r) => [`${r.action} ${r.status}`, Number(r.n)]));
  };
  /** The log's counts once they reach `expected` (entries are written a few at a time, up to 100 ms late). */
  const loggedAs = async (id: string, expected: Record<string, number>) => {
    let last: Record<string, number> = {};
    await waitFor('the log entries', async () => {
      last = await logCounts(id);
      return JSON.stringify(last) === JSON.stringify(expected);
    }).catch(() => undefined);
    expect(last).toEqual(expected);
  };
  const logsOf = async (targetId: string, objectId: string) =>
    (await t.admin('get', `/provisioning-logs?targetId=${targetId}&objectId=${objectId}`).expect(200))
      .body as {
      entries: {
        action: string;
        status: string;
        request: unknown;
        response: { status: number | null; excerpt: string | null };
      }[];
    };
  const directoryId = async (name: string) =>
    (
      (await t.scim('get', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`).expect(200))
        .body as {
        Resources: { id: string }[];
      }
    ).Resources[0].id;

  it('sends 1,000 joiners as ceil(1000 / maxOperations) /Bulk requests, each user once, each logged alone', async () => {
    const fake = await start({ maxOperations: 300, maxPayloadSize: 1_000_000 });
    const id = await register(fake, {});
    await synced(id, fake);

    expect(plainPosts(fake)).toEqual([]);
    expect(bulkRequests(fake).map((r) => [operationsIn(r), r.status])).toEqual([
      [300, 200],
      [300, 200],
      [300, 200],
      [100, 200],
    ]);
    expect(fake.operations).toHaveLength(USERS);
    expect(fake.operations.every((o) => o.method === 'POST' && o.status === 201)).toBe(true);

    // One log entry per operation, as its own request would have; the object's state holds the id of `location`.
    await loggedAs(id, { 'Create Success': USERS });
    const someone = await directoryId(userName(7));
    const [entry] = (await logsOf(id, someone)).entries;
    expect(entry).toMatchObject({ action: 'Create', status: 'Success', response: { status: 201 } });
    expect(JSON.parse(entry.response.excerpt!)).toMatchObject({
      status: '201',
      location: expect.any(String),
    });
    expect(entry.request).toMatchObject({
      method: 'POST',
      path: '/Users',
      body: { userName: userName(7) },
      bulk: { of: expect.any(Number), bulkId: expect.stringMatching(/^b\d+$/) },
    });
    const [state] = await t.dataSource.query<{ target_object_id: string }[]>(
      'SELECT target_object_id FROM provisioned_object WHERE target_id = ? AND object_id = ?',
      [id, someone],
    );
    expect(fake.users().find((u) => u.id === state.target_object_id)?.userName).toBe(userName(7));
    expect((await status(id)).bulk).toMatchObject({
      setting: 'auto',
      mode: 'bulk',
      limits: { maxOperations: 300, maxPayloadSize: 1_000_000 },
    });
  }, 60_000);

  it('keeps each request under maxPayloadSize, smaller requests when the size says so', async () => {
    const maxPayloadSize = 24_000;
    const fake = await start({ maxOperations: 1000, maxPayloadSize });
    const id = await register(fake, {});
    await synced(id, fake);

    const requests = bulkRequests(fake);
    expect(requests.every((r) => r.status === 200)).toBe(true);
    expect(Math.max(...requests.map(bytesOf))).toBeLessThanOrEqual(maxPayloadSize);
    // About 300 bytes an operation: the size, not the count, closes each request.
    expect(requests.length).toBeGreaterThanOrEqual(Math.ceil((USERS * 250) / maxPayloadSize));
    expect(requests.reduce((sum, r) => sum + operationsIn(r), 0)).toBe(USERS);
    expect(plainPosts(fake)).toEqual([]);
  }, 60_000);

  it('retries a failed operation alone, and sends none of the others again', async () => {
    const fake = await start({ maxOperations: 100, maxPayloadSize: 1_000_000 });
    const unlucky = userName(421);
    fake.failOperations(
      1,
      { status: 500, body: { detail: 'try again' } },
      { where: (data) => (data as { userName?: string }).userName === unlucky },
    );
    // `on`: a write alone in its batch goes through /Bulk too; only the retry goes as a plain request.
    const id = await register(fake, { bulk: 'on' });
    await synced(id, fake);

    // Every write the target saw, by user: each user's create went once, the unlucky one's twice (the failed
    // operation, then its retry as a plain request after a lookup: the failed create might have landed).
    const sent = new Map<string, string[]>();
    for (const o of fake.operations)
      sent.set((o.data as { userName: string }).userName, [
        ...(sent.get((o.data as { userName: string }).userName) ?? []),
        `bulk ${o.status}`,
      ]);
    for (const r of plainPosts(fake))
      sent.set((r.body as { userName: string }).userName, [
        ...(sent.get((r.body as { userName: string }).userName) ?? []),
        `plain ${r.status}`,
      ]);
    expect(sent.size).toBe(USERS);
    expect(sent.get(unlucky)).toEqual(['bulk 500', 'plain 201']);
    expect([...sent].filter(([name, writes]) => name !== unlucky && writes.length !== 1)).toEqual([]);
    const lookups = fake.requests.filter((r) => r.method === 'GET' && r.query.filter);
    expect(lookups.map((r) => r.query.filter)).toEqual([`userName eq "${unlucky}"`]);
    expect([...sent].filter(([, writes]) => writes[0] !== 'bulk 201').map(([name]) => name)).toEqual([
      unlucky,
    ]);
    expect(fake.operations).toHaveLength(USERS);
    expect(plainPosts(fake).map((r) => (r.body as { userName: string }).userName)).toEqual([unlucky]);
    const entries = (await logsOf(id, await directoryId(unlucky))).entries;
    expect(entries.map((e) => `${e.action} ${e.status} ${e.response.status}`).sort()).toEqual([
      'Create Failure 500',
      'Create Success 201',
    ]);
    await loggedAs(id, { 'Create Failure': 1, 'Create Success': USERS });
  }, 60_000);

  it('adopts the account when a bulk create meets 409 (another writer created it after the listing)', async () => {
    const fake = await start({ maxOperations: 250, maxPayloadSize: 1_000_000 });
    const contested = userName(3);
    let existing = '';
    fake.failOperations(
      1,
      { status: 409, body: { scimType: 'uniqueness', detail: 'userName is taken' } },
      {
        where: (data) => {
          if ((data as { userName?: string }).userName !== contested) return false;
          existing = fake.seed('Users', { schemas: USER_SCHEMAS, userName: contested, active: true })
            .id as string;
          return true;
        },
      },
    );
    const id = await register(fake, {});
    await synced(id, fake);

    const [state] = await t.dataSource.query<{ target_object_id: string }[]>(
      'SELECT target_object_id FROM provisioned_object WHERE target_id = ? AND object_id = ?',
      [id, await directoryId(contested)],
    );
    expect(state.target_object_id).toBe(existing);
    expect(plainPosts(fake)).toEqual([]);
  }, 60_000);

  it('adopts, not duplicates, when a /Bulk answer is lost after the target applied it', async () => {
    const fake = await start({ maxOperations: 200, maxPayloadSize: 1_000_000 });
    fake.loseAnswers(1, { method: 'POST', path: '/Bulk' });
    const id = await register(fake, {});
    await synced(id, fake);

    // The lost request's 200 operations were carried out; their retries looked each user up and created none.
    const created = fake.operations.filter((o) => o.status === 201).length + plainPosts(fake).length;
    expect(created).toBe(USERS);
    const lookups = fake.requests.filter((r) => r.method === 'GET' && r.path === '/Users' && r.query.filter);
    expect(lookups).toHaveLength(200);
  }, 60_000);

  it('retries every operation of a request that failed as a whole, losing none', async () => {
    const fake = await start({ maxOperations: 500, maxPayloadSize: 1_000_000 });
    fake.failNext(1, { status: 503, retryAfter: 1 }, { method: 'POST', path: '/Bulk' });
    const id = await register(fake, {});
    await synced(id, fake);

    const [failed, ...rest] = bulkRequests(fake);
    expect(failed.status).toBe(503);
    expect(rest.map((r) => r.status)).toEqual([200]);
    // The failed request's operations went again alone, each after a lookup.
    expect(plainPosts(fake)).toHaveLength(500);
    await loggedAs(id, { 'Create Failure': 500, 'Create Success': USERS });
  }, 60_000);

  it('sends plain requests when the target refuses /Bulk after all, and says why', async () => {
    const fake = await start({ maxOperations: 1000, maxPayloadSize: 1_000_000 });
    fake.failAlways({ status: 404, body: { detail: 'no such endpoint' } }, { method: 'POST', path: '/Bulk' });
    const id = await register(fake, {});
    await synced(id, fake);

    expect(bulkRequests(fake)).toHaveLength(1);
    expect(plainPosts(fake)).toHaveLength(USERS);
    expect((await status(id)).bulk).toMatchObject({
      mode: 'plain',
      reason: expect.stringMatching(/refused POST \/Bulk: 404/),
    });
  }, 60_000);

  it('sends plain requests with bulk "off", and to a target that does not advertise /Bulk', async () => {
    const off = await start({ maxOperations: 1000, maxPayloadSize: 1_000_000 });
    const offId = await register(off, { bulk: 'off' });
    const none = await start();
    const noneId = await register(none, {});
    await Promise.all([synced(offId, off), synced(noneId, none)]);

    for (const fake of [off, none]) {
      expect(bulkRequests(fake)).toEqual([]);
      expect(plainPosts(fake)).toHaveLength(USERS);
    }
    expect(off.requests.filter((r) => r.path === '/ServiceProviderConfig')).toEqual([]);
    expect((await t.admin('get', `/targets/${offId}`).expect(200)).body).toMatchObject({ bulk: 'off' });
    expect((await status(offId)).bulk).toMatchObject({ setting: 'off', mode: 'plain' });
    expect((await status(noneId)).bulk).toMatchObject({
      setting: 'auto',
      mode: 'plain',
      reason: expect.stringMatching(/does not advertise \/Bulk/),
    });
  }, 60_000);

  it('changes the setting with PATCH, refuses a bad one, and reads the target at Test connection', async () => {
    const fake = await start({ maxOperations: 10, maxPayloadSize: 5000 });
    const id = await register(fake, { enabled: false });
    const bad = await t.admin('patch', `/targets/${id}`).send({ bulk: 'sometimes' }).expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/bulk/);
    await t.admin('patch', `/targets/${id}`).send({ bulk: 'on' }).expect(200);
    expect((await t.admin('get', `/targets/${id}`).expect(200)).body).toMatchObject({ bulk: 'on' });
    const verdict = await t.admin('post', `/targets/${id}/test-connection`).expect(200);
    expect(verdict.body).toMatchObject({
      ok: true,
      bulk: {
        setting: 'on',
        mode: 'bulk',
        advertised: { supported: true, maxOperations: 10, maxPayloadSize: 5000 },
      },
    });
  }, 60_000);
});
