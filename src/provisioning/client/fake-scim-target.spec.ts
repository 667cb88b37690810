/**
 * Self-test of test/support/fake-scim-target.ts, driven through the real client: the fake must behave like a
 * strict-enough SCIM app, or the engine's tests against it prove nothing.
 */
import { FakeScimTarget, startFakeScimTarget } from '../../../test/support/fake-scim-target';
import { readRfcSample } from '../../scim-protocol/testing/test-data.fixture';
import { ScimClient } from './scim-client';
import { ScimPatchOperation } from './scim-client.types';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('fake SCIM target', () => {
  let target: FakeScimTarget;
  let client: ScimClient;

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: 'token' });
    client = new ScimClient({
      baseUrl: target.url,
      auth: { type: 'bearer', token: 'token' },
      timeoutMs: 2000,
    });
  });
  beforeEach(() => target.reset());
  afterAll(async () => {
    client.close();
    await target.close();
  });

  const seedUser = (userName: string, extra: Record<string, unknown> = {}) =>
    target.seed('Users', { schemas: [USER], userName, ...extra }).id as string;
  const seedGroup = (displayName: string, members: { value: string }[] = []) =>
    target.seed('Groups', { schemas: [GROUP], displayName, members }).id as string;
  const userNames = async (filter: string) => {
    const result = await client.findUsers(filter);
    if (!result.ok) throw new Error(result.error.message);
    return result.body.Resources.map((r) => r.userName);
  };
  const patchUser = async (id: string, operations: ScimPatchOperation[]) => {
    const result = await client.patchUser(id, operations);
    return { status: result.status, body: result.body as Record<string, unknown> | undefined };
  };
  const storedUser = (id: string) => target.users().find((u) => u.id === id)!;
  const memberIds = (groupId: string) =>
    (target.groups().find((g) => g.id === groupId)!.members as { value: string }[]).map((m) => m.value);

  describe('create, read, replace, delete', () => {
    it('creates with server-assigned id and meta, ignoring a client-sent id', async () => {
      const result = await client.createUser({
        schemas: [USER],
        id: 'mine',
        userName: 'a@x.com',
        meta: { resourceType: 'User' },
      });
      expect(result.ok && result.body).toMatchObject({
        id: expect.not.stringMatching(/^mine$/),
        meta: {
          resourceType: 'User',
          version: '1',
          location: `${target.url}/Users/${result.ok && result.body.id}`,
        },
      });
      expect(result.headers.location).toBe(`${target.url}/Users/${result.ok && result.body.id}`);
    });

    it('answers 409 uniqueness for a duplicate userName (any case) and group displayName', async () => {
      seedUser('Same@x.com');
      seedGroup('Engineering');
      expect((await client.createUser({ schemas: [USER], userName: 'same@X.com' })).status).toBe(409);
      expect((await client.createGroup({ schemas: [GROUP], displayName: 'engineering' })).status).toBe(409);
    });

    it('answers 400 for a body without userName or the core schema', async () => {
      const noName = await client.createUser({ schemas: [USER] });
      const noSchema = await client.createUser({ userName: 'x' });
      expect([noName.status, noSchema.status]).toEqual([400, 400]);
      expect((noName.body as { scimType: string }).scimType).toBe('invalidValue');
    });

    it('creates groups with an empty members list, as Entra expects', async () => {
      const result = await client.createGroup({ schemas: [GROUP], displayName: 'Empty' });
      expect(result.ok && result.body.members).toEqual([]);
    });

    it('replaces with PUT, keeping id and created, bumping version, enforcing uniqueness', async () => {
      const id = seedUser('put@x.com', { title: 'Engineer' });
      seedUser('taken@x.com');
      const replaced = await client.replaceUser(id, {
        schemas: [USER],
        userName: 'put@x.com',
        active: false,
      });
      expect(replaced.ok && replaced.body).toMatchObject({ id, active: false, meta: { version: '2' } });
      expect(storedUser(id).title).toBeUndefined();
      expect((await client.replaceUser(id, { schemas: [USER], userName: 'TAKEN@x.com' })).status).toBe(409);
      expect((await client.replaceUser('missing', { schemas: [USER], userName: 'z' })).status).toBe(404);
    });

    it('deletes with 204, then 404; a deleted user leaves every group', async () => {
      const id = seedUser('leaver@x.com');
      const other = seedUser('stayer@x.com');
      const group = seedGroup('Team', [{ value: id }, { value: other }]);
      expect((await client.deleteUser(id)).status).toBe(204);
      expect((await client.getUser(id)).status).toBe(404);
      expect((await client.deleteUser(id)).status).toBe(404);
      expect(memberIds(group)).toEqual([other]);
    });
  });

  describe('filters and paging', () => {
    beforeEach(() => {
      seedUser('Ada@Example.com', {
        externalId: 'E-1',
        emails: [{ type: 'work', value: 'ada@work.example' }],
      });
      seedUser('bob@example.com', {
        externalId: 'e-1',
        active: false,
        emails: [
          { type: 'home', value: 'ada@work.example' },
          { type: 'work', value: 'bob@work.example' },
        ],
        [ENTERPRISE]: { employeeNumber: '42' },
      });
    });

    it('matches userName case-insensitively and externalId case-exactly', async () => {
      expect(await userNames('userName eq "ADA@example.COM"')).toEqual(['Ada@Example.com']);
      expect(await userNames('externalId eq "E-1"')).toEqual(['Ada@Example.com']);
      expect(await userNames('externalId eq "e-1"')).toEqual(['bob@example.com']);
    });

    it('matches id, emails.value, a value filter on emails, URN paths, and/or/not, unquoted values', async () => {
      const bobId = target.users().find((u) => u.userName === 'bob@example.com')!.id as string;
      expect(await userNames(`id eq "${bobId}"`)).toEqual(['bob@example.com']);
      expect(await userNames('emails.value eq "ada@work.example"')).toEqual([
        'Ada@Example.com',
        'bob@example.com',
      ]);
      expect(await userNames('emails[type eq "work"].value eq "ada@work.example"')).toEqual([
        'Ada@Example.com',
      ]);
      expect(await userNames(`${ENTERPRISE}:employeeNumber eq "42"`)).toEqual(['bob@example.com']);
      expect(await userNames('emails.value eq "ada@work.example" and active eq false')).toEqual([
        'bob@example.com',
      ]);
      expect(await userNames('userName sw "ada" or externalId eq "e-1"')).toHaveLength(2);
      expect(await userNames('not (userName co "bob")')).toEqual(['Ada@Example.com']);
      expect(await userNames('externalId eq e-1')).toEqual(['bob@example.com']);
    });

    it('returns an empty ListResponse, not 404, when nothing matches', async () => {
      const result = await client.findUsers('userName eq "nobody"');
      expect(result.ok && result.body).toMatchObject({ totalResults: 0, Resources: [], startIndex: 1 });
    });

    it('answers 400 invalidFilter for a filter it cannot parse', async () => {
      const result = await client.findUsers('userName zz "x"');
      expect(result.status).toBe(400);
      expect((result.body as { scimType: string }).scimType).toBe('invalidFilter');
    });

    it('pages with 1-based startIndex and count', async () => {
      for (let i = 0; i < 5; i++) seedUser(`page${i}@x.com`);
      const page = await client.findUsers('userName sw "page"', { startIndex: 2, count: 2 });
      expect(page.ok && page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
      expect(page.ok && page.body.Resources.map((r) => r.userName)).toEqual(['page1@x.com', 'page2@x.com']);
      const all = await client.request<{ totalResults: number }>({
        method: 'GET',
        path: '/Users',
        query: { count: 0 },
      });
      expect(all.ok && all.body).toMatchObject({ totalResults: 7, Resources: [] });
    });

    it('finds groups by displayName', async () => {
      seedGroup('Sales');
      const result = await client.findGroups('displayName eq "sales"');
      expect(result.ok && result.body.Resources.map((g) => g.displayName)).toEqual(['Sales']);
    });
  });

  describe('PATCH', () => {
    it("applies Entra's aadOptscim062020 multi-attribute replace (value filter plus path-less dotted and URN keys)", async () => {
      const id = seedUser('p@x.com', {
        name: { givenName: 'Old', familyName: 'Name' },
        emails: [{ type: 'work', value: 'old@x.com' }],
      });
      const { status, body } = await patchUser(id, [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@x.com' },
        {
          op: 'replace',
          value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', [`${ENTERPRISE}:employeeNumber`]: 'Aklq' },
        },
      ]);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        displayName: 'Bjfe',
        name: { givenName: 'Kkom', familyName: 'Name' },
        emails: [{ type: 'work', value: 'new@x.com' }],
        [ENTERPRISE]: { employeeNumber: 'Aklq' },
      });
    });

    it("applies Entra's legacy capitalised ops and string booleans as sent", async () => {
      const id = seedUser('legacy@x.com', { active: true });
      const { status } = await patchUser(id, [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', path: 'nickName', value: 'Babs' },
        { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' },
      ]);
      expect(status).toBe(200);
      expect(storedUser(id)).toMatchObject({
        active: 'False',
        nickName: 'Babs',
        [ENTERPRISE]: { employeeNumber: 'Eqpj' },
      });
      expect(storedUser(id).schemas).toContain(ENTERPRISE);
    });

    it('replaces a whole element through a value filter (RFC 7644 §3.5.2.3 sample)', async () => {
      const id = seedUser('addr@x.com', {
        addresses: [
          { type: 'work', locality: 'Nowhere' },
          { type: 'home', locality: 'Home' },
        ],
      });
      const sample = readRfcSample('rfc7644-3.5.2.3-patch_op-replace_user_work_address.json');
      const result = await client.request({ method: 'PATCH', path: `/Users/${id}`, body: sample });
      expect(result.status).toBe(200);
      expect(storedUser(id).addresses).toEqual([
        expect.objectContaining({ type: 'work', locality: 'Hollywood', postalCode: '91608' }),
        { type: 'home', locality: 'Home' },
      ]);
    });

    it('adds to multi-valued attributes, merges complex ones, removes simple and sub-attributes', async () => {
      const id = seedUser('m@x.com', {
        name: { givenName: 'A', familyName: 'B' },
        title: 'T',
        emails: [{ type: 'work', value: 'w@x.com' }],
      });
      await patchUser(id, [
        { op: 'add', path: 'emails', value: [{ type: 'home', value: 'h@x.com' }] },
        { op: 'add', path: 'name', value: { middleName: 'M' } },
        { op: 'remove', path: 'title' },
        { op: 'remove', path: 'name.familyName' },
      ]);
      const stored = storedUser(id);
      expect(stored.emails).toEqual([
        { type: 'work', value: 'w@x.com' },
        { type: 'home', value: 'h@x.com' },
      ]);
      expect(stored.name).toEqual({ givenName: 'A', middleName: 'M' });
      expect(stored.title).toBeUndefined();
    });

    it('is strict where RFC 7644 is: noTarget, mutability, missing PatchOp schema, unknown op', async () => {
      const id = seedUser('strict@x.com', { emails: [{ type: 'home', value: 'h@x.com' }] });
      const scimType = async (body: unknown) => {
        const result = await client.request({ method: 'PATCH', path: `/Users/${id}`, body });
        return `${result.status} ${(result.body as { scimType?: string }).scimType}`;
      };
      const envelope = (op: unknown) => ({ schemas: [PATCH_OP], Operations: [op] });
      expect(
        await scimType(envelope({ op: 'replace', path: 'emails[type eq "work"].value', value: 'w' })),
      ).toBe('400 noTarget');
      expect(await scimType(envelope({ op: 'remove' }))).toBe('400 noTarget');
      expect(await scimType(envelope({ op: 'replace', path: 'id', value: 'x' }))).toBe('400 mutability');
      expect(await scimType(envelope({ op: 'merge', path: 'title', value: 'x' }))).toBe('400 invalidSyntax');
      expect(await scimType({ Operations: [{ op: 'add', path: 'title', value: 'x' }] })).toBe(
        '400 invalidSyntax',
      );
      expect(storedUser(id).emails).toEqual([{ type: 'home', value: 'h@x.com' }]);
    });

    it('enforces userName uniqueness on PATCH', async () => {
      seedUser('first@x.com');
      const id = seedUser('second@x.com');
      expect((await patchUser(id, [{ op: 'replace', path: 'userName', value: 'FIRST@x.com' }])).status).toBe(
        409,
      );
    });

    it('adds and removes group members in the RFC shape and answers 204', async () => {
      const group = seedGroup('G', [{ value: 'u1' }]);
      const add = await client.patchGroup(group, [
        { op: 'add', path: 'members', value: [{ value: 'u2' }, { value: 'u1' }] },
      ]);
      expect(add.status).toBe(204);
      expect(memberIds(group)).toEqual(['u1', 'u2']);
      await client.patchGroup(group, [{ op: 'remove', path: 'members[value eq "u1"]' }]);
      expect(memberIds(group)).toEqual(['u2']);
    });

    it("removes members in Entra's legacy remove-with-value shape", async () => {
      const group = seedGroup('Legacy', [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }]);
      await client.patchGroup(group, [
        { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }, { value: 'u3' }] },
      ]);
      expect(memberIds(group)).toEqual(['u2']);
    });

    it('applies the RFC remove-one-add-one sample, and remove without value empties the list', async () => {
      const sample = readRfcSample('rfc7644-3.5.2.2-patch_op-remove_and_add_one_member.json');
      const group = seedGroup('Rfc', [{ value: '2819c223...919d-413861904646' }, { value: 'keep' }]);
      expect((await client.request({ method: 'PATCH', path: `/Groups/${group}`, body: sample })).status).toBe(
        204,
      );
      expect(memberIds(group)).toEqual(['keep', '08e1d05d...473d93df9210']);
      await client.patchGroup(group, [{ op: 'remove', path: 'members' }]);
      expect(target.groups()[0].members).toBeUndefined();
    });

    it('replaces members and renames groups', async () => {
      const group = seedGroup('Before', [{ value: 'u1' }]);
      await client.patchGroup(group, [
        { op: 'Replace', path: 'displayName', value: 'After' },
        { op: 'replace', path: 'members', value: [{ value: 'u9' }] },
      ]);
      expect(target.groups()[0]).toMatchObject({ displayName: 'After', members: [{ value: 'u9' }] });
    });
  });

  describe('recording and fault injection', () => {
    it('records method, path, query, headers including Authorization, body, time and status', async () => {
      const before = Date.now();
      await client.findUsers('userName eq "r"', { count: 5 });
      const [recorded] = target.requests;
      expect(recorded).toMatchObject({
        method: 'GET',
        path: '/Users',
        query: { filter: 'userName eq "r"', count: '5' },
        status: 200,
      });
      expect(recorded.headers.authorization).toBe('Bearer token');
      expect(recorded.time.getTime()).toBeGreaterThanOrEqual(before - 5);
    });

    it('requires the bearer token, can change it, and reset restores it', async () => {
      target.requireBearer('rotated');
      expect((await client.getUser('x')).status).toBe(401);
      target.reset();
      expect((await client.getUser('x')).status).toBe(404);
    });

    it('fails only matching requests, the given number of times', async () => {
      target.failNext(2, { status: 503 }, { path: '/Users', method: 'POST' });
      expect((await client.getUser('x')).status).toBe(404);
      expect((await client.findGroups('displayName eq "x"')).status).toBe(200);
      const statuses = [];
      for (const n of [1, 2, 3])
        statuses.push((await client.createUser({ schemas: [USER], userName: `f${n}` })).status);
      expect(statuses).toEqual([503, 503, 201]);
    });

    it('fails persistently until the faults are cleared', async () => {
      target.failAlways({ status: 500 }, { path: /^\/Groups/ });
      expect((await client.findGroups('displayName eq "x"')).status).toBe(500);
      expect((await client.findGroups('displayName eq "x"')).status).toBe(500);
      expect((await client.findUsers('userName eq "x"')).status).toBe(200);
      target.clearFaults();
      expect((await client.findGroups('displayName eq "x"')).status).toBe(200);
    });

    it('drops the given number of connections, then answers again', async () => {
      target.dropConnections(2);
      const kinds = [];
      for (let i = 0; i < 3; i++) {
        const r = await client.createUser({ schemas: [USER], userName: `drop${i}` });
        kinds.push(r.error?.kind ?? r.status);
      }
      expect(kinds).toEqual(['connection', 'connection', 201]);
      expect(target.requests.map((r) => r.status)).toEqual([undefined, undefined, 201]);
      expect(target.users().map((u) => u.userName)).toEqual(['drop2']);
    });

    it('slows only the scoped path', async () => {
      target.slow(200, { path: '/Groups' });
      const finished: string[] = [];
      const noted = async <T>(name: string, answer: Promise<T>): Promise<T> => {
        const result = await answer;
        finished.push(name);
        return result;
      };
      const slowly = noted('slow', client.getGroup('x'));
      // The other request arrives after the slowed one: delayed the same, it would finish after it.
      while (!target.requests.some((r) => r.path === '/Groups/x')) await new Promise((r) => setTimeout(r, 5));
      const fast = await noted('fast', client.getUser('x'));
      const slow = await slowly;
      expect([fast.status, slow.status]).toEqual([404, 404]);
      expect(finished).toEqual(['fast', 'slow']);
      expect(slow.durationMs).toBeGreaterThanOrEqual(190);
    });

    it('frees its port on close', async () => {
      const other = await startFakeScimTarget();
      const probe = new ScimClient({
        baseUrl: other.url,
        auth: { type: 'bearer', token: 't' },
        timeoutMs: 1000,
      });
      expect((await probe.getUser('x')).status).toBe(404);
      await other.close();
      const after = await probe.getUser('x');
      probe.close();
      expect(after.error?.code).toBe('ECONNREFUSED');
    });
  });

  describe('/ServiceProviderConfig and /Bulk', () => {
    let bulky: FakeScimTarget;
    let bulkClient: ScimClient;
    beforeAll(async () => {
      bulky = await startFakeScimTarget({ bulk: { maxOperations: 3, maxPayloadSize: 2000 } });
      bulkClient = new ScimClient({
        baseUrl: bulky.url,
        auth: { type: 'bearer', token: 't' },
        timeoutMs: 2000,
      });
    });
    beforeEach(() => bulky.reset());
    afterAll(async () => {
      bulkClient.close();
      await bulky.close();
    });
    const create = (n: number, extra: Record<string, unknown> = {}) => ({
      method: 'POST' as const,
      path: '/Users',
      bulkId: `b${n}`,
      data: { schemas: [USER], userName: `bulk${n}@x.com`, ...extra },
    });

    it('advertises bulk only when configured, with its limits', async () => {
      expect((await client.serviceProviderConfig()).body).toMatchObject({ bulk: { supported: false } });
      expect((await bulkClient.serviceProviderConfig()).body).toMatchObject({
        bulk: { supported: true, maxOperations: 3, maxPayloadSize: 2000 },
      });
      expect((await client.bulk([create(1)])).status).toBe(501);
    });

    it('carries out each operation as its own request would be, and records it', async () => {
      const id = (
        bulky.seed('Users', { schemas: [USER], userName: 'old@x.com', title: 'A' }) as { id: string }
      ).id;
      const r = await bulkClient.bulk([
        create(1),
        {
          method: 'PATCH',
          path: `/Users/${id}`,
          data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'B' }] },
        },
        create(2, { userName: 'old@x.com' }),
      ]);
      expect(r.status).toBe(200);
      const ops = (r.body as { Operations: Record<string, unknown>[] }).Operations;
      expect(ops).toEqual([
        expect.objectContaining({
          method: 'POST',
          bulkId: 'b1',
          status: '201',
          location: expect.stringMatching(/\/Users\//),
        }),
        expect.objectContaining({ method: 'PATCH', status: '200', location: expect.stringContaining(id) }),
        expect.objectContaining({
          bulkId: 'b2',
          status: '409',
          response: expect.objectContaining({ scimType: 'uniqueness' }),
        }),
      ]);
      expect(bulky.users().map((u) => [u.userName, u.title])).toEqual([
        ['old@x.com', 'B'],
        ['bulk1@x.com', undefined],
      ]);
      expect(bulky.operations.map((o) => `${o.method} ${o.status}`)).toEqual([
        'POST 201',
        'PATCH 200',
        'POST 409',
      ]);
    });

    it('refuses with 413 a request over maxOperations or maxPayloadSize, carrying out nothing', async () => {
      expect((await bulkClient.bulk([create(1), create(2), create(3), create(4)])).status).toBe(413);
      expect((await bulkClient.bulk([create(1, { title: 'x'.repeat(2000) })])).status).toBe(413);
      expect(bulky.users()).toEqual([]);
      expect(bulky.operations).toEqual([]);
    });

    it('fails chosen operations on command, and resolves bulkId references', async () => {
      bulky.failOperations(
        1,
        { status: 500, body: { detail: 'boom' } },
        { where: (d) => (d as { userName?: string })?.userName === 'bulk2@x.com' },
      );
      const r = await bulkClient.bulk([
        create(1),
        create(2),
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: { schemas: [GROUP], displayName: 'G', members: [{ value: 'bulkId:b1' }] },
        },
      ]);
      const statuses = (r.body as { Operations: { status: string }[] }).Operations.map((o) => o.status);
      expect(statuses).toEqual(['201', '500', '201']);
      const created = bulky.users().find((u) => u.userName === 'bulk1@x.com')!;
      expect(bulky.groups()[0].members).toEqual([{ value: created.id }]);
      expect(bulky.users()).toHaveLength(1);
    });

    it('refuses with 409 an operation naming a bulkId whose operation failed or that none declares', async () => {
      bulky.failOperations(
        1,
        { status: 500, body: { detail: 'boom' } },
        { where: (d) => (d as { userName?: string })?.userName === 'bulk1@x.com' },
      );
      const group = (bulkId: string, ref: string) => ({
        method: 'POST' as const,
        path: '/Groups',
        bulkId,
        data: { schemas: [GROUP], displayName: bulkId, members: [{ value: `bulkId:${ref}` }] },
      });
      const r = await bulkClient.bulk([create(1), group('g', 'b1'), group('h', 'nobody')]);
      const ops = (r.body as { Operations: { status: string; response?: { scimType?: string } }[] })
        .Operations;
      expect(ops.map((o) => [o.status, o.response?.scimType])).toEqual([
        ['500', undefined],
        ['409', 'invalidValue'],
        ['409', 'invalidValue'],
      ]);
      expect(bulky.groups()).toEqual([]);
      expect(bulky.users()).toEqual([]);
    });
  });
});
