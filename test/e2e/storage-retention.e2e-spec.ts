import { Clock } from '../../src/common/clock';
import { fromDbDate, toDbDateText } from '../../src/database/db-values';
import { JobLeaseRepository } from '../../src/database/job-lease.repository';
import { ImportRetentionService } from '../../src/directory/bulk-upload/import-retention.service';
import { JournalRetentionService } from '../../src/provisioning/jobs/journal-retention.service';
import { ScheduledProvisioningService } from '../../src/provisioning/jobs/scheduled-provisioning.service';
import type { TargetStatus } from '../../src/provisioning/targets/target-status.service';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { byUserName, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Bounded storage: the change journal is pruned behind the slowest target's cursor once rows pass
 * JOURNAL_RETENTION_DAYS, finished imports are purged after IMPORT_RETENTION_DAYS, provisioning log entries after
 * PROVISIONING_LOG_RETENTION_DAYS. Time moves through the app's clock; the jobs are called as their cron would.
 */
describe('bounded storage: journal pruning, import and provisioning-log purges', () => {
  let t: TestApp;
  let active: FakeScimTarget;
  let holder: FakeScimTarget;
  let activeId: string;
  let holderId: string;
  const start = Date.parse('2027-03-01T09:00:00Z');
  let now = start;
  const clock: Clock = { now: () => new Date(now) };
  const ids: Record<string, string> = {};

  /** A run of the hourly job: an hour after the last one, whose lease (50 minutes) has expired by then. */
  const prune = () => {
    now += HOUR;
    return t.app.get(JournalRetentionService).pruneConsumed();
  };
  const status = async (id: string) =>
    (await t.admin('get', `/targets/${id}/status`).expect(200)).body as TargetStatus;
  /** The objects whose rows are still in the journal, oldest first, by the name of the user they belong to. */
  const journalUsers = async () => {
    const rows = await t.dataSource.query<{ object_id: string }[]>(
      'SELECT object_id FROM directory_change ORDER BY seq',
    );
    const names = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    return rows.map((r) => names.get(r.object_id) ?? r.object_id);
  };
  const seqOf = async (name: string) => {
    const [row] = await t.dataSource.query<{ seq: number | string; changed_at: unknown }[]>(
      'SELECT seq, changed_at FROM directory_change WHERE object_id = ? ORDER BY seq LIMIT 1',
      [ids[name]],
    );
    return { seq: Number(row.seq), changedAt: fromDbDate(row.changed_at).toISOString() };
  };
  const caughtUp = (id: string) =>
    waitFor(`target ${id} caught up with the journal, nothing pending`, async () => {
      const s = await status(id);
      return s.journal.cursor === s.journal.head && s.pending.objects === 0 && !s.reconciliation.requested;
    });
  const user = async (name: string) => {
    ids[name] = await createUser(t, `${name}@retention.test`);
  };

  beforeAll(async () => {
    active = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    holder = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    t = await startTestApp({
      clock,
      env: {
        PROVISIONING_POLL_MS: '50',
        JOURNAL_RETENTION_DAYS: '7',
        IMPORT_RETENTION_DAYS: '30',
        PROVISIONING_LOG_RETENTION_DAYS: '30',
      },
    });
    await user('early1');
    await user('early2');
    activeId = await registerTarget(t, active);
    holderId = await registerTarget(t, holder);
    await caughtUp(activeId);
    await caughtUp(holderId);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await active?.close();
    await holder?.close();
  });

  it('keeps every row a disabled target has not consumed, however old, and prunes the rest past the retention', async () => {
    await t.admin('patch', `/targets/${holderId}`).send({ enabled: false }).expect(200);
    await user('u1');
    await user('u2');
    await caughtUp(activeId);
    const needed = await seqOf('u1');

    // Within the retention: the status names the oldest row the disabled target needs, without a warning.
    let held = await status(holderId);
    expect(held.journal.oldestNeeded).toEqual(needed);
    expect(held.journal.warning).toBeNull();
    expect(held.journal.retentionDays).toBe(7);
    expect((await status(activeId)).journal.oldestNeeded).toBeNull();

    now += 8 * DAY;
    await user('u3');
    await user('u4');
    await caughtUp(activeId);
    expect(await prune()).toBe(2);
    // early1 and early2: consumed by both, 8 days old. u1 and u2: as old, but the disabled target needs them.
    // u3 and u4: consumed by the active target, but younger than the retention.
    expect(await journalUsers()).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(byUserName(holder, 'u1@retention.test')).toBeUndefined();

    held = await status(holderId);
    expect(held.state).toBe('disabled');
    expect(held.journal.oldestNeeded).toEqual(needed);
    expect(held.journal.warning).toContain(`since ${needed.changedAt} (row ${needed.seq})`);
    expect(held.journal.warning).toContain('JOURNAL_RETENTION_DAYS=7');
    expect(held.journal.warning).toContain('enable the target');
    expect((await status(activeId)).journal.warning).toBeNull();

    // Enabled again, it catches up from its cursor; then nothing holds u1 and u2 any more.
    await t.admin('patch', `/targets/${holderId}`).send({ enabled: true }).expect(200);
    await caughtUp(holderId);
    for (const name of ['u1', 'u2', 'u3', 'u4'])
      expect(byUserName(holder, `${name}@retention.test`)).toBeDefined();
    expect(await prune()).toBe(2);
    expect(await journalUsers()).toEqual(['u3', 'u4']);
    held = await status(holderId);
    expect(held.journal).toMatchObject({ oldestNeeded: null, warning: null });
  }, 30_000);

  it('never prunes the newest row, where a new target starts', async () => {
    now += 8 * DAY;
    expect(await prune()).toBe(1);
    expect(await journalUsers()).toEqual(['u4']);
    const third = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    try {
      const thirdId = await registerTarget(t, third);
      const { journal } = await status(thirdId);
      expect(journal.cursor).toBe((await seqOf('u4')).seq);
      await user('u5');
      await caughtUp(thirdId);
      expect(byUserName(third, 'u5@retention.test')).toBeDefined();
      await t.admin('delete', `/targets/${thirdId}`).expect(204);
    } finally {
      await third.close();
    }
  }, 30_000);

  it('loses no change of a paused target: it queues them while paused and sends them on resume', async () => {
    await caughtUp(activeId);
    await caughtUp(holderId);
    await t.admin('post', `/targets/${holderId}/pause`).expect(200);
    await t
      .scim('patch', `/Users/${ids.u1}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Paused change' }] })
      .expect(200);
    await waitFor('the active target has the change', () => byUserName(active, 'u1@retention.test')?.title);
    await waitFor('the paused target queued the change', async () => {
      const s = await status(holderId);
      return s.journal.cursor === s.journal.head && s.pending.objects === 1;
    });

    now += 8 * DAY;
    await user('u6');
    await caughtUp(activeId);
    expect(await prune()).toBeGreaterThanOrEqual(1);
    expect(await journalUsers()).not.toContain('u1');
    expect(byUserName(holder, 'u1@retention.test')?.title).toBeUndefined();

    await t.admin('post', `/targets/${holderId}/resume`).expect(200);
    await waitFor('the resumed target has the change', () => byUserName(holder, 'u1@retention.test')?.title);
    expect(byUserName(holder, 'u1@retention.test')?.title).toBe('Paused change');
  }, 30_000);

  it('prunes in one process at a time: while another holds the lease, nothing is pruned', async () => {
    await caughtUp(holderId);
    now += 8 * DAY;
    await user('u7');
    await caughtUp(activeId);
    await caughtUp(holderId);
    const before = await journalUsers();
    const other = await t.app
      .get(JobLeaseRepository)
      .acquire('journal-retention', 'other-gateway:1', new Date(now), new Date(now + HOUR));
    expect(other.acquired).toBe(true);
    now += HOUR / 2;
    expect(await t.app.get(JournalRetentionService).pruneConsumed()).toBe(0);
    expect(await journalUsers()).toEqual(before);
    expect(await prune()).toBeGreaterThan(0);
    expect(await journalUsers()).toEqual(['u7']);
  }, 30_000);

  it('purges imports finished longer ago than IMPORT_RETENTION_DAYS with their records, never an unfinished one', async () => {
    const upload = async (externalId: string) => {
      const res = await t
        .scim('post', '/bulkUpload?sync=true')
        .send({
          schemas: [BULK],
          Operations: [
            {
              method: 'POST',
              bulkId: externalId,
              path: '/Users',
              data: { schemas: [USER], externalId, userName: `${externalId}@imports.test` },
            },
          ],
        })
        .expect(200);
      return (res.body as { id: string }).id;
    };
    const oldJob = await upload('imp-old');
    now += 20 * DAY;
    const recentJob = await upload('imp-recent');
    // A job another process is running: no finish time, a live lease.
    const runningJob = '00000000-0000-4000-8000-00000000a001';
    await t.dataSource.query(
      'INSERT INTO import_job (id, status, record_count, match_attribute, unknown_attributes, lease_owner, lease_until, created_at, started_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)',
      [
        runningJob,
        'running',
        'externalId',
        'reject',
        'other-gateway:1',
        toDbDateText(new Date(now + 3650 * DAY)),
        toDbDateText(new Date(start)),
        toDbDateText(new Date(start)),
      ],
    );
    const jobs = async () =>
      (await t.dataSource.query<{ id: string }[]>('SELECT id FROM import_job ORDER BY id')).map((r) => r.id);
    const records = async (jobId: string) =>
      (await t.dataSource.query<unknown[]>('SELECT seq FROM import_record WHERE job_id = ?', [jobId])).length;
    const purge = () => t.app.get(ImportRetentionService).purgeFinished();

    now += 5 * DAY; // the old job finished 25 days ago
    expect(await purge()).toBe(0);
    expect(await jobs()).toEqual([oldJob, recentJob, runningJob].sort());

    now += 6 * DAY + HOUR; // 31 days
    expect(await purge()).toBe(1);
    expect(await jobs()).toEqual([recentJob, runningJob].sort());
    expect(await records(oldJob)).toBe(0);
    expect(await records(recentJob)).toBe(1);
    await t.admin('get', `/imports/${oldJob}`).expect(404);
    // What the import wrote stays in the directory.
    const res = await t.scim('get', '/Users').query({ filter: 'externalId eq "imp-old"' }).expect(200);
    expect(res.body.totalResults).toBe(1);

    now += 365 * DAY;
    const other = await t.app
      .get(JobLeaseRepository)
      .acquire('import-retention', 'other-gateway:1', new Date(now), new Date(now + HOUR));
    expect(other.acquired).toBe(true);
    expect(await purge()).toBe(0);
    now += 2 * HOUR;
    expect(await purge()).toBe(1);
    expect(await jobs()).toEqual([runningJob]);
  }, 30_000);

  it('purges provisioning log entries older than PROVISIONING_LOG_RETENTION_DAYS, one process at a time', async () => {
    const logged = async () =>
      (await t.dataSource.query<{ created_at: unknown }[]>('SELECT created_at FROM provisioning_log')).map(
        (r) => fromDbDate(r.created_at).getTime(),
      );
    const purge = () => t.app.get(ScheduledProvisioningService).purgeExpiredLogs();
    const written = now;
    await user('log-new');
    await waitFor(
      'log entries of log-new in both targets',
      async () => (await logged()).filter((at) => at === written).length >= 2,
    );
    const stamps = await logged();
    /** How many of the entries seen are older than the retention when the clock reads `at`. */
    const expired = (at: number) => stamps.filter((stamp) => stamp < at - 30 * DAY).length;
    const kept = async (at: number) => {
      const left = await logged();
      expect(left.sort()).toEqual(stamps.filter((stamp) => stamp >= at - 30 * DAY).sort());
    };
    expect(expired(now)).toBeGreaterThan(0); // the entries of the earlier tests, months ago on this clock

    const other = await t.app
      .get(JobLeaseRepository)
      .acquire('provisioning-log-retention', 'other-gateway:1', new Date(now), new Date(now + HOUR));
    expect(other.acquired).toBe(true);
    expect(await purge()).toBe(0);
    expect(await logged()).toHaveLength(stamps.length);

    now += 2 * HOUR;
    expect(await purge()).toBe(expired(now));
    await kept(now);
    expect(await logged()).toContain(written);

    now += 29 * DAY; // the newest entries are 29 days and 2 hours old
    const before = expired(now - 29 * DAY);
    expect(await purge()).toBe(expired(now) - before);
    expect(await logged()).toContain(written);
    now += DAY;
    expect(await purge()).toBe(expired(now) - expired(now - DAY));
    expect(await logged()).toEqual([]);
  }, 30_000);
});
