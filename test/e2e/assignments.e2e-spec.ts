import type { MappingSet } from '../../src/mapping/mapping-set';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import {
  byUserName,
  createGroup,
  createUser,
  ENTERPRISE,
  registerTarget,
  waitFor,
  writes,
} from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const ENTRA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const DEFAULT_ROLE = '00000000-0000-0000-0000-000000000000';

interface LogEntry {
  action: string;
  status: string;
  reason: string | null;
  detail: string | null;
  requestId: string | null;
}

/** "Sync only assigned users and groups": roles, assignments, scope, leavers, the incremental deletion threshold. */
describe('assignments', () => {
  let t: TestApp;
  let app: FakeScimTarget;
  let other: FakeScimTarget;

  beforeAll(async () => {
    // `app` takes duplicates: a user created twice would show as two accounts, not as a 409.
    [app, other] = await Promise.all([
      startFakeScimTarget({ acceptDuplicates: true }),
      startFakeScimTarget(),
    ]);
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([app?.close(), other?.close()]);
  });

  beforeEach(() => {
    app.reset();
    other.reset();
  });

  const assign = async (
    targetId: string,
    principalType: 'User' | 'Group',
    principalId: string,
    roleId?: string,
  ) =>
    (
      await t
        .admin('post', `/targets/${targetId}/assignments`)
        .send({ principalType, principalId, ...(roleId ? { roleId } : {}) })
        .expect(201)
    ).body as { id: string; roleId: string; principalDisplayName: string };

  const assignments = async (targetId: string, query = '') =>
    (await t.admin('get', `/targets/${targetId}/assignments${query}`).expect(200)).body as {
      assignments: { id: string; principalId: string; principalType: string; roleId: string }[];
      nextCursor?: string;
    };

  /** With `requestId`, the PATCH's X-Request-Id: the log entries of the work it causes carry it. */
  const patchMembers = (groupId: string, op: 'add' | 'remove', userId: string, requestId?: string) =>
    t
      .scim('patch', `/Groups/${groupId}`)
      .set(requestId ? { 'X-Request-Id': requestId } : {})
      .send({
        schemas: [PATCH_OP],
        Operations:
          op === 'add'
            ? [{ op: 'add', path: 'members', value: [{ value: userId }] }]
            : [{ op: 'remove', path: `members[value eq "${userId}"]` }],
      })
      .expect((res) => expect([200, 204]).toContain(res.status));

  const logsOf = async (targetId: string, objectId: string, filter = ''): Promise<LogEntry[]> =>
    (
      await t
        .admin('get', `/provisioning-logs?targetId=${targetId}&objectId=${objectId}${filter}`)
        .expect(200)
    ).body.entries as LogEntry[];

  const waitForLog = (what: string, targetId: string, objectId: string, match: (e: LogEntry) => boolean) =>
    waitFor(what, async () => (await logsOf(targetId, objectId)).find(match));

  const posts = (target: FakeScimTarget, userName: string) =>
    target.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/Users' &&
        (r.body as { userName?: string })?.userName === userName,
    );

  describe('roles and assignments through the admin API', () => {
    let targetId: string;
    beforeAll(async () => {
      targetId = await registerTarget(t, app, { name: 'roles-app', scope: 'assigned' });
    });
    afterAll(async () => {
      await t.admin('delete', `/targets/${targetId}`).expect(204);
    });

    it('gives every target the default role, and refuses a second role with the same value', async () => {
      const roles = (await t.admin('get', `/targets/${targetId}/app-roles`).expect(200)).body;
      expect(roles).toEqual([
        {
          id: DEFAULT_ROLE,
          displayName: 'User',
          value: 'User',
          description: 'Default access',
          isDefault: true,
        },
      ]);
      await t
        .admin('post', `/targets/${targetId}/app-roles`)
        .send({ displayName: 'Administrator', value: 'Admin' })
        .expect(201);
      const dup = await t
        .admin('post', `/targets/${targetId}/app-roles`)
        .send({ displayName: 'Admins again', value: 'Admin' })
        .expect(409);
      expect(dup.body.message).toMatch(/value Admin/);
      const deleteDefault = await t
        .admin('delete', `/targets/${targetId}/app-roles/${DEFAULT_ROLE}`)
        .expect(400);
      expect(deleteDefault.body.message).toMatch(/default role/);
    });

    it('refuses unknown or deleted principals and unknown roles with 400, naming them, and writes nothing', async () => {
      const live = await createUser(t, 'live@assign.test');
      const gone = await createUser(t, 'gone@assign.test');
      await t.scim('delete', `/Users/${gone}`).expect(204);
      const stranger = '7f0c6a1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a';

      const single = await t
        .admin('post', `/targets/${targetId}/assignments`)
        .send({ principalType: 'User', principalId: stranger })
        .expect(400);
      expect(single.body.message).toContain(stranger);

      const bulk = await t
        .admin('post', `/targets/${targetId}/assignments/bulk`)
        .send({
          principals: [
            { type: 'User', id: live },
            { type: 'User', id: gone },
            { type: 'Group', id: stranger },
          ],
        })
        .expect(400);
      expect(bulk.body.details).toEqual([
        { principalType: 'User', principalId: gone, reason: 'the user is deleted' },
        { principalType: 'Group', principalId: stranger, reason: 'no such group in the directory' },
      ]);

      const badRole = await t
        .admin('post', `/targets/${targetId}/assignments`)
        .send({ principalType: 'User', principalId: live, roleId: stranger })
        .expect(400);
      expect(badRole.body.message).toContain(stranger);
      expect((await assignments(targetId)).assignments).toEqual([]);
    });

    it('lists assignments with display names, by type and role, in cursor pages; a used role cannot be deleted', async () => {
      const admin = (await t.admin('get', `/targets/${targetId}/app-roles`).expect(200)).body.find(
        (r: { value: string }) => r.value === 'Admin',
      ) as { id: string };
      const users = await Promise.all(
        ['p1', 'p2', 'p3'].map((n) => createUser(t, `${n}@assign.test`, { displayName: `Person ${n}` })),
      );
      const group = await createGroup(t, 'Assigned staff');
      const bulk = await t
        .admin('post', `/targets/${targetId}/assignments/bulk`)
        .send({ principals: users.map((id) => ({ type: 'User', id })) })
        .expect(200);
      expect(bulk.body).toEqual({ assigned: 3, alreadyAssigned: 0 });
      const again = await t
        .admin('post', `/targets/${targetId}/assignments/bulk`)
        .send({ principals: [{ type: 'User', id: users[0] }] })
        .expect(200);
      expect(again.body).toEqual({ assigned: 0, alreadyAssigned: 1 });
      await assign(targetId, 'Group', group, admin.id);
      await t
        .admin('post', `/targets/${targetId}/assignments`)
        .send({ principalType: 'Group', principalId: group, roleId: admin.id })
        .expect(409);

      const first = await assignments(targetId, '?count=2');
      expect(first.assignments).toHaveLength(2);
      const rest = await assignments(targetId, `?count=2&cursor=${first.nextCursor}`);
      const all = [...first.assignments, ...rest.assignments];
      expect(rest.nextCursor).toBeUndefined();
      expect(all.map((a) => a.principalId).sort()).toEqual([...users, group].sort());
      const groups = await assignments(targetId, '?principalType=Group');
      expect(groups.assignments).toEqual([
        expect.objectContaining({
          principalId: group,
          principalDisplayName: 'Assigned staff',
          principalLive: true,
          roleDisplayName: 'Administrator',
        }),
      ]);
      expect((await assignments(targetId, `?roleId=${DEFAULT_ROLE}`)).assignments).toHaveLength(3);

      const inUse = await t.admin('delete', `/targets/${targetId}/app-roles/${admin.id}`).expect(409);
      expect(inUse.body.message).toMatch(/used by 1 assignment/);
      const removed = await t
        .admin('post', `/targets/${targetId}/assignments/bulk-remove`)
        .send({ principals: [...users.map((id) => ({ type: 'User', id })), { type: 'Group', id: group }] })
        .expect(200);
      expect(removed.body).toEqual({ removed: 4 });
      await t.admin('delete', `/targets/${targetId}/app-roles/${admin.id}`).expect(204);
    });
  });

  it('provisions only assigned users to an assigned-only target, everyone to an all target', async () => {
    const assignedId = await registerTarget(t, app, { name: 'only-assigned', scope: 'assigned' });
    const allId = await registerTarget(t, other, { name: 'everyone', scope: 'all' });
    const ann = await createUser(t, 'ann@scope.test');
    await waitFor('ann in the all target', () => byUserName(other, 'ann@scope.test'));
    const skip = await waitForLog(
      'the skip in the assigned target',
      assignedId,
      ann,
      (e) => e.action === 'Skip',
    );
    expect(skip).toMatchObject({ reason: 'not_provisioned' });
    expect(skip.detail).toMatch(/not assigned/);
    expect(byUserName(app, 'ann@scope.test')).toBeUndefined();

    await assign(assignedId, 'User', ann);
    await waitFor('ann in the assigned target', () => byUserName(app, 'ann@scope.test'));
    expect(posts(app, 'ann@scope.test')).toHaveLength(1);
    await t.admin('delete', `/targets/${assignedId}`).expect(204);
    await t.admin('delete', `/targets/${allId}`).expect(204);
  });

  it('puts an assigned group and its direct members in scope; joining and leaving the group are joiner and leaver', async () => {
    const disableId = await registerTarget(t, app, { name: 'group-disable', scope: 'assigned' });
    const deleteId = await registerTarget(t, other, {
      name: 'group-delete',
      scope: 'assigned',
      deprovisionAction: 'delete',
    });
    const member = await createUser(t, 'member@group.test');
    const joiner = await createUser(t, 'joiner@group.test');
    const nested = await createUser(t, 'nested@group.test');
    const inner = await createGroup(t, 'Inner', [nested]);
    const group = await createGroup(t, 'Engineering', [member, inner]);
    await assign(disableId, 'Group', group);
    await assign(deleteId, 'Group', group);
    for (const target of [app, other]) {
      await waitFor('the member', () => byUserName(target, 'member@group.test'));
      await waitFor('the group', () => target.groups().find((g) => g.displayName === 'Engineering'));
    }
    // Nested groups' members are not in scope (as in Entra), and the inner group is not assigned.
    expect(byUserName(app, 'nested@group.test')).toBeUndefined();
    expect(app.groups().find((g) => g.displayName === 'Inner')).toBeUndefined();

    await patchMembers(group, 'add', joiner);
    for (const target of [app, other])
      await waitFor('the joiner', () => byUserName(target, 'joiner@group.test'));

    await patchMembers(group, 'remove', joiner);
    await waitFor(
      'disabled in the disable target',
      () => byUserName(app, 'joiner@group.test')?.active === false,
    );
    await waitFor('deleted in the delete target', () => !byUserName(other, 'joiner@group.test'));
    const disabled = await waitForLog('the Disable', disableId, joiner, (e) => e.action === 'Disable');
    expect(disabled).toMatchObject({ status: 'Success', reason: 'unassigned' });
    const deleted = await waitForLog('the Delete', deleteId, joiner, (e) => e.action === 'Delete');
    expect(deleted).toMatchObject({ status: 'Success', reason: 'unassigned' });
    expect(byUserName(app, 'member@group.test')?.active).toBe(true);
    await t.admin('delete', `/targets/${disableId}`).expect(204);
    await t.admin('delete', `/targets/${deleteId}`).expect(204);
  });

  it('keeps a user assigned twice in scope until the last assignment goes; a restore re-enables the same account', async () => {
    const targetId = await registerTarget(t, app, { name: 'twice', scope: 'assigned' });
    const user = await createUser(t, 'twice@assign.test');
    const group = await createGroup(t, 'Twice', [user]);
    const direct = await assign(targetId, 'User', user);
    await assign(targetId, 'Group', group);
    const account = await waitFor('the account', () => byUserName(app, 'twice@assign.test'));

    await patchMembers(group, 'remove', user, 'remove-twice');
    // Still assigned directly: the removal is evaluated (its entry carries the PATCH's request id: an earlier
    // evaluation's no_change does not count), and nothing leaves.
    await waitForLog(
      'the re-evaluation of the removal',
      targetId,
      user,
      (e) => e.reason === 'no_change' && e.requestId === 'remove-twice',
    );
    expect(byUserName(app, 'twice@assign.test')?.active).toBe(true);

    await t.admin('delete', `/targets/${targetId}/assignments/${direct.id}`).expect(204);
    await waitFor('disabled', () => byUserName(app, 'twice@assign.test')?.active === false);

    await assign(targetId, 'User', user);
    await waitFor('re-enabled', () => byUserName(app, 'twice@assign.test')?.active === true);
    expect(byUserName(app, 'twice@assign.test')?.id).toBe(account.id);
    expect(posts(app, 'twice@assign.test')).toHaveLength(1);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  it("sends the assignments' roles through AppRoleAssignmentsComplex, and a role change PATCHes them", async () => {
    const targetId = await registerTarget(t, app, { name: 'with-roles', scope: 'assigned', profile: 'rfc' });
    const mapping = (await t.admin('get', `/targets/${targetId}/mappings`).expect(200)).body as MappingSet;
    mapping.users.attributes.push({
      targetAttribute: 'roles',
      type: 'Expression',
      source: 'AppRoleAssignmentsComplex([appRoleAssignments])',
      apply: 'Always',
    });
    await t.admin('put', `/targets/${targetId}/mappings`).send(mapping).expect(200);
    const admin = (
      await t
        .admin('post', `/targets/${targetId}/app-roles`)
        .send({ displayName: 'Administrator', value: 'Admin' })
        .expect(201)
    ).body as { id: string };
    const user = await createUser(t, 'roles@assign.test');
    await assign(targetId, 'User', user);
    const role = (display: string, value: string) => ({
      primary: false,
      type: 'WindowsAzureActiveDirectoryRole',
      display,
      value,
    });
    await waitFor('created with its role', () => byUserName(app, 'roles@assign.test')?.roles);
    expect(byUserName(app, 'roles@assign.test')?.roles).toEqual([role('User', 'User')]);

    const before = writes(app).length;
    await assign(targetId, 'User', user, admin.id);
    await waitFor(
      'both roles',
      () => (byUserName(app, 'roles@assign.test')?.roles as unknown[])?.length === 2,
    );
    expect(byUserName(app, 'roles@assign.test')?.roles).toEqual([
      role('Administrator', 'Admin'),
      role('User', 'User'),
    ]);
    const patch = writes(app).slice(before);
    expect(patch).toHaveLength(1);
    expect(patch[0].method).toBe('PATCH');
    expect(JSON.stringify(patch[0].body)).toContain('"path":"roles"');
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  it('provisions a group on demand with up to five of its members, every step of each returned', async () => {
    const targetId = await registerTarget(t, app, { name: 'on-demand-group', scope: 'all' });
    await t.admin('post', `/targets/${targetId}/pause`).expect(200);
    const members = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => createUser(t, `od${i}@group.test`)));
    const group = await createGroup(t, 'On demand', members);
    const res = await t.admin('post', `/targets/${targetId}/provision`).send({ groupId: group }).expect(200);
    // The group is created, then its members are PATCHed in: the verdict is the last entry, an Update.
    expect(res.body).toMatchObject({ objectType: 'Group', action: 'Update', status: 'Success' });
    const exported = (res.body.steps as { step: string; description: string }[]).filter(
      (s) => s.step === 'export',
    );
    expect(exported.map((s) => s.description.split(' →')[0])).toEqual([
      'POST /Groups',
      expect.stringMatching(/^PATCH \/Groups\//),
    ]);
    expect(res.body.members).toHaveLength(5);
    for (const m of res.body.members as { objectType: string; action: string; steps: unknown[] }[]) {
      expect(m).toMatchObject({ objectType: 'User', action: 'Create' });
      expect(m.steps.length).toBeGreaterThan(2);
    }
    const created = app.groups().find((g) => g.displayName === 'On demand')!;
    expect((created.members as unknown[] | undefined)?.length ?? 0).toBe(5);
    expect(app.users()).toHaveLength(5);

    const named = await t
      .admin('post', `/targets/${targetId}/provision`)
      .send({ groupId: group, memberIds: [members[5]] })
      .expect(200);
    expect(named.body.members.map((m: { objectId: string }) => m.objectId)).toEqual([members[5]]);
    const stranger = await createUser(t, 'stranger@group.test');
    const refused = await t
      .admin('post', `/targets/${targetId}/provision`)
      .send({ groupId: group, memberIds: [stranger] })
      .expect(400);
    expect(refused.body.message).toContain(stranger);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  it('says in the mapping preview whether a user is assigned, through what, with which roles', async () => {
    const targetId = await registerTarget(t, app, { name: 'preview-assigned', scope: 'assigned' });
    const user = await createUser(t, 'preview@assign.test');
    const group = await createGroup(t, 'Preview', [user]);
    const before = await t
      .admin('post', `/targets/${targetId}/mappings/preview`)
      .send({ userId: user })
      .expect(200);
    expect(before.body).toMatchObject({
      wouldCreate: false,
      assignment: { required: true, assigned: false, via: [], roles: [] },
    });
    expect(before.body.payload.active).toBe(false);
    await assign(targetId, 'Group', group);
    const after = await t
      .admin('post', `/targets/${targetId}/mappings/preview`)
      .send({ userId: user })
      .expect(200);
    expect(after.body).toMatchObject({
      wouldCreate: true,
      assignment: {
        assigned: true,
        via: [{ principalType: 'Group', principalId: group, roleId: DEFAULT_ROLE }],
        roles: [{ id: DEFAULT_ROLE, value: 'User', displayName: 'User' }],
      },
    });
    const evaluated = await t
      .admin('post', '/expressions/evaluate')
      .send({ expression: 'Join(",", [appRoleAssignments])', userId: user, targetId })
      .expect(200);
    expect(evaluated.body.value).toBe('User');
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  describe('every leaver path follows the target: disable or delete, each with its reason code', () => {
    const paths: [string, (user: string, targetIds: string[]) => Promise<unknown>][] = [
      [
        'disabled',
        (user) =>
          t
            .scim('patch', `/Users/${user}`)
            .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })
            .expect(200),
      ],
      [
        'leave_date_reached',
        (user) =>
          t
            .scim('patch', `/Users/${user}`)
            .send({
              schemas: [PATCH_OP],
              Operations: [
                { op: 'add', path: `${ENTRA}:employeeLeaveDateTime`, value: '2020-01-31T17:00:00Z' },
              ],
            })
            .expect(200),
      ],
      ['deleted', (user) => t.scim('delete', `/Users/${user}`).expect(204)],
      [
        'unassigned',
        (user, targetIds) =>
          Promise.all(
            targetIds.map((id) =>
              t
                .admin('post', `/targets/${id}/assignments/bulk-remove`)
                .send({ principals: [{ type: 'User', id: user }] })
                .expect(200),
            ),
          ),
      ],
      [
        'out_of_scope',
        (user) =>
          t
            .scim('patch', `/Users/${user}`)
            .send({
              schemas: [PATCH_OP],
              Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Ops' }],
            })
            .expect(200),
      ],
    ];

    it.each(paths)('%s', async (reason, leave) => {
      const disableId = await registerTarget(t, app, { name: `leaver-disable-${reason}`, scope: 'assigned' });
      const deleteId = await registerTarget(t, other, {
        name: `leaver-delete-${reason}`,
        scope: 'assigned',
        deprovisionAction: 'delete',
      });
      for (const id of [disableId, deleteId]) {
        const mapping = (await t.admin('get', `/targets/${id}/mappings`).expect(200)).body as MappingSet;
        mapping.users.scoping = [
          { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] },
        ];
        await t.admin('put', `/targets/${id}/mappings`).send(mapping).expect(200);
      }
      const userName = `${reason}@leaver.test`;
      const user = await createUser(t, userName, { [ENTERPRISE]: { department: 'Sales' } });
      await assign(disableId, 'User', user);
      await assign(deleteId, 'User', user);
      for (const target of [app, other]) await waitFor('provisioned', () => byUserName(target, userName));

      await leave(user, [disableId, deleteId]);
      await waitFor('disabled', () => byUserName(app, userName)?.active === false);
      await waitFor('deleted', () => !byUserName(other, userName));
      expect(await waitForLog('the Disable', disableId, user, (e) => e.action === 'Disable')).toMatchObject({
        status: 'Success',
        reason,
      });
      expect(await waitForLog('the Delete', deleteId, user, (e) => e.action === 'Delete')).toMatchObject({
        status: 'Success',
        reason,
      });
      await t.admin('delete', `/targets/${disableId}`).expect(204);
      await t.admin('delete', `/targets/${deleteId}`).expect(204);
    });
  });

  it('previews the impact of a scoping change exactly: what it predicts is what saving it sends', async () => {
    const targetId = await registerTarget(t, app, { name: 'impact', scope: 'all', provisionGroups: false });
    const mapping = (await t.admin('get', `/targets/${targetId}/mappings`).expect(200)).body as MappingSet;
    const mine = { attribute: 'userName', operator: 'ENDS_WITH', value: '@impact.test' };
    mapping.users.scoping = [{ clauses: [mine] }];
    await t.admin('put', `/targets/${targetId}/mappings`).send(mapping).expect(200);
    const depts = ['Sales', 'Sales', 'Ops', 'Ops', 'Ops', 'Legal'];
    await Promise.all(
      depts.map((department, i) => createUser(t, `i${i}@impact.test`, { [ENTERPRISE]: { department } })),
    );
    await waitFor('six accounts', () => app.users().length === 6);
    const idle = () =>
      waitFor('the engine idle', async () => {
        const s = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body;
        return s.pending.objects === 0 && !s.reconciliation.requested;
      });
    await idle();
    mapping.users.scoping = [
      { clauses: [mine, { attribute: 'department', operator: 'NOT EQUALS', value: 'Ops' }] },
    ];

    const preview = (
      await t.admin('post', `/targets/${targetId}/impact`).send({ mappings: mapping }).expect(200)
    ).body as {
      evaluated: number;
      counts: Record<string, number>;
      examples: Record<string, { detail: string }[]>;
    };
    expect(preview.counts).toEqual({
      create: 0,
      update: 0,
      disable: 3,
      delete: 0,
      unchanged: 3,
      skip: preview.evaluated - 6,
    });
    expect(preview.examples.disable[0].detail).toMatch(/^out_of_scope: moved out of scope/);
    const before = writes(app).length;
    expect(before).toBe(6); // the six creates: the preview sent nothing

    await t.admin('put', `/targets/${targetId}/mappings`).send(mapping).expect(200);
    await waitFor('three disabled', () => app.users().filter((u) => u.active === false).length === 3);
    await idle();
    const sent = writes(app).slice(before);
    expect(sent.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PATCH']);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  it('previews an assignment change: a group assigned would create its members', async () => {
    const targetId = await registerTarget(t, app, {
      name: 'impact-assign',
      scope: 'assigned',
      provisionGroups: false,
    });
    const members = await Promise.all([1, 2, 3].map((i) => createUser(t, `ia${i}@impact.test`)));
    await createUser(t, 'outside@impact.test');
    const group = await createGroup(t, 'Impact', members);
    const preview = await t
      .admin('post', `/targets/${targetId}/impact`)
      .send({ assign: [{ type: 'Group', id: group }] })
      .expect(200);
    expect(preview.body.counts.create).toBe(3);
    // Only what the assignment brings is evaluated (the three members: the target provisions no group), not every
    // directory user.
    expect(preview.body.evaluated).toBe(3);
    expect(preview.body.examples.create.map((e: { objectId: string }) => e.objectId).sort()).toEqual(
      members.sort(),
    );
    const bad = await t
      .admin('post', `/targets/${targetId}/impact`)
      .send({ assign: [{ type: 'Group', id: '7f0c6a1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a' }] })
      .expect(400);
    expect(bad.body.message).toContain('7f0c6a1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a');
    expect(await assignments(targetId)).toEqual({ assignments: [] });
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  it('holds disables beyond the deletion threshold of incremental work, and sends them when released', async () => {
    const targetId = await registerTarget(t, app, {
      name: 'threshold',
      scope: 'assigned',
      provisionGroups: false,
      deletionThreshold: 2,
      deletionWindowMinutes: 60,
    });
    const users = await Promise.all([1, 2, 3, 4, 5].map((i) => createUser(t, `t${i}@threshold.test`)));
    const group = await createGroup(t, 'Threshold', users);
    const assignment = await assign(targetId, 'Group', group);
    await waitFor('five accounts', () => app.users().filter((u) => u.active === true).length === 5);

    await t.admin('delete', `/targets/${targetId}/assignments/${assignment.id}`).expect(204);
    const status = await waitFor('three held', async () => {
      const s = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body;
      return s.deletions.held === 3 ? s : undefined;
    });
    expect(status.reason).toMatch(/accidental-deletion threshold of 2/);
    // The two let through may still be on their way when the third is held.
    await waitFor('two disabled', () => app.users().filter((u) => u.active === false).length === 2);
    const held = await Promise.all(users.map((u) => logsOf(targetId, u, '&status=Skipped')));
    expect(held.flat().filter((e) => e.reason === 'deletion_threshold')).toHaveLength(3);

    const released = await t.admin('post', `/targets/${targetId}/deletions/release`).expect(200);
    expect(released.body).toEqual({ released: 3 });
    await waitFor('all five disabled', () => app.users().filter((u) => u.active === false).length === 5);
    // Statistics to date: kept with the log entries (in their transaction), counted per action and status.
    const { after, log } = await waitFor('the totals and the log in step', async () => {
      const status = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body;
      const entries = (await t.admin('get', `/provisioning-logs?targetId=${targetId}&limit=500`).expect(200))
        .body.entries as LogEntry[];
      const again = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body;
      const settled = JSON.stringify(again.totals) === JSON.stringify(status.totals);
      return settled && status.totals.Disable?.Success === 5 ? { after: status, log: entries } : undefined;
    });
    expect(after.deletions).toMatchObject({ held: 0, reason: null });
    const counted: Record<string, Record<string, number>> = {};
    for (const e of log) (counted[e.action] ??= {})[e.status] = (counted[e.action][e.status] ?? 0) + 1;
    expect(after.totals).toEqual(counted);
    expect(after.totals).toMatchObject({ Create: { Success: 5 }, Disable: { Success: 5 } });
    const skips = log.filter((e) => e.action === 'Skip');
    expect(skips.filter((e) => e.reason === 'deletion_threshold')).toHaveLength(3);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  it('drops held disables when they are discarded: those accounts stay enabled', async () => {
    const targetId = await registerTarget(t, app, {
      name: 'discard',
      scope: 'assigned',
      provisionGroups: false,
      deletionThreshold: 1,
    });
    const users = await Promise.all([1, 2, 3].map((i) => createUser(t, `d${i}@discard.test`)));
    const group = await createGroup(t, 'Discard', users);
    const assignment = await assign(targetId, 'Group', group);
    await waitFor('three accounts', () => app.users().filter((u) => u.active === true).length === 3);
    await t.admin('delete', `/targets/${targetId}/assignments/${assignment.id}`).expect(204);
    await waitFor('two held', async () => {
      const s = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body;
      return s.deletions.held === 2;
    });
    await waitFor('one disabled', () => app.users().filter((u) => u.active === false).length === 1);
    const discarded = await t.admin('post', `/targets/${targetId}/deletions/discard`).expect(200);
    expect(discarded.body).toEqual({ discarded: 2 });
    const status = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body;
    expect(status.deletions).toMatchObject({ held: 0, reason: null });
    expect(app.users().filter((u) => u.active === true)).toHaveLength(2);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  it('reconciles an assigned-only target by its assignments and what it holds, never by every directory user', async () => {
    const targetId = await registerTarget(t, app, { name: 'walk-assigned', scope: 'assigned' });
    const names = ['direct', 'member', 'both', 'leaver', 'deleted'];
    const [direct, member, both, leaver, deleted] = await Promise.all(
      names.map((n) => createUser(t, `${n}@walk.test`)),
    );
    const outsider = await createUser(t, 'outsider@walk.test');
    const group = await createGroup(t, 'Walk', [member, both, deleted]);
    await createGroup(t, 'Walk outsiders', [outsider, member]);
    const leaving = await assign(targetId, 'User', leaver);
    for (const user of [direct, both, deleted]) await assign(targetId, 'User', user);
    await assign(targetId, 'Group', group);
    await waitFor('five accounts', () => names.every((n) => byUserName(app, `${n}@walk.test`)));
    // The group with its three members: members created after the group are added by a PATCH that is queued once
    // their batch is done, so an idle queue alone does not mean the group is complete.
    await waitFor('the group with its members', () => {
      const g = app.groups().find((g) => g.displayName === 'Walk');
      return ((g?.members as unknown[] | undefined)?.length ?? 0) === 3;
    });

    const status = async () => (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body;
    const restart = async () => {
      const since = Date.now();
      await t.admin('post', `/targets/${targetId}/restart`).expect(202);
      return waitFor('the reconciliation done', async () => {
        const s = await status();
        const summary = s.reconciliation.summary;
        const done =
          summary &&
          Date.parse(summary.startedAt) >= since &&
          !s.reconciliation.requested &&
          s.pending.objects === 0;
        return done ? summary : undefined;
      });
    };
    await waitFor('the engine idle', async () => (await status()).pending.objects === 0);
    const outsiderLogs = (await logsOf(targetId, outsider)).length;
    // The app's copy of one assigned user drifted: the walk still compares every assigned user with the target.
    const drifted = byUserName(app, 'member@walk.test')!.id as string;
    const patched = await fetch(`${app.url}/Users/${drifted}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'name.familyName', value: 'Drifted' }],
      }),
    });
    expect(patched.status).toBe(200);
    const before = writes(app).length;
    const first = await restart();
    // Five users (the group's members and the directly assigned, each once) and the group: the outsider and every
    // other user of the directory are not read at all.
    expect(first).toMatchObject({ walk: 'assigned', queued: { users: 5, groups: 1, goneFromDirectory: 0 } });
    const repaired = writes(app).slice(before);
    expect(repaired.map((r) => [r.method, r.path])).toEqual([['PATCH', `/Users/${drifted}`]]);
    expect(byUserName(app, 'member@walk.test')!.name).toMatchObject({ familyName: 'Test' });

    // Held and unassigned (the walk finds it through what the target holds), held and gone from the directory.
    await t.admin('delete', `/targets/${targetId}/assignments/${leaving.id}`).expect(204);
    await t.scim('delete', `/Users/${deleted}`).expect(204);
    await waitFor('both disabled', () =>
      ['leaver', 'deleted'].every((n) => byUserName(app, `${n}@walk.test`)?.active === false),
    );
    const second = await restart();
    expect(second).toMatchObject({ walk: 'assigned', queued: { users: 4, groups: 1, goneFromDirectory: 1 } });
    expect((await logsOf(targetId, outsider)).length).toBe(outsiderLogs);
    for (const n of names) expect(posts(app, `${n}@walk.test`)).toHaveLength(1);
    await t.admin('delete', `/targets/${targetId}`).expect(204);
  });

  it('walks no group in the reconciliation of a target that does not provision groups', async () => {
    const group = await createGroup(t, 'Not provisioned', [await createUser(t, 'nogroups@walk.test')]);
    const ids = await Promise.all(
      (['all', 'assigned'] as const).map((scope) =>
        registerTarget(t, other, { name: `no-groups-${scope}`, scope, provisionGroups: false }),
      ),
    );
    await assign(ids[1], 'Group', group);
    for (const targetId of ids) {
      const status = async () => (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body;
      await waitFor('the initial cycle', async () => {
        const s = await status();
        return s.reconciliation.summary && !s.reconciliation.requested && s.pending.objects === 0;
      });
      const skipsBefore = (await logsOf(targetId, group)).filter((e) => e.action === 'Skip').length;
      const since = Date.now();
      await t.admin('post', `/targets/${targetId}/restart`).expect(202);
      const summary = await waitFor('the reconciliation done', async () => {
        const s = await status();
        const r = s.reconciliation.summary;
        const done =
          r && Date.parse(r.startedAt) >= since && !s.reconciliation.requested && s.pending.objects === 0;
        return done ? r : undefined;
      });
      expect(summary.queued.groups).toBe(0);
      expect(summary.queued.users).toBeGreaterThan(0);
      // The cycle did not evaluate the group (each evaluation would log a Skip: groups not provisioned).
      expect((await logsOf(targetId, group)).filter((e) => e.action === 'Skip')).toHaveLength(skipsBefore);
    }
    // Nor do the group's own changes or its assignment reach those targets: the group is not queued at all.
    await t
      .scim('patch', `/Groups/${group}`)
      .send({
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Now provisioned' }],
      })
      .expect(200);
    for (const targetId of ids)
      await waitFor('the change fanned out', async () => {
        const s = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body;
        return s.pending.journalRowsNotYetQueued === 0 && s.pending.objects === 0;
      });
    const rows = await t.dataSource.query<unknown[]>(
      `SELECT target_id FROM provisioned_object WHERE object_id = ? AND target_id IN (?, ?)`,
      [group, ...ids],
    );
    expect(rows).toEqual([]);
    for (const targetId of ids) expect(await logsOf(targetId, group)).toEqual([]);

    // Turning group provisioning on reconciles the target: the group is created then, not at the next cycle.
    await t.admin('patch', `/targets/${ids[0]}`).send({ provisionGroups: true }).expect(200);
    await waitFor('the group created', () => other.groups().find((g) => g.displayName === 'Now provisioned'));
    for (const targetId of ids) await t.admin('delete', `/targets/${targetId}`).expect(204);
  }, 30_000);
});
