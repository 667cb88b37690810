import { testData, startTestApp, TestApp } from '../support/test-app';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface OpResult {
  method: string;
  bulkId?: string;
  status: string;
  location?: string;
  version?: string;
  response?: { status: string; scimType?: string; detail: string };
}

describe('SCIM /Bulk', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT: '64kb' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const bulk = (body: unknown) => t.scim('post', '/Bulk').send(body as object);
  const idOf = (r: OpResult) => r.location!.split('/').pop()!;

  it('runs the RFC 7644 §3.7.2 request: a user, then a group referencing it by bulkId', async () => {
    const sample = testData('rfc-samples/rfc7644-3.7.2-bulk_request-temporary_identifier.json');
    const res = await bulk(sample).expect(200);
    const ops: OpResult[] = res.body.Operations;
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    expect(ops.map((o) => o.status)).toEqual(['201', '201']);
    const group = await t.scim('get', `/Groups/${idOf(ops[1])}`).expect(200);
    expect(group.body.members.map((m: { value: string }) => m.value)).toEqual([idOf(ops[0])]);
  });

  it('resolves a forward reference to a later operation', async () => {
    const res = await bulk({
      schemas: [BULK],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: { schemas: [GROUP], displayName: 'Forward', members: [{ value: 'bulkId:u' }] },
        },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'u',
          data: { schemas: [USER], userName: 'forward@bulk.test' },
        },
      ],
    }).expect(200);
    const ops: OpResult[] = res.body.Operations;
    expect(ops.map((o) => o.status)).toEqual(['201', '201']);
    const group = await t.scim('get', `/Groups/${idOf(ops[0])}`).expect(200);
    expect(group.body.members[0].value).toBe(idOf(ops[1]));
  });

  it('creates two groups that are members of each other (RFC 7644 §3.7.1 circular reference)', async () => {
    const sample = testData('rfc-samples/rfc7644-3.7.1-bulk_request-circular_conflict.json');
    const res = await bulk(sample).expect(200);
    const ops: OpResult[] = res.body.Operations;
    expect(ops.map((o) => o.status)).toEqual(['201', '201']);
    const [a, b] = ops.map(idOf);
    const groupA = await t.scim('get', `/Groups/${a}`).expect(200);
    const groupB = await t.scim('get', `/Groups/${b}`).expect(200);
    expect(groupA.body.members.map((m: { value: string }) => m.value)).toEqual([b]);
    expect(groupB.body.members.map((m: { value: string }) => m.value)).toEqual([a]);
  });

  it('answers each operation with its own status and stops after failOnErrors errors', async () => {
    const res = await bulk({
      schemas: [BULK],
      failOnErrors: 1,
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'ok',
          data: { schemas: [USER], userName: 'first@bulk.test' },
        },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'dup',
          data: { schemas: [USER], userName: 'FIRST@bulk.test' },
        },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'never',
          data: { schemas: [USER], userName: 'never@bulk.test' },
        },
      ],
    }).expect(200);
    const ops: OpResult[] = res.body.Operations;
    expect(ops.map((o) => o.status)).toEqual(['201', '409']);
    expect(ops[1].response).toMatchObject({ status: '409', scimType: 'uniqueness' });
    await t
      .scim('get', '/Users')
      .query({ filter: 'userName eq "never@bulk.test"' })
      .expect(200, /"totalResults":0/);
  });

  it('runs PUT, PATCH and DELETE with version preconditions', async () => {
    const created = await bulk({
      schemas: [BULK],
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'x',
          data: { schemas: [USER], userName: 'mixed@bulk.test' },
        },
      ],
    }).expect(200);
    const id = idOf(created.body.Operations[0]);
    const res = await bulk({
      schemas: [BULK],
      Operations: [
        {
          method: 'PUT',
          path: `/Users/${id}`,
          version: 'W/"1"',
          data: { schemas: [USER], userName: 'mixed@bulk.test', title: 'A' },
        },
        {
          method: 'PATCH',
          path: `/Users/${id}`,
          version: 'W/"1"',
          data: {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'replace', path: 'title', value: 'B' }],
          },
        },
        { method: 'DELETE', path: `/Users/${id}` },
        { method: 'DELETE', path: `/Users/${id}` },
      ],
    }).expect(200);
    expect(res.body.Operations.map((o: OpResult) => o.status)).toEqual(['200', '412', '204', '404']);
  });

  it('answers 409 for a reference to an undeclared bulkId', async () => {
    const res = await bulk({
      schemas: [BULK],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g2',
          data: { schemas: [GROUP], displayName: 'Dangling', members: [{ value: 'bulkId:nope' }] },
        },
      ],
    }).expect(200);
    expect(res.body.Operations[0].status).toBe('409');
  });

  /** A value nested `levels` objects deep. */
  const nested = (levels: number): unknown => {
    let value: unknown = 'deep';
    for (let i = 0; i < levels; i++) value = { a: value };
    return value;
  };
  const usersNamed = async (userName: string) =>
    (
      await t
        .scim('get', '/Users')
        .query({ filter: `userName eq "${userName}"` })
        .expect(200)
    ).body.totalResults as number;

  it('refuses a request with a value nested 4,000 levels as a whole, before its first operation is written', async () => {
    const res = await bulk({
      schemas: [BULK],
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'first',
          data: { schemas: [USER], userName: 'before-deep@bulk.test' },
        },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'deep',
          data: { schemas: [USER], userName: 'deep@bulk.test', title: nested(4000) },
        },
      ],
    }).expect(400);
    expect(res.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect(res.body.detail).toMatch(/more than 64 levels/);
    expect(await usersNamed('before-deep@bulk.test')).toBe(0);
    expect(await usersNamed('deep@bulk.test')).toBe(0);
  });

  it("answers a group naming its own bulkId as that operation's error, creating nothing for it", async () => {
    const before = await t.scim('get', '/Groups').query({ filter: 'displayName eq "Narcissus"' }).expect(200);
    expect(before.body.totalResults).toBe(0);
    const res = await bulk({
      schemas: [BULK],
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'echo',
          data: { schemas: [USER], userName: 'echo@bulk.test' },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'self',
          data: { schemas: [GROUP], displayName: 'Narcissus', members: [{ value: 'bulkId:self' }] },
        },
      ],
    }).expect(200);
    const ops: OpResult[] = res.body.Operations;
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['echo', '201'],
      ['self', '400'],
    ]);
    expect(ops[1].location).toBeUndefined();
    expect(ops[1].response).toMatchObject({
      scimType: 'invalidValue',
      detail: expect.stringMatching(/itself/),
    });
    await t.scim('get', `/Users/${idOf(ops[0])}`).expect(200);
    const after = await t.scim('get', '/Groups').query({ filter: 'displayName eq "Narcissus"' }).expect(200);
    expect(after.body.totalResults).toBe(0);
  });

  it('refuses a cycle member of the wrong type before creating its group, and what references that group', async () => {
    const res = await bulk({
      schemas: [BULK],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'ga',
          data: { schemas: [GROUP], displayName: 'Cycle A', members: [{ value: 'bulkId:gb', type: 'User' }] },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'gb',
          data: { schemas: [GROUP], displayName: 'Cycle B', members: [{ value: 'bulkId:ga' }] },
        },
      ],
    }).expect(200);
    const ops: OpResult[] = res.body.Operations;
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['ga', '400'],
      ['gb', '409'],
    ]);
    expect(ops[0].response?.detail).toMatch(/members/);
    expect(ops[1].response?.detail).toMatch(/operation that failed/);
    const cycle = await t.scim('get', '/Groups').query({ filter: 'displayName sw "Cycle "' }).expect(200);
    expect(cycle.body.totalResults).toBe(0);
  });

  it.each([
    [{ Operations: [] }, 400, /schemas/],
    [{ schemas: [BULK] }, 400, /Operations/],
    [{ schemas: [BULK], Operations: [{ method: 'GET', path: '/Users' }] }, 400, /method/],
    [{ schemas: [BULK], Operations: [{ method: 'POST', path: '/Users', data: {} }] }, 400, /bulkId/],
  ])('refuses a malformed bulk request %j', async (body, status, detail) => {
    const res = await bulk(body).expect(status);
    expect(res.body.detail).toMatch(detail);
  });

  it('answers 413 beyond maxOperations and beyond maxPayloadSize, both advertised', async () => {
    const spc = await t.scim('get', '/ServiceProviderConfig').expect(200);
    expect(spc.body.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 64 * 1024 });
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/${i}` }));
    const many = await bulk({ schemas: [BULK], Operations: tooMany }).expect(413);
    expect(many.body.detail).toMatch(/1000/);
    const big = Array.from({ length: 50 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `b${i}`,
      data: { schemas: [USER], userName: `big${i}@bulk.test`, displayName: 'x'.repeat(2000) },
    }));
    await bulk({ schemas: [BULK], Operations: big }).expect(413);
  });
});
