import { attributeOps, diffAttributes, flattenResource, hashAttributes, memberOps } from './scim-diff';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('flattenResource', () => {
  it('flattens complex, typed multi-valued and extension attributes to paths; members and meta are left out', () => {
    const flat = flattenResource({
      schemas: ['x'],
      id: '1',
      meta: { version: '1' },
      userName: 'a',
      active: true,
      name: { givenName: 'A', familyName: 'B' },
      emails: [{ type: 'work', value: 'a@x' }],
      members: [{ value: 'm' }],
      [ENT]: { department: 'D', manager: { value: 'm1' } },
    });
    expect(flat).toEqual({
      userName: 'a',
      active: true,
      'name.givenName': 'A',
      'name.familyName': 'B',
      'emails[type eq "work"].value': 'a@x',
      [`${ENT}:department`]: 'D',
      [`${ENT}:manager`]: { value: 'm1' },
    });
  });

  it('leaves out a URN key with a plain value: not the extension attribute it is named after', () => {
    const flat = flattenResource({ userName: 'a', [ENT]: { department: 'D' }, [`${ENT}:department`]: 'E' });
    expect(flat).toEqual({ userName: 'a', [`${ENT}:department`]: 'D' });
  });

  it('gives a typed list a path per type only when every entry has a type of its own, short lists and long', () => {
    const phones = (types: (string | undefined)[]) =>
      types.map((type, i) => ({
        ...(type === undefined ? {} : { type }),
        value: `+1 555 0${i}`,
        primary: null,
      }));
    const long = Array.from({ length: 12 }, (_, i) => `t${i}`);
    for (const types of [['work', 'home'], long]) {
      const flat = flattenResource({ phoneNumbers: phones(types) });
      expect(Object.keys(flat)).toEqual(types.map((t) => `phoneNumbers[type eq "${t}"].value`));
    }
    // Two entries alike, one without a type, or an empty list: the list is one value, sent whole.
    for (const types of [
      ['work', 'home', 'work'],
      ['home', 'work', 'work'],
      ['work', undefined],
      [...long, 't3'],
      [],
    ]) {
      const value = phones(types);
      expect(flattenResource({ phoneNumbers: value })).toEqual({ phoneNumbers: value });
    }
    // Roles are never split by type, and a list of strings stays a list.
    const roles = [{ type: 'a', value: 'r1' }];
    expect(flattenResource({ roles, nicknames: ['x', 'y'] })).toEqual({ roles, nicknames: ['x', 'y'] });
  });
});

describe('diffAttributes and attributeOps', () => {
  const previous = { userName: 'a', title: 'T', 'emails[type eq "work"].value': 'a@x', active: true };
  const desired = {
    userName: 'a',
    title: 'T2',
    'phoneNumbers[type eq "work"].value': '1',
    active: 'False' as unknown,
  };

  it('finds changed, added and removed paths, case-insensitively, booleans equal to their string forms', () => {
    const d = diffAttributes(previous, { ...desired, active: 'true' });
    expect(d.changed).toEqual([
      ['title', 'T2'],
      ['phoneNumbers[type eq "work"].value', '1'],
    ]);
    expect(d.removed).toEqual(['emails[type eq "work"].value']);
    expect(diffAttributes(previous, { USERNAME: 'a' }, { onlyDesired: true }).changed).toEqual([]);
  });

  it('speaks each profile', () => {
    const d = diffAttributes(previous, { ...desired, active: false });
    expect(attributeOps(d, 'rfc')).toEqual([
      { op: 'replace', path: 'title', value: 'T2' },
      { op: 'add', path: 'phoneNumbers', value: [{ type: 'work', value: '1' }] },
      { op: 'replace', path: 'active', value: false },
      { op: 'remove', path: 'emails[type eq "work"].value' },
    ]);
    expect(attributeOps(d, 'entra')).toEqual([
      { op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '1' },
      { op: 'Replace', path: 'active', value: false },
      { op: 'Replace', value: { title: 'T2' } },
      { op: 'Remove', path: 'emails[type eq "work"].value' },
    ]);
    expect(attributeOps(d, 'entra-legacy')).toContainEqual({ op: 'Replace', path: 'active', value: 'False' });
  });

  it('hashes independently of key order', () => {
    expect(hashAttributes({ a: 1, b: 2 })).toBe(hashAttributes({ b: 2, a: 1 }));
    expect(hashAttributes({ a: 1 })).not.toBe(hashAttributes({ a: 2 }));
  });
});

describe('memberOps', () => {
  it('chunks additions and removes members in each profile shape', () => {
    const add = Array.from({ length: 150 }, (_, i) => `u${i}`);
    const requests = memberOps(add, ['x'], 'rfc');
    expect(requests).toHaveLength(3);
    expect((requests[0][0].value as unknown[]).length).toBe(100);
    expect(requests[2]).toEqual([{ op: 'remove', path: 'members[value eq "x"]' }]);
    expect(memberOps([], ['x'], 'entra-legacy')).toEqual([
      [{ op: 'Remove', path: 'members', value: [{ value: 'x' }] }],
    ]);
  });
});
