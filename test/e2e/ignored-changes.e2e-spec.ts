import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { byUserName, createUser, ENTERPRISE, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const DEPARTMENT = `${ENTERPRISE}:department`;

interface LogEntry {
  id: number;
  action: string;
  status: string;
  reason: string | null;
  detail: string | null;
}
interface IgnoredSummary {
  objects: number;
  lastSeenAt: string | null;
  attributes: { attribute: string; cause: string; objects: number; advice: string }[];
}

/**
 * Apps that answer 200 to a PATCH and drop it (capitalised ops) or store it elsewhere (extension URN paths): the
 * change is found by a reconciliation or a read-back, logged as a Warning with the setting that avoids it, shown
 * in the status, and not sent again every cycle.
 */
describe('changes a target acknowledges but does not keep', () => {
  let t: TestApp;
  const fakes: FakeScimTarget[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    for (const fake of fakes) await fake.close();
  });

  const startFake = async (patchQuirks: Parameters<typeof startFakeScimTarget>[0]) => {
    const fake = await startFakeScimTarget(patchQuirks);
    fakes.push(fake);
    return fake;
  };

  const status = async (id: string) =>
    (await t.admin('get', `/targets/${id}/status`).expect(200)).body as {
      pending: { objects: number };
      reconciliation: { requested: boolean; summary: { startedAt: string } | null };
      ignoredChanges: IgnoredSummary;
    };

  const logs = async (id: string, objectId: string, query = ''): Promise<LogEntry[]> =>
    (await t.admin('get', `/provisioning-logs?targetId=${id}&objectId=${objectId}${query}`).expect(200)).body
      .entries as LogEntry[];

  /** Waits for a reconciliation that started after `since` to be queued and everything pending to be sent. */
  const reconciled = (id: string, since: number) =>
    waitFor('the reconciliation done', async () => {
      const s = await status(id);
      const summary = s.reconciliation.summary;
      return (
        summary !== null &&
        Date.parse(summary.startedAt) >= since &&
        !s.reconciliation.requested &&
        s.pending.objects === 0
      );
    });

  const restart = async (id: string) => {
    const since = Date.now();
    await t.admin('post', `/targets/${id}/restart`).expect(202);
    await reconciled(id, since);
  };

  const patchUser = (userId: string, operations: { path: string; value: string }[]) =>
    t
      .scim('patch', `/Users/${userId}`)
      .send({ schemas: [PATCH_OP], Operations: operations.map((o) => ({ op: 'replace', ...o })) })
      .expect(200);

  const patchesTo = (fake: FakeScimTarget, targetObjectId: string) =>
    fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/Users/${targetObjectId}`);

  /** Creates a user, waits for it in the fake and for the target's first reconciliation to be over. */
  async function provisioned(id: string, fake: FakeScimTarget, userName: string) {
    const userId = await createUser(t, userName, { title: 'Analyst', [ENTERPRISE]: { department: 'Sales' } });
    const created = await waitFor('the user in the target', () => byUserName(fake, userName));
    await reconciled(id, 0);
    return { userId, targetObjectId: created.id as string };
  }

  it('warns at reconciliation of capitalised ops the target dropped, does not resend them, and stops with the rfc profile', async () => {
    const fake = await startFake({ patchQuirks: { dropCapitalisedOps: true } });
    const id = await registerTarget(t, fake, { name: 'caps', profile: 'entra', provisionGroups: false });
    const { userId, targetObjectId } = await provisioned(id, fake, 'caps@ignored.test');

    await patchUser(userId, [
      { path: 'title', value: 'Lead' },
      { path: DEPARTMENT, value: 'Ops' },
    ]);
    await waitFor('the Update logged a Success', async () => {
      return (await logs(id, userId, '&action=Update&status=Success')).length > 0;
    });
    // The app answered 200 and kept nothing.
    expect(byUserName(fake, 'caps@ignored.test')).toMatchObject({
      title: 'Analyst',
      [ENTERPRISE]: { department: 'Sales' },
    });
    expect(await logs(id, userId, '&status=Warning')).toEqual([]);

    await restart(id);
    const [warning] = await logs(id, userId, '&status=Warning');
    expect(warning).toMatchObject({ action: 'Update', reason: 'target_ignored_change' });
    expect(warning.detail).toContain('title');
    expect(warning.detail).toContain(DEPARTMENT);
    expect(warning.detail).toContain('capitalised PATCH ops');
    expect(warning.detail).toContain('profile to "rfc"');
    const summary = (await status(id)).ignoredChanges;
    expect(summary.objects).toBe(1);
    expect(summary.lastSeenAt).not.toBeNull();
    expect(summary.attributes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ attribute: 'title', cause: 'capitalised_ops', objects: 1 }),
        expect.objectContaining({ attribute: DEPARTMENT, cause: 'capitalised_ops', objects: 1 }),
      ]),
    );

    // The next cycle does not send the same values again; it says why it sent nothing.
    const patchesBefore = patchesTo(fake, targetObjectId).length;
    await restart(id);
    expect(patchesTo(fake, targetObjectId).length).toBe(patchesBefore);
    const [notResent] = await logs(id, userId, '&status=Skipped');
    expect(notResent).toMatchObject({ reason: 'ignored_change_not_resent' });
    expect(notResent.detail).toContain('title');

    // A new value in the directory goes out, alone: the title the app ignored is not in it.
    await patchUser(userId, [{ path: DEPARTMENT, value: 'Finance' }]);
    const resent = await waitFor('the new department sent', () =>
      patchesTo(fake, targetObjectId).find((r) => JSON.stringify(r.body).includes('Finance')),
    );
    expect(JSON.stringify(resent.body)).not.toContain('Lead');

    // The advised setting: the new profile tries once more at once (a reconciliation), and the values stick.
    const lastWarning = (await logs(id, userId, '&status=Warning'))[0].id;
    const since = Date.now();
    await t.admin('patch', `/targets/${id}`).send({ profile: 'rfc' }).expect(200);
    await reconciled(id, since);
    expect(byUserName(fake, 'caps@ignored.test')).toMatchObject({
      title: 'Lead',
      [ENTERPRISE]: { department: 'Finance' },
    });
    expect((await logs(id, userId, '&status=Warning'))[0].id).toBe(lastWarning);
    expect((await status(id)).ignoredChanges).toEqual({ objects: 0, lastSeenAt: null, attributes: [] });
    await t.admin('delete', `/targets/${id}`).expect(204);
  }, 60_000);

  it('warns at reconciliation of extension URN paths stored elsewhere, naming only those, and stops with updateStyle PUT', async () => {
    const fake = await startFake({ patchQuirks: { misplaceExtensionPaths: true } });
    const id = await registerTarget(t, fake, { name: 'urn-paths', profile: 'entra', provisionGroups: false });
    const { userId, targetObjectId } = await provisioned(id, fake, 'urn@ignored.test');

    await patchUser(userId, [
      { path: 'title', value: 'Lead' },
      { path: DEPARTMENT, value: 'Ops' },
    ]);
    await waitFor('the title in the target', () => byUserName(fake, 'urn@ignored.test')?.title === 'Lead');
    // Kept, but not where SCIM reads it: a top-level attribute named after the path.
    const stored = byUserName(fake, 'urn@ignored.test')!;
    expect(stored[DEPARTMENT]).toBe('Ops');
    expect(stored[ENTERPRISE]).toEqual({ department: 'Sales' });

    await restart(id);
    const [warning] = await logs(id, userId, '&status=Warning');
    expect(warning).toMatchObject({ action: 'Update', reason: 'target_ignored_change' });
    expect(warning.detail).toContain(DEPARTMENT);
    expect(warning.detail).not.toMatch(/\btitle\b/);
    expect(warning.detail).toContain('updateStyle to "PUT"');
    expect((await status(id)).ignoredChanges).toMatchObject({
      objects: 1,
      attributes: [{ attribute: DEPARTMENT, cause: 'extension_path', objects: 1 }],
    });

    const patchesBefore = patchesTo(fake, targetObjectId).length;
    await restart(id);
    expect(patchesTo(fake, targetObjectId).length).toBe(patchesBefore);

    const since = Date.now();
    await t.admin('patch', `/targets/${id}`).send({ updateStyle: 'PUT' }).expect(200);
    await reconciled(id, since);
    expect(fake.requests.some((r) => r.method === 'PUT' && r.path === `/Users/${targetObjectId}`)).toBe(true);
    expect(byUserName(fake, 'urn@ignored.test')?.[ENTERPRISE]).toEqual({ department: 'Ops' });
    expect(await logs(id, userId, '&status=Warning')).toHaveLength(1);
    expect((await status(id)).ignoredChanges.objects).toBe(0);
    await t.admin('delete', `/targets/${id}`).expect(204);
  }, 60_000);

  it('with verifyUpdates reads the resource back and warns right after the update', async () => {
    const fake = await startFake({ patchQuirks: { dropCapitalisedOps: true } });
    const id = await registerTarget(t, fake, {
      name: 'read-back',
      profile: 'entra',
      provisionGroups: false,
      verifyUpdates: true,
    });
    expect((await t.admin('get', `/targets/${id}`).expect(200)).body).toMatchObject({ verifyUpdates: true });
    const { userId, targetObjectId } = await provisioned(id, fake, 'verify@ignored.test');

    await patchUser(userId, [{ path: 'title', value: 'Lead' }]);
    const [warning] = await waitFor('the Warning after the update', () =>
      logs(id, userId, '&status=Warning').then((l) => (l.length > 0 ? l : undefined)),
    );
    expect(warning).toMatchObject({ action: 'Update', reason: 'target_ignored_change' });
    expect(warning.detail).toContain('title');
    expect(warning.detail).toContain('profile to "rfc"');
    // Read back with a GET right after the PATCH, no reconciliation in between.
    const requests = fake.requests.filter((r) => r.path === `/Users/${targetObjectId}`);
    expect(requests.slice(-2).map((r) => r.method)).toEqual(['PATCH', 'GET']);
    expect((await status(id)).ignoredChanges).toMatchObject({
      objects: 1,
      attributes: [{ attribute: 'title', cause: 'capitalised_ops' }],
    });

    // With lowercase ops the read-back finds the value kept: no new Warning.
    await t.admin('patch', `/targets/${id}`).send({ profile: 'rfc' }).expect(200);
    await waitFor('the title kept', () => byUserName(fake, 'verify@ignored.test')?.title === 'Lead');
    await patchUser(userId, [{ path: 'title', value: 'Head' }]);
    await waitFor('the new title kept', () => byUserName(fake, 'verify@ignored.test')?.title === 'Head');
    await waitFor('the read-back done', async () => (await status(id)).pending.objects === 0);
    expect(await logs(id, userId, '&status=Warning')).toHaveLength(1);
    expect((await status(id)).ignoredChanges.objects).toBe(0);
    await t.admin('delete', `/targets/${id}`).expect(204);
  }, 60_000);
});
