import { Clock } from '../../src/common/clock';
import { fromDbDate } from '../../src/database/db-values';
import { JobLeaseRepository } from '../../src/database/job-lease.repository';
import { backfillEmploymentDates } from '../../src/database/migrations/backfill-employment-dates';
import type { MappingSet } from '../../src/mapping/mapping-set';
import { ScheduledProvisioningService } from '../../src/provisioning/jobs/scheduled-provisioning.service';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { byUserName, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const ENTRA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * The date job re-queues the users whose hire or leave date passed since its last run, found through the indexed
 * hire_at and leave_at columns. The target's title says "Hired" once the hire date has passed (an expression on
 * Now()), so a re-evaluation at the right time is visible in the target.
 */
describe('provisioning: date-driven re-evaluation', () => {
  let t: TestApp;
  let target: FakeScimTarget;
  let targetId: string;
  let now = Date.parse('2027-01-04T07:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const ids: Record<string, string> = {};

  const runDateJob = () => t.app.get(ScheduledProvisioningService).reevaluateDatedUsers();
  const titleOf = (name: string) => byUserName(target, `${name}@dates.test`)?.title;
  const pendingUsers = async () =>
    (
      await t.dataSource.query<{ object_id: string }[]>(
        'SELECT object_id FROM provisioned_object WHERE target_id = ? AND pending = 1 ORDER BY object_id',
        [targetId],
      )
    ).map((r) => r.object_id);
  const settled = () =>
    waitFor('nothing pending and no reconciliation requested', async () => {
      const { pending } = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body as {
        pending: { objects: number; journalRowsNotYetQueued: number };
      };
      const [runtime] = await t.dataSource.query<{ reconcile_requested: unknown }[]>(
        'SELECT reconcile_requested FROM target_runtime WHERE target_id = ?',
        [targetId],
      );
      return (
        pending.objects === 0 && pending.journalRowsNotYetQueued === 0 && !Number(runtime.reconcile_requested)
      );
    });
  const columns = async (name: string) => {
    const [row] = await t.dataSource.query<{ hire_at: unknown; leave_at: unknown }[]>(
      'SELECT hire_at, leave_at FROM directory_user WHERE id = ?',
      [ids[name]],
    );
    const iso = (v: unknown) => (v == null ? null : fromDbDate(v).toISOString());
    return { hireAt: iso(row.hire_at), leaveAt: iso(row.leave_at) };
  };

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    t = await startTestApp({ clock, env: { PROVISIONING_POLL_MS: '50' } });
    targetId = await registerTarget(t, target, { profile: 'rfc' });
    const set = (await t.admin('get', `/targets/${targetId}/mappings`).expect(200)).body as MappingSet;
    set.users.attributes = set.users.attributes.filter((a) => a.targetAttribute !== 'title');
    set.users.attributes.push({
      targetAttribute: 'title',
      type: 'Expression',
      source: 'IIF(DateDiff("s", CDate([employeeHireDate]), Now()) >= 0, "Hired", "Pre-hire")',
      apply: 'Always',
    });
    await t.admin('put', `/targets/${targetId}/mappings`).send(set).expect(200);
    for (const [name, dates] of Object.entries({
      ann: { employeeHireDate: '2027-01-04T08:00:00Z' },
      bob: { employeeHireDate: '2027-01-05T08:00:00Z' },
      cat: { employeeHireDate: '2027-02-01' },
      dan: { employeeHireDate: '2020-03-01T08:00:00Z', employeeLeaveDateTime: '2027-01-04T07:30:00Z' },
    })) {
      ids[name] = await createUser(t, `${name}@dates.test`, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTRA],
        [ENTRA]: dates,
      });
    }
    await waitFor('four users in the target', () => ['ann', 'bob', 'cat', 'dan'].every(titleOf));
    await settled();
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  it('keeps both dates as instants in the indexed columns', async () => {
    expect(await columns('ann')).toEqual({ hireAt: '2027-01-04T08:00:00.000Z', leaveAt: null });
    expect(await columns('cat')).toEqual({ hireAt: '2027-02-01T00:00:00.000Z', leaveAt: null });
    expect(await columns('dan')).toEqual({
      hireAt: '2020-03-01T08:00:00.000Z',
      leaveAt: '2027-01-04T07:30:00.000Z',
    });
    expect(titleOf('ann')).toBe('Pre-hire');
  });

  it('re-queues the users whose hire or leave date passed since the last run, and no one else', async () => {
    await t.admin('post', `/targets/${targetId}/pause`).expect(200);
    expect(await runDateJob()).toBe(0); // first run: the last hour, (06:00, 07:00]
    expect(await pendingUsers()).toEqual([]);

    now = Date.parse('2027-01-04T08:00:30Z');
    expect(await runDateJob()).toBe(2); // (07:00, 08:00:30]: ann's hire, dan's leave; not bob, not cat
    expect(await pendingUsers()).toEqual([ids.ann, ids.dan].sort());

    await t.admin('post', `/targets/${targetId}/resume`).expect(200);
    await waitFor('ann hired in the target', () => titleOf('ann') === 'Hired');
    await settled();
    expect(titleOf('bob')).toBe('Pre-hire');
    expect(titleOf('cat')).toBe('Pre-hire');
  });

  it('follows a PATCH of the hire date: moved into the window, the next run picks the user up', async () => {
    await t
      .scim('patch', `/Users/${ids.cat}`)
      .send({
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: `${ENTRA}:employeeHireDate`, value: '2027-01-04T08:01:00Z' }],
      })
      .expect(200);
    expect((await columns('cat')).hireAt).toBe('2027-01-04T08:01:00.000Z');
    await settled(); // the PATCH itself was evaluated at 08:00:30, before the new date
    expect(titleOf('cat')).toBe('Pre-hire');

    await t.admin('post', `/targets/${targetId}/pause`).expect(200);
    now = Date.parse('2027-01-04T08:01:30Z');
    expect(await runDateJob()).toBe(1);
    expect(await pendingUsers()).toEqual([ids.cat]);
    await t.admin('post', `/targets/${targetId}/resume`).expect(200);
    await waitFor('cat hired in the target', () => titleOf('cat') === 'Hired');
  });

  it('leaves out a removed date and a soft-deleted user', async () => {
    await t
      .scim('patch', `/Users/${ids.bob}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `${ENTRA}:employeeHireDate` }] })
      .expect(200);
    expect(await columns('bob')).toEqual({ hireAt: null, leaveAt: null });
    const eve = await createUser(t, 'eve@dates.test', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTRA],
      [ENTRA]: { employeeHireDate: '2027-01-04T08:05:00Z' },
    });
    await t.scim('delete', `/Users/${eve}`).expect(204);
    await settled();

    now = Date.parse('2027-01-05T09:00:00Z'); // (08:01:30, next day 09:00] holds eve's date and bob's former one
    expect(await runDateJob()).toBe(0);
  });

  it('leaves the window of a run killed half-way to the next run', async () => {
    ids.fay = await createUser(t, 'fay@dates.test', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTRA],
      [ENTRA]: { employeeHireDate: '2027-01-05T09:30:00Z' },
    });
    await settled();
    await t.admin('post', `/targets/${targetId}/pause`).expect(200);
    // A process takes the job's lease at 10:00 and dies before queueing anyone.
    now = Date.parse('2027-01-05T10:00:00Z');
    const lease = await t.app
      .get(JobLeaseRepository)
      .acquire('date-reevaluation', 'a-process-that-died', new Date(now), new Date(now + 50_000));
    expect(lease.acquired).toBe(true);
    // Once its lease has expired, the next run covers (09:00, 10:01], fay's hire date included.
    now = Date.parse('2027-01-05T10:01:00Z');
    expect(await runDateJob()).toBe(1);
    expect(await pendingUsers()).toEqual([ids.fay]);
    await t.admin('post', `/targets/${targetId}/resume`).expect(200);
    await settled();
  });

  it('backfills the columns from the stored documents (the migration that added them)', async () => {
    await t.dataSource.query('UPDATE directory_user SET hire_at = NULL, leave_at = NULL');
    const [dan] = await t.dataSource.query<{ doc: string }[]>('SELECT doc FROM directory_user WHERE id = ?', [
      ids.dan,
    ]);
    const doc = JSON.parse(dan.doc) as Record<string, Record<string, unknown>>;
    doc[ENTRA].employeeHireDate = 'not a date';
    await t.dataSource.query('UPDATE directory_user SET doc = ? WHERE id = ?', [
      JSON.stringify(doc),
      ids.dan,
    ]);
    const runner = t.dataSource.createQueryRunner();
    try {
      await backfillEmploymentDates(runner);
    } finally {
      await runner.release();
    }
    expect(await columns('cat')).toEqual({ hireAt: '2027-01-04T08:01:00.000Z', leaveAt: null });
    expect(await columns('dan')).toEqual({ hireAt: null, leaveAt: '2027-01-04T07:30:00.000Z' });
    expect(await columns('bob')).toEqual({ hireAt: null, leaveAt: null });
  });
});
