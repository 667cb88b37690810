import { SchemaRegistry } from '../../scim-protocol';
import {
  ChangedAttribute,
  decodeChangedAttributes,
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
    return text === null ? null : decodeChangedAttributes(text);
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
    expect(decodeChangedAttributes(text)).toEqual(
      ['userName', ...lists].map((path) => ({ path, truncated: true })),
    );
  });

  it('stores a create compactly: one array per attribute, extension attributes under their schema once', () => {
    const text = describeChangedAttributes(registry, 'User', null, {
      schemas: [USER, ENTERPRISE],
      userName: 'ada@example.com',
      password: 'S3cret!',
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '7' },
    });
    expect(JSON.parse(text!)).toEqual([
      ['userName', 'ada@example.com'],
      ['password', null, 'r'],
      [
        ENTERPRISE,
        [
          ['department', 'R&D'],
          ['employeeNumber', '7'],
        ],
        'u',
      ],
    ]);
    // The long form rows held before: 1.65 times the bytes for the same create (275).
    expect(text!.length).toBeLessThan(175);
  });

  it('records the paths alone with DIRECTORY_HISTORY=paths, and reads them back without values', () => {
    const text = describeChangedAttributes(
      registry,
      'User',
      { userName: 'a', title: 'x' },
      { userName: 'a', title: 'y', password: 'p', [ENTERPRISE]: { department: 'R&D' } },
      false,
    );
    expect(decodeChangedAttributes(text)).toEqual([
      { path: 'title' },
      { path: 'password', redacted: true },
      { path: `${ENTERPRISE}:department` },
    ]);
  });

  it('reads rows written before the compact form as they were', () => {
    const old: ChangedAttribute[] = [
      { path: 'userName', value: 'ada' },
      { path: 'password', redacted: true },
      { path: `${ENTERPRISE}:department`, value: 'R&D' },
      { path: 'emails', truncated: true },
    ];
    expect(decodeChangedAttributes(JSON.stringify(old))).toEqual(old);
    expect(decodeChangedAttributes(null)).toEqual([]);
  });
});
