import { defaultMappingSet, type MappingSet } from '../../src/mapping/mapping-set';
import { MappingsService } from '../../src/mapping/mappings.service';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { byUserName, createUser, ENTERPRISE, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const SECRET = 'sup3r-secret-bearer-0123456789';

/** The admin side of targets: CRUD without secrets, test connection, on-demand provisioning, skip reasons, logs. */
describe('provisioning: targets admin API', () => {
  let t: TestApp;
  let target: FakeScimTarget;

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: SECRET });
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  it('registers, lists, changes and removes a target, never returning or storing the secret in clear', async () => {
    const created = await t
      .admin('post', '/targets')
      .send({
        name: 'crm',
        baseUrl: target.url,
        auth: { type: 'bearer', token: SECRET },
        profile: 'entra-legacy',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'crm',
      profile: 'entra-legacy',
      deprovisionAction: 'disable',
      auth: { type: 'bearer', secretSet: true },
    });
    const id = created.body.id as string;
    const listed = await t.admin('get', '/targets').expect(200);
    expect(JSON.stringify([created.body, listed.body])).not.toContain(SECRET);
    const [row] = await t.dataSource.query<{ secret_envelope: string }[]>(
      'SELECT secret_envelope FROM provisioning_target WHERE id = ?',
      [id],
    );
    expect(row.secret_envelope).toMatch(/^v1:/);
    expect(row.secret_envelope).not.toContain(SECRET);

    await t
      .admin('post', '/targets')
      .send({ name: 'crm', baseUrl: target.url, auth: { type: 'bearer', token: SECRET } })
      .expect(409);
    const changed = await t
      .admin('patch', `/targets/${id}`)
      .send({ concurrency: 2, deprovisionAction: 'delete' })
      .expect(200);
    expect(changed.body).toMatchObject({ concurrency: 2, deprovisionAction: 'delete' });
    const verdict = await t.admin('post', `/targets/${id}/test-connection`).expect(200);
    expect(verdict.body).toMatchObject({ ok: true, code: 'ok' });
    await t
      .admin('patch', `/targets/${id}`)
      .send({ auth: { type: 'bearer', token: 'wrong-token-0123456789' } })
      .expect(200);
    const bad = await t.admin('post', `/targets/${id}/test-connection`).expect(200);
    expect(bad.body).toMatchObject({ ok: false, code: 'bad-credentials' });
    await t.admin('delete', `/targets/${id}`).expect(204);
    await t.admin('get', `/targets/${id}`).expect(404);
  });

  it('refuses bad input with 4xx: plain http to a remote host, missing secrets, unknown settings', async () => {
    const base = { name: 'x', auth: { type: 'bearer', token: SECRET } };
    const http = await t
      .admin('post', '/targets')
      .send({ ...base, baseUrl: 'http://app.example.com/scim' })
      .expect(400);
    expect(http.body.message).toMatch(/https/);
    await t
      .admin('post', '/targets')
      .send({ ...base, baseUrl: 'not a url' })
      .expect(400);
    await t
      .admin('post', '/targets')
      .send({ name: 'y', baseUrl: target.url, auth: { type: 'bearer' } })
      .expect(400);
    await t
      .admin('post', '/targets')
      .send({ name: 'z', baseUrl: target.url, auth: { type: 'oauth2', clientSecret: 's' } })
      .expect(400);
    await t
      .admin('post', '/targets')
      .send({ ...base, baseUrl: target.url, profile: 'azure' })
      .expect(400);
    await t
      .admin('post', '/targets')
      .send({ ...base, baseUrl: target.url, concurrency: 0 })
      .expect(400);
    await t.admin('get', '/targets/not-a-uuid').expect(400);
    await t.http
      .get('/admin/v1/targets')
      .set('Authorization', 'Bearer test-scim-token-0123456789abcdef')
      .expect(403);
  });

  it('provisions one user on demand and returns every step within 2 s', async () => {
    target.reset();
    target.requireBearer(SECRET);
    const id = await registerTarget(t, target, { name: 'ondemand', auth: { type: 'bearer', token: SECRET } });
    await t.admin('post', `/targets/${id}/pause`).expect(200);
    const userId = await createUser(t, 'od@example.com', { [ENTERPRISE]: { department: 'Ops' } });
    const started = Date.now();
    const res = await t.admin('post', `/targets/${id}/provision`).send({ userId }).expect(200);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body).toMatchObject({ action: 'Create', status: 'Success', objectType: 'User' });
    const steps = (res.body.steps as { step: string; description: string }[]).map((s) => s.step);
    expect(steps).toEqual(expect.arrayContaining(['import', 'scoping', 'processing', 'matching', 'export']));
    expect(byUserName(target, 'od@example.com')).toBeDefined();
    await t
      .admin('post', `/targets/${id}/provision`)
      .send({ userId: '00000000-0000-4000-8000-000000000000' })
      .expect(404);
    await t.admin('post', `/targets/${id}/provision`).send({}).expect(400);
    const paused = await t.admin('get', `/targets/${id}/status`).expect(200);
    expect(paused.body.state).toBe('paused');
    await t.admin('post', `/targets/${id}/resume`).expect(200);
    // Resumed, it would provision every later test's users to the same fake target.
    await t.admin('delete', `/targets/${id}`).expect(204);
  });

  it('logs a skip with the failing scoping clause, and deprovisions a user who moves out of scope', async () => {
    target.reset();
    const id = await registerTarget(t, target, { name: 'scoped', auth: { type: 'bearer', token: SECRET } });
    const mapping = (await t.admin('get', `/targets/${id}/mappings`).expect(200)).body as {
      users: { scoping: unknown[] };
    };
    mapping.users.scoping = [{ clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] }];
    await t.admin('put', `/targets/${id}/mappings`).send(mapping).expect(200);

    const outsider = await createUser(t, 'outsider@example.com', { [ENTERPRISE]: { department: 'Ops' } });
    const insider = await createUser(t, 'insider@example.com', { [ENTERPRISE]: { department: 'Sales' } });
    await waitFor('insider delivered', () => byUserName(target, 'insider@example.com'));
    const skipped = await waitFor('the skip', async () => {
      const res = await t
        .admin('get', `/provisioning-logs?targetId=${id}&objectId=${outsider}&status=Skipped`)
        .expect(200);
      return res.body.entries.length > 0 ? res.body.entries[0] : undefined;
    });
    expect(skipped).toMatchObject({ action: 'Skip', reason: 'out_of_scope' });
    expect(skipped.detail).toMatch(/department/);
    expect(byUserName(target, 'outsider@example.com')).toBeUndefined();

    await t
      .scim('patch', `/Users/${insider}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Ops' }],
      })
      .expect(200);
    await waitFor(
      'disabled after leaving scope',
      () => byUserName(target, 'insider@example.com')?.active === false,
    );
    const page = await t
      .admin('get', `/provisioning-logs?targetId=${id}&objectId=${insider}&action=Disable`)
      .expect(200);
    expect(page.body.entries[0]).toMatchObject({ status: 'Success', reason: 'out_of_scope' });
    // The leaver's path, then the scoping clause it failed and the value it had.
    expect(page.body.entries[0].detail).toMatch(/^moved out of scope: .*department.* failed \(was "Ops"\)/);
    await t.admin('delete', `/targets/${id}`).expect(204);
  });

  it('removes a target with every row of its state, mapping set included; its log entries stay', async () => {
    target.reset();
    const id = await registerTarget(t, target, { name: 'removed', auth: { type: 'bearer', token: SECRET } });
    const mapping = (await t.admin('get', `/targets/${id}/mappings`).expect(200)).body as MappingSet;
    mapping.users.attributes.push({
      targetAttribute: 'nickName',
      type: 'Constant',
      source: 'from-removed',
      apply: 'Always',
    });
    await t.admin('put', `/targets/${id}/mappings`).send(mapping).expect(200);
    const member = await createUser(t, 'member@removed.test');
    await t
      .scim('post', '/Groups')
      .send({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Removed team',
        members: [{ value: member }],
      })
      .expect(201);
    const rowsOf = async (table: string) =>
      Number(
        (
          await t.dataSource.query<{ n: number | string }[]>(
            `SELECT COUNT(*) AS n FROM ${table} WHERE target_id = ?`,
            [id],
          )
        )[0].n,
      );
    await waitFor('the membership delivered', async () => (await rowsOf('provisioned_membership')) > 0);
    await waitFor('nothing pending', async () => {
      const res = await t.admin('get', `/targets/${id}/status`).expect(200);
      return res.body.pending.objects === 0 && res.body.pending.journalRowsNotYetQueued === 0;
    });
    const tables = ['target_runtime', 'provisioned_object', 'provisioned_membership', 'target_mapping'];
    for (const table of tables) expect(await rowsOf(table)).toBeGreaterThan(0);

    await t.admin('delete', `/targets/${id}`).expect(204);
    await t.admin('get', `/targets/${id}/mappings`).expect(404);
    await t.admin('put', `/targets/${id}/mappings`).send(mapping).expect(404);
    for (const table of tables) expect({ table, rows: await rowsOf(table) }).toEqual({ table, rows: 0 });
    expect(await rowsOf('provisioning_log')).toBeGreaterThan(0);
    expect((await t.app.get(MappingsService).compiledFor(id)).set).toEqual(defaultMappingSet());
  });

  it('pages the log with a cursor and filters by time', async () => {
    const first = await t.admin('get', '/provisioning-logs?limit=2').expect(200);
    expect(first.body.entries).toHaveLength(2);
    const second = await t
      .admin('get', `/provisioning-logs?limit=2&cursor=${first.body.nextCursor as string}`)
      .expect(200);
    expect(second.body.entries[0].id).toBeLessThan(first.body.entries[1].id);
    const future = await t
      .admin('get', `/provisioning-logs?from=${new Date(Date.now() + 60_000).toISOString()}`)
      .expect(200);
    expect(future.body.entries).toHaveLength(0);
    await t.admin('get', '/provisioning-logs?action=Explode').expect(400);
    await t.admin('get', '/provisioning-logs?cursor=%21%21').expect(400);
  });
});
