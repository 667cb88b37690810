import { DataSource } from 'typeorm';
import { MembershipCoalescer } from '../../src/directory/groups/membership-coalescer';
import { MembershipsRepository } from '../../src/directory/memberships/memberships.repository';
import { journal, startTestApp, TestApp } from '../support/test-app';
import type { Actor } from '../../src/common/request-context';

const TEST_ACTOR: Actor = { kind: 'token', id: 'test-token', name: 'test' };

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Membership-only changes to one group are written a batch per transaction (MembershipCoalescer). */
describe('group membership changes written together', () => {
  let t: TestApp;
  const userIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    for (let i = 0; i < 30; i++) {
      const res = await t
        .scim('post', '/Users')
        .send({ schemas: [USER], userName: `batch${i}@groups.test` })
        .expect(201);
      userIds.push(res.body.id as string);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const newGroup = async (displayName: string) =>
    (
      await t
        .scim('post', '/Groups')
        .send({ schemas: [GROUP], displayName })
        .expect(201)
    ).body.id as string;
  const memberIds = async (groupId: string) =>
    (
      await t.dataSource.query<{ member_id: string }[]>(
        'SELECT member_id FROM group_membership WHERE group_id = ?',
        [groupId],
      )
    )
      .map((r) => r.member_id)
      .sort();
  const version = async (groupId: string) =>
    Number(
      (
        await t.dataSource.query<{ version: number }[]>('SELECT version FROM directory_group WHERE id = ?', [
          groupId,
        ])
      )[0].version,
    );

  it('writes changes that arrive while one is being written as one batch, each with its own journal row', async () => {
    const groupId = await newGroup('All staff');
    const coalescer = t.app.get(MembershipCoalescer);
    // All 30 are queued in one tick: the first starts a transaction, the other 29 wait for the next one.
    const written = await Promise.all(
      userIds.map((value, i) =>
        coalescer.apply(
          groupId,
          { add: [{ value }], remove: [], removeAll: false },
          { requestId: `join-${i}`, actor: TEST_ACTOR },
        ),
      ),
    );
    expect(await version(groupId)).toBe(1 + 2);
    expect(written.every((g) => g !== 'unchanged' && g.version >= 2)).toBe(true);
    expect(await memberIds(groupId)).toEqual([...userIds].sort());
    const rows = (await journal(t.dataSource)).filter(
      (j) => j.object_id === groupId && j.kind === 'members_added',
    );
    expect(rows.map((r) => r.request_id)).toEqual(userIds.map((_, i) => `join-${i}`));
  });

  it('replays a batch in arrival order: add, remove, add again leaves the member in', async () => {
    const groupId = await newGroup('Replayed');
    const coalescer = t.app.get(MembershipCoalescer);
    const [first, second, third, fourth] = [
      { add: [{ value: userIds[0] }], remove: [], removeAll: false },
      { add: [{ value: userIds[1] }], remove: [], removeAll: false },
      { add: [], remove: [userIds[1]], removeAll: false },
      { add: [{ value: userIds[1] }], remove: [userIds[0]], removeAll: false },
    ];
    await Promise.all(
      [first, second, third, fourth].map((c, i) =>
        coalescer.apply(groupId, c, { requestId: `r${i}`, actor: TEST_ACTOR }),
      ),
    );
    expect(await memberIds(groupId)).toEqual([userIds[1]]);
    const kinds = (await journal(t.dataSource))
      .filter((j) => j.object_id === groupId && j.kind !== 'created')
      .map((j) => `${j.kind}:${j.request_id}`);
    expect(kinds).toEqual([
      'members_added:r0',
      'members_added:r1',
      'members_removed:r2',
      'members_removed:r3',
      'members_added:r3',
    ]);
  });

  it('refuses a change naming an unknown member alone; the rest of its batch is written', async () => {
    const groupId = await newGroup('Partly wrong');
    const coalescer = t.app.get(MembershipCoalescer);
    const results = await Promise.allSettled([
      coalescer.apply(
        groupId,
        { add: [{ value: userIds[2] }], remove: [], removeAll: false },
        { requestId: 'a', actor: TEST_ACTOR },
      ),
      coalescer.apply(
        groupId,
        { add: [{ value: userIds[3] }], remove: [], removeAll: false },
        { requestId: 'b', actor: TEST_ACTOR },
      ),
      coalescer.apply(
        groupId,
        { add: [{ value: 'no-such-id' }], remove: [], removeAll: false },
        { requestId: 'c', actor: TEST_ACTOR },
      ),
      coalescer.apply(
        groupId,
        { add: [{ value: userIds[4] }], remove: [], removeAll: false },
        { requestId: 'd', actor: TEST_ACTOR },
      ),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    // The refusal names the attribute, never the value sent.
    expect(String((results[2] as PromiseRejectedResult).reason)).toContain('members.value');
    expect(String((results[2] as PromiseRejectedResult).reason)).not.toContain('no-such-id');
    expect(await memberIds(groupId)).toEqual([userIds[2], userIds[3], userIds[4]].sort());
  });

  it('answers concurrent member PATCHes over HTTP each with the group, and a 400 for the bad one', async () => {
    const groupId = await newGroup('Over HTTP');
    const patch = (value: string, id: string) =>
      t
        .scim('patch', `/Groups/${groupId}`)
        .set('X-Request-Id', id)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value }] }] });
    const responses = await Promise.all([
      ...userIds.slice(0, 20).map((value, i) => patch(value, `http-${i}`)),
      patch('nobody-has-this-id', 'http-bad'),
    ]);
    expect(responses.slice(0, 20).map((r) => r.status)).toEqual(new Array(20).fill(200));
    expect(responses[20].status).toBe(400);
    expect(responses[20].body.detail).toContain('members.value');
    expect(responses[20].body.detail).not.toContain('nobody-has-this-id');
    expect(responses[0].body).toMatchObject({ id: groupId, displayName: 'Over HTTP' });
    expect(responses[0].body.members).toBeUndefined();
    expect(await memberIds(groupId)).toEqual(userIds.slice(0, 20).sort());
    const ids = (await journal(t.dataSource))
      .filter((j) => j.object_id === groupId && j.kind === 'members_added')
      .map((j) => j.request_id)
      .sort();
    expect(ids).toEqual(
      userIds
        .slice(0, 20)
        .map((_, i) => `http-${i}`)
        .sort(),
    );
  });

  it('refuses every waiting change with 404 when the group is deleted under them', async () => {
    const groupId = await newGroup('Deleted');
    await t.scim('delete', `/Groups/${groupId}`).expect(204);
    const coalescer = t.app.get(MembershipCoalescer);
    await expect(
      coalescer.apply(
        groupId,
        { add: [{ value: userIds[5] }], remove: [], removeAll: false },
        { requestId: 'x', actor: TEST_ACTOR },
      ),
    ).rejects.toThrow(/not found/);
    expect(await memberIds(groupId)).toEqual([]);
  });

  it('answers a members-only PATCH of a missing group with 404, even when a member is unknown too', async () => {
    const groupId = await newGroup('Gone');
    await t.scim('delete', `/Groups/${groupId}`).expect(204);
    for (const value of [userIds[6], 'no-such-user']) {
      const res = await t
        .scim('patch', `/Groups/${groupId}`)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value }] }] })
        .expect(404);
      expect(res.body.detail).toMatch(/not found/);
    }
    const unchanged = await t
      .scim('patch', `/Groups/${groupId}`)
      .send({
        schemas: [PATCH_OP],
        Operations: [{ op: 'remove', path: 'members', value: [{ value: userIds[6] }] }],
      })
      .expect(404);
    expect(unchanged.body.status).toBe('404');
  });

  if (process.env.TEST_DATABASE_URL)
    it('looks up and deletes a few members of a 2,000-member group by key, not by reading the group (MySQL)', async () => {
      const groupId = await newGroup('Big');
      const at = new Date().toISOString().slice(0, 23).replace('T', ' ');
      const ids = Array.from({ length: 2000 }, (_, i) => `member-${String(i).padStart(5, '0')}`);
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        await t.dataSource.query(
          `INSERT INTO group_membership (group_id, member_id, member_type, created_at) VALUES ${chunk.map(() => "(?, ?, 'User', ?)").join(', ')}`,
          chunk.flatMap((id) => [groupId, id, at]),
        );
      }
      const runner = t.app.get(DataSource).createQueryRunner();
      try {
        const rowsRead = async () => {
          const rows = await runner.manager.query<{ Variable_name: string; Value: string }[]>(
            "SHOW SESSION STATUS WHERE Variable_name IN ('Handler_read_next', 'Handler_read_key')",
          );
          return rows.reduce((n, r) => n + Number(r.Value), 0);
        };
        const before = await rowsRead();
        const present = await t.app
          .get(MembershipsRepository)
          .presentAmong(runner.manager, groupId, [ids[7], 'not-a-member', ids[1999]]);
        const read = (await rowsRead()) - before;
        expect([...present].sort()).toEqual([ids[7], ids[1999]]);
        expect(read).toBeLessThan(50); // the group alone would be 2,000
        const beforeDelete = await rowsRead();
        await t.app.get(MembershipsRepository).deleteIds(runner.manager, groupId, [ids[8], ids[1998]]);
        expect((await rowsRead()) - beforeDelete).toBeLessThan(50);
        expect(await memberIds(groupId)).toHaveLength(1998);
      } finally {
        await runner.release();
      }
    });
});
