import { Clock } from '../../src/common/clock';
import { RetentionService } from '../../src/directory/lifecycle/retention.service';
import type { LogView } from '../../src/provisioning/logs/provisioning-logs.service';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const DAY = 24 * 60 * 60 * 1000;

interface Entry {
  seq: number;
  time: string;
  kind: string;
  actor: Record<string, unknown> | null;
  requestId: string | null;
  version: number;
  changedAttributes: { path: string; value?: unknown; redacted?: boolean }[];
  memberIds?: string[];
}

interface HrToken {
  id: string;
  name: string;
  token: string;
}

describe('Directory history (who changed what, when, in which request)', () => {
  let t: TestApp;
  let now = new Date('2027-03-01T09:00:00Z').getTime();
  const clock: Clock = { now: () => new Date(now) };
  let workday: HrToken;
  let sap: HrToken;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { SOFT_DELETE_RETENTION_DAYS: '30' } });
    const issue = async (name: string): Promise<HrToken> =>
      (
        await t
          .admin('post', '/tokens')
          .send({ name, scopes: ['scim'] })
          .expect(201)
      ).body as HrToken;
    workday = await issue('HR Workday');
    sap = await issue('HR SAP');
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  /** A SCIM request as `token`, with the request id the journal must record. */
  const scimAs = (
    token: HrToken,
    method: 'post' | 'put' | 'patch' | 'delete',
    url: string,
    requestId: string,
  ) =>
    t.http[method](`/scim/v2${url}`)
      .set('Authorization', `Bearer ${token.token}`)
      .set('X-Request-Id', requestId)
      .set('Content-Type', 'application/scim+json');

  const history = async (type: 'users' | 'groups', id: string, query = ''): Promise<Entry[]> =>
    (await t.admin('get', `/directory/${type}/${id}/history${query}`).expect(200)).body.entries as Entry[];

  const paths = (entry: Entry) => entry.changedAttributes.map((c) => c.path).sort();
  const valueOf = (entry: Entry, path: string) => entry.changedAttributes.find((c) => c.path === path)?.value;

  it("names each change's actor, request id and changed attributes: create, PATCH, PUT, /bulkUpload, delete", async () => {
    const created = await scimAs(workday, 'post', '/Users', 'req-create')
      .send({
        schemas: [USER, ENTERPRISE],
        userName: 'ada@history.test',
        externalId: 'W-1815',
        name: { givenName: 'Ada', familyName: 'Byron' },
        active: true,
        title: 'Analyst',
        password: 'Initial-Secret-1',
        [ENTERPRISE]: { department: 'R&D' },
      })
      .expect(201);
    const id = created.body.id as string;

    // The userName replace is a no-op: listed is what the documents say changed, not what the ops named.
    await scimAs(workday, 'patch', `/Users/${id}`, 'req-deactivate')
      .send({
        schemas: [PATCH_OP],
        Operations: [
          { op: 'replace', path: 'active', value: false },
          { op: 'replace', path: 'userName', value: 'ada@history.test' },
        ],
      })
      .expect(200);

    await scimAs(sap, 'put', `/Users/${id}`, 'req-put')
      .send({
        schemas: [USER, ENTERPRISE],
        userName: 'ada@history.test',
        externalId: 'W-1815',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        active: false,
        password: 'Another-Secret-2',
        [ENTERPRISE]: { department: 'R&D' },
      })
      .expect(200);

    const upload = await scimAs(workday, 'post', '/bulkUpload?sync=true', 'req-bulk')
      .send({
        schemas: [BULK],
        Operations: [
          {
            method: 'POST',
            bulkId: '1',
            path: '/Users',
            data: {
              schemas: [USER, ENTERPRISE],
              externalId: 'W-1815',
              [ENTERPRISE]: { department: 'Analytics' },
            },
          },
        ],
      })
      .expect(200);
    expect(upload.body.records[0].status).toBe('updated');
    const jobId = upload.body.id as string;

    await scimAs(sap, 'delete', `/Users/${id}`, 'req-delete').expect(204);

    const entries = await history('users', id);
    expect(entries.map((e) => [e.kind, e.requestId, e.version])).toEqual([
      ['deleted', 'req-delete', 5],
      ['replaced', 'req-bulk', 4],
      ['replaced', 'req-put', 3],
      ['patched', 'req-deactivate', 2],
      ['created', 'req-create', 1],
    ]);
    const [deleted, imported, replaced, patched, create] = entries;

    expect(create.actor).toEqual({ kind: 'token', id: workday.id, name: 'HR Workday' });
    expect(paths(create)).toEqual(
      [
        'active',
        'externalId',
        'name.familyName',
        'name.givenName',
        'title',
        'userName',
        `${ENTERPRISE}:department`,
      ].sort(),
    );
    expect(valueOf(create, 'name.familyName')).toBe('Byron');

    // "When was this user deactivated, by which HR token, in which request?"
    expect(patched.actor).toEqual({ kind: 'token', id: workday.id, name: 'HR Workday' });
    expect(patched.changedAttributes).toEqual([{ path: 'active', value: false }]);

    expect(replaced.actor).toEqual({ kind: 'token', id: sap.id, name: 'HR SAP' });
    expect(replaced.changedAttributes).toEqual([
      { path: 'name.familyName', value: 'Lovelace' },
      { path: 'title', value: null },
    ]);

    expect(imported.actor).toEqual({
      kind: 'import',
      id: jobId,
      token: { id: workday.id, name: 'HR Workday' },
    });
    expect(imported.changedAttributes).toEqual([{ path: `${ENTERPRISE}:department`, value: 'Analytics' }]);

    expect(deleted.actor).toEqual({ kind: 'token', id: sap.id, name: 'HR SAP' });
    expect(deleted.changedAttributes).toEqual([]);
    expect(new Date(deleted.time).getTime()).toBe(now);

    // Secrets never reach the history.
    const body = JSON.stringify(entries);
    expect(body).not.toContain('Initial-Secret-1');
    expect(body).not.toContain('Another-Secret-2');

    // Newest first, in cursor pages that add up to the whole history.
    const first = await t.admin('get', `/directory/users/${id}/history?limit=2`).expect(200);
    expect(first.body.entries.map((e: Entry) => e.seq)).toEqual(entries.slice(0, 2).map((e) => e.seq));
    const second = await t
      .admin('get', `/directory/users/${id}/history?limit=2&cursor=${first.body.nextCursor as string}`)
      .expect(200);
    const third = await t
      .admin('get', `/directory/users/${id}/history?limit=2&cursor=${second.body.nextCursor as string}`)
      .expect(200);
    expect(third.body.nextCursor).toBeNull();
    expect([...first.body.entries, ...second.body.entries, ...third.body.entries]).toEqual(entries);

    // Kept through the purge, which is named as the system job that made it.
    now += 31 * DAY;
    expect(await t.app.get(RetentionService).purgeExpired()).toMatchObject({ users: 1 });
    const afterPurge = await history('users', id);
    expect(afterPurge[0]).toMatchObject({
      kind: 'purged',
      requestId: null,
      actor: { kind: 'system', id: 'retention-purge', name: 'Soft-delete retention purge' },
      changedAttributes: [],
    });
    expect(afterPurge.slice(1)).toEqual(entries);
  });

  it("lists a group's changes: its attributes, and the members that joined and left", async () => {
    const member = await scimAs(workday, 'post', '/Users', 'req-member')
      .send({ schemas: [USER], userName: 'member@history.test' })
      .expect(201);
    const group = await scimAs(workday, 'post', '/Groups', 'req-group')
      .send({ schemas: [GROUP], displayName: 'Analysts' })
      .expect(201);
    const id = group.body.id as string;
    await scimAs(sap, 'patch', `/Groups/${id}`, 'req-join')
      .send({
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'members', value: [{ value: member.body.id }] }],
      })
      .expect(200);
    await scimAs(sap, 'patch', `/Groups/${id}`, 'req-rename')
      .send({
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Data analysts' }],
      })
      .expect(200);
    await scimAs(workday, 'delete', `/Users/${member.body.id as string}`, 'req-leave').expect(204);

    const entries = await history('groups', id);
    expect(entries.map((e) => [e.kind, e.requestId, e.actor?.name])).toEqual([
      ['members_removed', 'req-leave', 'HR Workday'],
      ['patched', 'req-rename', 'HR SAP'],
      ['members_added', 'req-join', 'HR SAP'],
      ['created', 'req-group', 'HR Workday'],
    ]);
    expect(entries[0].memberIds).toEqual([member.body.id]);
    expect(entries[1].changedAttributes).toEqual([{ path: 'displayName', value: 'Data analysts' }]);
    expect(entries[2].memberIds).toEqual([member.body.id]);
    expect(entries[3].changedAttributes).toEqual([{ path: 'displayName', value: 'Analysts' }]);
  });

  it('answers 404 for an object that never existed, and 400 naming a bad cursor or limit', async () => {
    const unknown = '00000000-0000-4000-8000-000000000001';
    await t.admin('get', `/directory/users/${unknown}/history`).expect(404);
    await t.admin('get', `/directory/groups/${unknown}/history`).expect(404);
    await t.admin('get', '/directory/users/not-an-id/history').expect(404);

    const user = await scimAs(workday, 'post', '/Users', 'req-x')
      .send({ schemas: [USER], userName: 'paged@history.test' })
      .expect(201);
    // A user's id is not a group's.
    await t.admin('get', `/directory/groups/${user.body.id as string}/history`).expect(404);
    const url = `/directory/users/${user.body.id as string}/history`;
    for (const query of [
      '?cursor=%21%21',
      '?cursor=aDA',
      `?cursor=${Buffer.from('12').toString('base64url')}`,
    ]) {
      const res = await t.admin('get', `${url}${query}`).expect(400);
      expect(JSON.stringify(res.body)).toMatch(/cursor/);
    }
    for (const query of ['?limit=0', '?limit=501', '?limit=ten', '?limit=1.5']) {
      const res = await t.admin('get', `${url}${query}`).expect(400);
      expect(JSON.stringify(res.body)).toMatch(/limit/);
    }
    await t.admin('get', `${url}?limit=500`).expect(200);
    // An object whose rows were pruned still exists: an empty history, not a 404.
    await t.dataSource.query('DELETE FROM directory_change WHERE object_id = ?', [user.body.id]);
    expect(await t.admin('get', url).expect(200)).toMatchObject({ body: { entries: [], nextCursor: null } });
    // Admin scope only.
    await t.http.get(`/admin/v1${url}`).set('Authorization', `Bearer ${workday.token}`).expect(403);
  });
});

/**
 * DIRECTORY_HISTORY narrows what the journal keeps for the history: `paths` the changed attributes without their
 * values (no HR data in the history), `off` neither actor nor attributes. The request id stays in every mode (the
 * journal had it before the history): it is how a target's log entry names the inbound request. The journal's own
 * work, the hand-off to provisioning, is the same in every mode.
 */
describe.each([
  ['paths', true],
  ['off', false],
] as const)('Directory history with DIRECTORY_HISTORY=%s', (mode, recordsWho) => {
  let t: TestApp;
  let target: FakeScimTarget;

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    t = await startTestApp({ env: { DIRECTORY_HISTORY: mode, PROVISIONING_POLL_MS: '50' } });
    await registerTarget(t, target);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  it(`keeps ${recordsWho ? 'who and which attributes, without a value' : 'the request id, kind and version of each change only'}`, async () => {
    const created = await t
      .scim('post', '/Users')
      .set('X-Request-Id', `create-${mode}`)
      .send({ schemas: [USER], userName: `${mode}@history.test`, title: 'Analyst', active: true })
      .expect(201);
    const id = created.body.id as string;
    // The target's log entry names the request that caused it, in every mode.
    const loggedRequest = (action: string) =>
      waitFor(`the ${action} in the target`, async () => {
        const logged = (
          await t.admin('get', `/provisioning-logs?objectId=${id}&action=${action}`).expect(200)
        ).body.entries as LogView[];
        return logged[0];
      }).then((entry) => entry.requestId);
    expect(await loggedRequest('Create')).toBe(`create-${mode}`);
    await t
      .scim('patch', `/Users/${id}`)
      .set('X-Request-Id', `patch-${mode}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Architect' }] })
      .expect(200);
    expect(await loggedRequest('Update')).toBe(`patch-${mode}`);
    const entries = (await t.admin('get', `/directory/users/${id}/history`).expect(200)).body
      .entries as Entry[];
    expect(entries.map((e) => [e.kind, e.version])).toEqual([
      ['patched', 2],
      ['created', 1],
    ]);
    const [patched, first] = entries;
    if (recordsWho) {
      expect(patched.requestId).toBe(`patch-${mode}`);
      expect(patched.actor).toMatchObject({ kind: 'token', name: 'bootstrap-scim' });
      expect(patched.changedAttributes).toEqual([{ path: 'title' }]);
      expect(first.changedAttributes.map((c) => c.path)).toEqual(
        expect.arrayContaining(['userName', 'title']),
      );
      expect(JSON.stringify(entries)).not.toMatch(/Analyst|Architect/);
    } else {
      expect(entries.map((e) => e.requestId)).toEqual([`patch-${mode}`, `create-${mode}`]);
      for (const e of entries) {
        expect(e.actor).toBeNull();
        expect(e.changedAttributes).toEqual([]);
      }
    }
  }, 30_000);
});
