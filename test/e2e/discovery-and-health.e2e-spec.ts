import { startTestApp, TestApp } from '../support/test-app';

describe('Discovery and health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves /ServiceProviderConfig with patch, filter, etag and page sizes', async () => {
    const res = await t.scim('get', '/ServiceProviderConfig').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      filter: { supported: true, maxResults: 1000 },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
  });

  it('serves /ResourceTypes with both extensions on User, and each by id', async () => {
    const res = await t.scim('get', '/ResourceTypes').expect(200);
    expect(res.body.totalResults).toBe(2);
    const user = await t.scim('get', '/ResourceTypes/User').expect(200);
    expect(user.body.schemaExtensions.map((e: { schema: string }) => e.schema)).toEqual([
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User',
    ]);
    await t.scim('get', '/ResourceTypes/Printer').expect(404);
  });

  it('serves /Schemas, each by id, including the Entra extension', async () => {
    const res = await t.scim('get', '/Schemas').expect(200);
    expect(res.body.Resources.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining([
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:core:2.0:Group',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User',
      ]),
    );
    const entra = await t
      .scim('get', '/Schemas/urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User')
      .expect(200);
    expect(entra.body.attributes.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining(['employeeHireDate', 'employeeLeaveDateTime']),
    );
  });

  const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
  const writes = ['post', 'put', 'patch', 'delete'] as const;

  it.each(
    ['/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/ResourceTypes/User'].flatMap((path) =>
      writes.map((method) => [method.toUpperCase(), path, method] as const),
    ),
  )('answers %s %s with 405 and Allow, as a SCIM error', async (_name, path, method) => {
    const res = await t.scim(method, path).send({}).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '405' });
  });

  it.each([
    ['put', '/Users', 'GET, HEAD, POST'],
    ['delete', '/Groups', 'GET, HEAD, POST'],
    ['post', '/Users/some-id', 'DELETE, GET, HEAD, PATCH, PUT'],
    ['get', '/Bulk', 'POST'],
    ['get', '/.search', 'POST'],
    ['patch', '/Users', 'GET, HEAD, POST'],
  ] as const)('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const res = await t.scim(method, path).send({}).expect(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '405' });
  });

  it('answers 404 for a path no endpoint serves, whatever the method', async () => {
    const res = await t.scim('post', '/Printers').send({}).expect(404);
    expect(res.headers.allow).toBeUndefined();
    expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
  });

  it('reports live and ready without a token', async () => {
    await t.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
  });

  it('serves the admin OpenAPI document', async () => {
    const res = await t.http.get('/admin/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toContain('/admin/v1/tokens');
  });
});
