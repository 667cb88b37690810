import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const MEMBERS = 5;
const TEAM = 'Linked team';

interface Operation {
  method: string;
  path: string;
  bulkId?: string;
  data: { userName?: string; displayName?: string; members?: { value: string }[] };
}

/**
 * Outbound /Bulk with groups (RFC 7644 §3.7.2): a new group whose new members are created in the same request
 * names them by their bulkIds and arrives complete. The targets take duplicates, so an object created twice shows as
 * a second resource instead of a 409 that would hide it.
 */
describe('outbound /Bulk: a new group and its new members', () => {
  let t: TestApp;
  const fakes: FakeScimTarget[] = [];
  const names = Array.from({ length: MEMBERS }, (_, i) => `linked${i}@example.com`);
  const userIds: string[] = [];
  let groupId = '';

  beforeAll(async () => {
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    for (const name of names) userIds.push(await createUser(t, name));
    const group = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: TEAM, members: userIds.map((value) => ({ value })) })
      .expect(201);
    groupId = (group.body as { id: string }).id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all(fakes.map((f) => f.close()));
  }, 30_000);

  const status = async (id: string) =>
    (await t.admin('get', `/targets/${id}/status`).expect(200)).body as {
      pending: { objects: number };
      reconciliation: { requested: boolean };
    };

  /**
   * A /Bulk target whose initial sync is queued whole before anything is claimed (registered disabled and paused,
   * then resumed), so that one batch holds the group and its members. `prepare`: faults set before it starts.
   */
  const startSync = async (
    prepare?: (fake: FakeScimTarget) => void,
  ): Promise<{ fake: FakeScimTarget; id: string }> => {
    const fake = await startFakeScimTarget({
      acceptDuplicates: true,
      bulk: { maxOperations: 50, maxPayloadSize: 1_000_000 },
    });
    fakes.push(fake);
    prepare?.(fake);
    const id = await registerTarget(t, fake, {
      profile: 'rfc',
      requestsPerSecond: 10_000,
      concurrency: 16,
      enabled: false,
    });
    await t.admin('post', `/targets/${id}/pause`).expect(200);
    await t.admin('patch', `/targets/${id}`).send({ enabled: true }).expect(200);
    await waitFor('the initial sync queued', async () => (await status(id)).pending.objects === MEMBERS + 1);
    await t.admin('post', `/targets/${id}/resume`).expect(200);
    return { fake, id };
  };

  /** The group holds every member in the target, and nothing is left pending. */
  const settled = async (id: string, fake: FakeScimTarget) => {
    await waitFor(
      'the group with all its members',
      () => fake.groups().length > 0 && memberValues(fake).length === MEMBERS,
      20_000,
    );
    await waitFor('nothing pending', async () => {
      const s = await status(id);
      return !s.reconciliation.requested && s.pending.objects === 0;
    });
  };
  const memberValues = (fake: FakeScimTarget) =>
    ((fake.groups()[0]?.members ?? []) as { value: string }[]).map((m) => m.value).sort();
  const bulkRequests = (fake: FakeScimTarget) =>
    fake.requests.filter((r) => r.method === 'POST' && r.path === '/Bulk');
  const operationsOf = (fake: FakeScimTarget, n: number) =>
    (bulkRequests(fake)[n].body as { Operations: Operation[] }).Operations;

  /** Every POST the target saw, plain or inside /Bulk, as "name status", by user or group name. */
  const posts = (fake: FakeScimTarget) => {
    const seen = new Map<string, string[]>();
    const add = (data: Operation['data'], how: string) => {
      const name = data.userName ?? data.displayName ?? '?';
      seen.set(name, [...(seen.get(name) ?? []), how]);
    };
    for (const o of fake.operations)
      if (o.method === 'POST') add(o.data as Operation['data'], `bulk ${o.status}`);
    for (const r of fake.requests)
      if (r.method === 'POST' && (r.path === '/Users' || r.path === '/Groups'))
        add(r.body as Operation['data'], `plain ${r.status}`);
    return seen;
  };
  const targetMembers = async (id: string) =>
    (
      await t.dataSource.query<{ member_id: string }[]>(
        'SELECT member_id FROM provisioned_membership WHERE target_id = ? AND group_id = ?',
        [id, groupId],
      )
    )
      .map((r) => r.member_id)
      .sort();
  const groupLog = async (id: string) =>
    (
      (await t.admin('get', `/provisioning-logs?targetId=${id}&objectId=${groupId}`).expect(200)).body as {
        entries: {
          action: string;
          status: string;
          request: { body?: Operation['data'] } | null;
          response: { status: number | null };
        }[];
      }
    ).entries;

  it('sends the group after its members in one POST /Bulk, naming each by its bulkId', async () => {
    const { fake, id } = await startSync();
    await settled(id, fake);

    // One request: the members' POSTs, then the group's, whose members are their bulkIds.
    expect(bulkRequests(fake)).toHaveLength(1);
    const ops = operationsOf(fake, 0);
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual([
      ...names.map(() => 'POST /Users'),
      'POST /Groups',
    ]);
    const group = ops[MEMBERS];
    expect(group.data.displayName).toBe(TEAM);
    expect(group.data.members!.map((m) => m.value).sort()).toEqual(
      ops
        .slice(0, MEMBERS)
        .map((o) => `bulkId:${o.bulkId!}`)
        .sort(),
    );
    expect(fake.operations.map((o) => o.status)).toEqual([...names.map(() => 201), 201]);

    // The target holds the group with exactly the users it created; each object was POSTed once.
    expect(fake.groups()).toHaveLength(1);
    expect(memberValues(fake)).toEqual(
      fake
        .users()
        .map((u) => u.id as string)
        .sort(),
    );
    expect(Object.fromEntries(posts(fake))).toEqual(
      Object.fromEntries([...names, TEAM].map((name) => [name, ['bulk 201']])),
    );
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toEqual([]);

    // Recorded as sent: the members the group holds, its id, and its log entry with the request as it went.
    expect(await targetMembers(id)).toEqual([...userIds].sort());
    const [state] = await t.dataSource.query<{ target_object_id: string }[]>(
      'SELECT target_object_id FROM provisioned_object WHERE target_id = ? AND object_id = ?',
      [id, groupId],
    );
    expect(state.target_object_id).toBe(fake.groups()[0].id);
    const created = (await groupLog(id)).filter((e) => e.action === 'Create');
    expect(created.map((e) => `${e.status} ${e.response.status}`)).toEqual(['Success 201']);
    expect(created[0].request!.body!.members).toEqual(group.data.members);
  }, 60_000);

  it('retries the group alone when a member it named failed, and adds that member once it exists', async () => {
    const unlucky = names[2];
    const { fake, id } = await startSync((f) =>
      f.failOperations(
        1,
        { status: 500, body: { detail: 'try again' } },
        { where: (data) => (data as Operation['data']).userName === unlucky },
      ),
    );
    await settled(id, fake);

    // The first request named every member; the unlucky create failed, so the target refused the group's POST
    // that named it (409) and created no group.
    const ops = operationsOf(fake, 0);
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual([
      ...names.map(() => 'POST /Users'),
      'POST /Groups',
    ]);
    expect(ops[MEMBERS].data.members).toHaveLength(MEMBERS);
    const nameOf = (data: unknown) =>
      (data as Operation['data']).userName ?? (data as Operation['data']).displayName;
    const first = fake.operations.slice(0, MEMBERS + 1).map((o) => `${nameOf(o.data)} ${o.status}`);
    expect(first.slice(0, MEMBERS).sort()).toEqual(
      names.map((name) => `${name} ${name === unlucky ? 500 : 201}`).sort(),
    );
    expect(first[MEMBERS]).toBe(`${TEAM} 409`);

    // Both were retried alone, as plain requests (the group without the failed member, added once it existed);
    // every object was created exactly once.
    const seen = posts(fake);
    expect(seen.get(unlucky)).toEqual(['bulk 500', 'plain 201']);
    expect(seen.get(TEAM)).toEqual(['bulk 409', 'plain 201']);
    for (const name of names.filter((n) => n !== unlucky)) expect(seen.get(name)).toEqual(['bulk 201']);
    const retried = fake.requests.find((r) => r.method === 'POST' && r.path === '/Groups')!;
    expect((retried.body as Operation['data']).members).toBeUndefined();
    expect(
      fake
        .users()
        .map((u) => u.userName as string)
        .sort(),
    ).toEqual([...names].sort());
    expect(fake.groups()).toHaveLength(1);
    expect(memberValues(fake)).toEqual(
      fake
        .users()
        .map((u) => u.id as string)
        .sort(),
    );
    expect(await targetMembers(id)).toEqual([...userIds].sort());

    const created = (await groupLog(id)).filter((e) => e.action === 'Create');
    expect(created.map((e) => `${e.status} ${e.response.status}`).sort()).toEqual([
      'Failure 409',
      'Success 201',
    ]);
  }, 60_000);

  it('sends no membership PATCH for a member the target never gets, in a /Bulk batch or after it', async () => {
    const fake = await startFakeScimTarget({
      acceptDuplicates: true,
      bulk: { maxOperations: 50, maxPayloadSize: 1_000_000 },
    });
    fakes.push(fake);
    const id = await registerTarget(t, fake, {
      profile: 'rfc',
      requestsPerSecond: 10_000,
      concurrency: 16,
      enabled: false,
    });
    await t.admin('post', `/targets/${id}/pause`).expect(200);
    const outsider = names[0];
    const mapping = (await t.admin('get', `/targets/${id}/mappings`).expect(200)).body as {
      users: { scoping: unknown[] };
    };
    mapping.users.scoping = [
      { clauses: [{ attribute: 'userName', operator: 'NOT EQUALS', value: outsider }] },
    ];
    await t.admin('put', `/targets/${id}/mappings`).send(mapping).expect(200);
    await t.admin('patch', `/targets/${id}`).send({ enabled: true }).expect(200);
    await waitFor('the initial sync queued', async () => (await status(id)).pending.objects === MEMBERS + 1);
    await t.admin('post', `/targets/${id}/resume`).expect(200);
    await waitFor(
      'the group with its members in scope',
      () => fake.groups().length > 0 && memberValues(fake).length === MEMBERS - 1,
      20_000,
    );
    await waitFor('nothing pending', async () => {
      const s = await status(id);
      return !s.reconciliation.requested && s.pending.objects === 0;
    });

    // The group went with its members in scope; the outsider was never sent, nor named in a PATCH.
    expect(fake.users().map((u) => u.userName as string)).not.toContain(outsider);
    const patches = [
      ...fake.requests.filter((r) => r.method === 'PATCH'),
      ...fake.operations.filter((o) => o.method === 'PATCH'),
    ];
    expect(patches).toEqual([]);
    const entries = await groupLog(id);
    expect(entries.filter((e) => e.action === 'Update')).toEqual([]);
  }, 60_000);

  // Last: it adds members to the directory's group.
  it("adds new hires to a group the target has in the same request as their creates, by bulkId in the group's PATCH", async () => {
    const { fake, id } = await startSync();
    await settled(id, fake);
    const targetGroupId = fake.groups()[0].id as string;
    expect(bulkRequests(fake)).toHaveLength(1);

    // Two new hires join the existing group while the target is paused, so that one batch holds all three changes.
    await t.admin('post', `/targets/${id}/pause`).expect(200);
    const hires = ['hire0@example.com', 'hire1@example.com'];
    const hireIds: string[] = [];
    for (const name of hires) hireIds.push(await createUser(t, name));
    await t
      .scim('patch', `/Groups/${groupId}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'members', value: hireIds.map((value) => ({ value })) }],
      })
      .expect(200);
    await waitFor('the hires and the group queued', async () => (await status(id)).pending.objects === 3);
    await t.admin('post', `/targets/${id}/resume`).expect(200);
    await waitFor(
      'the group with its new members',
      () => memberValues(fake).length === MEMBERS + hires.length,
      20_000,
    );
    await waitFor('nothing pending', async () => (await status(id)).pending.objects === 0);

    // One more request: the hires' POSTs, then the group's PATCH naming them by their bulkIds.
    expect(bulkRequests(fake)).toHaveLength(2);
    const ops = operationsOf(fake, 1);
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual([
      'POST /Users',
      'POST /Users',
      `PATCH /Groups/${targetGroupId}`,
    ]);
    const patch = ops[2].data as unknown as {
      Operations: { op: string; path: string; value: { value: string }[] }[];
    };
    expect(patch.Operations).toEqual([
      {
        op: 'add',
        path: 'members',
        value: expect.arrayContaining(
          ops.slice(0, 2).map((o) => ({ value: `bulkId:${o.bulkId!}` })),
        ) as unknown,
      },
    ]);
    expect(patch.Operations[0].value).toHaveLength(2);
    expect(fake.operations.slice(-3).map((o) => o.status)).toEqual([201, 201, 204]);

    // Nothing went as a plain request, each hire was created once, and the membership is recorded as sent.
    expect(fake.requests.filter((r) => r.path !== '/Bulk' && r.method !== 'GET')).toEqual([]);
    for (const name of hires) expect(posts(fake).get(name)).toEqual(['bulk 201']);
    const hireTargetIds = fake
      .users()
      .filter((u) => hires.includes(u.userName as string))
      .map((u) => u.id as string);
    expect(memberValues(fake)).toEqual(
      fake
        .users()
        .map((u) => u.id as string)
        .sort(),
    );
    expect(hireTargetIds).toHaveLength(2);
    expect(await targetMembers(id)).toEqual([...userIds, ...hireIds].sort());

    // The group's log entry shows the PATCH as it went, and the members it added.
    const updates = (await groupLog(id)).filter((e) => e.action === 'Update');
    expect(updates.map((e) => `${e.status} ${e.response.status}`)).toEqual(['Success 204']);
    const entry = (
      (
        await t
          .admin('get', `/provisioning-logs?targetId=${id}&objectId=${groupId}&action=Update`)
          .expect(200)
      ).body as { entries: { modifiedProperties: { name: string; newValue: string[] }[] }[] }
    ).entries[0];
    expect(entry.modifiedProperties).toEqual([
      { name: 'members', oldValue: null, newValue: patch.Operations[0].value.map((m) => m.value) },
    ]);
  }, 60_000);
});
