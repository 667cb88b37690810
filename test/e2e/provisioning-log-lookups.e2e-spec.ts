import type { LogView } from '../../src/provisioning/logs/provisioning-logs.service';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { registerTarget, USER_SCHEMAS, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

/** The log's change-id and request-id filters (list and download), and one entry by its id. */
describe('provisioning log: filters by change id and request id, an entry by its id', () => {
  let t: TestApp;
  let one: FakeScimTarget;
  let two: FakeScimTarget;
  let firstTarget = '';
  let secondTarget = '';

  beforeAll(async () => {
    one = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    two = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    firstTarget = await registerTarget(t, one);
    secondTarget = await registerTarget(t, two);
  });

  afterAll(async () => {
    await t?.close();
    await one?.close();
    await two?.close();
  });

  const list = async (query: string): Promise<LogView[]> =>
    (await t.admin('get', `/provisioning-logs?limit=1000&${query}`).expect(200)).body.entries as LogView[];

  /** A user created by a SCIM request with this X-Request-Id; resolves once both targets logged its Create. */
  async function createWithRequestId(userName: string, requestId: string): Promise<string> {
    const res = await t
      .scim('post', '/Users')
      .set('X-Request-Id', requestId)
      .send({ schemas: USER_SCHEMAS, userName, active: true, name: { givenName: 'A', familyName: 'B' } })
      .expect(201);
    const id = (res.body as { id: string }).id;
    await waitFor(
      `the Create of ${userName} in both targets`,
      async () => (await list(`objectId=${id}&action=Create`)).length === 2,
    );
    return id;
  }

  it('selects the entries of one request id and of one change id, alone or with other filters', async () => {
    const ann = await createWithRequestId('ann@example.com', 'req-ann.1');
    const bob = await createWithRequestId('bob@example.com', 'req-bob:2');

    const ofAnn = await list('requestId=req-ann.1');
    expect(ofAnn.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ofAnn.map((e) => e.requestId))).toEqual(new Set(['req-ann.1']));
    expect(new Set(ofAnn.map((e) => e.objectId))).toEqual(new Set([ann]));
    const ofBob = await list('requestId=req-bob:2');
    expect(new Set(ofBob.map((e) => e.objectId))).toEqual(new Set([bob]));
    const bobCreates = ofBob.filter((e) => e.action === 'Create').map((e) => e.targetId);
    expect(bobCreates.sort()).toEqual([firstTarget, secondTarget].sort());
    expect(await list('requestId=req-nobody')).toEqual([]);

    // The change id is the journal seq of the user's creation: each target logged its own entry for it.
    const change = ofAnn.find((e) => e.action === 'Create')!.changeSeq!;
    expect(change).toBeGreaterThan(0);
    const ofChange = await list(`changeSeq=${change}`);
    expect(ofChange.map((e) => e.changeSeq)).toEqual(ofChange.map(() => change));
    expect(new Set(ofChange.map((e) => e.targetId)).size).toBe(2);
    expect(ofChange.map((e) => e.id)).toEqual(ofAnn.filter((e) => e.changeSeq === change).map((e) => e.id));
    const bobChange = (await list(`objectId=${bob}&action=Create`))[0].changeSeq!;
    expect(bobChange).not.toBe(change);
    const ofBobChange = await list(`changeSeq=${bobChange}`);
    expect(new Set(ofBobChange.map((e) => e.objectId))).toEqual(new Set([bob]));
    expect(new Set(ofBobChange.map((e) => e.targetId))).toEqual(new Set([firstTarget, secondTarget]));

    // With the other filters: AND.
    const inFirst = await list(`changeSeq=${change}&targetId=${firstTarget}`);
    expect(inFirst.map((e) => e.targetId)).toEqual(inFirst.map(() => firstTarget));
    expect(inFirst.length).toBeGreaterThan(0);
    expect(await list(`changeSeq=${change}&requestId=req-bob:2`)).toEqual([]);
    expect((await list(`requestId=req-ann.1&action=Create&status=Success`)).length).toBe(2);

    // Newest first, paged by the cursor like any filter.
    const page = await t.admin('get', '/provisioning-logs?limit=1&requestId=req-ann.1').expect(200);
    expect(page.body.entries).toHaveLength(1);
    expect(page.body.entries[0].id).toBe(ofAnn[0].id);
  });

  it('the download honours both filters', async () => {
    const ofAnn = await list('requestId=req-ann.1');
    const json = await t
      .admin('get', '/provisioning-logs/export?format=json&requestId=req-ann.1')
      .expect(200);
    expect((JSON.parse(json.text) as { id: number }[]).map((r) => r.id)).toEqual(ofAnn.map((e) => e.id));
    const change = ofAnn[0].changeSeq!;
    const byChange = await t
      .admin('get', `/provisioning-logs/export?format=json&changeSeq=${change}`)
      .expect(200);
    const rows = JSON.parse(byChange.text) as { id: number; changeSeq: number }[];
    expect(rows.map((r) => r.id)).toEqual((await list(`changeSeq=${change}`)).map((e) => e.id));
    expect(new Set(rows.map((r) => r.changeSeq))).toEqual(new Set([change]));
    const csv = await t.admin('get', `/provisioning-logs/export?format=csv&requestId=req-bob:2`).expect(200);
    const lines = csv.text.trim().split('\r\n');
    const ofBob = await list('requestId=req-bob:2');
    // At least bob's Create in each target: a header and two lines.
    expect(ofBob.length).toBeGreaterThanOrEqual(2);
    expect(lines.length - 1).toBe(ofBob.length);
    expect(lines.slice(1).filter((l) => !l.includes('req-bob:2'))).toEqual([]);
  });

  it('refuses a change id or request id that cannot be one, naming it, in the list and the download', async () => {
    const cases: [string, string][] = [
      ['changeSeq=abc', 'changeSeq must be a change id'],
      ['changeSeq=0', 'changeSeq must be a change id'],
      ['changeSeq=-4', 'changeSeq must be a change id'],
      ['changeSeq=1.5', 'changeSeq must be a change id'],
      ['changeSeq=99999999999999999999', 'changeSeq must be a change id'],
      ['requestId=has%20a%20space', 'requestId must be a request id'],
      ['requestId=semi%3Bcolon', 'requestId must be a request id'],
      [`requestId=${'x'.repeat(65)}`, 'requestId must be a request id'],
      ['requestId=', 'requestId must be a request id'],
    ];
    for (const [query, message] of cases) {
      const res = await t.admin('get', `/provisioning-logs?${query}`).expect(400);
      expect([query, JSON.stringify(res.body)]).toEqual([query, expect.stringContaining(message)]);
      const download = await t.admin('get', `/provisioning-logs/export?format=csv&${query}`).expect(400);
      expect(JSON.stringify(download.body)).toContain(message);
    }
    await t.admin('get', `/provisioning-logs?requestId=${'x'.repeat(64)}`).expect(200);
  });

  it('answers one entry by its id, as the list shows it; 404 for an id it does not hold, 400 for one that is not', async () => {
    const [entry] = await list('requestId=req-ann.1&action=Create');
    const one = await t.admin('get', `/provisioning-logs/${entry.id}`).expect(200);
    expect(one.body).toEqual(entry);
    expect((one.body as LogView).modifiedProperties.length).toBeGreaterThan(0);

    const missing = await t.admin('get', '/provisioning-logs/987654321').expect(404);
    expect(JSON.stringify(missing.body)).toContain('Provisioning log entry 987654321 not found');
    for (const bad of ['abc', '0', '-1', '1.5', '1e3x']) {
      const res = await t.admin('get', `/provisioning-logs/${bad}`).expect(400);
      expect(JSON.stringify(res.body)).toContain('id must be a log entry id');
    }
    // `export` is still the download, not an entry.
    await t.admin('get', '/provisioning-logs/export?format=json&limit=1').expect(400);
  });
});
