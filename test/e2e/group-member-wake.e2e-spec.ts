import { ObjectDelivery } from '../../src/provisioning/attempt/object-delivery.service';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { createGroup, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const MEMBERS = 3;

/**
 * A group sent before its members: the target gets it without them ("not in the target yet; added once they are"),
 * and each member's completion queues the group again in the same transaction. So nothing is lost when the process
 * dies between the members' completions and the wake the engine runs once their batch is done.
 */
describe('a group sent before its members', () => {
  let t: TestApp;
  let fake: FakeScimTarget;

  beforeAll(async () => {
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    const ids: string[] = [];
    for (let i = 0; i < MEMBERS; i++) ids.push(await createUser(t, `wake${i}@example.com`));
    await createGroup(t, 'Wake team', ids);
    fake = await startFakeScimTarget({ acceptDuplicates: true });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  }, 30_000);

  const status = async (id: string) =>
    (await t.admin('get', `/targets/${id}/status`).expect(200)).body as { pending: { objects: number } };

  it('is completed by its members even when the wake after their batch never runs (a process killed there)', async () => {
    // Slow creates of users, fast groups: the group's create goes while its members' are still on their way.
    fake.slow(800, { method: 'POST', path: '/Users' });
    // The batch's wake is where a process killed after the members' completions would stop: it never runs here.
    const delivery = t.app.get(ObjectDelivery);
    const wake = jest.spyOn(delivery, 'wakeDependents').mockResolvedValue(undefined);
    try {
      const id = await registerTarget(t, fake, {
        profile: 'rfc',
        concurrency: 8,
        requestsPerSecond: 10_000,
        enabled: false,
      });
      // The initial sync queued whole before anything is claimed, so the group and its members are one batch.
      await t.admin('post', `/targets/${id}/pause`).expect(200);
      await t.admin('patch', `/targets/${id}`).send({ enabled: true }).expect(200);
      await waitFor(
        'the initial sync queued',
        async () => (await status(id)).pending.objects === MEMBERS + 1,
      );
      await t.admin('post', `/targets/${id}/resume`).expect(200);

      await waitFor(
        'the group with all its members',
        () => ((fake.groups()[0]?.members as unknown[] | undefined)?.length ?? 0) === MEMBERS,
        20_000,
      );
      await waitFor('nothing pending', async () => (await status(id)).pending.objects === 0);
      expect(wake).toHaveBeenCalled();
    } finally {
      wake.mockRestore();
      fake.slow(0);
    }

    // The case under test happened: the group was created without its members, and added them by a PATCH.
    const groupWrites = fake.requests.filter((r) => r.path.startsWith('/Groups') && r.method !== 'GET');
    expect(groupWrites.map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect((groupWrites[0].body as { members?: unknown[] }).members ?? []).toHaveLength(0);
    // Nothing created twice, counted from every create the target saw (it takes duplicates).
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/Users')).toHaveLength(MEMBERS);
    expect(fake.users()).toHaveLength(MEMBERS);
    expect(fake.groups()).toHaveLength(1);
  }, 60_000);
});
