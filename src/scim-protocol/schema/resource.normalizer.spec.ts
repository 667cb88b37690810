import { InvalidRequestError } from '../../common/errors';
import { readRfcSample } from '../testing/test-data.fixture';
import { normalizeResource } from './resource.normalizer';
import { SchemaRegistry } from './schema.registry';
import {
  CORE_GROUP_SCHEMA,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  ENTRA_USER_SCHEMA,
  type SchemaDefinition,
} from './schema.types';

const registry = new SchemaRegistry();
const user = (body: Record<string, unknown>) =>
  normalizeResource(registry, 'User', { schemas: [CORE_USER_SCHEMA], ...body }, { mode: 'create' }).doc;

function rejection(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('expected an InvalidRequestError');
}

describe('normalizeResource', () => {
  it('normalizes the RFC 7643 §8.3 enterprise user: drops id, meta, groups and password', () => {
    const sample = readRfcSample('rfc7643-8.3-enterprise_user.json');
    const { doc } = normalizeResource(registry, 'User', sample, { mode: 'create' });
    expect(doc.schemas).toEqual([CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
    for (const gone of ['id', 'meta', 'groups', 'password']) expect(doc).not.toHaveProperty(gone);
    expect(doc.userName).toBe('bjensen@example.com');
    expect(doc.emails).toEqual(sample.emails);
    expect(doc[ENTERPRISE_USER_SCHEMA]).toEqual({
      employeeNumber: '701984',
      costCenter: '4130',
      organization: 'Universal Studios',
      division: 'Theme Park',
      department: 'Tour Operations',
      // displayName is readOnly (RFC 7643 §4.3) and is not stored.
      manager: {
        value: '26118915-6090-4610-87e4-49d8ca9f808d',
        $ref: sample[ENTERPRISE_USER_SCHEMA].manager.$ref,
      },
    });
    expect(JSON.stringify(doc)).not.toContain('t1meMa$heen');
  });

  it.each([
    'rfc7643-8.1-user-minimal.json',
    'rfc7643-8.2-user-full.json',
    'rfc7644-3.3-user-post_request.json',
    'rfc7644-3.5.1-user-put_request.json',
    'rfc7644-3.14-user-post_request.json',
  ])('accepts %s and is idempotent', (file) => {
    const { doc } = normalizeResource(registry, 'User', readRfcSample(file), { mode: 'create' });
    expect(normalizeResource(registry, 'User', doc, { mode: 'replace', existing: doc }).doc).toEqual(doc);
  });

  it('canonicalises attribute-name case and orders the document by schema', () => {
    const doc = user({ EMAILS: [{ VALUE: 'a@b.c', Type: 'work' }], Name: { GIVENNAME: 'A' }, username: 'u' });
    expect(doc).toEqual({
      schemas: [CORE_USER_SCHEMA],
      userName: 'u',
      name: { givenName: 'A' },
      emails: [{ value: 'a@b.c', type: 'work' }],
    });
    expect(Object.keys(doc)).toEqual(['schemas', 'userName', 'name', 'emails']);
  });

  it('accepts extension attributes nested, flat URN-keyed, dotted and bare, and lists the extensions', () => {
    const doc = user({
      userName: 'u',
      [`${ENTERPRISE_USER_SCHEMA}:department`]: 'Sales',
      [ENTERPRISE_USER_SCHEMA.toLowerCase()]: { EmployeeNumber: '7' },
      'name.familyName': 'F',
      employeeHireDate: '2025-01-15',
    });
    expect(doc).toEqual({
      schemas: [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, ENTRA_USER_SCHEMA],
      userName: 'u',
      name: { familyName: 'F' },
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '7', department: 'Sales' },
      [ENTRA_USER_SCHEMA]: { employeeHireDate: '2025-01-15T00:00:00.000Z' },
    });
  });

  it('applies the Entra quirks: "True"/"False", manager as a string, nulls and empty arrays', () => {
    const doc = user({
      userName: 'u',
      active: 'False',
      emails: [{ value: 'a@b.c', primary: 'True' }],
      roles: [],
      addresses: null,
      manager: 'boss-id',
      title: null,
    });
    expect(doc).toEqual({
      schemas: [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: 'u',
      active: false,
      emails: [{ value: 'a@b.c', primary: true }],
      [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'boss-id' } },
    });
    expect(
      user({ userName: 'u', [ENTERPRISE_USER_SCHEMA]: { manager: [{ value: 'm', $ref: null }] } }),
    ).toEqual(user({ userName: 'u', manager: { value: 'm' } }));
    expect(user({ userName: 'u', manager: '' })).toEqual({ schemas: [CORE_USER_SCHEMA], userName: 'u' });
    // Only the readOnly displayName: nothing to store.
    expect(user({ userName: 'u', manager: { displayName: 'M' } })).toEqual({
      schemas: [CORE_USER_SCHEMA],
      userName: 'u',
    });
  });

  it('accepts the legacy Entra create (§2.17): unknown schema URIs ignored, bare department null', () => {
    const doc = user({
      schemas: [CORE_USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      externalId: 'jyoung',
      userName: 'jyoung@testuser.com',
      phoneNumbers: null,
      department: null,
      manager: null,
      meta: { resourceType: 'User' },
    });
    expect(doc).toEqual({
      schemas: [CORE_USER_SCHEMA],
      externalId: 'jyoung',
      userName: 'jyoung@testuser.com',
    });
  });

  it.each([
    ['2021-09-08T23:02:28.986Z', '2021-09-08T23:02:28.986Z'],
    ['2021-09-08T23:02:28+02:00', '2021-09-08T21:02:28.000Z'],
    ['2021-09-08T23:02:28.1234567Z', '2021-09-08T23:02:28.123Z'],
    ['2021-09-08T23:02', '2021-09-08T23:02:00.000Z'],
  ])('normalizes the dateTime %s', (input, stored) => {
    expect(user({ userName: 'u', employeeLeaveDateTime: input })[ENTRA_USER_SCHEMA]).toEqual({
      employeeLeaveDateTime: stored,
    });
  });

  it.each([
    [{ active: 'yes' }, 'active', 'invalidValue'],
    [{ active: 1 }, 'active', 'invalidValue'],
    [{ displayName: 42 }, 'displayName', 'invalidValue'],
    [{ employeeHireDate: '2021-02-30' }, `${ENTRA_USER_SCHEMA}:employeeHireDate`, 'invalidValue'],
    [{ employeeHireDate: 1690000000 }, `${ENTRA_USER_SCHEMA}:employeeHireDate`, 'invalidValue'],
    [{ name: 'Bob Secret' }, 'name', 'invalidValue'],
    [{ name: { nick: 'secret-value' } }, 'name.nick', 'invalidSyntax'],
    [{ favouriteColour: 'secret-value' }, 'favouriteColour', 'invalidSyntax'],
    [
      {
        emails: [
          { value: 'a', primary: true },
          { value: 'b', primary: 'True' },
        ],
      },
      'emails',
      'invalidValue',
    ],
    [{ x509Certificates: [{ value: 'not base64 !' }] }, 'x509Certificates.value', 'invalidValue'],
    [
      { 'urn:acme:unknown:1.0:User': { secret: 'secret-value' } },
      'urn:acme:unknown:1.0:User',
      'invalidValue',
    ],
    [{ 'urn:acme:unknown:1.0:User:attr': 'secret-value' }, 'urn:acme:unknown:1.0:User:attr', 'invalidValue'],
    [{ [ENTERPRISE_USER_SCHEMA]: 'secret-value' }, ENTERPRISE_USER_SCHEMA, 'invalidSyntax'],
    [{ manager: { $ref: 'secret-value' } }, `${ENTERPRISE_USER_SCHEMA}:manager.value`, 'invalidValue'],
    [{ manager: ['a', 'b'] }, `${ENTERPRISE_USER_SCHEMA}:manager`, 'invalidValue'],
    [{ userName: 'v', UserName: 'w' }, 'userName', 'invalidSyntax'],
    [{ name: { givenName: 'a' }, 'name.GivenName': 'b' }, 'name.givenName', 'invalidSyntax'],
  ])('rejects %j naming the attribute but not the value', (body, path, scimType) => {
    const error = rejection(() => user({ userName: 'u', ...body }));
    expect(error.scimType).toBe(scimType);
    expect(error.message).toContain(`'${path}`);
    expect(error.message).not.toMatch(/secret|yes|Bob|42|not base64/);
  });

  it('requires userName for User and displayName for Group, non-empty', () => {
    expect(rejection(() => user({})).message).toContain("'userName' is required");
    expect(rejection(() => user({ userName: '' })).message).toContain("'userName' is required");
    const group = () =>
      normalizeResource(registry, 'Group', { schemas: [CORE_GROUP_SCHEMA] }, { mode: 'create' });
    expect(rejection(group).message).toContain("'displayName' is required");
  });

  it('checks the schemas list shape and that it names the core schema', () => {
    expect(rejection(() => user({ userName: 'u', schemas: [ENTERPRISE_USER_SCHEMA] })).scimType).toBe(
      'invalidSyntax',
    );
    expect(rejection(() => user({ userName: 'u', schemas: 'x' })).scimType).toBe('invalidSyntax');
    expect(normalizeResource(registry, 'User', { userName: 'u' }, { mode: 'create' }).doc.schemas).toEqual([
      CORE_USER_SCHEMA,
    ]);
    expect(rejection(() => normalizeResource(registry, 'User', [], { mode: 'create' })).scimType).toBe(
      'invalidSyntax',
    );
  });

  it('does not enforce canonicalValues on core attributes (RFC 7643 §2.3.1 leaves type values free)', () => {
    expect(user({ userName: 'u', emails: [{ value: 'a', type: 'Büro' }] }).emails).toEqual([
      { value: 'a', type: 'Büro' },
    ]);
  });

  it('never mutates its input', () => {
    const body = {
      schemas: [CORE_USER_SCHEMA],
      userName: 'u',
      'name.givenName': 'G',
      name: { familyName: 'F' },
      active: 'True',
    };
    const copy = structuredClone(body);
    normalizeResource(registry, 'User', body, { mode: 'create' });
    expect(body).toEqual(copy);
  });

  describe('custom extensions', () => {
    const local = new SchemaRegistry();
    const HR = 'urn:acme:params:scim:schemas:extension:hr:1.0:User';
    const base = {
      multiValued: false,
      caseExact: false,
      returned: 'default',
      uniqueness: 'none',
      required: false,
    } as const;
    const schema: SchemaDefinition = {
      id: HR,
      name: 'Hr',
      attributes: [
        {
          ...base,
          name: 'band',
          type: 'string',
          mutability: 'readWrite',
          canonicalValues: ['Junior', 'Senior'],
        },
        { ...base, name: 'badge', type: 'integer', mutability: 'immutable' },
        { ...base, name: 'costCode', type: 'string', mutability: 'readWrite', required: true },
        { ...base, name: 'fte', type: 'decimal', mutability: 'readWrite' },
      ],
    };
    local.registerExtension(schema, 'User');
    const run = (body: Record<string, unknown>, existing?: Record<string, unknown>) =>
      normalizeResource(
        local,
        'User',
        { userName: 'u', ...body },
        existing ? { mode: 'replace', existing } : { mode: 'create' },
      ).doc;

    it('enforces declared canonicalValues, matching case-insensitively and storing the declared case', () => {
      expect(run({ [HR]: { band: 'senior', costCode: 'c' } })[HR]).toEqual({ band: 'Senior', costCode: 'c' });
      expect(rejection(() => run({ [HR]: { band: 'Principal', costCode: 'c' } })).message).toContain(
        `'${HR}:band'`,
      );
    });

    it('checks integer and decimal types and required attributes when the extension is present', () => {
      expect(run({ [HR]: { badge: 12, fte: 0.5, costCode: 'c' } })[HR]).toEqual({
        badge: 12,
        costCode: 'c',
        fte: 0.5,
      });
      expect(rejection(() => run({ [HR]: { badge: 1.5, costCode: 'c' } })).message).toContain('integer');
      expect(rejection(() => run({ [HR]: { fte: '0.5', costCode: 'c' } })).message).toContain('decimal');
      expect(rejection(() => run({ [HR]: { band: 'Senior' } })).message).toContain(
        `'${HR}:costCode' is required`,
      );
      expect(run({}).schemas).toEqual([CORE_USER_SCHEMA]);
    });

    it('enforces immutable on replace once a value is set (RFC 7644 §3.5.1)', () => {
      const existing = run({ [HR]: { badge: 12, costCode: 'c' } });
      expect(run({ [HR]: { badge: 12, costCode: 'd' } }, existing)[HR]).toEqual({ badge: 12, costCode: 'd' });
      expect(rejection(() => run({ [HR]: { badge: 13, costCode: 'c' } }, existing)).scimType).toBe(
        'mutability',
      );
      expect(rejection(() => run({}, existing)).scimType).toBe('mutability');
    });
  });

  describe('Group', () => {
    const group = (body: Record<string, unknown>) =>
      normalizeResource(
        registry,
        'Group',
        { schemas: [CORE_GROUP_SCHEMA], displayName: 'G', ...body },
        { mode: 'create' },
      );

    it('returns members apart from the document (they are rows)', () => {
      const { doc, members } = normalizeResource(registry, 'Group', readRfcSample('rfc7643-8.4-group.json'), {
        mode: 'create',
      });
      expect(doc).toEqual({ schemas: [CORE_GROUP_SCHEMA], displayName: 'Tour Guides' });
      expect(members).toEqual([
        { value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen' },
        { value: '902c246b-6245-4190-8e05-00816be7344a', display: 'Mandy Pepperidge' },
      ]);
    });

    it('tells absent members from an empty list, dedupes, and reads type case-insensitively', () => {
      expect(group({}).members).toBeUndefined();
      expect(group({ members: [] }).members).toEqual([]);
      expect(
        group({ members: [{ value: 'a', type: 'user', $ref: null }, { value: 'a' }, 'b'] }).members,
      ).toEqual([{ value: 'a', type: 'User' }, { value: 'b' }]);
    });

    it.each([
      [{ members: [{ display: 'x' }] }],
      [{ members: [{ value: 'a', type: 'Robot' }] }],
      [{ members: [{ value: 'a', color: 1 }] }],
      [{ members: [{ value: 7 }] }],
    ])('rejects bad members %j', (body) => {
      expect(rejection(() => group(body)).message).toContain("'members.");
    });

    it('ignores the extra Microsoft schema URI Entra sends on create (§2.9)', () => {
      const body = {
        schemas: [
          CORE_GROUP_SCHEMA,
          'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
        ],
        externalId: '8aa1',
        displayName: 'displayName',
        meta: { resourceType: 'Group' },
      };
      expect(normalizeResource(registry, 'Group', body, { mode: 'create' }).doc).toEqual({
        schemas: [CORE_GROUP_SCHEMA],
        externalId: '8aa1',
        displayName: 'displayName',
      });
    });
  });
});
