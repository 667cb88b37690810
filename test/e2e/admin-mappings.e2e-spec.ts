import { defaultMappingSet, type MappingSet } from '../../src/mapping/mapping-set';
import { MappingsService } from '../../src/mapping/mappings.service';
import { SCIM_TOKEN, startTestApp, TestApp } from '../support/test-app';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';

const barbara = (department: string, extra: Record<string, unknown> = {}) => ({
  schemas: [CORE, ENT],
  userName: 'bjensen@example.com',
  externalId: 'W1001',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  displayName: 'Barbara Jensen',
  title: 'CFO',
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
  active: true,
  [ENT]: { department, employeeNumber: '1001' },
  ...extra,
});

/** The default set with one attribute mapping's source replaced (index into users.attributes). */
function withUserSource(index: number, type: 'Direct' | 'Expression', source: string): MappingSet {
  const set = defaultMappingSet();
  set.users.attributes[index] = { ...set.users.attributes[index], type, source };
  return set;
}

describe('Admin API: attribute mappings, expressions and preview', () => {
  let t: TestApp;
  /** Registered targets by name (disabled: nothing is sent), since mappings belong to a target. */
  const target: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    for (const name of [
      'any-case',
      'brand-new',
      'cached',
      'crm',
      'fresh-target',
      'never-saved',
      'other',
      'slack_prod',
    ]) {
      const res = await t
        .admin('post', '/targets')
        .send({
          name,
          baseUrl: 'http://127.0.0.1:9/scim',
          auth: { type: 'bearer', token: 'tok-0123456789' },
          enabled: false,
          scope: 'all',
        })
        .expect(201);
      target[name] = (res.body as { id: string }).id;
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const storedVersion = async (targetId: string): Promise<number | undefined> => {
    const rows: { version: number | string }[] = await t.dataSource.query(
      'SELECT version FROM target_mapping WHERE target_id = ?',
      [targetId],
    );
    return rows.length ? Number(rows[0].version) : undefined;
  };

  describe('GET and PUT /admin/v1/targets/:id/mappings', () => {
    it("returns Entra's default set for a target nobody has edited", async () => {
      const res = await t.admin('get', `/targets/${target['fresh-target']}/mappings`).expect(200);
      expect(res.body).toEqual(defaultMappingSet());
      expect(res.body.users.attributes).toContainEqual({
        targetAttribute: 'active',
        type: 'Expression',
        source: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
        apply: 'Always',
      });
      expect(await storedVersion(target['fresh-target'])).toBeUndefined();
    });

    it.each(['has space', 'x'.repeat(37), 'semi;colon'])('refuses the target id %j with 400', async (id) => {
      const res = await t.admin('get', `/targets/${encodeURIComponent(id)}/mappings`).expect(400);
      expect(res.body.message).toMatch(/target id/);
    });

    it('answers 404 for a target that is not registered, and saves nothing', async () => {
      await t.admin('get', '/targets/no-such-target/mappings').expect(404);
      await t.admin('put', '/targets/no-such-target/mappings').send(defaultMappingSet()).expect(404);
      await t
        .admin('post', '/targets/no-such-target/mappings/preview')
        .send({ user: barbara('Sales') })
        .expect(404);
      expect(await storedVersion('no-such-target')).toBeUndefined();
    });

    it('saves a valid set, returns it, and GET gives it back; each save is a new version', async () => {
      const set = defaultMappingSet();
      set.users.scoping = [{ clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] }];
      set.users.attributes.push({
        targetAttribute: 'nickName',
        type: 'Expression',
        source: 'ToLower(Join(".", [givenName], [surname]))',
        apply: 'OnCreate',
        defaultValue: 'unknown',
      });
      const put = await t.admin('put', `/targets/${target.slack_prod}/mappings`).send(set).expect(200);
      expect(put.body).toEqual(set);
      const get = await t.admin('get', `/targets/${target.slack_prod}/mappings`).expect(200);
      expect(get.body).toEqual(set);
      expect(await storedVersion(target.slack_prod)).toBe(1);

      await t.admin('put', `/targets/${target.slack_prod}/mappings`).send(get.body).expect(200);
      expect(await storedVersion(target.slack_prod)).toBe(2);
      // Another target is unaffected.
      expect((await t.admin('get', `/targets/${target.other}/mappings`).expect(200)).body).toEqual(
        defaultMappingSet(),
      );
    });

    it('refuses an expression that does not parse, naming mapping, attribute, line and column; nothing saved', async () => {
      const before = (await t.admin('get', `/targets/${target.slack_prod}/mappings`).expect(200))
        .body as MappingSet;
      const version = await storedVersion(target.slack_prod);
      const bad = withUserSource(8, 'Expression', 'Join(" ",\n  [givenName] [surname])');

      const res = await t.admin('put', `/targets/${target.slack_prod}/mappings`).send(bad).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'INVALID_MAPPING_SET' });
      expect(res.body.details).toEqual([
        expect.objectContaining({
          objectType: 'users',
          section: 'attributes',
          index: 8,
          targetAttribute: 'name.formatted',
          field: 'source',
          line: 2,
          column: 15,
          message: expect.stringMatching(/expected .*but found \[surname\]/),
        }),
      ]);
      expect(res.body.message).toContain('users mapping 9 (name.formatted), source at line 2, column 15');

      expect((await t.admin('get', `/targets/${target.slack_prod}/mappings`).expect(200)).body).toEqual(
        before,
      );
      expect(await storedVersion(target.slack_prod)).toBe(version);
    });

    it.each([
      ['an unknown function', 'Frobnicate([givenName])', 1, /unknown function "Frobnicate"/],
      ['a wrong argument count', 'Left([givenName])', 1, /Left takes 2 arguments but got 1/],
      ['an unknown attribute', 'ToUpper([noSuchAttribute])', 9, /unknown attribute "noSuchAttribute"/],
    ])('refuses %s with its position and saves nothing', async (_what, source, column, message) => {
      const res = await t
        .admin('put', `/targets/${target['never-saved']}/mappings`)
        .send(withUserSource(6, 'Expression', source))
        .expect(400);
      expect(res.body.details).toEqual([
        expect.objectContaining({
          index: 6,
          targetAttribute: 'name.givenName',
          field: 'source',
          line: 1,
          column,
        }),
      ]);
      expect(res.body.details[0].message).toMatch(message);
      expect(await storedVersion(target['never-saved'])).toBeUndefined();
    });

    it('refuses an unknown Direct source attribute', async () => {
      const res = await t
        .admin('put', `/targets/${target['never-saved']}/mappings`)
        .send(withUserSource(3, 'Direct', 'jobTitel'))
        .expect(400);
      expect(res.body.details).toEqual([
        expect.objectContaining({ index: 3, targetAttribute: 'title', field: 'source' }),
      ]);
      expect(res.body.details[0].message).toMatch(/unknown attribute "jobTitel"/);
    });

    it('refuses a bad scoping operator, naming the group and the clause', async () => {
      const set = defaultMappingSet();
      set.users.scoping = [
        { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] },
        {
          clauses: [
            { attribute: 'active', operator: 'IS TRUE' },
            { attribute: 'department', operator: 'LIKE', value: 'Sa%' },
          ],
        },
      ];
      const res = await t.admin('put', `/targets/${target['never-saved']}/mappings`).send(set).expect(400);
      expect(res.body.details).toEqual([
        expect.objectContaining({
          objectType: 'users',
          section: 'scoping',
          index: 1,
          clause: 1,
          field: 'operator',
        }),
      ]);
      expect(res.body.details[0].message).toMatch(/unknown operator "LIKE"/);
      expect(res.body.message).toContain('users scoping group 2, clause 2');
      expect(await storedVersion(target['never-saved'])).toBeUndefined();
    });

    it('accepts scoping operators in any case and spacing, as Entra writes them', async () => {
      const set = defaultMappingSet();
      set.users.scoping = [
        { clauses: [{ attribute: 'department', operator: 'not_equals', value: 'Legal' }] },
      ];
      await t.admin('put', `/targets/${target['any-case']}/mappings`).send(set).expect(200);
    });

    it.each([
      [
        (s: MappingSet) => Object.assign(s.users.attributes[0], { type: 'Magic' }),
        /users\.attributes\.0\.type/,
      ],
      [(s: MappingSet) => Object.assign(s.users.actions, { create: 'yes' }), /users\.actions\.create/],
      [
        (s: MappingSet) => Object.assign(s.groups.attributes[0], { colour: 'red' }),
        /colour should not exist/,
      ],
      [
        (s: MappingSet) => Object.assign(s.users.attributes[0], { matching: { precedence: 0 } }),
        /precedence/,
      ],
      [(s: MappingSet) => delete (s as Partial<MappingSet>).groups, /groups/],
    ])('refuses a set of the wrong shape with 400 naming the field (%#)', async (spoil, message) => {
      const set = defaultMappingSet();
      spoil(set);
      const res = await t.admin('put', `/targets/${target['never-saved']}/mappings`).send(set).expect(400);
      expect(res.body.message).toMatch(message);
      expect(await storedVersion(target['never-saved'])).toBeUndefined();
    });

    it('refuses a set larger than a TEXT column holds on MySQL, and saves nothing', async () => {
      const set = defaultMappingSet();
      set.users.attributes.push({
        targetAttribute: 'nickName',
        type: 'Constant',
        source: 'x'.repeat(70_000),
        apply: 'Always',
      });
      const res = await t.admin('put', `/targets/${target['never-saved']}/mappings`).send(set).expect(400);
      expect(res.body.message).toMatch(/larger than 65535 bytes/);
      expect(await storedVersion(target['never-saved'])).toBeUndefined();
    });

    it('compiles a set once per stored version (the provisioning engine never re-parses)', async () => {
      const mappings = t.app.get(MappingsService);
      const first = await mappings.compiledFor(target.cached);
      expect(await mappings.compiledFor(target.cached)).toBe(first);
      await t.admin('put', `/targets/${target.cached}/mappings`).send(defaultMappingSet()).expect(200);
      const second = await mappings.compiledFor(target.cached);
      expect(second).not.toBe(first);
      expect(await mappings.compiledFor(target.cached)).toBe(second);
    });
  });

  describe('POST /admin/v1/expressions/evaluate', () => {
    let userId: string;

    beforeAll(async () => {
      const created = await t
        .scim('post', '/Users')
        .send(barbara('Finance', { userName: 'stored@example.com' }))
        .expect(201);
      userId = created.body.id;
    });

    it('evaluates on a SCIM user document, with Entra names', async () => {
      const res = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: 'Join(" ", [givenName], ToUpper([surname]))', user: barbara('Sales') })
        .expect(200);
      expect(res.body).toEqual({ value: 'Barbara JENSEN', flows: true });
    });

    it('gives null and flows false when nothing flows, an array for a multi-valued result', async () => {
      const user = barbara('Sales');
      const missing = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: '[preferredLanguage]', user })
        .expect(200);
      expect(missing.body).toEqual({ value: null, flows: false });
      const empty = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: 'IgnoreFlowIfNullOrEmpty("")', user })
        .expect(200);
      expect(empty.body).toMatchObject({ value: null, flows: false });
      const many = await t
        .admin('post', '/expressions/evaluate')
        .send({
          expression: 'ToUpper([emails])',
          user: { ...user, emails: [...user.emails, { value: 'b@home.example', type: 'home' }] },
        })
        .expect(200);
      expect(many.body).toEqual({ value: ['BJENSEN@EXAMPLE.COM', 'B@HOME.EXAMPLE'], flows: true });
    });

    it('evaluates on a stored user by id, and answers 404 for an unknown one', async () => {
      const res = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: 'Switch([department], "Other", "Finance", "FIN", "Sales", "SAL")', userId })
        .expect(200);
      expect(res.body).toEqual({ value: 'FIN', flows: true });
      await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: '[userName]', userId: '9b2d4c1e-0000-4000-8000-000000000000' })
        .expect(404);
    });

    it('uses `now` as the clock', async () => {
      const now = await t
        .admin('post', '/expressions/evaluate')
        .send({
          expression: 'Join(" ", DateDiff("d", CDate([employeeHireDate]), Now()), Now())',
          now: '2025-07-30T12:00:00Z',
          user: barbara('Sales', { [ENTRA]: { employeeHireDate: '2025-07-20T08:00:00Z' } }),
        })
        .expect(200);
      expect(now.body).toEqual({ value: '10 7/30/2025 12:00:00 PM', flows: true });
    });

    it('answers a syntax error with 400 and top-level error, line and column', async () => {
      const res = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: 'IIF([active] = "True",\n    "yes"\n    "no")', user: barbara('Sales') })
        .expect(400);
      expect(res.body).toMatchObject({ error: 'INVALID_EXPRESSION', line: 3, column: 5, statusCode: 400 });
      expect(res.body.message).toMatch(/^Line 3, column 5: expected/);
    });

    it('checks what a save would check: unknown attribute and unknown function are 400 with a position', async () => {
      const attr = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: 'ToLower([surnme])', user: barbara('Sales') })
        .expect(400);
      expect(attr.body).toMatchObject({ error: 'INVALID_EXPRESSION', line: 1, column: 9 });
      const fn = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: '  Lenn("x")' })
        .expect(400);
      expect(fn.body).toMatchObject({
        line: 1,
        column: 3,
        message: expect.stringMatching(/unknown function/),
      });
    });

    it("checks a group mapping's expression against a group's attributes with objectType group", async () => {
      const group = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: 'Count([members])', objectType: 'group' })
        .expect(200);
      expect(group.body).toEqual({ value: '0', flows: true });
      // A user has no members, a group no givenName: each is an unknown attribute at its column.
      const asUser = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: 'Count([members])' })
        .expect(400);
      expect(asUser.body).toMatchObject({ error: 'INVALID_EXPRESSION', line: 1, column: 7 });
      const userAttr = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: 'ToLower([givenName])', objectType: 'group' })
        .expect(400);
      expect(userAttr.body).toMatchObject({ error: 'INVALID_EXPRESSION', line: 1, column: 9 });
      const bad = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: '[displayName]', objectType: 'device' })
        .expect(400);
      expect(bad.body.message).toMatch(/objectType/);
    });

    it('refuses a bad request: no expression, a bad date, both user and userId', async () => {
      await t
        .admin('post', '/expressions/evaluate')
        .send({ user: barbara('Sales') })
        .expect(400);
      const date = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: 'Now()', now: 'yesterday' })
        .expect(400);
      expect(date.body.message).toMatch(/now/);
      const both = await t
        .admin('post', '/expressions/evaluate')
        .send({ expression: '[userName]', user: barbara('Sales'), userId })
        .expect(400);
      expect(both.body.message).toMatch(/either userId .* or user/);
    });
  });

  describe('POST /admin/v1/targets/:id/mappings/preview', () => {
    let salesId: string;
    let financeId: string;

    beforeAll(async () => {
      const set = defaultMappingSet();
      set.users.scoping = [
        {
          clauses: [
            { attribute: 'department', operator: 'EQUALS', value: 'Sales' },
            { attribute: 'employeeId', operator: 'IS NOT NULL' },
          ],
        },
      ];
      await t.admin('put', `/targets/${target.crm}/mappings`).send(set).expect(200);
      salesId = (await t.scim('post', '/Users').send(barbara('Sales')).expect(201)).body.id;
      financeId = (
        await t
          .scim('post', '/Users')
          .send(barbara('Finance', { userName: 'fjensen@example.com' }))
          .expect(201)
      ).body.id;
    });

    it('sends nothing for a user out of scope, and the verdict names the failing clause', async () => {
      const res = await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ userId: financeId })
        .expect(200);
      expect(res.body.scope).toEqual({
        inScope: false,
        failures: [
          {
            group: 0,
            clause: 0,
            attribute: 'department',
            operator: 'EQUALS',
            expected: 'Sales',
            actual: 'Finance',
          },
        ],
        reason: expect.stringContaining('department EQUALS "Sales"'),
      });
      expect(res.body.wouldCreate).toBe(false);
      // Out of scope makes [IsSoftDeleted] "True" (entra-expressions.md §4): the disable a leaver would get.
      expect(res.body.payload.active).toBe(false);
    });

    it('gives the exact SCIM payload a create would send for a user in scope', async () => {
      const res = await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ userId: salesId })
        .expect(200);
      expect(res.body.scope).toEqual({ inScope: true, failures: [] });
      expect(res.body.wouldCreate).toBe(true);
      expect(res.body.assignment).toEqual({ required: false, assigned: false, via: [], roles: [] });
      expect(res.body.errors).toEqual([]);
      expect(res.body.payload).toEqual({
        schemas: [CORE, ENT],
        userName: 'bjensen@example.com',
        active: true,
        displayName: 'Barbara Jensen',
        title: 'CFO',
        emails: [{ type: 'work', value: 'bjensen@example.com' }],
        name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Barbara Jensen' },
        phoneNumbers: [{ type: 'work', value: '+1 555 0100' }],
        // Entra's default maps mailNickname (userName before "@") to externalId, not the HR externalId.
        externalId: 'bjensen',
        [ENT]: { employeeNumber: '1001', department: 'Sales' },
      });
      expect(res.body.dropped).toEqual(expect.arrayContaining(['preferredLanguage', `${ENT}:manager`]));
      expect(res.body.matching).toEqual([
        { targetAttribute: 'userName', value: 'bjensen@example.com', precedence: 1 },
      ]);
    });

    it('previews a SCIM user document: a disabled user gets active false through the Switch', async () => {
      const res = await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ user: barbara('Sales', { active: 'False', userName: 'doc@example.com' }) })
        .expect(200);
      expect(res.body.scope.inScope).toBe(true);
      expect(res.body.payload).toMatchObject({ userName: 'doc@example.com', active: false });
    });

    it('previews with the default set for a target nobody has edited', async () => {
      const res = await t
        .admin('post', `/targets/${target['brand-new']}/mappings/preview`)
        .send({ userId: financeId })
        .expect(200);
      expect(res.body.scope.inScope).toBe(true);
      expect(res.body.payload[ENT]).toEqual({ employeeNumber: '1001', department: 'Finance' });
    });

    it('previews a proposed set instead of the saved one, and saves nothing', async () => {
      const before = await storedVersion(target.crm);
      const proposed = defaultMappingSet();
      proposed.users.scoping = [
        { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Finance' }] },
      ];
      proposed.users.attributes[2] = {
        targetAttribute: 'displayName',
        type: 'Constant',
        source: 'Proposed',
        apply: 'Always',
      };
      const res = await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ userId: financeId, mappings: proposed })
        .expect(200);
      expect(res.body.scope).toEqual({ inScope: true, failures: [] });
      expect(res.body.wouldCreate).toBe(true);
      expect(res.body.payload.displayName).toBe('Proposed');
      // The saved set still puts this user out of scope.
      const saved = await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ userId: financeId })
        .expect(200);
      expect(saved.body.scope.inScope).toBe(false);
      expect(saved.body.payload.displayName).toBe('Barbara Jensen');
      expect(await storedVersion(target.crm)).toBe(before);
    });

    it('refuses a proposed set with a problem as a save would, naming the mapping, line and column', async () => {
      const proposed = withUserSource(8, 'Expression', 'Join(" ", [givenName] [surname])');
      const res = await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ userId: financeId, mappings: proposed })
        .expect(400);
      expect(res.body.error).toBe('INVALID_MAPPING_SET');
      expect(res.body.details).toEqual([
        expect.objectContaining({
          objectType: 'users',
          section: 'attributes',
          index: 8,
          field: 'source',
          line: 1,
          column: 23,
        }),
      ]);
      const shape = await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ userId: financeId, mappings: { users: {} } })
        .expect(400);
      expect(shape.body.message).toMatch(/mappings/);
    });

    it('answers 404 for an unknown user and 400 for a bad request', async () => {
      await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ userId: '9b2d4c1e-0000-4000-8000-000000000000' })
        .expect(404);
      await t.admin('post', `/targets/${target.crm}/mappings/preview`).send({}).expect(400);
      await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ userId: 'not-a-uuid' })
        .expect(400);
      const doc = await t
        .admin('post', `/targets/${target.crm}/mappings/preview`)
        .send({ user: { name: { givenName: 'No userName' } } })
        .expect(400);
      expect(doc.body.message).toMatch(/userName/);
    });
  });

  it.each([
    ['get', '/admin/v1/targets/x/mappings'],
    ['put', '/admin/v1/targets/x/mappings'],
    ['post', '/admin/v1/targets/x/mappings/preview'],
    ['post', '/admin/v1/expressions/evaluate'],
  ] as const)('answers 403 to a token without the admin scope: %s %s', async (method, url) => {
    const res = await t.http[method](url).set('Authorization', `Bearer ${SCIM_TOKEN}`).send({}).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, error: 'FORBIDDEN' });
  });

  it('describes the endpoints in OpenAPI at /admin/docs', async () => {
    const res = await t.http.get('/admin/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/admin/v1/targets/{id}/mappings',
        '/admin/v1/targets/{id}/mappings/preview',
        '/admin/v1/expressions/evaluate',
      ]),
    );
    expect(res.body.components.schemas.AttributeMappingDto.properties.type.enum).toEqual([
      'Direct',
      'Constant',
      'Expression',
      'None',
    ]);
  });
});
