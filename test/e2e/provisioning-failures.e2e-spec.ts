import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { byUserName, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

interface LogEntry {
  action: string;
  status: string;
  reason: string | null;
  time: string;
  response: { status: number | null };
}

/** Transient failures are retried with backoff (Retry-After honoured); a failing target goes into quarantine and out. */
describe('provisioning: failures, retries and quarantine', () => {
  let t: TestApp;
  let target: FakeScimTarget;
  let targetId: string;

  const logsOf = async (objectId: string): Promise<LogEntry[]> =>
    (await t.admin('get', `/provisioning-logs?targetId=${targetId}&objectId=${objectId}`).expect(200)).body
      .entries as LogEntry[];

  beforeAll(async () => {
    // The target takes duplicates: a second create would be a second user, not a 409 that hides it.
    target = await startFakeScimTarget({ acceptDuplicates: true });
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    targetId = await registerTarget(t, target, { profile: 'rfc', timeoutMs: 400, requestsPerSecond: 1000 });
  });

  afterEach(() => target.clearFaults());

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  it('retries a 500 and delivers once the target recovers, logging the failure then the success', async () => {
    target.failNext(2, { status: 500, body: { detail: 'boom' } }, { path: '/Users', method: 'POST' });
    const id = await createUser(t, 'five@example.com');
    await waitFor('user delivered', () => byUserName(target, 'five@example.com'), 15_000);
    const entries = await waitFor('log of the success', async () => {
      const e = await logsOf(id);
      return e.some((x) => x.status === 'Success') ? e : undefined;
    });
    const failures = entries.filter((e) => e.status === 'Failure');
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({
      action: 'Create',
      reason: 'transient_failure',
      response: { status: 500 },
    });
    // Every POST the target saw for this user, whatever it answered: the two failures and one create.
    const posts = target.requests.filter(
      (r) => r.method === 'POST' && (r.body as { userName?: string }).userName === 'five@example.com',
    );
    expect(posts.map((r) => r.status)).toEqual([500, 500, 201]);
    expect(target.users().filter((u) => u.userName === 'five@example.com')).toHaveLength(1);
  });

  it('waits as long as Retry-After says after a 429', async () => {
    target.failNext(1, { status: 429, retryAfter: 1 }, { path: '/Users', method: 'POST' });
    await createUser(t, 'paced@example.com');
    await waitFor('user delivered', () => byUserName(target, 'paced@example.com'), 15_000);
    const posts = target.requests.filter(
      (r) => r.method === 'POST' && (r.body as { userName?: string }).userName === 'paced@example.com',
    );
    expect(posts).toHaveLength(2);
    expect(posts[1].time.getTime() - posts[0].time.getTime()).toBeGreaterThanOrEqual(950);
  });

  it('retries a timeout and a dropped connection', async () => {
    target.slow(1000, { path: '/Users', method: 'POST' });
    const slowId = await createUser(t, 'slow@example.com');
    await waitFor('a timeout logged', async () => (await logsOf(slowId)).some((e) => e.status === 'Failure'));
    target.slow(0);
    target.dropConnections(1, { path: '/Users', method: 'GET' });
    await createUser(t, 'dropped@example.com');
    await waitFor(
      'both delivered',
      () => byUserName(target, 'slow@example.com') && byUserName(target, 'dropped@example.com'),
      15_000,
    );
    // The timed-out POST may have reached the target: the lookup before the next create adopts it, never duplicates.
    expect(target.users().filter((u) => u.userName === 'slow@example.com')).toHaveLength(1);
  });

  /**
   * A create that reached the target but whose answer was lost (or whose process was killed before recording it)
   * leaves the gateway without the account's id. If the user leaves before the retry, the leaver must still reach
   * the account: a lookup finds it, instead of a skip for "never provisioned" that would leave it active for good.
   */
  describe('a leaver whose create may have landed unrecorded', () => {
    const deactivate = (id: string) =>
      t
        .scim('patch', `/Users/${id}`)
        .send({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        })
        .expect(200);
    const postSeen = (userName: string) =>
      target.requests.some(
        (r) => r.method === 'POST' && (r.body as { userName?: string }).userName === userName,
      );

    it('finds the account the lost answer created and disables it', async () => {
      target.slow(300, { path: '/Users', method: 'POST' });
      target.loseAnswers(1, { path: '/Users', method: 'POST' });
      const id = await createUser(t, 'unanswered@example.com');
      await waitFor('the create on its way', () => postSeen('unanswered@example.com'));
      await deactivate(id);
      await waitFor(
        'the account disabled',
        () => byUserName(target, 'unanswered@example.com')?.active === false,
        15_000,
      );
      const entries = await logsOf(id);
      expect(entries.find((e) => e.action === 'Disable')).toMatchObject({
        status: 'Success',
        reason: 'disabled',
      });
      expect(target.users().filter((u) => u.userName === 'unanswered@example.com')).toHaveLength(1);
    });

    it('skips, after the lookup, a leaver whose failed create did not land', async () => {
      target.slow(300, { path: '/Users', method: 'POST' });
      target.failNext(1, { status: 502 }, { path: '/Users', method: 'POST' });
      const id = await createUser(t, 'bounced@example.com');
      await waitFor('the create on its way', () => postSeen('bounced@example.com'));
      await deactivate(id);
      const entries = await waitFor('the skip', async () => {
        const e = await logsOf(id);
        return e.some((x) => x.status === 'Skipped') ? e : undefined;
      });
      expect(entries.find((e) => e.status === 'Skipped')).toMatchObject({ reason: 'not_active' });
      const lookups = target.requests.filter(
        (r) => r.method === 'GET' && (r.query.filter ?? '').includes('bounced@example.com'),
      );
      expect(lookups.length).toBeGreaterThanOrEqual(2);
      expect(byUserName(target, 'bounced@example.com')).toBeUndefined();
    });
  });

  it('records a 400 as a failure without retrying it in a loop', async () => {
    target.failNext(
      1,
      { status: 400, body: { scimType: 'invalidValue', detail: 'bad title' } },
      { path: '/Users', method: 'POST' },
    );
    const id = await createUser(t, 'rejected@example.com');
    const entries = await waitFor('the rejection logged', async () => {
      const e = await logsOf(id);
      return e.some((x) => x.status === 'Failure') ? e : undefined;
    });
    expect(entries[0]).toMatchObject({ action: 'Create', status: 'Failure', reason: 'target_rejected' });
    // Its attempt over (the lease released), the object waits for nothing: not pending, no retry scheduled.
    const row = await waitFor('the attempt written back', async () => {
      const [r] = await t.dataSource.query<
        {
          pending: number | boolean;
          next_attempt_at: unknown;
          last_result: string | null;
          lease_owner: unknown;
        }[]
      >(
        "SELECT pending, next_attempt_at, last_result, lease_owner FROM provisioned_object WHERE target_id = ? AND object_type = 'User' AND object_id = ?",
        [targetId, id],
      );
      return r && r.lease_owner === null ? r : undefined;
    });
    expect({ ...row, pending: Number(row.pending) }).toEqual({
      pending: 0,
      next_attempt_at: null,
      last_result: 'failure',
      lease_owner: null,
    });
    const posts = target.requests.filter(
      (r) => r.method === 'POST' && (r.body as { userName?: string }).userName === 'rejected@example.com',
    );
    expect(posts.map((r) => r.status)).toEqual([400]);
    expect(byUserName(target, 'rejected@example.com')).toBeUndefined();
    // The next change to the user sends it again.
    await t
      .scim('patch', `/Users/${id}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'x' }],
      })
      .expect(200);
    await waitFor('delivered on the next change', () => byUserName(target, 'rejected@example.com'));
  });

  it('quarantines a target that keeps failing, says why, and leaves quarantine on /retry', async () => {
    target.failAlways({ status: 503, body: { detail: 'down for maintenance' } });
    for (let i = 0; i < 12; i++) await createUser(t, `q${i}@example.com`);
    const status = await waitFor(
      'quarantine',
      async () => {
        const res = await t.admin('get', `/targets/${targetId}/status`).expect(200);
        return res.body.state === 'quarantined' ? res.body : undefined;
      },
      20_000,
    );
    expect(status.reason).toMatch(/503 Service Unavailable/);
    expect(status.pending.objects).toBeGreaterThan(0);
    const metrics = await t.http
      .get('/metrics')
      .set('Authorization', `Bearer ${'test-admin-token-0123456789abcdef'}`)
      .expect(200);
    expect(metrics.text).toMatch(/scim_gateway_provisioning_quarantined\{target="[^"]+"\} 1/);

    target.clearFaults();
    const retry = await t.admin('post', `/targets/${targetId}/retry`).expect(200);
    expect(retry.body.released).toBe(true);
    await waitFor(
      'all delivered',
      () =>
        target.users().filter((u) => (typeof u.userName === 'string' ? u.userName : '').startsWith('q'))
          .length === 12,
      20_000,
    );
    const after = await t.admin('get', `/targets/${targetId}/status`).expect(200);
    expect(after.body.state).toBe('active');
  });
});
