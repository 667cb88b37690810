import { startTestApp, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CONTOSO = 'urn:ietf:params:scim:schemas:extension:contoso:1.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('Custom schema extensions and per-token PATCH responses', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const contoso = {
    id: CONTOSO,
    name: 'ContosoUser',
    attributes: [
      { name: 'JobCode', type: 'string', caseExact: true },
      { name: 'HireDate', type: 'dateTime' },
      { name: 'Grade', type: 'integer' },
      { name: 'Band', type: 'string', canonicalValues: ['A', 'B', 'C'] },
      { name: 'Badges', type: 'string', multiValued: true },
    ],
  };

  it('registers an extension that /Schemas and /ResourceTypes then serve', async () => {
    const res = await t.admin('post', '/schemas').send(contoso).expect(201);
    expect(res.body).toMatchObject({
      id: CONTOSO,
      attributes: expect.arrayContaining([
        expect.objectContaining({ name: 'JobCode', mutability: 'readWrite', returned: 'default' }),
      ]),
    });
    await t.scim('get', `/Schemas/${CONTOSO}`).expect(200);
    const user = await t.scim('get', '/ResourceTypes/User').expect(200);
    expect(user.body.schemaExtensions).toContainEqual({ schema: CONTOSO, required: false });
    const list = await t.admin('get', '/schemas').expect(200);
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([CONTOSO]);
  });

  it('refuses a duplicate, a built-in URN and a malformed definition, naming the problem', async () => {
    await t.admin('post', '/schemas').send(contoso).expect(409);
    const builtIn = await t
      .admin('post', '/schemas')
      .send({ ...contoso, id: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' })
      .expect(409);
    expect(builtIn.body.message).toMatch(/already registered/);
    const bad = await t
      .admin('post', '/schemas')
      .send({ id: 'not-a-urn', attributes: [{ name: 'x', type: 'colour' }] })
      .expect(400);
    expect(bad.body.message).toMatch(/URN/);
    expect(bad.body.message).toMatch(/type/);
    const complex = await t
      .admin('post', '/schemas')
      .send({ id: 'urn:acme:x:1.0:User', attributes: [{ name: 'c', type: 'complex' }] })
      .expect(400);
    expect(complex.body.message).toMatch(/sub-attributes/);
  });

  it('type-checks extension values on write, enforcing canonical values, and stores them', async () => {
    const ok = await t
      .scim('post', '/Users')
      .send({
        schemas: [USER, CONTOSO],
        userName: 'ext1@schemas.test',
        [CONTOSO]: {
          JobCode: 'AB-1002',
          HireDate: '2021-05-01T00:00:00-05:00',
          Grade: 7,
          Band: 'B',
          Badges: ['gold'],
        },
      })
      .expect(201);
    expect(ok.body[CONTOSO]).toEqual({
      JobCode: 'AB-1002',
      HireDate: '2021-05-01T05:00:00.000Z',
      Grade: 7,
      Band: 'B',
      Badges: ['gold'],
    });
    const wrongType = await t
      .scim('post', '/Users')
      .send({ schemas: [USER, CONTOSO], userName: 'ext2@schemas.test', [CONTOSO]: { Grade: 'seven' } })
      .expect(400);
    expect(wrongType.body.detail).toMatch(/Grade/);
    const notCanonical = await t
      .scim('post', '/Users')
      .send({ schemas: [USER, CONTOSO], userName: 'ext3@schemas.test', [CONTOSO]: { Band: 'Z' } })
      .expect(400);
    expect(notCanonical.body.detail).toMatch(/Band/);
    await t
      .scim('post', '/Users')
      .send({
        schemas: [USER, CONTOSO],
        userName: 'ext4@schemas.test',
        [CONTOSO]: { JobCode: 'ZZ-9', Grade: 3 },
      })
      .expect(201);
  });

  it('filters and sorts on extension attributes', async () => {
    const byCode = await t
      .scim('get', '/Users')
      .query({ filter: `${CONTOSO}:JobCode eq "AB-1002"` })
      .expect(200);
    expect(byCode.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['ext1@schemas.test']);
    const caseExact = await t
      .scim('get', '/Users')
      .query({ filter: `${CONTOSO}:JobCode eq "ab-1002"` })
      .expect(200);
    expect(caseExact.body.totalResults).toBe(0);
    const sorted = await t
      .scim('get', '/Users')
      .query({ filter: `${CONTOSO}:Grade pr`, sortBy: `${CONTOSO}:Grade` })
      .expect(200);
    expect(sorted.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
      'ext4@schemas.test',
      'ext1@schemas.test',
    ]);
  });

  it('keeps the extension after a restart (loaded from the database at boot)', async () => {
    t = await t.restart();
    await t.scim('get', `/Schemas/${CONTOSO}`).expect(200);
    const res = await t
      .scim('get', '/Users')
      .query({ filter: `${CONTOSO}:Grade gt 5` })
      .expect(200);
    expect(res.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['ext1@schemas.test']);
  });

  it('answers PATCH with 204 to a token configured for it, and 200 with the resource otherwise', async () => {
    const { body: user } = await t
      .scim('post', '/Users')
      .send({ schemas: [USER], userName: 'patch204@schemas.test' })
      .expect(201);
    const issued = await t
      .admin('post', '/tokens')
      .send({ name: 'entra-tester', scopes: ['scim'], patchResponse: 'no-content' })
      .expect(201);
    expect(issued.body.patchResponse).toBe('no-content');
    const patch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'A' }] };
    const noContent = await t.http
      .patch(`/scim/v2/Users/${user.id}`)
      .set('Authorization', `Bearer ${issued.body.token}`)
      .send(patch)
      .expect(204);
    expect(noContent.text).toBe('');
    expect(noContent.headers.etag).toBe('W/"2"');
    const full = await t
      .scim('patch', `/Users/${user.id}`)
      .send({ ...patch, Operations: [{ op: 'replace', path: 'title', value: 'B' }] })
      .expect(200);
    expect(full.body.title).toBe('B');
    await t
      .admin('post', '/tokens')
      .send({ name: 'x', scopes: ['scim'], patchResponse: 'sometimes' })
      .expect(400);
  });
});
