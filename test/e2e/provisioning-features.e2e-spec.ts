import type { Clock } from '../../src/common/clock';
import type { MappingSet } from '../../src/mapping/mapping-set';
import { ScheduledProvisioningService } from '../../src/provisioning/jobs/scheduled-provisioning.service';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { byUserName, createUser, registerTarget, waitFor, writes } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A clock the test moves. */
class MovableClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

/** Features that had no test: PUT updates, Redact() end to end, the reconciliation schedule, the log purge. */
describe('provisioning features', () => {
  let t: TestApp;
  let target: FakeScimTarget;
  const clock = new MovableClock(Date.parse('2026-12-04T10:00:00Z'));

  beforeAll(async () => {
    target = await startFakeScimTarget();
    t = await startTestApp({ clock, env: { PROVISIONING_POLL_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  beforeEach(() => target.reset());

  const idle = (id: string) =>
    waitFor('the target idle', async () => {
      const s = (await t.admin('get', `/targets/${id}/status`).expect(200)).body;
      return s.pending.objects === 0 && !s.reconciliation.requested;
    });

  it('sends updateStyle PUT targets the whole user on a change', async () => {
    const id = await registerTarget(t, target, { name: 'put-style', updateStyle: 'PUT' });
    const user = await createUser(t, 'put@features.test', { title: 'Analyst' });
    await waitFor('created', () => byUserName(target, 'put@features.test'));
    const before = writes(target).length;
    await t
      .scim('patch', `/Users/${user}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Lead' }] })
      .expect(200);
    await waitFor('the new title', () => byUserName(target, 'put@features.test')?.title === 'Lead');
    const sent = writes(target).slice(before);
    expect(sent.map((r) => r.method)).toEqual(['PUT']);
    expect(sent[0].body).toMatchObject({ userName: 'put@features.test', title: 'Lead', active: true });
    await t.admin('delete', `/targets/${id}`).expect(204);
  });

  it('sends a Redact()ed value to the target and never shows it in the log', async () => {
    const id = await registerTarget(t, target, { name: 'redact' });
    const mapping = (await t.admin('get', `/targets/${id}/mappings`).expect(200)).body as MappingSet;
    mapping.users.attributes.push({
      targetAttribute: 'nickName',
      type: 'Expression',
      source: 'Redact(Append([userName], "-ultra-secret"))',
      apply: 'Always',
    });
    await t.admin('put', `/targets/${id}/mappings`).send(mapping).expect(200);
    const user = await createUser(t, 'redact@features.test');
    await waitFor('created', () => byUserName(target, 'redact@features.test'));
    expect(byUserName(target, 'redact@features.test')?.nickName).toBe('redact@features.test-ultra-secret');
    const log = await waitFor('the Create logged', async () => {
      const res = await t.admin('get', `/provisioning-logs?targetId=${id}&objectId=${user}`).expect(200);
      return res.body.entries.length > 0 ? res.body : undefined;
    });
    expect(JSON.stringify(log)).not.toContain('ultra-secret');
    expect(JSON.stringify(log)).toContain('[Redacted]');
    const onDemand = await t.admin('post', `/targets/${id}/provision`).send({ userId: user }).expect(200);
    expect(JSON.stringify(onDemand.body)).not.toContain('ultra-secret');
    await t.admin('delete', `/targets/${id}`).expect(204);
  });

  it('requests a full reconciliation when reconcileIntervalMinutes has passed, not before', async () => {
    const id = await registerTarget(t, target, { name: 'scheduled', reconcileIntervalMinutes: 10 });
    await idle(id);
    const jobs = t.app.get(ScheduledProvisioningService);
    const last = () =>
      t
        .admin('get', `/targets/${id}/status`)
        .expect(200)
        .then((r) => r.body.reconciliation.last);
    const first = await last();
    clock.advance(9 * 60_000);
    expect(await jobs.requestDueReconciliations()).toBe(0);
    clock.advance(61_000 + 50_000); // past the interval, and past the job's own 50 s lease
    expect(await jobs.requestDueReconciliations()).toBeGreaterThanOrEqual(1);
    await idle(id);
    expect(await last()).not.toBe(first);
    await t.admin('delete', `/targets/${id}`).expect(204);
  });

  it('purges provisioning log entries older than the retention, and keeps the totals to date', async () => {
    const id = await registerTarget(t, target, { name: 'purge' });
    const old = await createUser(t, 'old@features.test');
    await waitFor('the old entry', async () => {
      const res = await t.admin('get', `/provisioning-logs?targetId=${id}&objectId=${old}`).expect(200);
      return res.body.entries.length > 0;
    });
    clock.advance(31 * 24 * 60 * 60_000);
    const recent = await createUser(t, 'recent@features.test');
    await waitFor('the recent entry', async () => {
      const res = await t.admin('get', `/provisioning-logs?targetId=${id}&objectId=${recent}`).expect(200);
      return res.body.entries.length > 0;
    });
    const logs = async (objectId: string): Promise<{ time: string }[]> =>
      (await t.admin('get', `/provisioning-logs?targetId=${id}&objectId=${objectId}`).expect(200)).body
        .entries;
    const cutoff = clock.now().getTime() - 30 * 24 * 60 * 60_000;
    const olderThanRetention = (entries: { time: string }[]) =>
      entries.filter((e) => Date.parse(e.time) < cutoff);
    const totals = (await t.admin('get', `/targets/${id}/status`).expect(200)).body.totals;
    expect(olderThanRetention(await logs(old)).length).toBeGreaterThan(0);
    expect(await t.app.get(ScheduledProvisioningService).purgeExpiredLogs()).toBeGreaterThan(0);
    expect(olderThanRetention(await logs(old))).toEqual([]);
    expect((await logs(recent)).length).toBeGreaterThan(0);
    expect((await t.admin('get', `/targets/${id}/status`).expect(200)).body.totals).toEqual(totals);
    await t.admin('delete', `/targets/${id}`).expect(204);
  });
});
