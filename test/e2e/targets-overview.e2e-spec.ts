import { randomUUID } from 'node:crypto';
import { DeliveryEngine } from '../../src/provisioning/engine/delivery-engine.service';
import { ScheduledProvisioningService } from '../../src/provisioning/jobs/scheduled-provisioning.service';
import { ProvisioningLogRepository } from '../../src/provisioning/logs/provisioning-log.repository';
import type { DeliveriesPerMinute, LogView } from '../../src/provisioning/logs/provisioning-logs.service';
import type { TargetStatus } from '../../src/provisioning/targets/target-status.service';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { statementsSent } from '../support/statements';
import { startTestApp, TestApp } from '../support/test-app';

const MINUTE = 60_000;
const TARGETS = 50;

/** Real time moved by `offset`, or held at `frozen`: the status's ages and the chart's minutes, made exact. */
const clock = {
  offset: 0,
  frozen: null as Date | null,
  now(): Date {
    return this.frozen ?? new Date(Date.now() + this.offset);
  },
};

/** Sets the clock to `at` from now on (time goes on from there). */
function setClock(at: number): void {
  clock.offset = at - Date.now();
}

/** Statements the app sends through TypeORM while `run` runs (the engine is off: nothing else sends any). */
async function statementsOf(t: TestApp, run: () => Promise<unknown>): Promise<string[]> {
  return (await statementsSent(t, run)).map((s) => s.sql);
}

/** The overview's two routes: every target's status at once, and deliveries and failures per minute. */
describe('targets overview: GET /admin/v1/targets/status and /targets/deliveries', () => {
  let t: TestApp;
  let good: FakeScimTarget;
  let broken: FakeScimTarget;
  let goodId = '';
  let brokenId = '';
  /** A minute's start, a whole hour before the real time, so that the buckets are known in advance. */
  const start = Math.floor((Date.now() - 60 * MINUTE) / MINUTE) * MINUTE;

  beforeAll(async () => {
    good = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    broken = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    broken.failAlways({ status: 400, body: { detail: 'rejected on purpose' } }, { method: 'POST' });
    setClock(start + 10_000);
    t = await startTestApp({ clock, env: { PROVISIONING_POLL_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    await good?.close();
    await broken?.close();
  });

  const logOf = async (targetId: string): Promise<LogView[]> =>
    (await t.admin('get', `/provisioning-logs?targetId=${targetId}&limit=1000`).expect(200)).body
      .entries as LogView[];

  it('counts each Success and Failure entry in its minute, per target', async () => {
    goodId = await registerTarget(t, good);
    brokenId = await registerTarget(t, broken);
    // Minute 0 of the test: two users; minute 5: one more.
    await createUser(t, 'ann@example.com');
    await createUser(t, 'bob@example.com');
    await waitFor('ann and bob in the good target', () => good.users().length === 2);
    await waitFor(
      'two failures in the broken target',
      async () => (await logOf(brokenId)).filter((e) => e.status === 'Failure').length >= 2,
    );
    setClock(start + 5 * MINUTE + 10_000);
    await createUser(t, 'cy@example.com');
    await waitFor('cy in the good target', () => good.users().length === 3);
    await waitFor(
      'three failures in the broken target',
      async () => (await logOf(brokenId)).filter((e) => e.status === 'Failure').length >= 3,
    );

    // The broken target is paused, so that nothing new reaches its log while it is compared.
    await t.admin('post', `/targets/${brokenId}/pause`).expect(200);
    // A pass begun before the pause may still claim for it: once the pass queued after them has run, none will. Then
    // nothing in flight for it, and its log the same in two reads one after the other.
    const engine = t.app.get(DeliveryEngine);
    await engine.tick();
    let newest: number | undefined = -1;
    await waitFor('the paused target idle, its log standing still', async () => {
      const now = (await logOf(brokenId))[0]?.id;
      const still = engine.inFlightFor(brokenId) === 0 && now === newest;
      newest = now;
      return still;
    });

    // Ten minutes after the start: a chart of 60 minutes begins 49 minutes before the start.
    setClock(start + 10 * MINUTE + 10_000);
    const chart = (await t.admin('get', '/targets/deliveries').expect(200)).body as DeliveriesPerMinute;
    expect(chart.minutes).toBe(60);
    expect(chart.from).toBe(new Date(start - 49 * MINUTE).toISOString());
    const series = (id: string) => chart.targets.find((s) => s.targetId === id)!;
    /** Each entry of the log in the bucket of its minute, as the route should count them. */
    const expected = async (id: string, status: string) => {
      const buckets = new Array<number>(60).fill(0);
      for (const e of await logOf(id))
        if (e.status === status)
          buckets[Math.floor((Date.parse(e.time) - Date.parse(chart.from)) / MINUTE)]++;
      return buckets;
    };
    const delivered = await expected(goodId, 'Success');
    expect(delivered[49]).toBe(2);
    expect(delivered[54]).toBe(1);
    expect(series(goodId).delivered).toEqual(delivered);
    expect(series(goodId).failed).toEqual(new Array(60).fill(0));
    expect(series(goodId).total).toEqual({ delivered: 3, failed: 0 });
    const failed = await expected(brokenId, 'Failure');
    expect(failed[49] + failed[54]).toBeGreaterThanOrEqual(3);
    expect(series(brokenId).failed).toEqual(failed);
    expect(series(brokenId).total.failed).toBe(failed.reduce((a, b) => a + b, 0));
    expect(series(brokenId).total.delivered).toBe(0);

    // Five minutes wide: only the minute of cy is in it (the last five minutes are 6 to 10 after the start).
    const recent = (await t.admin('get', '/targets/deliveries?minutes=6').expect(200))
      .body as DeliveriesPerMinute;
    expect(recent.targets.find((s) => s.targetId === goodId)!.delivered).toEqual([1, 0, 0, 0, 0, 0]);
  }, 30_000);

  it('refuses a number of minutes that is not 1 to 1440, naming it', async () => {
    for (const bad of ['0', '1441', 'abc', '2.5', '-3']) {
      const res = await t.admin('get', `/targets/deliveries?minutes=${bad}`).expect(400);
      expect(JSON.stringify(res.body)).toContain('minutes must be');
    }
    await t.admin('get', '/targets/deliveries?minutes=1440').expect(200);
    await t.admin('get', '/targets/deliveries?hours=1').expect(400);
  });

  it(`answers the status of ${TARGETS} targets at once, each as GET /targets/{id}/status does, in a fixed number of statements`, async () => {
    setClock(Date.now());
    const paused: string[] = [];
    const disabled: string[] = [];
    for (let i = 2; i < TARGETS; i++) {
      const id = await registerTarget(t, good, {
        name: `many-${String(i).padStart(2, '0')}`,
        scope: 'assigned',
        ...(i % 7 === 0 ? { enabled: false } : {}),
      });
      if (i % 7 === 0) disabled.push(id);
      else if (i % 5 === 0) {
        await t.admin('post', `/targets/${id}/pause`).expect(200);
        paused.push(id);
      }
    }
    const listed = (await t.admin('get', '/targets').expect(200)).body as { id: string; name: string }[];
    expect(listed).toHaveLength(TARGETS);
    // The new targets' initial cycles (nothing is assigned to them) done, the engine stops: the statuses
    // stand still while they are compared.
    await waitFor(
      'every target idle',
      async () =>
        ((await t.admin('get', '/targets/status').expect(200)).body as TargetStatus[]).every(
          (s) =>
            s.state !== 'active' ||
            (s.reconciliation.last !== null &&
              !s.reconciliation.requested &&
              s.pending.objects === 0 &&
              s.pending.journalRowsNotYetQueued === 0),
        ),
      20_000,
    );
    t = await t.restart({ PROVISIONING_ENABLED: 'false' });

    clock.frozen = new Date();
    try {
      const all = (await t.admin('get', '/targets/status').expect(200)).body as TargetStatus[];
      expect(all.map((s) => s.targetId)).toEqual(listed.map((l) => l.id));
      for (const one of listed) {
        const single = (await t.admin('get', `/targets/${one.id}/status`).expect(200)).body as TargetStatus;
        expect(all.find((s) => s.targetId === one.id)).toEqual(single);
      }
      const byId = new Map(all.map((s) => [s.targetId, s]));
      expect(paused.map((id) => byId.get(id)!.state)).toEqual(paused.map(() => 'paused'));
      expect(disabled.map((id) => byId.get(id)!.state)).toEqual(disabled.map(() => 'disabled'));
      expect(byId.get(goodId)!.totals.Create).toEqual({ Success: 3 });
      expect(byId.get(goodId)!.lastSuccess).toMatchObject({ action: 'Create', status: 'Success' });
      expect(byId.get(brokenId)!.lastRequest).toMatchObject({ status: 'Failure', responseStatus: 400 });
      expect(byId.get(brokenId)!.lastSuccess).toBeNull();
      // Nothing assigned to them: their initial cycles walked no user (no Skipped entry for each directory user).
      const fresh = all.filter(
        (s) => s.targetId !== goodId && s.targetId !== brokenId && s.state === 'active',
      );
      expect(fresh).toHaveLength(TARGETS - 2 - paused.length - disabled.length);
      for (const s of fresh) {
        expect(s.reconciliation.summary).toMatchObject({
          walk: 'assigned',
          queued: { users: 0, groups: 0, goneFromDirectory: 0 },
        });
        expect(s.totals).toEqual({});
      }
    } finally {
      clock.frozen = null;
    }

    // The engine is off: the statements are the route's own, as many for 50 targets as for 2 (the token check
    // included).
    await t.admin('get', '/targets/status').expect(200);
    const statements = await statementsOf(t, () => t.admin('get', '/targets/status').expect(200));
    expect(statements.length).toBeLessThanOrEqual(15);
    const single = await statementsOf(t, () => t.admin('get', `/targets/${goodId}/status`).expect(200));
    expect(statements.length).toBeLessThan(single.length * 2);
  }, 60_000);

  it('keeps the counts in the database: a restarted process shows the same chart', async () => {
    const chart = (await t.admin('get', '/targets/deliveries?minutes=1440').expect(200))
      .body as DeliveriesPerMinute;
    t = await t.restart({ PROVISIONING_ENABLED: 'false' });
    const again = (await t.admin('get', '/targets/deliveries?minutes=1440').expect(200))
      .body as DeliveriesPerMinute;
    expect(again).toEqual(chart);
    expect(again.targets.find((s) => s.targetId === goodId)!.total).toEqual({ delivered: 3, failed: 0 });
  });

  it("keeps each target's latest request and success beside the log, not read back through it", async () => {
    const status = async () =>
      (await t.admin('get', `/targets/${goodId}/status`).expect(200)).body as TargetStatus;
    const newest = (
      await t.admin('get', `/provisioning-logs?targetId=${goodId}&status=Success&limit=1`).expect(200)
    ).body as { entries: { objectId: string; time: string }[] };
    const before = await status();
    expect(before.lastSuccess).toMatchObject({
      objectId: newest.entries[0].objectId,
      at: newest.entries[0].time,
      action: 'Create',
    });
    expect(before.lastRequest).toMatchObject({ objectId: newest.entries[0].objectId });
    // With the entries gone (as the retention purges them), the status still says when it last sent and succeeded:
    // it reads two rows that the log's writes keep, whatever the log holds.
    await t.dataSource.query('DELETE FROM provisioning_log WHERE target_id = ?', [goodId]);
    const after = await status();
    expect(after.lastSuccess).toEqual(before.lastSuccess);
    expect(after.lastRequest).toEqual(before.lastRequest);
  });

  it("keeps the newest of a batch's entries as a target's latest, whatever their order, and never an older one", async () => {
    const logs = t.app.get(ProvisioningLogRepository);
    const [a, b] = [randomUUID(), randomUUID()];
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));
    const entry = (
      targetId: string,
      objectId: string,
      second: number,
      sent: boolean,
      status: 'Success' | 'Failure',
    ) => ({
      targetId,
      objectType: 'User' as const,
      objectId,
      targetObjectId: null,
      changeSeq: null,
      action: 'Update' as const,
      status,
      reason: null,
      detail: null,
      request: sent ? JSON.stringify({ method: 'PATCH', path: `/Users/${objectId}` }) : null,
      modifiedProperties: null,
      responseStatus: sent ? (status === 'Success' ? 200 : 400) : null,
      responseExcerpt: null,
      durationMs: 1,
      attempt: 1,
      requestId: null,
      createdAt: at(second),
    });
    // Out of order in the batch: for a, the newest request failed and the newest success is older; b sent nothing.
    await logs.append([
      entry(a, 'a-old', 1, true, 'Success'),
      entry(b, 'b-skipped', 5, false, 'Failure'),
      entry(a, 'a-newest-request', 3, true, 'Failure'),
      entry(a, 'a-newest-success', 2, true, 'Success'),
      entry(a, 'a-older-still', 0, true, 'Success'),
    ]);
    const latest = async (targetId: string) => ({
      request: (await logs.latest(targetId, 'request'))?.objectId ?? null,
      success: (await logs.latest(targetId, 'success'))?.objectId ?? null,
    });
    expect(await latest(a)).toEqual({ request: 'a-newest-request', success: 'a-newest-success' });
    expect(await latest(b)).toEqual({ request: null, success: null });
    // A later batch of older entries (another process's, appended late) leaves the newer rows as they are.
    await logs.append([entry(a, 'a-late-but-old', 1, true, 'Success')]);
    expect(await latest(a)).toEqual({ request: 'a-newest-request', success: 'a-newest-success' });
  });

  it('purges the per-minute counts after a day with the log retention job', async () => {
    const rows = async () =>
      Number(
        (
          await t.dataSource.query<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM provisioning_minute')
        )[0].n,
      );
    expect(await rows()).toBeGreaterThan(0);
    setClock(start + 23 * 60 * MINUTE);
    await t.app.get(ScheduledProvisioningService).purgeExpiredLogs();
    expect(await rows()).toBeGreaterThan(0);
    setClock(start + 25 * 60 * MINUTE);
    await t.app.get(ScheduledProvisioningService).purgeExpiredLogs();
    expect(await rows()).toBe(0);
  });
});
