import type { MappingSet } from '../../src/mapping/mapping-set';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { byUserName, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const WORK_EMAIL = 'emails[type eq "work"].value';

interface Entry {
  id: number;
  action: string;
  status: string;
  reason: string | null;
  response: { status: number | null; excerpt: string | null };
  modifiedProperties: { name: string; oldValue: unknown; newValue: unknown }[];
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** Entra's Modified properties: each log entry of a write names what it set, old and new, as sent. */
describe('modified properties in the provisioning log', () => {
  let t: TestApp;
  let target: FakeScimTarget;
  let targetId: string;

  beforeAll(async () => {
    target = await startFakeScimTarget();
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    targetId = await registerTarget(t, target, { name: 'modified', deprovisionAction: 'disable' });
    const mapping = (await t.admin('get', `/targets/${targetId}/mappings`).expect(200)).body as MappingSet;
    mapping.users.attributes.push({
      targetAttribute: 'nickName',
      type: 'Expression',
      source: 'Redact(Append([title], "-ultra-secret"))',
      apply: 'Always',
    });
    await t.admin('put', `/targets/${targetId}/mappings`).send(mapping).expect(200);
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  /** The object's entries, oldest first, once `count` of them satisfy `match`. */
  const entries = async (objectId: string, count: number, match: (e: Entry) => boolean = () => true) =>
    waitFor(`${count} log entries`, async () => {
      const res = await t
        .admin('get', `/provisioning-logs?targetId=${targetId}&objectId=${objectId}`)
        .expect(200);
      const all = (res.body.entries as Entry[]).reverse();
      return all.filter(match).length >= count ? all : undefined;
    });

  const writesOf = (all: Entry[]) => all.filter((e) => e.status === 'Success');

  it('lists the values sent by a create, then old and new of an HR change, a Redact()ed one masked in both', async () => {
    const user = await createUser(t, 'mp@example.com', { title: 'Analyst' });
    await waitFor('created', () => byUserName(target, 'mp@example.com'));
    const [create] = writesOf(await entries(user, 1));
    expect(create.action).toBe('Create');
    expect(create.modifiedProperties).toEqual(
      expect.arrayContaining([
        { name: 'userName', oldValue: null, newValue: 'mp@example.com' },
        { name: 'title', oldValue: null, newValue: 'Analyst' },
        { name: WORK_EMAIL, oldValue: null, newValue: 'mp@example.com' },
        { name: 'nickName', oldValue: null, newValue: '[Redacted]' },
      ]),
    );
    expect(create.modifiedProperties.every((p) => p.oldValue === null)).toBe(true);
    // A create does not store them: they are read back from the request it logged, which shows the same values.
    const [stored] = await t.dataSource.query<{ modified_properties: string | null }[]>(
      'SELECT modified_properties FROM provisioning_log WHERE id = ?',
      [create.id],
    );
    expect(stored.modified_properties).toBeNull();
    // A success keeps the answer's status, not its body (PROVISIONING_LOG_RESPONSES=failures, the default).
    expect(create.response).toEqual({ status: 201, excerpt: null });

    await t
      .scim('patch', `/Users/${user}`)
      .send({
        schemas: [PATCH_OP],
        Operations: [
          { op: 'replace', path: 'title', value: 'Lead' },
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'mp@new.example.com' },
        ],
      })
      .expect(200);
    await waitFor('the new title', () => byUserName(target, 'mp@example.com')?.title === 'Lead');
    expect(byUserName(target, 'mp@example.com')?.nickName).toBe('Lead-ultra-secret');
    const all = await entries(user, 2, (e) => e.status === 'Success');
    const update = writesOf(all)[1];
    expect(update.action).toBe('Update');
    expect([...update.modifiedProperties].sort(byName)).toEqual(
      [
        { name: 'title', oldValue: 'Analyst', newValue: 'Lead' },
        { name: WORK_EMAIL, oldValue: 'mp@example.com', newValue: 'mp@new.example.com' },
        { name: 'nickName', oldValue: '[Redacted]', newValue: '[Redacted]' },
      ].sort(byName),
    );
    expect(JSON.stringify(all)).not.toContain('ultra-secret');
  });

  it('says active true → false for a disable, and lists nothing for a skip with no change', async () => {
    const user = await createUser(t, 'leaver@example.com');
    await waitFor('created', () => byUserName(target, 'leaver@example.com'));
    await entries(user, 1, (e) => e.action === 'Create');

    // A change the mapping does not send: the attempt ends in no_change, with no properties.
    await t
      .scim('patch', `/Users/${user}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'locale', value: 'fr-FR' }] })
      .expect(200);
    const noChange = (await entries(user, 1, (e) => e.reason === 'no_change')).find(
      (e) => e.reason === 'no_change',
    )!;
    expect(noChange).toMatchObject({ action: 'Other', status: 'Skipped', modifiedProperties: [] });

    await t
      .scim('patch', `/Users/${user}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })
      .expect(200);
    await waitFor('disabled', () => byUserName(target, 'leaver@example.com')?.active === false);
    const disable = (await entries(user, 1, (e) => e.action === 'Disable')).find(
      (e) => e.action === 'Disable',
    )!;
    expect(disable.status).toBe('Success');
    expect(disable.modifiedProperties).toEqual([{ name: 'active', oldValue: true, newValue: false }]);
  });

  it("keeps the body of an answer that is not a success: the target's own words on what went wrong", async () => {
    const user = await createUser(t, 'refused@example.com', { title: 'Analyst' });
    await waitFor('created', () => byUserName(target, 'refused@example.com'));
    await entries(user, 1, (e) => e.action === 'Create');
    target.failNext(
      1,
      { status: 400, body: { schemas: [ERROR], status: '400', detail: 'title is not allowed to be Chief' } },
      { path: '/Users/', method: 'PATCH' },
    );
    await t
      .scim('patch', `/Users/${user}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Chief' }] })
      .expect(200);
    const failed = (await entries(user, 1, (e) => e.status === 'Failure')).find(
      (e) => e.status === 'Failure',
    )!;
    expect(failed.response.status).toBe(400);
    expect(failed.response.excerpt).toContain('title is not allowed to be Chief');
    expect(failed.modifiedProperties).toEqual(
      expect.arrayContaining([{ name: 'title', oldValue: 'Analyst', newValue: 'Chief' }]),
    );
  });

  it('lists nothing for a delete', async () => {
    const deleting = await startFakeScimTarget();
    try {
      const id = await registerTarget(t, deleting, { name: 'deleting', deprovisionAction: 'delete' });
      const user = await createUser(t, 'gone@example.com');
      await waitFor('created', () => byUserName(deleting, 'gone@example.com'));
      await t.scim('delete', `/Users/${user}`).expect(204);
      await waitFor('deleted', () => byUserName(deleting, 'gone@example.com') === undefined);
      const entry = await waitFor('the Delete logged', async () => {
        const res = await t
          .admin('get', `/provisioning-logs?targetId=${id}&objectId=${user}&action=Delete`)
          .expect(200);
        return (res.body.entries as Entry[])[0];
      });
      expect(entry).toMatchObject({ status: 'Success', modifiedProperties: [] });
      await t.admin('delete', `/targets/${id}`).expect(204);
    } finally {
      await deleting.close();
    }
  });
});
