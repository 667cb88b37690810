import { ADMIN_TOKEN, SCIM_TOKEN, startTestApp, TestApp } from '../support/test-app';

describe('Bearer tokens, scopes and the admin token API', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 401 as a SCIM error on /scim/v2 without a token or with a bad one', async () => {
    const none = await t.http.get('/scim/v2/Users').expect(401);
    expect(none.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '401',
    });
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    await t.http.get('/scim/v2/Users').set('Authorization', 'Bearer not-a-token').expect(401);
  });

  it('answers 403 to a token without the scope, on either surface', async () => {
    const scimOnAdmin = await t.http
      .get('/admin/v1/tokens')
      .set('Authorization', `Bearer ${SCIM_TOKEN}`)
      .expect(403);
    expect(scimOnAdmin.body).toMatchObject({ statusCode: 403, error: 'FORBIDDEN' });
    const adminOnScim = await t.http
      .get('/scim/v2/Users')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(403);
    expect(adminOnScim.body).toMatchObject({ status: '403' });
  });

  it('answers 401 as JSON on /admin/v1', async () => {
    const res = await t.http.get('/admin/v1/tokens').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'UNAUTHORIZED' });
  });

  it('issues a token once, lists it without the secret, stores only its hash, and revokes it', async () => {
    const issued = await t
      .admin('post', '/tokens')
      .send({ name: 'workday-prod', scopes: ['scim'] })
      .expect(201);
    expect(issued.body).toMatchObject({
      name: 'workday-prod',
      scopes: ['scim'],
      token: expect.stringMatching(/^scgw_/),
    });
    const secret: string = issued.body.token;
    await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${secret}`).expect(200);

    const list = await t.admin('get', '/tokens').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.map((x: { name: string }) => x.name)).toEqual(
      expect.arrayContaining(['bootstrap-admin', 'bootstrap-scim', 'workday-prod']),
    );
    const rows: { token_hash: string }[] = await t.dataSource.query('SELECT token_hash FROM api_token');
    expect(rows.map((r) => r.token_hash)).toContainEqual(expect.stringMatching(/^[0-9a-f]{64}$/));
    expect(JSON.stringify(rows)).not.toContain(secret);

    await t.admin('delete', `/tokens/${issued.body.id}`).expect(204);
    await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${secret}`).expect(401);
    await t.admin('delete', `/tokens/${issued.body.id}`).expect(404);
  });

  it.each([
    [{ scopes: ['scim'] }, /name/],
    [{ name: 'x', scopes: [] }, /scopes/],
    [{ name: 'x', scopes: ['root'] }, /scopes/],
    [{ name: 'x', scopes: ['scim'], extra: 1 }, /extra/],
  ])('refuses a bad token request %j with 400 naming the field', async (body, message) => {
    const res = await t.admin('post', '/tokens').send(body).expect(400);
    expect(res.body.message).toMatch(message);
  });

  it('answers 404 as JSON for an unknown admin route and as SCIM for an unknown SCIM route', async () => {
    const admin = await t.admin('get', '/nothing-here').expect(404);
    expect(admin.body.statusCode).toBe(404);
    const scim = await t.scim('get', '/Nothing').expect(404);
    expect(scim.body.status).toBe('404');
  });
});
