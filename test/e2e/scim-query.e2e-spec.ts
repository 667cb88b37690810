import { ListQueryCompiler } from '../../src/directory/list/list-query.compiler';
import { UsersService } from '../../src/directory/users/users.service';
import { ListQueryBuilder } from '../../src/http/scim/list-query.builder';
import { startTestApp, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';

interface Listed {
  userName: string;
}

describe('SCIM queries: filters compiled to SQL, sorting, projection, cursor paging, .search', () => {
  let t: TestApp;
  const people = [
    {
      userName: 'ada@query.test',
      given: 'Ada',
      family: 'Lovelace',
      dept: 'Engineering',
      work: 'ada@corp.example.com',
      active: true,
      hire: '2027-03-01T00:00:00Z',
    },
    {
      userName: 'bob@query.test',
      given: 'Bob',
      family: 'Marley',
      dept: 'Sales',
      work: 'bob@other.example.org',
      active: false,
      hire: '2020-01-15T00:00:00Z',
    },
    {
      userName: 'Cleo@query.test',
      given: 'Cleo',
      family: 'Patra',
      dept: 'Engineering',
      work: 'cleo@corp.example.com',
      active: true,
      hire: '2019-06-30T00:00:00Z',
    },
    {
      userName: 'dan@query.test',
      given: 'Dan',
      family: 'Brown',
      dept: 'Finance',
      work: 'dan@corp.example.com',
      active: true,
      hire: '2024-11-11T00:00:00Z',
    },
  ];

  beforeAll(async () => {
    t = await startTestApp();
    for (const p of people) {
      await t
        .scim('post', '/Users')
        .send({
          schemas: [USER, ENTERPRISE, ENTRA],
          userName: p.userName,
          externalId: `Q-${p.given}`,
          name: { givenName: p.given, familyName: p.family },
          active: p.active,
          emails: [
            { value: p.work, type: 'work', primary: true },
            { value: `${p.given.toLowerCase()}@home.example.net`, type: 'home' },
          ],
          [ENTERPRISE]: { department: p.dept, employeeNumber: String(people.indexOf(p) + 1) },
          [ENTRA]: { employeeHireDate: p.hire },
        })
        .expect(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const names = (res: { body: { Resources: Listed[] } }) => res.body.Resources.map((r) => r.userName).sort();
  const query = (filter: string, extra: Record<string, string | number> = {}) =>
    t.scim('get', '/Users').query({ filter: `(${filter}) and userName ew "@query.test"`, ...extra });

  it.each([
    ['name.familyName sw "Lo"', ['ada@query.test']],
    ['name.FamilyName co "ar"', ['bob@query.test']],
    [
      'emails[type eq "work" and value co "@corp.example.com"]',
      ['Cleo@query.test', 'ada@query.test', 'dan@query.test'],
    ],
    ['emails.Value ew "home.example.net" and not (active eq true)', ['bob@query.test']],
    [`${ENTERPRISE}:department eq "Engineering"`, ['Cleo@query.test', 'ada@query.test']],
    ['department eq "finance"', ['dan@query.test']],
    [`${ENTRA}:employeeHireDate gt "2025-01-01T00:00:00Z"`, ['ada@query.test']],
    ['active eq False', ['bob@query.test']],
    ['userName eq "CLEO@QUERY.TEST"', ['Cleo@query.test']],
    ['externalId eq Q-Dan', ['dan@query.test']],
    ['title pr', []],
    [
      'name.givenName pr and (name.givenName eq "Ada" or name.givenName eq "Bob")',
      ['ada@query.test', 'bob@query.test'],
    ],
    [
      'meta.created gt "2000-01-01T00:00:00Z"',
      ['Cleo@query.test', 'ada@query.test', 'bob@query.test', 'dan@query.test'],
    ],
  ])('filters %s', async (filter, expected) => {
    const res = await query(filter).expect(200);
    expect(names(res)).toEqual(expected);
    expect(res.body.totalResults).toBe(expected.length);
  });

  it('answers 400 invalidFilter with the position for a filter that does not parse', async () => {
    const res = await t.scim('get', '/Users').query({ filter: 'userName eq "x" and' }).expect(400);
    expect(res.body.scimType).toBe('invalidFilter');
    expect(res.body.detail).toMatch(/position \d+/);
  });

  it('answers 400 invalidFilter for an unknown attribute', async () => {
    const res = await t.scim('get', '/Users').query({ filter: 'shoeSize gt 40' }).expect(400);
    expect(res.body.scimType).toBe('invalidFilter');
    expect(res.body.detail).toMatch(/shoeSize/);
  });

  it('sorts by a column, by a sub-attribute and by an extension attribute, both ways', async () => {
    const asc = await query('userName pr', { sortBy: 'name.givenName', sortOrder: 'ascending' }).expect(200);
    expect(asc.body.Resources.map((r: Listed) => r.userName)).toEqual([
      'ada@query.test',
      'bob@query.test',
      'Cleo@query.test',
      'dan@query.test',
    ]);
    const desc = await query('userName pr', { sortBy: 'userName', sortOrder: 'descending' }).expect(200);
    expect(desc.body.Resources.map((r: Listed) => r.userName)).toEqual([
      'dan@query.test',
      'Cleo@query.test',
      'bob@query.test',
      'ada@query.test',
    ]);
    const byDept = await query('userName pr', {
      sortBy: `${ENTERPRISE}:employeeNumber`,
      sortOrder: 'descending',
    }).expect(200);
    expect(byDept.body.Resources[0].userName).toBe('dan@query.test');
  });

  it('projects attributes and excludedAttributes, id and schemas always returned', async () => {
    const some = await query('userName eq "ada@query.test"', {
      attributes: 'userName,name.givenName,emails.value',
    }).expect(200);
    const [ada] = some.body.Resources;
    expect(Object.keys(ada).sort()).toEqual(['emails', 'id', 'name', 'schemas', 'userName']);
    expect(ada.name).toEqual({ givenName: 'Ada' });
    expect(ada.emails.every((e: Record<string, unknown>) => Object.keys(e).join() === 'value')).toBe(true);
    const without = await query('userName eq "ada@query.test"', {
      excludedAttributes: `emails,${ENTERPRISE}`,
    }).expect(200);
    expect(without.body.Resources[0].emails).toBeUndefined();
    expect(without.body.Resources[0][ENTERPRISE]).toBeUndefined();
    expect(without.body.Resources[0].name.familyName).toBe('Lovelace');
  });

  it('pages by cursor in constant steps until nextCursor disappears (RFC 9865)', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const res = await query('userName pr', { cursor, count: 3 }).expect(200);
      expect(res.body.totalResults).toBe(4);
      expect(res.body.startIndex).toBeUndefined();
      seen.push(...res.body.Resources.map((r: Listed) => r.userName));
      if (!res.body.nextCursor) break;
      cursor = res.body.nextCursor;
    }
    expect(seen.sort()).toEqual(people.map((p) => p.userName).sort());
    const bad = await t.scim('get', '/Users').query({ cursor: 'not-a-cursor!' }).expect(400);
    expect(bad.body.scimType).toBe('invalidCursor');
  });

  it('answers POST /Users/.search like GET', async () => {
    const res = await t
      .scim('post', '/Users/.search')
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'name.givenName eq "Dan"',
        attributes: ['userName'],
        startIndex: 1,
        count: 10,
      })
      .expect(200);
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0]).toEqual({
      schemas: expect.any(Array),
      id: expect.any(String),
      userName: 'dan@query.test',
    });
    await t.scim('post', '/Users/.search').send({ filter: 'userName pr' }).expect(400);
  });

  it('returns the attribute of a path with a value filter in attributes, as some validators send it', async () => {
    const get = await query('userName eq "ada@query.test"', { attributes: 'emails[type eq "work"]' }).expect(
      200,
    );
    expect(Object.keys(get.body.Resources[0]).sort()).toEqual(['emails', 'id', 'schemas']);
    expect(get.body.Resources[0].emails).toEqual(
      expect.arrayContaining([{ value: 'ada@corp.example.com', type: 'work', primary: true }]),
    );
    const search = await t
      .scim('post', '/Users/.search')
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'userName eq "dan@query.test"',
        attributes: ['emails[type eq "work"].value', 'name.givenName'],
      })
      .expect(200);
    expect(search.body.Resources[0].name).toEqual({ givenName: 'Dan' });
    expect(search.body.Resources[0].emails).toContainEqual({ value: 'dan@corp.example.com' });
  });

  describe('POST /.search at the root (RFC 7644 §3.4.3)', () => {
    const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
    const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    const search = (body: Record<string, unknown>) =>
      t.scim('post', '/.search').send({ schemas: [SEARCH], ...body });
    /** The four users of this file and the two groups below, and nothing else of the database. */
    const ours = 'userName ew "@query.test" or displayName sw "Query "';
    let engineersId: string;
    let salesId: string;
    let adaId: string;

    beforeAll(async () => {
      adaId = (await query('userName eq "ada@query.test"').expect(200)).body.Resources[0].id;
      engineersId = (
        await t
          .scim('post', '/Groups')
          .send({ schemas: [GROUP], displayName: 'Query Engineers', members: [{ value: adaId }] })
          .expect(201)
      ).body.id;
      salesId = (
        await t
          .scim('post', '/Groups')
          .send({ schemas: [GROUP], displayName: 'Query Sales' })
          .expect(201)
      ).body.id;
    });
    afterAll(async () => {
      // The lookups below expect these users in no group.
      for (const id of [engineersId, salesId]) await t.scim('delete', `/Groups/${id}`).expect(204);
    });

    const kinds = (res: { body: { Resources: Record<string, unknown>[] } }) =>
      res.body.Resources.map(
        (r) => `${(r.meta as { resourceType: string }).resourceType}:${String(r.schemas)}`,
      );

    it('lists users and groups, each with its own schemas, paged over both', async () => {
      const all = await search({ filter: ours }).expect(200);
      expect(all.body).toMatchObject({ totalResults: 6, itemsPerPage: 6, startIndex: 1 });
      const user = `User:${USER},${ENTERPRISE},${ENTRA}`;
      expect(kinds(all)).toEqual([user, user, user, user, `Group:${GROUP}`, `Group:${GROUP}`]);
      expect(
        all.body.Resources.slice(4)
          .map((g: { displayName: string }) => g.displayName)
          .sort(),
      ).toEqual(['Query Engineers', 'Query Sales']);
      const across = await search({ filter: ours, startIndex: 4, count: 2 }).expect(200);
      expect(across.body).toMatchObject({ totalResults: 6, itemsPerPage: 2, startIndex: 4 });
      expect(
        across.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType),
      ).toEqual(['User', 'Group']);
      expect(across.body.Resources[0].id).toBe(all.body.Resources[3].id);
      expect(across.body.Resources[1].id).toBe(all.body.Resources[4].id);
      const last = await search({ filter: ours, startIndex: 6, count: 5 }).expect(200);
      expect(last.body.Resources.map((r: { id: string }) => r.id)).toEqual([all.body.Resources[5].id]);
      const counted = await search({ filter: ours, count: 0 }).expect(200);
      expect(counted.body).toMatchObject({ totalResults: 6, itemsPerPage: 0, Resources: [] });
    });

    it("matches nothing of the other type with a filter on one type's attributes", async () => {
      const users = await search({
        filter: 'emails[type eq "work" and value co "@corp.example.com"]',
      }).expect(200);
      expect(users.body.totalResults).toBe(3);
      expect(
        users.body.Resources.every((r: { meta: { resourceType: string } }) => r.meta.resourceType === 'User'),
      ).toBe(true);
      const groups = await search({ filter: `members.value eq "${adaId}"` }).expect(200);
      expect(groups.body.Resources.map((r: { id: string }) => r.id)).toEqual([engineersId]);
      const either = await search({
        filter: 'userName eq "bob@query.test" or displayName eq "Query Sales"',
        attributes: ['userName', 'displayName'],
      }).expect(200);
      expect(
        either.body.Resources.map(
          (r: { userName?: string; displayName?: string }) => r.userName ?? r.displayName,
        ),
      ).toEqual(['bob@query.test', 'Query Sales']);
    });

    it('answers 400 for an attribute no type has, for sortBy and for a cursor', async () => {
      const unknown = await search({ filter: 'shoeSize gt 40' }).expect(400);
      expect(unknown.body.scimType).toBe('invalidFilter');
      await search({ filter: ours, sortBy: 'userName' }).expect(400);
      await search({ filter: ours, cursor: '' }).expect(400);
    });
  });

  it('advertises sorting and both paging methods', async () => {
    const spc = await t.scim('get', '/ServiceProviderConfig').expect(200);
    expect(spc.body.sort).toEqual({ supported: true });
    expect(spc.body.pagination).toMatchObject({
      cursor: true,
      index: true,
      defaultPageSize: 100,
      maxPageSize: 1000,
    });
  });

  describe('userName lookups, batched', () => {
    it('answers lookups made in one tick each with its own user, case-insensitively, none for a stranger', async () => {
      const lists = t.app.get(ListQueryBuilder);
      const compiler = t.app.get(ListQueryCompiler);
      const users = t.app.get(UsersService);
      const lookup = (filter: string, startIndex = 1) =>
        users.listUsers(lists.build(lists.fromQuery({ filter, startIndex: String(startIndex) })), {
          withGroups: true,
        });
      const filters = [
        'userName eq "ADA@query.test"',
        'userName eq "nobody@query.test"',
        'userName eq "cleo@QUERY.test"',
        'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada@query.test"',
      ];
      expect(compiler.compile('User', lists.build(lists.fromQuery({ filter: filters[0] }))).lookup).toEqual({
        userNameNormalized: 'ada@query.test',
      });
      const results = await Promise.all(filters.map((f) => lookup(f)));
      expect(results.map((r) => [r.total, r.resources.map((u) => u.doc.userName)])).toEqual([
        [1, ['ada@query.test']],
        [0, []],
        [1, ['Cleo@query.test']],
        [1, ['ada@query.test']],
      ]);
      expect(results[0].groups?.get(results[0].resources[0].id)).toEqual([]);
      // A later page of the same filter is a list query, and finds nothing past the one user.
      expect(
        compiler.compile('User', lists.build(lists.fromQuery({ filter: filters[0], startIndex: '2' })))
          .lookup,
      ).toBeUndefined();
      expect((await lookup(filters[0], 2)).resources).toEqual([]);
    });

    it('answers concurrent lookups over HTTP like a single one', async () => {
      const names = people.map((p) => p.userName);
      const responses = await Promise.all(
        [...names, 'nobody@query.test'].map((n) =>
          t
            .scim('get', '/Users')
            .query({ filter: `userName eq "${n.toUpperCase()}"` })
            .expect(200),
        ),
      );
      expect(
        responses.map((r) => [r.body.totalResults, r.body.Resources.map((u: Listed) => u.userName)]),
      ).toEqual([...names.map((n) => [1, [n]]), [0, []]]);
    });
  });
});
