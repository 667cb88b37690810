import { InvalidRequestError } from '../../common/errors';
import { type Json, readRfcSample as readRfc } from '../testing/test-data.fixture';
import { SchemaRegistry } from './schema.registry';
import {
  CORE_GROUP_SCHEMA,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  ENTRA_USER_SCHEMA,
  type AttributeDefinition,
  type SchemaDefinition,
} from './schema.types';

function strip(attributes: Json[]): unknown[] {
  return attributes.map((a) => ({
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    required: a.required,
    caseExact: a.caseExact ?? false,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness ?? 'none',
    canonicalValues: a.canonicalValues,
    referenceTypes: a.referenceTypes,
    subAttributes: a.subAttributes ? strip(a.subAttributes) : undefined,
  }));
}

const custom = (attributes: Partial<AttributeDefinition>[]): SchemaDefinition => ({
  id: 'urn:acme:params:scim:schemas:extension:hr:1.0:User',
  name: 'AcmeHr',
  attributes: attributes.map((a) => ({
    name: 'x',
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...a,
  })),
});

describe('SchemaRegistry', () => {
  const registry = new SchemaRegistry();

  it.each([
    ['rfc7643-8.7.1-schema-user.json', CORE_USER_SCHEMA],
    ['rfc7643-8.7.1-schema-group.json', CORE_GROUP_SCHEMA],
  ])('serves %s exactly as RFC 7643 §8.7.1 publishes it', (file, id) => {
    const rfc = readRfc(file);
    expect(strip(registry.schema(id)!.attributes as Json[])).toEqual(strip(rfc.attributes));
    expect(registry.schema(id)!.attributes.map((a) => a.description)).toEqual(
      rfc.attributes.map((a: Json) => a.description),
    );
  });

  it('serves the enterprise extension as the RFC, except manager.$ref which clients never send', () => {
    const rfc = readRfc('rfc7643-8.7.1-schema-enterprise_user.json');
    rfc.attributes[5].subAttributes[1].required = false;
    expect(strip(registry.schema(ENTERPRISE_USER_SCHEMA)!.attributes as Json[])).toEqual(
      strip(rfc.attributes),
    );
  });

  it('lists User with both optional extensions, and Group', () => {
    expect(registry.resourceTypes().map((t) => t.name)).toEqual(['User', 'Group']);
    expect(registry.resourceType('user')!.schemaExtensions).toEqual([
      { schema: ENTERPRISE_USER_SCHEMA, required: false },
      { schema: ENTRA_USER_SCHEMA, required: false },
    ]);
    expect(registry.schema(ENTRA_USER_SCHEMA)!.attributes.map((a) => [a.name, a.type, a.caseExact])).toEqual([
      ['employeeHireDate', 'dateTime', false],
      ['employeeLeaveDateTime', 'dateTime', false],
    ]);
    expect(registry.schema(CORE_USER_SCHEMA.toUpperCase())!.id).toBe(CORE_USER_SCHEMA);
  });

  describe('resolvePath', () => {
    it.each([
      ['userName', ['userName'], 'userName'],
      ['USERNAME', ['userName'], 'userName'],
      ['name.FamilyName', ['name', 'familyName'], 'name.familyName'],
      ['emails.Value', ['emails', 'value'], 'emails.value'],
      ['id', ['id'], 'id'],
      ['externalid', ['externalId'], 'externalId'],
      ['meta.lastmodified', ['meta', 'lastModified'], 'meta.lastModified'],
      ['meta.created', ['meta', 'created'], 'meta.created'],
      ['meta.resourceType', ['meta', 'resourceType'], 'meta.resourceType'],
      ['meta.version', ['meta', 'version'], 'meta.version'],
      [`${CORE_USER_SCHEMA}:name.givenName`, ['name', 'givenName'], 'name.givenName'],
      [
        `${ENTERPRISE_USER_SCHEMA}:department`,
        [ENTERPRISE_USER_SCHEMA, 'department'],
        `${ENTERPRISE_USER_SCHEMA}:department`,
      ],
      [
        `${ENTERPRISE_USER_SCHEMA.toLowerCase()}:Manager.value`,
        [ENTERPRISE_USER_SCHEMA, 'manager', 'value'],
        `${ENTERPRISE_USER_SCHEMA}:manager.value`,
      ],
      ['department', [ENTERPRISE_USER_SCHEMA, 'department'], `${ENTERPRISE_USER_SCHEMA}:department`],
      ['employeeHireDate', [ENTRA_USER_SCHEMA, 'employeeHireDate'], `${ENTRA_USER_SCHEMA}:employeeHireDate`],
      ['groups.$ref', ['groups', '$ref'], 'groups.$ref'],
    ])('resolves %s', (path, storagePath, canonical) => {
      const resolved = registry.resolvePath('User', path);
      expect(resolved.storagePath).toEqual(storagePath);
      expect(resolved.path).toBe(canonical);
      expect(resolved.extension).toBe(storagePath[0].startsWith('urn:'));
    });

    it('returns the canonical definitions', () => {
      const resolved = registry.resolvePath('User', 'EMAILS.TYPE');
      expect(resolved.schema).toBe(CORE_USER_SCHEMA);
      expect(resolved.attribute.name).toBe('emails');
      expect(resolved.attribute.multiValued).toBe(true);
      expect(resolved.subAttribute!.canonicalValues).toEqual(['work', 'home', 'other']);
      expect(registry.resolvePath('Group', 'members.value').subAttribute!.mutability).toBe('immutable');
    });

    it.each([
      ['nope', 'Unknown attribute'],
      ['name.nope', 'Unknown attribute'],
      ['userName.x', 'Unknown attribute'],
      ['name.givenName.x', 'not valid'],
      ['emails[type eq "work"]', 'not valid'],
      ['', 'not valid'],
      ['urn:unknown:thing:attr', 'Unknown schema'],
      [ENTERPRISE_USER_SCHEMA, 'names a schema'],
      [`${ENTERPRISE_USER_SCHEMA}:userName`, 'Unknown attribute'],
      [`${ENTERPRISE_USER_SCHEMA}:department`, 'Unknown'],
    ])('rejects %s with invalidPath', (path, reason) => {
      const type = path.endsWith(':department') ? 'Group' : 'User';
      let error: unknown;
      try {
        registry.resolvePath(type, path);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).scimType).toBe('invalidPath');
      expect((error as Error).message).toContain(reason);
    });

    it('resolves sub-attributes relative to a parent, for value filters', () => {
      const parent = registry.resolvePath('User', 'emails');
      const sub = registry.tryResolveSubAttribute(parent, 'TYPE');
      expect(sub.ok && sub.value.storagePath).toEqual(['emails', 'type']);
      expect(registry.tryResolveSubAttribute(parent, 'bogus').ok).toBe(false);
    });
  });

  describe('registerExtension', () => {
    it('is found by schemaOf once registered, though schemaOf was asked for it (and answered none) before', () => {
      const local = new SchemaRegistry();
      const schema = custom([{ name: 'grade' }]);
      expect(local.schemaOf('User', schema.id)).toBeUndefined();
      expect(local.schemaOf('User', schema.id.toUpperCase())).toBeUndefined();
      local.registerExtension(schema, 'User');
      expect(local.schemaOf('User', schema.id)).toBe(schema);
      expect(local.schemaOf('User', schema.id.toUpperCase())).toBe(schema);
      expect(local.schemaOf('Group', schema.id)).toBeUndefined();
      // The core schema, asked for first, is not the answer for an empty or unknown URN.
      expect(local.coreSchema('User').id).toBe('urn:ietf:params:scim:schemas:core:2.0:User');
      expect(local.schemaOf('User', '')).toBeUndefined();
      expect(local.schemaOf('User', 'urn:x')).toBeUndefined();
    });

    it('resolves a path asked before the extension existed once it is registered, and keeps answering when many paths were asked', () => {
      const local = new SchemaRegistry();
      const schema = custom([{ name: 'grade' }]);
      expect(local.tryResolvePath('User', `${schema.id}:grade`)).toMatchObject({ ok: false, unknown: true });
      expect(local.tryResolvePath('User', 'grade').ok).toBe(false);
      local.registerExtension(schema, 'User');
      expect(local.resolvePath('User', `${schema.id}:grade`).storagePath).toEqual([schema.id, 'grade']);
      expect(local.resolvePath('User', 'grade').path).toBe(`${schema.id}:grade`);
      // Paths come from requests: thousands of distinct ones do not change an answer.
      for (let i = 0; i < 3000; i++) expect(local.tryResolvePath('User', `bogus${i}`).ok).toBe(false);
      expect(local.resolvePath('User', 'name.givenName').storagePath).toEqual(['name', 'givenName']);
      // Answers are shared between callers: none can change them for the next.
      const shared = local.resolvePath('User', 'emails.value');
      expect(() => shared.storagePath.push('x')).toThrow(TypeError);
      expect(local.resolvePath('User', 'emails.value').storagePath).toEqual(['emails', 'value']);
    });

    it('adds an optional extension whose attributes then resolve, bare when unambiguous', () => {
      const local = new SchemaRegistry();
      const schema = custom([{ name: 'costCenterCode' }, { name: 'department' }]);
      local.registerExtension(schema, 'User');
      expect(local.resourceType('User')!.schemaExtensions).toContainEqual({
        schema: schema.id,
        required: false,
      });
      expect(local.resolvePath('User', 'costcentercode').storagePath).toEqual([schema.id, 'costCenterCode']);
      expect(() => local.resolvePath('User', 'department')).toThrow(/ambiguous/);
      expect(local.resolvePath('User', `${schema.id}:department`).storagePath).toEqual([
        schema.id,
        'department',
      ]);
      // Re-registering replaces the definition without listing it twice.
      local.registerExtension(custom([{ name: 'grade' }]), 'User');
      expect(local.resourceType('User')!.schemaExtensions.filter((e) => e.schema === schema.id)).toHaveLength(
        1,
      );
      expect(local.tryResolvePath('User', 'costCenterCode').ok).toBe(false);
      expect(new SchemaRegistry().tryResolvePath('User', 'grade').ok).toBe(false);
    });

    it.each([
      ['a built-in schema', { ...custom([{ name: 'a' }]), id: ENTERPRISE_USER_SCHEMA }, /built in/],
      ['a non-URN id', { ...custom([{ name: 'a' }]), id: 'acme' }, /URN/],
      ['no attributes', custom([]), /no attributes/],
      ['a duplicate name', custom([{ name: 'a' }, { name: 'A' }]), /twice/],
      ['a complex without sub-attributes', custom([{ name: 'c', type: 'complex' }]), /no sub-attributes/],
      [
        'a nested complex',
        custom([
          { name: 'c', type: 'complex', subAttributes: custom([{ name: 'd', type: 'complex' }]).attributes },
        ]),
        /cannot be complex/,
      ],
    ])('rejects %s', (_label, schema, message) => {
      expect(() => new SchemaRegistry().registerExtension(schema, 'User')).toThrow(message);
    });

    it('refuses to put one extension on two resource types', () => {
      const local = new SchemaRegistry();
      local.registerExtension(custom([{ name: 'a' }]), 'User');
      expect(() => local.registerExtension(custom([{ name: 'a' }]), 'Group')).toThrow(/already extends User/);
    });
  });
});
