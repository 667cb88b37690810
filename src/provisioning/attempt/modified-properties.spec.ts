import {
  loggedProperties,
  loggedPropertiesOfCreate,
  MAX_PROPERTIES,
  MAX_PROPERTIES_CHARS,
  MAX_VALUE_CHARS,
  ModifiedProperty,
  propertiesOfCreate,
  propertiesOfDiff,
  propertiesOfMembers,
} from './modified-properties';
import { diffAttributes } from './scim-diff';

const none = () => false;
const parse = (text: string | null) => JSON.parse(text!) as ModifiedProperty[];

describe('modified properties', () => {
  it('pairs each changed path with its previous value, matched case-insensitively, then the removals', () => {
    const previous = { userName: 'ann', Title: 'Dev', nickName: 'annie', active: true };
    const desired = { userName: 'ann', title: 'Lead', active: false, displayName: 'Ann' };
    expect(propertiesOfDiff(previous, diffAttributes(previous, desired))).toEqual([
      { name: 'title', oldValue: 'Dev', newValue: 'Lead' },
      { name: 'active', oldValue: true, newValue: false },
      { name: 'displayName', oldValue: null, newValue: 'Ann' },
      { name: 'nickName', oldValue: 'annie', newValue: null },
    ]);
  });

  it('lists every value of a create, and the members a membership request adds or removes', () => {
    expect(propertiesOfCreate({ userName: 'ann', active: true })).toEqual([
      { name: 'userName', oldValue: null, newValue: 'ann' },
      { name: 'active', oldValue: null, newValue: true },
    ]);
    expect(propertiesOfMembers(['t1'], [])).toEqual([{ name: 'members', oldValue: null, newValue: ['t1'] }]);
    expect(propertiesOfMembers([], ['t2'])).toEqual([{ name: 'members', oldValue: ['t2'], newValue: null }]);
  });

  it("reads a create's properties back from its logged request: flattened paths, masks kept, members left out", () => {
    const shown = JSON.stringify({
      method: 'POST',
      path: '/Users',
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ann',
        name: { givenName: 'Ann' },
        emails: [{ type: 'work', value: 'ann@example.com' }],
        nickName: '[Redacted]',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'HR' },
      },
      bulk: { of: 3, bulkId: 'b1' },
    });
    expect(parse(loggedPropertiesOfCreate(shown))).toEqual([
      { name: 'userName', oldValue: null, newValue: 'ann' },
      { name: 'name.givenName', oldValue: null, newValue: 'Ann' },
      { name: 'emails[type eq "work"].value', oldValue: null, newValue: 'ann@example.com' },
      { name: 'nickName', oldValue: null, newValue: '[Redacted]' },
      {
        name: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
        oldValue: null,
        newValue: 'HR',
      },
    ]);
    const group = JSON.stringify({
      method: 'POST',
      path: '/Groups',
      body: { displayName: 'g', members: [] },
    });
    expect(parse(loggedPropertiesOfCreate(group))).toEqual([
      { name: 'displayName', oldValue: null, newValue: 'g' },
    ]);
    // No request, or one cut short or without a body: nothing to list, never an error.
    expect(loggedPropertiesOfCreate(null)).toBe('[]');
    expect(loggedPropertiesOfCreate('{"method":"POST","path":"/Us')).toBe('[]');
    expect(loggedPropertiesOfCreate('{"method":"POST","path":"/Users"}')).toBe('[]');
  });

  it('stores nothing when there is nothing, and masks secret attributes in old and new alike', () => {
    expect(loggedProperties(undefined, none)).toBeNull();
    expect(loggedProperties([], none)).toBeNull();
    const secret = (name: string) => name === 'nickName' || name === 'password';
    const stored = loggedProperties(
      [
        { name: 'nickName', oldValue: 'old-secret', newValue: 'new-secret' },
        { name: 'password', oldValue: null, newValue: 'hunter2' },
        { name: 'title', oldValue: 'Dev', newValue: 'Lead' },
      ],
      secret,
    );
    expect(stored).not.toMatch(/secret|hunter2/);
    expect(parse(stored)).toEqual([
      { name: 'nickName', oldValue: '[Redacted]', newValue: '[Redacted]' },
      { name: 'password', oldValue: null, newValue: '[Redacted]' },
      { name: 'title', oldValue: 'Dev', newValue: 'Lead' },
    ]);
  });

  it('cuts long values, keeps at most MAX_PROPERTIES and says how many it left out', () => {
    const long = 'x'.repeat(MAX_VALUE_CHARS + 50);
    const cut = parse(loggedProperties([{ name: 'a', oldValue: null, newValue: long }], none));
    expect(cut[0].newValue).toBe(`${'x'.repeat(MAX_VALUE_CHARS - 1)}…`);
    const many = Array.from({ length: MAX_PROPERTIES + 7 }, (_, i) => ({
      name: `p${i}`,
      oldValue: i,
      newValue: i + 1,
    }));
    const kept = parse(loggedProperties(many, none));
    expect(kept).toHaveLength(MAX_PROPERTIES + 1);
    expect(kept[MAX_PROPERTIES]).toEqual({ name: '…', oldValue: null, newValue: '7 more not logged' });
  });

  it('stays within MAX_PROPERTIES_CHARS however large the values', () => {
    const big = Array.from({ length: MAX_PROPERTIES }, (_, i) => ({
      name: `p${i}`,
      oldValue: '"'.repeat(MAX_VALUE_CHARS),
      newValue: { nested: 'y'.repeat(MAX_VALUE_CHARS * 2) },
    }));
    const stored = loggedProperties(big, none)!;
    expect(stored.length).toBeLessThanOrEqual(MAX_PROPERTIES_CHARS);
    const kept = parse(stored);
    expect(kept[kept.length - 1].name).toBe('…');
    expect(kept.length).toBeLessThan(MAX_PROPERTIES);
  });
});
