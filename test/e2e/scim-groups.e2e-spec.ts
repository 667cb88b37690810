import { GroupsRepository } from '../../src/directory/groups/groups.repository';
import { journal, testData, startTestApp, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('SCIM /Groups', () => {
  let t: TestApp;
  const userIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    for (const name of ['alice', 'bob', 'carol']) {
      const res = await t
        .scim('post', '/Users')
        .send({ schemas: [USER], userName: `${name}@groups.test` })
        .expect(201);
      userIds.push(res.body.id);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const members = (res: { body: { members?: { value: string }[] } }) =>
    (res.body.members ?? []).map((m) => m.value).sort();

  it('gives groups made one after another ids of UUID version 7, in the order they were made', async () => {
    const ids: string[] = [];
    for (const displayName of ['Order A', 'Order B', 'Order C']) {
      const res = await t
        .scim('post', '/Groups')
        .send({ schemas: [GROUP], displayName })
        .expect(201);
      ids.push(res.body.id);
    }
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });

  it('creates a group with user members as rows and returns them', async () => {
    const res = await t
      .scim('post', '/Groups')
      .send({
        schemas: [GROUP],
        displayName: 'Finance',
        externalId: 'G-FIN',
        members: [{ value: userIds[0] }, { value: userIds[1] }],
      })
      .expect(201);
    expect(res.body).toMatchObject({
      displayName: 'Finance',
      externalId: 'G-FIN',
      meta: { resourceType: 'Group', version: 'W/"1"' },
    });
    expect(members(res)).toEqual([userIds[0], userIds[1]].sort());
    expect(res.body.members[0]).toMatchObject({
      type: 'User',
      $ref: expect.stringContaining('/scim/v2/Users/'),
    });
    const rows = await t.dataSource.query('SELECT member_id FROM group_membership WHERE group_id = ?', [
      res.body.id,
    ]);
    expect(rows).toHaveLength(2);
    const kinds = (await journal(t.dataSource)).filter((j) => j.object_id === res.body.id).map((j) => j.kind);
    expect(kinds).toEqual(['created', 'members_added']);
  });

  it('accepts groups as members and shows the user its groups', async () => {
    const inner = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: 'Inner', members: [{ value: userIds[2] }] })
      .expect(201);
    const outer = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: 'Outer', members: [{ value: inner.body.id, type: 'Group' }] })
      .expect(201);
    expect(outer.body.members).toEqual([expect.objectContaining({ value: inner.body.id, type: 'Group' })]);
    const carol = await t.scim('get', `/Users/${userIds[2]}`).expect(200);
    expect(carol.body.groups).toEqual([expect.objectContaining({ value: inner.body.id, display: 'Inner' })]);
  });

  it('refuses a member id that does not exist with 400, writing nothing', async () => {
    const before = await t.dataSource.query('SELECT COUNT(*) AS n FROM directory_group');
    const res = await t
      .scim('post', '/Groups')
      .send({
        schemas: [GROUP],
        displayName: 'Ghosts',
        members: [{ value: '00000000-0000-0000-0000-000000000000' }],
      })
      .expect(400);
    expect(res.body.detail).toMatch(/members/);
    expect(await t.dataSource.query('SELECT COUNT(*) AS n FROM directory_group')).toEqual(before);
  });

  it('refuses a group without displayName', async () => {
    const res = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP] })
      .expect(400);
    expect(res.body.detail).toMatch(/displayName/);
  });

  it('adds and removes members with PATCH (RFC and Entra shapes), touching only those rows', async () => {
    const { body } = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: 'Patchers', members: [{ value: userIds[0] }] })
      .expect(201);
    await t
      .scim('patch', `/Groups/${body.id}`)
      .send({
        schemas: [PATCH_OP],
        Operations: [{ op: 'Add', path: 'members', value: [{ value: userIds[1] }, { value: userIds[2] }] }],
      })
      .expect(200);
    let got = await t.scim('get', `/Groups/${body.id}`).expect(200);
    expect(members(got)).toEqual([...userIds].sort());
    await t
      .scim('patch', `/Groups/${body.id}`)
      .send({
        schemas: [PATCH_OP],
        Operations: [{ op: 'Remove', path: 'members', value: [{ value: userIds[0] }] }],
      })
      .expect(200);
    await t
      .scim('patch', `/Groups/${body.id}`)
      .send({
        schemas: [PATCH_OP],
        Operations: [{ op: 'remove', path: `members[value eq "${userIds[1]}"]` }],
      })
      .expect(200);
    got = await t.scim('get', `/Groups/${body.id}`).expect(200);
    expect(members(got)).toEqual([userIds[2]]);
    expect(got.body.meta.version).toBe('W/"4"');
    const kinds = (await journal(t.dataSource)).filter((j) => j.object_id === body.id).map((j) => j.kind);
    expect(kinds).toEqual([
      'created',
      'members_added',
      'members_added',
      'members_removed',
      'members_removed',
    ]);
  });

  it('replaces the displayName with PATCH', async () => {
    const { body } = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: 'Old Name' })
      .expect(201);
    const res = await t
      .scim('patch', `/Groups/${body.id}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'New Name' }] })
      .expect(200);
    expect(res.body.displayName).toBe('New Name');
    const list = await t.scim('get', '/Groups').query({ filter: 'displayName eq "new name"' }).expect(200);
    expect(list.body.totalResults).toBe(1);
  });

  it('replaces the member list with PUT', async () => {
    const { body } = await t
      .scim('post', '/Groups')
      .send({
        schemas: [GROUP],
        displayName: 'Put Group',
        members: [{ value: userIds[0] }, { value: userIds[1] }],
      })
      .expect(201);
    const res = await t
      .scim('put', `/Groups/${body.id}`)
      .send({
        schemas: [GROUP],
        displayName: 'Put Group',
        members: [{ value: userIds[1] }, { value: userIds[2] }],
      })
      .expect(200);
    expect(members(res)).toEqual([userIds[1], userIds[2]].sort());
  });

  it('lists without members when excludedAttributes=members', async () => {
    const res = await t
      .scim('get', '/Groups')
      .query({ filter: 'displayName eq "Finance"', excludedAttributes: 'members' })
      .expect(200);
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0].members).toBeUndefined();
    expect(res.body.Resources[0].displayName).toBe('Finance');
  });

  it("shows each member's display name (a user's displayName, else userName; a group's displayName), read when asked", async () => {
    const dora = await t
      .scim('post', '/Users')
      .send({ schemas: [USER], userName: 'dora@groups.test', displayName: 'Dora Explorer' })
      .expect(201);
    const sub = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: 'Sub Team' })
      .expect(201);
    const team = await t
      .scim('post', '/Groups')
      .send({
        schemas: [GROUP],
        displayName: 'Display Team',
        members: [{ value: dora.body.id }, { value: userIds[0] }, { value: sub.body.id, type: 'Group' }],
      })
      .expect(201);
    const displays = (list: { value: string; display?: string }[]) =>
      Object.fromEntries(list.map((m) => [m.value, m.display]));
    const expected = {
      [dora.body.id]: 'Dora Explorer',
      [userIds[0]]: 'alice@groups.test',
      [sub.body.id]: 'Sub Team',
    };
    expect(displays(team.body.members)).toEqual(expected);
    const read = await t.scim('get', `/Groups/${team.body.id}`).expect(200);
    expect(displays(read.body.members)).toEqual(expected);
    await t
      .scim('patch', `/Users/${dora.body.id}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Dora M.' }] })
      .expect(200);
    const listed = await t
      .scim('get', '/Groups')
      .query({ filter: 'displayName eq "Display Team"' })
      .expect(200);
    expect(displays(listed.body.Resources[0].members)).toEqual({ ...expected, [dora.body.id]: 'Dora M.' });

    const memberReads = jest.spyOn(t.app.get(GroupsRepository), 'listMembersWithDisplay');
    try {
      const bare = await t
        .scim('get', `/Groups/${team.body.id}`)
        .query({ excludedAttributes: 'members' })
        .expect(200);
      expect(bare.body.members).toBeUndefined();
      await t
        .scim('get', '/Groups')
        .query({ filter: 'displayName eq "Display Team"', excludedAttributes: 'members' })
        .expect(200);
      expect(memberReads).not.toHaveBeenCalled();
    } finally {
      memberReads.mockRestore();
    }
  });

  it('soft-deletes a group and drops its memberships', async () => {
    const { body } = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: 'Doomed', members: [{ value: userIds[0] }] })
      .expect(201);
    await t.scim('delete', `/Groups/${body.id}`).expect(204);
    await t.scim('get', `/Groups/${body.id}`).expect(404);
    expect(await t.dataSource.query('SELECT * FROM group_membership WHERE group_id = ?', [body.id])).toEqual(
      [],
    );
    const [row] = await t.dataSource.query('SELECT deleted_at FROM directory_group WHERE id = ?', [body.id]);
    expect(row.deleted_at).not.toBeNull();
  });

  it('removes a soft-deleted user from its groups and journals it on the group', async () => {
    const u = await t
      .scim('post', '/Users')
      .send({ schemas: [USER], userName: 'member.leaver@groups.test' })
      .expect(201);
    const g = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: 'Leavers', members: [{ value: u.body.id }] })
      .expect(201);
    await t.scim('delete', `/Users/${u.body.id}`).expect(204);
    const got = await t.scim('get', `/Groups/${g.body.id}`).expect(200);
    expect(got.body.members ?? []).toEqual([]);
    const kinds = (await journal(t.dataSource)).filter((j) => j.object_id === g.body.id).map((j) => j.kind);
    expect(kinds).toEqual(['created', 'members_added', 'members_removed']);
  });

  it('round-trips the RFC 7643 §8.4 group (members remapped to our users)', async () => {
    const sample = testData<{
      displayName: string;
      members: unknown[];
    }>('rfc-samples/rfc7643-8.4-group.json');
    const res = await t
      .scim('post', '/Groups')
      .send({
        schemas: [GROUP],
        displayName: sample.displayName,
        members: sample.members.map((_m, i) => ({ value: userIds[i] })),
      })
      .expect(201);
    const got = await t.scim('get', `/Groups/${res.body.id}`).expect(200);
    expect(got.body.displayName).toBe(sample.displayName);
    expect(got.body.members).toHaveLength(sample.members.length);
  });

  it('lists users each with exactly its own groups, on sorted, offset and cursor pages', async () => {
    const names = ['list.a', 'list.b', 'list.c', 'list.d', 'list.e'];
    const ids = new Map<string, string>();
    for (const name of names) {
      const res = await t
        .scim('post', '/Users')
        .send({ schemas: [USER], userName: `${name}@groups.test` })
        .expect(201);
      ids.set(name, res.body.id);
    }
    const expected = new Map<string, string[]>(names.map((n) => [n, []]));
    for (const [group, who] of [
      ['List Odd', ['list.a', 'list.c', 'list.e']],
      ['List Low', ['list.a', 'list.b']],
    ] as const) {
      await t
        .scim('post', '/Groups')
        .send({ schemas: [GROUP], displayName: group, members: who.map((n) => ({ value: ids.get(n) })) })
        .expect(201);
      for (const n of who) expected.get(n)!.push(group);
    }
    type Listed = { userName: string; groups?: { display: string }[] };
    const check = (resources: Listed[]) => {
      for (const r of resources) {
        const name = r.userName.replace('@groups.test', '');
        expect([name, (r.groups ?? []).map((g) => g.display).sort()]).toEqual([
          name,
          [...expected.get(name)!].sort(),
        ]);
      }
    };
    const filter = 'userName sw "list."';
    const page = await t
      .scim('get', '/Users')
      .query({ filter, sortBy: 'userName', sortOrder: 'descending', startIndex: 2, count: 2 })
      .expect(200);
    expect(page.body.Resources.map((r: Listed) => r.userName)).toEqual([
      'list.d@groups.test',
      'list.c@groups.test',
    ]);
    check(page.body.Resources);
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 5; i++) {
      const res = await t.scim('get', '/Users').query({ filter, cursor, count: 2 }).expect(200);
      check(res.body.Resources);
      seen.push(...res.body.Resources.map((r: Listed) => r.userName));
      if (!res.body.nextCursor) break;
      cursor = res.body.nextCursor;
    }
    expect(seen).toHaveLength(5);
    for (const name of ['list.a', 'list.d']) {
      const lookup = await t
        .scim('get', '/Users')
        .query({ filter: `userName eq "${name}@groups.test"` })
        .expect(200);
      expect(lookup.body.totalResults).toBe(1);
      check(lookup.body.Resources);
    }
    const lean = await t.scim('get', '/Users').query({ filter, excludedAttributes: 'groups' }).expect(200);
    const leanUsers = lean.body.Resources as Listed[];
    expect(leanUsers.map((r) => r.userName).sort()).toEqual(names.map((n) => `${n}@groups.test`));
    expect(leanUsers.filter((r) => r.groups !== undefined)).toEqual([]);
  });
});
