import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import {
  byUserName,
  createUser,
  ENTERPRISE,
  registerTarget,
  waitFor,
  writes,
} from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

/** Joiner, mover, leaver through two targets: one speaking Entra's shapes, one strict RFC 7644. */
describe('provisioning: joiner, mover, leaver to two targets', () => {
  let t: TestApp;
  let entra: FakeScimTarget;
  let rfc: FakeScimTarget;
  let entraId: string;
  let rfcId: string;

  beforeAll(async () => {
    [entra, rfc] = await Promise.all([
      startFakeScimTarget({ bearerToken: 'tok-0123456789' }),
      startFakeScimTarget(),
    ]);
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    entraId = await registerTarget(t, entra, { profile: 'entra', deprovisionAction: 'disable' });
    rfcId = await registerTarget(t, rfc, { profile: 'rfc', deprovisionAction: 'delete' });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([entra?.close(), rfc?.close()]);
  });

  it("creates a joiner and its manager in both targets, the manager linked by the target's own id", async () => {
    const managerId = await createUser(t, 'boss@example.com', { [ENTERPRISE]: { department: 'Board' } });
    await createUser(t, 'ann@example.com', {
      title: 'Analyst',
      [ENTERPRISE]: { department: 'Sales', manager: { value: managerId } },
    });
    for (const target of [entra, rfc]) {
      const ann = await waitFor('ann with her manager', () => {
        const u = byUserName(target, 'ann@example.com');
        return (u?.[ENTERPRISE] as { manager?: unknown } | undefined)?.manager ? u : undefined;
      });
      const boss = byUserName(target, 'boss@example.com')!;
      expect((ann[ENTERPRISE] as { manager: { value: string } }).manager.value).toBe(boss.id);
      expect(ann.title).toBe('Analyst');
      // Lookup before create: a filtered GET on userName precedes each POST.
      const lookups = target.requests.filter(
        (r) => r.method === 'GET' && r.query.filter?.startsWith('userName eq'),
      );
      expect(lookups.length).toBeGreaterThanOrEqual(2);
      expect(target.requests.filter((r) => r.method === 'POST' && r.path === '/Users')).toHaveLength(2);
    }
  });

  it("sends a mover only what changed, in each profile's shape", async () => {
    const annId = (await t.scim('get', '/Users?filter=userName eq "ann@example.com"').expect(200)).body
      .Resources[0].id as string;
    const before = [writes(entra).length, writes(rfc).length];
    await t
      .scim('patch', `/Users/${annId}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'Lead' }],
      })
      .expect(200);
    await waitFor(
      'title on both',
      () =>
        byUserName(entra, 'ann@example.com')?.title === 'Lead' &&
        byUserName(rfc, 'ann@example.com')?.title === 'Lead',
    );
    const entraPatch = writes(entra).slice(before[0]);
    const rfcPatch = writes(rfc).slice(before[1]);
    expect(entraPatch).toHaveLength(1);
    expect(entraPatch[0].body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', value: { title: 'Lead' } }],
    });
    expect(rfcPatch).toHaveLength(1);
    expect((rfcPatch[0].body as { Operations: unknown[] }).Operations).toEqual([
      { op: 'replace', path: 'title', value: 'Lead' },
    ]);
  });

  it('provisions a group with the members the target has, then a membership change as a member PATCH', async () => {
    const annId = (await t.scim('get', '/Users?filter=userName eq "ann@example.com"').expect(200)).body
      .Resources[0].id as string;
    const group = await t
      .scim('post', '/Groups')
      .send({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
        members: [{ value: annId }],
      })
      .expect(201);
    for (const target of [entra, rfc]) {
      const g = await waitFor('group with ann', () => {
        const found = target.groups().find((x) => x.displayName === 'Sales');
        return (found?.members as unknown[] | undefined)?.length === 1 ? found : undefined;
      });
      expect((g.members as { value: string }[])[0].value).toBe(byUserName(target, 'ann@example.com')!.id);
    }
    const bossId = (await t.scim('get', '/Users?filter=userName eq "boss@example.com"').expect(200)).body
      .Resources[0].id as string;
    await t
      .scim('patch', `/Groups/${group.body.id as string}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'add', path: 'members', value: [{ value: bossId }] },
          { op: 'remove', path: `members[value eq "${annId}"]` },
        ],
      })
      .expect((res) => expect([200, 204]).toContain(res.status));
    for (const target of [entra, rfc]) {
      await waitFor('boss replaces ann in the group', () => {
        const members = (target.groups().find((x) => x.displayName === 'Sales')?.members ?? []) as {
          value: string;
        }[];
        return members.length === 1 && members[0].value === byUserName(target, 'boss@example.com')!.id;
      });
    }
    const removal = rfc.requests.find(
      (r) => r.method === 'PATCH' && JSON.stringify(r.body).includes('members[value eq'),
    );
    expect(removal).toBeDefined();
  });

  it('disables a leaver in the disable target and deletes it in the delete target, and logs why', async () => {
    const annId = (await t.scim('get', '/Users?filter=userName eq "ann@example.com"').expect(200)).body
      .Resources[0].id as string;
    await t.scim('delete', `/Users/${annId}`).expect(204);
    await waitFor('ann disabled in entra', () => byUserName(entra, 'ann@example.com')?.active === false);
    await waitFor('ann deleted in rfc', () => byUserName(rfc, 'ann@example.com') === undefined);
    const disable = entra.requests.find(
      (r) => r.method === 'PATCH' && JSON.stringify(r.body).includes('"active"'),
    );
    expect((disable!.body as { Operations: unknown[] }).Operations).toContainEqual({
      op: 'Replace',
      path: 'active',
      value: false,
    });
    expect(rfc.requests.some((r) => r.method === 'DELETE' && r.path.startsWith('/Users/'))).toBe(true);

    const logs = await t.admin('get', `/provisioning-logs?targetId=${entraId}&objectId=${annId}`).expect(200);
    const actions = (logs.body.entries as { action: string; status: string }[]).map(
      (e) => `${e.action}:${e.status}`,
    );
    expect(actions).toEqual(expect.arrayContaining(['Create:Success', 'Update:Success', 'Disable:Success']));
    expect(JSON.stringify(logs.body)).not.toContain('tok-0123456789');
    const deleted = await t
      .admin('get', `/provisioning-logs?targetId=${rfcId}&objectId=${annId}&action=Delete`)
      .expect(200);
    expect(deleted.body.entries).toHaveLength(1);
    expect(deleted.body.entries[0].request.method).toBe('DELETE');
  });

  it('shows each target idle with nothing pending and per-action totals', async () => {
    const status = await waitFor('nothing pending', async () => {
      const res = await t.admin('get', `/targets/${entraId}/status`).expect(200);
      return res.body.pending.objects === 0 ? res.body : undefined;
    });
    expect(status.state).toBe('active');
    expect(status.lastSuccess).not.toBeNull();
    expect(status.totals.Create.Success).toBeGreaterThanOrEqual(2);
  });
});
