import { ENTRA_ATTRIBUTE_ALIASES } from './attribute-aliases';
import { isKnownAttribute, resolveAttribute, type MappingSource } from './attribute-resolver';
import { parseScimPath } from './scim-path';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';

const user: MappingSource = {
  id: 'dir-1',
  doc: {
    userName: 'jdoe@contoso.com',
    name: { givenName: 'John', familyName: 'Doe' },
    displayName: 'John Doe',
    title: 'Engineer',
    active: true,
    preferredLanguage: 'en-US',
    emails: [
      { value: 'home@x.com', type: 'home' },
      { value: 'john.doe@contoso.com', type: 'work', primary: true },
    ],
    phoneNumbers: [
      { value: '+1 555 0100', type: 'work' },
      { value: '+1 555 0199', type: 'mobile' },
    ],
    addresses: [
      {
        primary: true,
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
      manager: { value: 'dir-9', displayName: 'Boss' },
    },
    [ENTRA]: { employeeHireDate: '2024-01-15T00:00:00Z', employeeLeaveDateTime: '2030-01-01T00:00:00Z' },
    'urn:ietf:params:scim:schemas:extension:contoso:1.0:User': { JobCode: 'TL-1001' },
  },
};

const read = (name: string, source = user, catalog = {}) => {
  const r = resolveAttribute(name, catalog);
  if ('error' in r) throw new Error(r.error);
  return r.resolver(source);
};

describe('attribute references', () => {
  it.each([
    ['userPrincipalName', 'jdoe@contoso.com'],
    ['givenName', 'John'],
    ['surname', 'Doe'],
    ['displayName', 'John Doe'],
    ['mail', 'john.doe@contoso.com'],
    ['mailNickname', 'jdoe'],
    ['jobTitle', 'Engineer'],
    ['department', 'Eng'],
    ['employeeId', '701'],
    ['employeeNumber', '701'],
    ['costCenter', 'CC1'],
    ['division', 'R&D'],
    ['companyName', 'Contoso'],
    ['organization', 'Contoso'],
    ['manager', 'dir-9'],
    ['accountEnabled', 'True'],
    ['employeeHireDate', '2024-01-15T00:00:00Z'],
    ['employeeLeaveDateTime', '2030-01-01T00:00:00Z'],
    ['objectId', 'dir-1'],
    ['telephoneNumber', '+1 555 0100'],
    ['mobile', '+1 555 0199'],
    ['streetAddress', '1 Main St'],
    ['city', 'Springfield'],
    ['state', 'IL'],
    ['postalCode', '62701'],
    ['country', 'US'],
    ['preferredLanguage', 'en-US'],
    ['IsSoftDeleted', 'False'],
  ])('Entra name [%s] reads %j', (name, expected) => {
    expect(read(name)).toBe(expected);
    expect(read(name.toUpperCase())).toBe(expected);
  });

  it('resolves SCIM paths, value filters and URN-qualified or bare extension names, case-insensitively', () => {
    expect(read('userName')).toBe('jdoe@contoso.com');
    expect(read('NAME.GIVENNAME')).toBe('John');
    expect(read('emails[type eq "work"].value')).toBe('john.doe@contoso.com');
    expect(read('emails[type eq "WORK"].value')).toBe('john.doe@contoso.com');
    expect(read('emails')).toEqual(['home@x.com', 'john.doe@contoso.com']);
    expect(read('emails.type')).toEqual(['home', 'work']);
    expect(read(`${ENT}:manager.displayName`)).toBe('Boss');
    expect(read(`${ENT.toLowerCase()}:COSTCENTER`)).toBe('CC1');
    expect(read('employeeLeaveDateTime')).toBe('2030-01-01T00:00:00Z');
    expect(read('id')).toBe('dir-1');
    expect(
      read('JobCode', user, {
        extensionAttributes: ['urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode'],
      }),
    ).toBe('TL-1001');
    expect(read('JobCode', user, { allowUnknown: true })).toBe('TL-1001');
  });

  it('computes IsSoftDeleted from the soft delete, active and the scope verdict (§4)', () => {
    expect(read('IsSoftDeleted', { ...user, deleted: true })).toBe('True');
    expect(read('IsSoftDeleted', { ...user, inScope: false })).toBe('True');
    expect(read('IsSoftDeleted', { ...user, doc: { ...user.doc, active: false } })).toBe('True');
    expect(read('IsSoftDeleted', { ...user, doc: { ...user.doc, active: 'False' } })).toBe('True');
  });

  it('falls back for mail (work email) and mailNickname (Entra extension value first)', () => {
    const doc = {
      userName: 'a@b',
      emails: [{ value: 'w@b', type: 'work' }],
      [ENTRA]: { mailNickname: 'nick' },
    };
    expect(read('mail', { id: 'x', doc })).toBe('w@b');
    expect(read('mailNickname', { id: 'x', doc })).toBe('nick');
    expect(read('mail', { id: 'x', doc: {} })).toBeNull();
  });

  it('reports unknown and ambiguous names', () => {
    expect(isKnownAttribute('givenName')).toBe(true);
    expect(isKnownAttribute('nope')).toBe(false);
    expect(isKnownAttribute('urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode')).toBe(false);
    expect(
      isKnownAttribute('urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode', {
        extensionSchemas: ['urn:ietf:params:scim:schemas:extension:contoso:1.0:User'],
      }),
    ).toBe(true);
    const ambiguous = resolveAttribute('level', {
      extensionAttributes: ['urn:a:1.0:User:level', 'urn:b:1.0:User:level'],
    });
    expect(ambiguous).toEqual({ error: expect.stringContaining('ambiguous') });
    expect(isKnownAttribute('members', { objectType: 'group' })).toBe(true);
    expect(isKnownAttribute('givenName', { objectType: 'group' })).toBe(false);
  });

  it('documents every alias with a SCIM path', () => {
    for (const alias of ENTRA_ATTRIBUTE_ALIASES) {
      expect(isKnownAttribute(alias.entraName)).toBe(true);
      if (!alias.computed) expect(parseScimPath(alias.scimPath)).not.toHaveProperty('error');
    }
  });
});

describe('parseScimPath', () => {
  it.each([
    ['userName', { attribute: 'userName' }],
    ['name.givenName', { attribute: 'name', subAttribute: 'givenName' }],
    [
      'emails[type eq "work"].value',
      { attribute: 'emails', filter: { attribute: 'type', value: 'work' }, subAttribute: 'value' },
    ],
    [
      'addresses[type eq work].locality',
      { attribute: 'addresses', filter: { attribute: 'type', value: 'work' }, subAttribute: 'locality' },
    ],
    [`${ENT}:manager`, { schema: ENT, attribute: 'manager' }],
    [`${ENT}:manager.value`, { schema: ENT, attribute: 'manager', subAttribute: 'value' }],
  ])('%s', (text, expected) => {
    expect(parseScimPath(text)).toEqual({
      schema: undefined,
      filter: undefined,
      subAttribute: undefined,
      ...expected,
    });
  });

  it.each(['', 'name.', 'emails[type ne "x"].value', 'emails[type eq "x"]value', '1abc', 'urn:x:'])(
    'rejects %j',
    (text) => {
      expect(parseScimPath(text)).toHaveProperty('error');
    },
  );
});
