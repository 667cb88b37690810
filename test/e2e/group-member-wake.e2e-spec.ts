import { ObjectDelivery } from '../../src/provisioning/attempt/object-delivery.service';
import { WorkQueueRepository } from '../../src/provisioning/queue/work-queue.repository';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { createGroup, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const MEMBERS = 3;

/**
 * A gateway and a fake target (one that takes duplicates) of the describe's own, so that no case sees another's
 * target, groups or slowed answers; `setUp` fills the directory before the target exists.
 */
function ownGatewayAndTarget(setUp?: (t: TestApp) => Promise<void>): { t: TestApp; fake: FakeScimTarget } {
  const env = {} as { t: TestApp; fake: FakeScimTarget };
  beforeAll(async () => {
    env.t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    await setUp?.(env.t);
    env.fake = await startFakeScimTarget({ acceptDuplicates: true });
  }, 60_000);
  afterAll(async () => {
    await env.t?.close();
    await env.fake?.close();
  }, 30_000);
  return env;
}

/**
 * A group sent before its members: the target gets it without them ("not in the target yet; added once they are"),
 * and each member's completion queues the group again in the same transaction. So nothing is lost when the process
 * dies between the members' completions and the wake the engine runs once their batch is done.
 */
describe('a group sent before its members', () => {
  const env = ownGatewayAndTarget(async (t) => {
    const ids: string[] = [];
    for (let i = 0; i < MEMBERS; i++) ids.push(await createUser(t, `wake${i}@example.com`));
    await createGroup(t, 'Wake team', ids);
  });

  const status = async (id: string) =>
    (await env.t.admin('get', `/targets/${id}/status`).expect(200)).body as { pending: { objects: number } };

  it('is completed by its members even when the wake after their batch never runs (a process killed there)', async () => {
    // Slow creates of users, fast groups: the group's create goes while its members' are still on their way.
    env.fake.slow(800, { method: 'POST', path: '/Users' });
    // The batch's wake is where a process killed after the members' completions would stop: it never runs here.
    const delivery = env.t.app.get(ObjectDelivery);
    const wake = jest.spyOn(delivery, 'wakeDependents').mockResolvedValue(undefined);
    try {
      const id = await registerTarget(env.t, env.fake, {
        profile: 'rfc',
        concurrency: 8,
        requestsPerSecond: 10_000,
        enabled: false,
      });
      // The initial sync queued whole before anything is claimed, so the group and its members are one batch.
      await env.t.admin('post', `/targets/${id}/pause`).expect(200);
      await env.t.admin('patch', `/targets/${id}`).send({ enabled: true }).expect(200);
      await waitFor(
        'the initial sync queued',
        async () => (await status(id)).pending.objects === MEMBERS + 1,
      );
      await env.t.admin('post', `/targets/${id}/resume`).expect(200);

      await waitFor(
        'the group with all its members',
        () => ((env.fake.groups()[0]?.members as unknown[] | undefined)?.length ?? 0) === MEMBERS,
        20_000,
      );
      await waitFor('nothing pending', async () => (await status(id)).pending.objects === 0);
      expect(wake).toHaveBeenCalled();
    } finally {
      wake.mockRestore();
      env.fake.slow(0);
    }

    // The case under test happened: the group was created without its members, and added them by a PATCH.
    const groupWrites = env.fake.requests.filter((r) => r.path.startsWith('/Groups') && r.method !== 'GET');
    expect(groupWrites.map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect((groupWrites[0].body as { members?: unknown[] }).members ?? []).toHaveLength(0);
    // Nothing created twice, counted from every create the target saw (it takes duplicates).
    expect(env.fake.requests.filter((r) => r.method === 'POST' && r.path === '/Users')).toHaveLength(MEMBERS);
    expect(env.fake.users()).toHaveLength(MEMBERS);
    expect(env.fake.groups()).toHaveLength(1);
  }, 60_000);
});

/**
 * A membership added while the member's create is in flight: the member's batch read its groups before, so its
 * completion does not queue the group, and the group, sent meanwhile without it, waits for it (`waiting_for`). If the
 * process dies before the wake after the member's batch, the sweep of stranded objects after the restart sends the
 * group again.
 */
describe('a membership added while the member is being created', () => {
  const env = ownGatewayAndTarget();

  it('leaves the group waiting for the member, and the sweep after a restart completes it', async () => {
    const targetId = await registerTarget(env.t, env.fake, { profile: 'rfc', requestsPerSecond: 10_000 });
    const groupId = await createGroup(env.t, 'Late team');
    await waitFor('the empty group in the target', () => env.fake.groups().length === 1);
    const queue = env.t.app.get(WorkQueueRepository);
    const delivery = env.t.app.get(ObjectDelivery);
    // The wake after the member's batch is where a killed process would stop: it never runs here.
    const wake = jest.spyOn(delivery, 'wakeDependents').mockResolvedValue(undefined);
    try {
      env.fake.slow(1_500, { method: 'POST', path: '/Users' });
      const userId = await createUser(env.t, 'late@example.com');
      await waitFor('the create on its way', () =>
        env.fake.requests.some((r) => r.method === 'POST' && r.path === '/Users'),
      );
      await env.t
        .scim('patch', `/Groups/${groupId}`)
        .send({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }],
        })
        .expect(200);
      const row = async (objectId: string) =>
        (
          await env.t.dataSource.query<
            { waiting_for: string | null; target_object_id: string | null; pending: unknown }[]
          >(
            'SELECT waiting_for, target_object_id, pending FROM provisioned_object WHERE target_id = ? AND object_id = ?',
            [targetId, objectId],
          )
        )[0];
      await waitFor(
        'the group sent without the member, waiting for it',
        async () => (await row(groupId))?.waiting_for === userId,
      );
      await waitFor('the member created and recorded', async () => {
        const r = await row(userId);
        return r?.target_object_id !== null && Number(r?.pending) === 0;
      });
      // Nothing queued the group again: the membership would wait for a full reconciliation.
      expect(Number((await row(groupId)).pending)).toBe(0);
      expect(env.fake.groups()[0].members ?? []).toEqual([]);

      // After a restart the engine first sweeps the objects left waiting for one that has arrived.
      expect(await queue.wakeStranded(targetId, new Date())).toBe(1);
      await waitFor(
        'the member in the group',
        () => ((env.fake.groups()[0].members as unknown[] | undefined)?.length ?? 0) === 1,
      );
    } finally {
      wake.mockRestore();
      env.fake.slow(0);
    }
    expect(env.fake.requests.filter((r) => r.method === 'POST' && r.path === '/Users')).toHaveLength(1);
    expect(env.fake.requests.filter((r) => r.method === 'POST' && r.path === '/Groups')).toHaveLength(1);
    expect(
      (
        await env.t.dataSource.query<{ waiting_for: string | null }[]>(
          'SELECT waiting_for FROM provisioned_object WHERE target_id = ? AND object_id = ?',
          [targetId, groupId],
        )
      )[0].waiting_for,
    ).toBeNull();
  }, 60_000);
});

/**
 * The wake after a member's batch reads the member's groups again, for memberships its batch did not see. It is
 * what sends a group on time when the group waits for another of its members (one `waiting_for` at a time) and a
 * membership is added while this member's create is in flight: the member's completion does not queue the group
 * (its batch read the groups before), and the wait is for the other member.
 */
describe('a membership added during a create while the group waits for another member', () => {
  const env = ownGatewayAndTarget();

  it('sends the group with the member once it is created, before the member the group waits for', async () => {
    const targetId = await registerTarget(env.t, env.fake, {
      profile: 'rfc',
      requestsPerSecond: 10_000,
      concurrency: 8,
    });
    const named = (userName: string) => (body: unknown) => JSON.stringify(body).includes(userName);
    const posted = (userName: string) =>
      env.fake.requests.some((r) => r.method === 'POST' && r.path === '/Users' && named(userName)(r.body));
    const row = async (objectId: string) =>
      (
        await env.t.dataSource.query<{ waiting_for: string | null; pending: unknown; generation: unknown }[]>(
          'SELECT waiting_for, pending, generation FROM provisioned_object WHERE target_id = ? AND object_id = ?',
          [targetId, objectId],
        )
      )[0];
    // The first member's create is held long; the second one's briefly.
    env.fake.slow(15_000, { method: 'POST', path: '/Users', where: named('first@example.com') });
    env.fake.slow(2_000, { method: 'POST', path: '/Users', where: named('second@example.com') });
    try {
      const first = await createUser(env.t, 'first@example.com');
      await waitFor('the first create on its way', () => posted('first@example.com'));
      const groupId = await createGroup(env.t, 'Waiting team', [first]);
      await waitFor('the group sent without the first member, waiting for it', async () => {
        const r = await row(groupId);
        return env.fake.groups().length === 1 && Number(r?.pending) === 0 && r?.waiting_for === first;
      });
      const second = await createUser(env.t, 'second@example.com');
      await waitFor('the second create on its way', () => posted('second@example.com'));
      const generation = Number((await row(groupId)).generation);
      await env.t
        .scim('patch', `/Groups/${groupId}`)
        .send({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'add', path: 'members', value: [{ value: second }] }],
        })
        .expect(200);
      // The group's attempt for the new membership: neither member is in the target, and it still waits for the first.
      await waitFor('the group attempted again', async () => {
        const r = await row(groupId);
        return Number(r?.generation) > generation && Number(r?.pending) === 0;
      });
      expect((await row(groupId)).waiting_for).toBe(first);

      // The second member created: the wake after its batch sends the group with it, while the first is still held.
      const member = await waitFor(
        'the second member in the group',
        () => {
          const secondId = env.fake.users().find((u) => u.userName === 'second@example.com')?.id;
          const members = (env.fake.groups()[0].members as { value: string }[] | undefined) ?? [];
          return secondId !== undefined && members.some((m) => m.value === secondId) ? secondId : undefined;
        },
        12_000,
      );
      expect(member).toBeDefined();
      expect(env.fake.users().map((u) => u.userName)).toEqual(['second@example.com']);
    } finally {
      env.fake.slow(0);
    }
    // And the first member joins the group once it arrives.
    await waitFor(
      'both members in the group',
      () => ((env.fake.groups()[0].members as unknown[] | undefined)?.length ?? 0) === 2,
      20_000,
    );
    expect(env.fake.requests.filter((r) => r.method === 'POST' && r.path === '/Users')).toHaveLength(2);
    expect(env.fake.requests.filter((r) => r.method === 'POST' && r.path === '/Groups')).toHaveLength(1);
  }, 60_000);
});
