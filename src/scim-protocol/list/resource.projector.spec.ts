import { SchemaRegistry } from '../schema/schema.registry';
import { CORE_GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA } from '../schema/schema.types';
import { readRfcSample } from '../testing/test-data.fixture';
import { projectResource } from './resource.projector';

const registry = new SchemaRegistry();
const user = {
  ...readRfcSample('rfc7643-8.3-enterprise_user.json'),
  password: 'never-returned',
};
const project = (attributes: string[], excludedAttributes: string[] = []) =>
  projectResource(user, { attributes, excludedAttributes }, registry, 'User');

describe('projectResource', () => {
  it('returns default attributes, never the password', () => {
    const out = project([]);
    expect(out).not.toHaveProperty('password');
    const { password: _p, ...rest } = user;
    expect(out).toEqual(rest);
  });

  it('keeps id and schemas with any selection, and the RFC 7644 §3.4.2.5 example shape', () => {
    expect(project(['userName', 'NAME.givenName', 'emails.value'])).toEqual({
      schemas: user.schemas,
      id: user.id,
      userName: user.userName,
      name: { givenName: 'Barbara' },
      emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }],
    });
  });

  it('selects URN-qualified attributes and whole extensions', () => {
    expect(
      project([`${ENTERPRISE_USER_SCHEMA}:manager.value`, 'department'])[ENTERPRISE_USER_SCHEMA],
    ).toEqual({
      department: 'Tour Operations',
      manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' },
    });
    expect(project([ENTERPRISE_USER_SCHEMA.toLowerCase()])[ENTERPRISE_USER_SCHEMA]).toEqual(
      user[ENTERPRISE_USER_SCHEMA],
    );
    expect(project(['userName'])).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
  });

  it('excludes attributes, sub-attributes and extensions, but never id', () => {
    const out = project([], ['emails', 'name.givenName', 'id', ENTERPRISE_USER_SCHEMA, 'groups.display']);
    expect(out).not.toHaveProperty('emails');
    expect(out).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
    expect(out.id).toBe(user.id);
    expect(out.name).not.toHaveProperty('givenName');
    expect((out.name as Record<string, unknown>).familyName).toBe('Jensen');
    expect((out.groups as Record<string, unknown>[])[0]).toEqual({
      value: user.groups[0].value,
      $ref: user.groups[0].$ref,
    });
  });

  it('lets attributes win over excludedAttributes, and ignores unknown names', () => {
    expect(Object.keys(project(['userName', 'bogus'], ['userName']))).toEqual(['schemas', 'id', 'userName']);
  });

  it("drops members for Entra's excludedAttributes=members (§2.10)", () => {
    const group = {
      schemas: [CORE_GROUP_SCHEMA],
      id: 'g',
      displayName: 'G',
      members: [{ value: 'u' }],
      meta: { resourceType: 'Group' },
    };
    expect(
      projectResource(group, { attributes: [], excludedAttributes: ['members'] }, registry, 'Group'),
    ).toEqual({
      schemas: [CORE_GROUP_SCHEMA],
      id: 'g',
      displayName: 'G',
      meta: { resourceType: 'Group' },
    });
  });
});
