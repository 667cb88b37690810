import { SchemaRegistry } from '../../scim-protocol';
import {
  ChangedAttribute,
  describeChangedAttributes,
  MAX_CHANGED_BYTES,
  MAX_LIST_ITEMS,
  MAX_STRING_CHARS,
} from './changed-attributes';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('describeChangedAttributes', () => {
  const registry = new SchemaRegistry();
  const changes = (before: Record<string, unknown> | null, after: Record<string, unknown>) => {
    const text = describeChangedAttributes(registry, 'User', before, after);
    return text === null ? null : (JSON.parse(text) as ChangedAttribute[]);
  };

  it('lists every attribute a create sets, complex ones by sub-attribute, extensions under their URN', () => {
    expect(
      changes(null, {
        schemas: [USER, ENTERPRISE],
        userName: 'ada@example.com',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@example.com', primary: true }],
        active: true,
        [ENTERPRISE]: { department: 'R&D', manager: { value: 'm-1' } },
      }),
    ).toEqual([
      { path: 'userName', value: 'ada@example.com' },
      { path: 'name.givenName', value: 'Ada' },
      { path: 'name.familyName', value: 'Lovelace' },
      { path: 'emails', value: [{ value: 'ada@example.com', primary: true }] },
      { path: 'active', value: true },
      { path: `${ENTERPRISE}:department`, value: 'R&D' },
      { path: `${ENTERPRISE}:manager.value`, value: 'm-1' },
    ]);
  });

  it('lists only what differs between the documents, a removed attribute with null, and nothing for no change', () => {
    const before = {
      userName: 'ada',
      title: 'Engineer',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      active: true,
      [ENTERPRISE]: { department: 'R&D' },
    };
    expect(
      changes(before, {
        userName: 'ada',
        name: { givenName: 'Ada', familyName: 'King' },
        active: false,
        [ENTERPRISE]: { department: 'R&D', costCenter: '42' },
      }),
    ).toEqual([
      { path: 'name.familyName', value: 'King' },
      { path: 'active', value: false },
      { path: `${ENTERPRISE}:costCenter`, value: '42' },
      { path: 'title', value: null },
    ]);
    expect(changes(before, structuredClone(before))).toBeNull();
  });

  it('never records the value of a write-only or never-returned attribute, nor of one no schema defines', () => {
    expect(changes({ userName: 'a' }, { userName: 'a', password: 'S3cret!', madeUp: 'x' })).toEqual([
      { path: 'password', redacted: true },
      { path: 'madeUp', redacted: true },
    ]);
  });

  it('bounds what it records: long strings and lists cut, and paths alone when the values are too large', () => {
    const long = 'x'.repeat(MAX_STRING_CHARS + 50);
    const emails = Array.from({ length: MAX_LIST_ITEMS + 5 }, (_, i) => ({ value: `e${i}@example.com` }));
    const [title, mails] = changes({ userName: 'a' }, { userName: 'a', title: long, emails })!;
    expect(title).toEqual({ path: 'title', value: `${'x'.repeat(MAX_STRING_CHARS)}…`, truncated: true });
    expect(mails.truncated).toBe(true);
    expect(mails.value).toHaveLength(MAX_LIST_ITEMS);

    // Eight lists of ten long values each: well over the row's bound with values.
    const lists = [
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'entitlements',
      'roles',
      'x509Certificates',
      'addresses',
    ];
    const value = (i: number) => `${i}`.padEnd(MAX_STRING_CHARS, 'y');
    const after: Record<string, unknown> = { userName: 'a' };
    for (const name of lists)
      after[name] = Array.from({ length: MAX_LIST_ITEMS }, (_, i) =>
        name === 'addresses' ? { formatted: value(i) } : { value: value(i) },
      );
    const text = describeChangedAttributes(registry, 'User', null, after)!;
    expect(text.length).toBeLessThanOrEqual(MAX_CHANGED_BYTES);
    expect(JSON.parse(text)).toEqual(['userName', ...lists].map((path) => ({ path, truncated: true })));
  });
});
