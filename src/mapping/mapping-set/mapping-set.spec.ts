import type { MappingSource } from '../expression/attribute-resolver';
import { defaultMappingSet } from './default-mapping-set';
import {
  applyMappingSet,
  compileMappingSet,
  describeProblem,
  MappingSetInvalidError,
  validateMappingSet,
} from './mapping-set';
import type { AttributeMapping, MappingSet } from './mapping-set.types';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

const jane: MappingSource = {
  id: 'dir-42',
  doc: {
    schemas: [CORE, ENT],
    userName: 'jane.doe@contoso.com',
    name: { givenName: 'Jane', familyName: 'Doe' },
    displayName: 'Jane Doe',
    title: 'Engineer',
    active: true,
    emails: [{ value: 'jane.doe@contoso.com', type: 'work', primary: true }],
    phoneNumbers: [
      { value: '+1 555 0100', type: 'work' },
      { value: '+1 555 0199', type: 'mobile' },
    ],
    addresses: [
      {
        type: 'work',
        streetAddress: '1 Main St',
        locality: 'Springfield',
        region: 'IL',
        postalCode: '62701',
        country: 'US',
      },
    ],
    [ENT]: {
      employeeNumber: '701',
      costCenter: 'CC1',
      organization: 'Contoso',
      division: 'R&D',
      department: 'Eng',
      manager: { value: 'dir-9' },
    },
    [ENTRA]: { employeeHireDate: '2024-01-15T00:00:00Z' },
  },
};

const withUsers = (attributes: AttributeMapping[], extra: Partial<MappingSet['users']> = {}): MappingSet => {
  const set = defaultMappingSet();
  set.users = { ...set.users, attributes, ...extra };
  return set;
};
const matchOn: AttributeMapping = {
  targetAttribute: 'userName',
  type: 'Direct',
  source: 'userPrincipalName',
  apply: 'Always',
  matching: { precedence: 1 },
};

describe('defaultMappingSet', () => {
  it('is valid', () => {
    expect(validateMappingSet(defaultMappingSet())).toEqual([]);
  });

  it("sends Entra's create payload for a generic SCIM app", () => {
    const result = applyMappingSet(compileMappingSet(defaultMappingSet()), jane, { phase: 'create' });
    expect(result.payload).toEqual({
      schemas: [CORE, ENT],
      userName: 'jane.doe@contoso.com',
      active: true,
      displayName: 'Jane Doe',
      title: 'Engineer',
      emails: [{ type: 'work', value: 'jane.doe@contoso.com' }],
      name: { givenName: 'Jane', familyName: 'Doe', formatted: 'Jane Doe' },
      addresses: [
        {
          type: 'work',
          streetAddress: '1 Main St',
          locality: 'Springfield',
          region: 'IL',
          postalCode: '62701',
          country: 'US',
        },
      ],
      phoneNumbers: [
        { type: 'work', value: '+1 555 0100' },
        { type: 'mobile', value: '+1 555 0199' },
      ],
      externalId: 'jane.doe',
      [ENT]: {
        employeeNumber: '701',
        department: 'Eng',
        costCenter: 'CC1',
        organization: 'Contoso',
        division: 'R&D',
        manager: { value: 'dir-9' },
      },
    });
    expect(result.dropped).toEqual(['preferredLanguage', 'phoneNumbers[type eq "fax"].value']);
    expect(result.matching).toEqual([
      { targetAttribute: 'userName', value: 'jane.doe@contoso.com', precedence: 1 },
    ]);
    expect(result.scope).toEqual({ inScope: true, failures: [] });
    expect(result.errors).toEqual([]);
  });

  it('sends active false for a soft-deleted or disabled user (IsSoftDeleted)', () => {
    const compiled = compileMappingSet(defaultMappingSet());
    expect(applyMappingSet(compiled, { ...jane, deleted: true }, { phase: 'update' }).payload.active).toBe(
      false,
    );
    expect(
      applyMappingSet(compiled, { ...jane, doc: { ...jane.doc, active: false } }, { phase: 'update' }).payload
        .active,
    ).toBe(false);
  });

  it('maps groups with members as [{ value }]', () => {
    const group: MappingSource = {
      id: 'grp-1',
      doc: { displayName: 'Engineers', members: [{ value: 'dir-42' }, { value: 'dir-9' }] },
    };
    const result = applyMappingSet(compileMappingSet(defaultMappingSet()), group, {
      phase: 'create',
      objectType: 'groups',
    });
    expect(result.payload).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Engineers',
      externalId: 'grp-1',
      members: [{ value: 'dir-42' }, { value: 'dir-9' }],
    });
    expect(result.matching).toEqual([{ targetAttribute: 'displayName', value: 'Engineers', precedence: 1 }]);
  });
});

describe('applyMappingSet', () => {
  it('makes an out-of-scope user soft-deleted, and says which clause failed', () => {
    const set = defaultMappingSet();
    set.users.scoping = [{ clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] }];
    const result = applyMappingSet(compileMappingSet(set), jane, { phase: 'update' });
    expect(result.scope.inScope).toBe(false);
    expect(result.scope.failures).toEqual([
      { group: 0, clause: 0, attribute: 'department', operator: 'EQUALS', expected: 'Sales', actual: 'Eng' },
    ]);
    expect(result.payload.active).toBe(false);
  });

  it('applies OnCreate mappings and default values only on creation; None sends only its default', () => {
    const set = withUsers([
      matchOn,
      { targetAttribute: 'nickName', type: 'Direct', source: 'givenName', apply: 'OnCreate' },
      {
        targetAttribute: 'preferredLanguage',
        type: 'Direct',
        source: 'preferredLanguage',
        apply: 'Always',
        defaultValue: 'en-US',
      },
      { targetAttribute: 'locale', type: 'None', apply: 'Always', defaultValue: 'en_US' },
      { targetAttribute: 'userType', type: 'Constant', source: 'Employee', apply: 'Always' },
    ]);
    const compiled = compileMappingSet(set);
    const created = applyMappingSet(compiled, jane, { phase: 'create' });
    expect(created.payload).toMatchObject({
      nickName: 'Jane',
      preferredLanguage: 'en-US',
      locale: 'en_US',
      userType: 'Employee',
    });
    const updated = applyMappingSet(compiled, jane, { phase: 'update' });
    expect(updated.payload).toEqual({
      schemas: [CORE],
      userName: 'jane.doe@contoso.com',
      userType: 'Employee',
    });
    expect(updated.dropped).toEqual(['nickName', 'preferredLanguage', 'locale']);
  });

  it('drops IgnoreFlowIfNullOrEmpty, flags IgnoreObjectFlow, reports failing expressions and Redact', () => {
    const set = withUsers([
      matchOn,
      {
        targetAttribute: 'nickName',
        type: 'Expression',
        source: 'IgnoreFlowIfNullOrEmpty([preferredLanguage])',
        apply: 'Always',
      },
      {
        targetAttribute: 'title',
        type: 'Expression',
        source: 'IIF([department]="Eng", IgnoreObjectFlow, [jobTitle])',
        apply: 'Always',
      },
      { targetAttribute: 'profileUrl', type: 'Expression', source: 'CDate([displayName])', apply: 'Always' },
      {
        targetAttribute: 'password',
        type: 'Expression',
        source: 'Redact(RandomString(12, 2, 2, 2, 2))',
        apply: 'OnCreate',
      },
      { targetAttribute: 'displayName', type: 'Expression', source: '""', apply: 'Always' },
    ]);
    const result = applyMappingSet(compileMappingSet(set), jane, {
      phase: 'create',
      ctx: { random: () => 0.3 },
    });
    expect(result.dropped).toEqual(['nickName', 'title', 'profileUrl']);
    expect(result.ignoreObject).toBe(true);
    expect(result.errors).toEqual([
      {
        index: 3,
        targetAttribute: 'profileUrl',
        message: 'CDate at line 1, column 1: "Jane Doe" is not a date',
      },
    ]);
    expect(result.sensitive).toEqual(['password']);
    expect(result.payload.password).toHaveLength(12);
    // "" flows (§2).
    expect(result.payload.displayName).toBe('');
  });

  it('writes URN targets under the URN key and lists the schema, with nested and filtered paths', () => {
    const custom = 'urn:ietf:params:scim:schemas:extension:contoso:1.0:User';
    const set = withUsers([
      matchOn,
      {
        targetAttribute: `${custom}:JobCode`,
        type: 'Expression',
        source: 'ToUpper([jobTitle])',
        apply: 'Always',
      },
      { targetAttribute: `${ENT}:manager.displayName`, type: 'Constant', source: 'Boss', apply: 'Always' },
      {
        targetAttribute: 'emails[type eq "work"].primary',
        type: 'Constant',
        source: 'True',
        apply: 'Always',
      },
      { targetAttribute: 'emails[type eq "work"].value', type: 'Direct', source: 'mail', apply: 'Always' },
      { targetAttribute: `${CORE}:name.honorificPrefix`, type: 'Constant', source: 'Dr.', apply: 'Always' },
      { targetAttribute: 'roles', type: 'Expression', source: 'Split("a,b", ",")', apply: 'Always' },
    ]);
    const result = applyMappingSet(compileMappingSet(set, { extensionSchemas: [custom] }), jane, {
      phase: 'create',
    });
    expect(result.payload).toEqual({
      schemas: [CORE, custom, ENT],
      userName: 'jane.doe@contoso.com',
      [custom]: { JobCode: 'ENGINEER' },
      [ENT]: { manager: { displayName: 'Boss' } },
      emails: [{ type: 'work', primary: true, value: 'jane.doe@contoso.com' }],
      name: { honorificPrefix: 'Dr.' },
      roles: [{ value: 'a' }, { value: 'b' }],
    });
  });
});

describe('validateMappingSet', () => {
  it('names the mapping, the field and the position of every problem', () => {
    const set = withUsers([
      {
        targetAttribute: 'userName',
        type: 'Direct',
        source: 'userPrincipalName',
        apply: 'Always',
        matching: { precedence: 1 },
      },
      {
        targetAttribute: 'displayName',
        type: 'Expression',
        source: 'Join(" ",\n  [givenName] [surname])',
        apply: 'Always',
      },
      { targetAttribute: 'title', type: 'Expression', source: 'Titlecase([jobTitle])', apply: 'Always' },
      { targetAttribute: 'nickName', type: 'Expression', source: 'Mid([givenName], 1)', apply: 'Always' },
      { targetAttribute: 'locale', type: 'Direct', source: 'favouriteColour', apply: 'Always' },
      {
        targetAttribute: 'USERNAME',
        type: 'Constant',
        source: 'x',
        apply: 'Always',
        matching: { precedence: 1 },
      },
      { targetAttribute: 'id', type: 'Constant', source: 'x', apply: 'Always' },
      { targetAttribute: 'emails.value', type: 'Direct', source: 'mail', apply: 'Always' },
      {
        targetAttribute: 'externalId',
        type: 'Expression',
        source: 'SelectUniqueValue([mail], [userPrincipalName])',
        apply: 'Always',
      },
      { targetAttribute: 'timezone', type: 'None', apply: 'Always' },
      { targetAttribute: 'profileUrl', type: 'Lookup' as never, source: 'x', apply: 'Sometimes' as never },
    ]);
    set.users.scoping = [{ clauses: [{ attribute: 'department', operator: 'SIMILAR TO', value: 'x' }] }];
    const problems = validateMappingSet(set);
    expect(problems.map(describeProblem)).toEqual([
      'users scoping group 1, clause 1, operator: unknown operator "SIMILAR TO"; use one of EQUALS, NOT EQUALS, IS TRUE, IS FALSE, IS NULL, IS NOT NULL, REGEX MATCH, NOT REGEX MATCH, Greater_Than, Greater_Than_OR_EQUALS, LESS_THAN, LESS_THAN_OR_EQUALS, Includes, ENDS_WITH, STARTS_WITH, &, !&',
      'users mapping 2 (displayName), source at line 2, column 15: expected ",", ")" or a comparison operator but found [surname]',
      'users mapping 3 (title), source at line 1, column 1: unknown function "Titlecase"',
      'users mapping 4 (nickName), source at line 1, column 1: Mid takes 3 arguments but got 2: Mid(source, start, length)',
      'users mapping 5 (locale), source: unknown attribute "favouriteColour"',
      'users mapping 6 (USERNAME), targetAttribute: USERNAME is already mapped by mapping 1',
      'users mapping 6 (USERNAME), matching: precedence 1 is already used by mapping 1',
      'users mapping 7 (id), targetAttribute: id is assigned by the target and cannot be mapped (CAA)',
      'users mapping 8 (emails.value), targetAttribute: emails is multi-valued: pick one value with a filter, e.g. emails[type eq "work"].value',
      'users mapping 9 (externalId), apply: SelectUniqueValue must be applied OnCreate only (FX26)',
      'users mapping 10 (timezone), defaultValue: a None mapping only sends its default value, so it needs one',
      'users mapping 11 (profileUrl), type: type must be one of Direct, Constant, Expression, None',
      'users mapping 11 (profileUrl), apply: apply must be Always or OnCreate',
    ]);
    const p = problems.find((x) => x.index === 1)!;
    expect(p).toMatchObject({
      objectType: 'users',
      section: 'attributes',
      targetAttribute: 'displayName',
      field: 'source',
      line: 2,
      column: 15,
    });
    expect(() => compileMappingSet(set)).toThrow(MappingSetInvalidError);
  });

  it('requires a matching attribute when any action is enabled', () => {
    const set = withUsers([
      { targetAttribute: 'displayName', type: 'Direct', source: 'displayName', apply: 'Always' },
    ]);
    expect(validateMappingSet(set).map((p) => p.message)).toEqual([
      'at least one mapping must be a matching attribute (CAA §5.3)',
    ]);
    set.users.actions = { create: false, update: false, delete: false };
    expect(validateMappingSet(set)).toEqual([]);
  });

  it('survives JSON that does not match the types', () => {
    const problems = validateMappingSet({
      users: { attributes: 'x' },
      groups: null,
    } as unknown as MappingSet);
    expect(problems.map((p) => `${p.objectType}.${p.field}`)).toEqual(
      expect.arrayContaining(['users.create', 'users.attributes', 'groups.groups']),
    );
  });
});

describe('benchMapping', () => {
  it('maps every user of its pool without errors (a failing mapping would be timed as if it mapped)', async () => {
    const { benchMapping } = await import('./mapping.bench');
    const result = await benchMapping(2_000);
    expect(result.errors).toBe(0);
  });
});
