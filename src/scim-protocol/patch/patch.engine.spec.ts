import { InvalidRequestError } from '../../common/errors';
import { normalizeResource } from '../schema/resource.normalizer';
import { SchemaRegistry } from '../schema/schema.registry';
import {
  CORE_GROUP_SCHEMA,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  PATCH_OP_SCHEMA,
  type ScimDocument,
} from '../schema/schema.types';
import { type Json, readRfcSample, readScimmyFixture, rfcSampleFiles } from '../testing/test-data.fixture';
import { applyPatch, membershipOnlyPatch } from './patch.engine';

const registry = new SchemaRegistry();
const ENT = ENTERPRISE_USER_SCHEMA;
const userDoc = (body: Record<string, unknown>): ScimDocument =>
  normalizeResource(
    registry,
    'User',
    { schemas: [CORE_USER_SCHEMA], userName: 'bjensen', ...body },
    { mode: 'create' },
  ).doc;
const groupDoc = (): ScimDocument =>
  normalizeResource(registry, 'Group', { schemas: [CORE_GROUP_SCHEMA], displayName: 'G' }, { mode: 'create' })
    .doc;
const message = (...Operations: Json[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });
const patchUser = (doc: ScimDocument, ...ops: Json[]) =>
  applyPatch(doc, message(...ops), { registry, resourceType: 'User' });
const patchGroup = (...ops: Json[]) =>
  applyPatch(groupDoc(), message(...ops), { registry, resourceType: 'Group' });

function rejection(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('expected an InvalidRequestError');
}

describe('applyPatch', () => {
  describe('SCIMMY patchop.json vectors', () => {
    const { inbound } = readScimmyFixture('patchop.json');
    const vectors = Object.entries(inbound as Record<string, Json[]>).flatMap(([op, list]) =>
      list.map((v, i) => [`${op} #${i}`, v] as const),
    );
    const withoutId = ({ id: _id, members: _members, ...rest }: Json) => rest;
    const userVectors = vectors.filter(([, v]) => !JSON.stringify(v.ops).includes('members'));
    // RFC 7644 §3.5.2.3: a replace on a complex attribute leaves unnamed sub-attributes unchanged (SCIMMY drops them).
    const targets: Record<string, Json> = {
      'replace #1': { userName: 'asdf', name: { honorificPrefix: 'Mr', formatted: 'Test' } },
    };

    it.each(userVectors)('%s', (label, vector) => {
      const before = userDoc(withoutId(vector.source));
      const source = structuredClone(before);
      const { doc } = patchUser(before, ...vector.ops);
      expect(doc).toEqual(userDoc(targets[label] ?? withoutId(vector.target)));
      expect(before).toEqual(source);
    });

    // SCIMMY keeps members in the document; here they are rows, so the expectation is the delta.
    const memberExpectations: Record<string, Json> = {
      'remove #3': { add: [], remove: ['f648f8d5ea4e4cd38e9c'], removeAll: false },
      'remove #4': { add: [], remove: ['f648f8d5ea4e4cd38e9c'], removeAll: false },
      'remove #5': { add: [], remove: ['123abc'], removeAll: false },
      'remove #6': { add: [], remove: ['123abc'], removeAll: false },
      'remove #7': { add: [], remove: ['123abc'], removeAll: false },
    };
    it.each(Object.entries(memberExpectations))('%s as a membership delta', (label, delta) => {
      const vector = vectors.find(([l]) => l === label)![1];
      expect(patchGroup(...vector.ops).membership).toEqual(delta);
    });

    it('rejects editing one member attribute (add #3: members[value eq 123abc].$ref): members are rows', () => {
      const vector = vectors.find(([l]) => l === 'add #3')![1];
      expect(rejection(() => patchGroup(...vector.ops)).scimType).toBe('mutability');
    });

    it('covers every vector', () => {
      expect(userVectors.length + Object.keys(memberExpectations).length + 1).toBe(vectors.length);
    });
  });

  describe('RFC 7644 §3.5.2 samples', () => {
    const files = rfcSampleFiles('rfc7644-3.5.2');
    const user = () =>
      normalizeResource(registry, 'User', readRfcSample('rfc7643-8.2-user-full.json'), { mode: 'create' })
        .doc;

    it('has the ten samples', () => expect(files).toHaveLength(10));

    it('add_emails: merges values, no duplicates, case-insensitive names', () => {
      const before = user();
      const { doc, changedPaths } = applyPatch(
        before,
        readRfcSample('rfc7644-3.5.2.1-patch_op-add_emails.json'),
        { registry, resourceType: 'User' },
      );
      expect(doc.emails).toEqual(before.emails);
      expect(doc.nickName).toBe('Babs');
      expect(changedPaths).toEqual([]);
    });

    it('replace_all_email_values: replaces the whole list', () => {
      const { doc, changedPaths } = applyPatch(
        user(),
        readRfcSample('rfc7644-3.5.2.3-patch_op-replace_all_email_values.json'),
        { registry, resourceType: 'User' },
      );
      expect(doc.emails).toEqual([
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ]);
      expect(changedPaths).toEqual([]);
    });

    it('replace_street_address and replace_user_work_address', () => {
      const street = applyPatch(
        user(),
        readRfcSample('rfc7644-3.5.2.3-patch_op-replace_street_address.json'),
        { registry, resourceType: 'User' },
      );
      expect((street.doc.addresses as Json[])[0].streetAddress).toBe('1010 Broadway Ave');
      expect((street.doc.addresses as Json[])[0].locality).toBe('Hollywood');
      expect(street.changedPaths).toEqual(['addresses']);
      const work = applyPatch(
        user(),
        readRfcSample('rfc7644-3.5.2.3-patch_op-replace_user_work_address.json'),
        { registry, resourceType: 'User' },
      );
      expect((work.doc.addresses as Json[])[0]).toEqual(
        readRfcSample('rfc7644-3.5.2.3-patch_op-replace_user_work_address.json').Operations[0].value,
      );
      expect((work.doc.addresses as Json[])[1].type).toBe('home');
    });

    it('remove_multi_complex_value', () => {
      const before = userDoc({
        emails: [
          { value: 'a@example.com', type: 'work' },
          { value: 'b@example.org', type: 'work' },
        ],
      });
      const { doc } = applyPatch(
        before,
        readRfcSample('rfc7644-3.5.2.2-patch_op-remove_multi_complex_value.json'),
        { registry, resourceType: 'User' },
      );
      expect(doc.emails).toEqual([{ value: 'b@example.org', type: 'work' }]);
    });

    it.each<[string, Json]>([
      [
        'rfc7644-3.5.2.1-patch_op-add_members.json',
        { add: [{ value: '2819c223-7f76-453a-919d-413861904646' }], remove: [], removeAll: false },
      ],
      ['rfc7644-3.5.2.2-patch_op-remove_all_members.json', { add: [], remove: [], removeAll: true }],
      [
        'rfc7644-3.5.2.2-patch_op-remove_one_member.json',
        { add: [], remove: ['2819c223-7f76-...413861904646'], removeAll: false },
      ],
      [
        'rfc7644-3.5.2.2-patch_op-remove_and_add_one_member.json',
        {
          add: [{ value: '08e1d05d...473d93df9210' }],
          remove: ['2819c223...919d-413861904646'],
          removeAll: false,
        },
      ],
      [
        'rfc7644-3.5.2.3-patch_op-replace_all_members.json',
        {
          add: [
            { value: '2819c223-7f76-453a-919d-413861904646' },
            { value: '08e1d05d-121c-4561-8b96-473d93df9210' },
          ],
          remove: [],
          removeAll: true,
        },
      ],
    ])('%s gives a membership delta and leaves the document alone', (file, delta) => {
      const result = applyPatch(groupDoc(), readRfcSample(file), { registry, resourceType: 'Group' });
      expect(result.membership).toEqual(delta);
      expect(result.doc).toEqual(groupDoc());
      expect(result.changedPaths).toEqual(['members']);
    });
  });

  describe('Entra shapes (entra-outbound-scim.md §2, §3)', () => {
    const entraUser = () =>
      userDoc({
        userName: 'Test_User',
        externalId: 'ext',
        active: true,
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        emails: [{ primary: true, type: 'work', value: 'old@testuser.com' }],
      });

    it('§2.5 replaces emails[type eq "work"].value and name.familyName', () => {
      const { doc, changedPaths } = patchUser(
        entraUser(),
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      );
      expect(doc.emails).toEqual([{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
      expect(doc.name).toEqual({
        formatted: 'givenName familyName',
        familyName: 'updatedFamilyName',
        givenName: 'givenName',
      });
      expect(changedPaths).toEqual(['name', 'emails']);
    });

    it('§2.6/§3 replaces userName and nickName with capitalised ops', () => {
      const { doc } = patchUser(
        entraUser(),
        { op: 'Replace', path: 'userName', value: 'new@x' },
        { op: 'Add', path: 'nickName', value: 'Babs' },
      );
      expect([doc.userName, doc.nickName]).toEqual(['new@x', 'Babs']);
    });

    it.each([false, 'False', 'false'])('§2.7/§3 disables the user with active %j', (value) => {
      expect(patchUser(entraUser(), { op: 'Replace', path: 'active', value }).doc.active).toBe(false);
    });

    it('§3 path-less replace with dotted and URN-qualified keys', () => {
      const { doc } = patchUser(
        entraUser(),
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Bjfe',
            'name.givenName': 'Kkom',
            'name.familyName': 'Unua',
            [`${ENT}:employeeNumber`]: 'Aklq',
          },
        },
      );
      expect(doc).toMatchObject({
        displayName: 'Bjfe',
        name: { formatted: 'givenName familyName', givenName: 'Kkom', familyName: 'Unua' },
        [ENT]: { employeeNumber: 'Aklq' },
      });
      expect(doc.schemas).toEqual([CORE_USER_SCHEMA, ENT]);
    });

    it('creates the entry for a filtered add/replace that matches nothing (peer-issues.md item 4)', () => {
      const none = userDoc({});
      expect(
        patchUser(none, { op: 'Add', path: 'emails[type eq "work"].value', value: 'a@b.c' }).doc.emails,
      ).toEqual([{ type: 'work', value: 'a@b.c' }]);
      const home = userDoc({ emails: [{ type: 'home', value: 'h@x', primary: true }] });
      expect(
        patchUser(home, {
          op: 'replace',
          path: 'emails[type eq "work" and primary eq "True"].value',
          value: 'w@x',
        }).doc.emails,
      ).toEqual([
        { type: 'home', value: 'h@x', primary: false },
        { type: 'work', primary: true, value: 'w@x' },
      ]);
      const error = rejection(() =>
        patchUser(none, { op: 'replace', path: 'emails[value co "x"].type', value: 'work' }),
      );
      expect(error.scimType).toBe('noTarget');
    });

    it.each<[string, Json]>([
      ['a bare string', { op: 'add', path: `${ENT}:manager`, value: 'boss' }],
      ['{value}', { op: 'replace', path: 'manager', value: { value: 'boss' } }],
      ['the legacy [{$ref, value}]', { op: 'Add', path: 'manager', value: [{ $ref: null, value: 'boss' }] }],
      ['a path-less URN key', { op: 'replace', value: { [`${ENT}:manager`]: 'boss' } }],
      ['a path-less nested extension', { op: 'replace', value: { [ENT]: { manager: { value: 'boss' } } } }],
      ['a path at the extension', { op: 'add', path: ENT, value: { manager: 'boss' } }],
    ])('sets the manager given as %s, dropping the old $ref', (_label, op) => {
      const before = userDoc({ manager: { value: 'old', $ref: '../Users/old' } });
      expect(patchUser(before, op).doc[ENT]).toEqual({ manager: { value: 'boss' } });
    });

    it('removes the manager, and removing an absent attribute is a no-op', () => {
      const before = userDoc({ manager: 'old', department: 'Sales' });
      expect(patchUser(before, { op: 'Remove', path: `${ENT}:manager` }).doc[ENT]).toEqual({
        department: 'Sales',
      });
      expect(patchUser(userDoc({}), { op: 'remove', path: 'title' }).changedPaths).toEqual([]);
    });

    it('§2.12-2.14 group: displayName, add members, remove members by value', () => {
      const renamed = patchGroup({ op: 'Replace', path: 'displayName', value: 'updated' });
      expect([renamed.doc.displayName, renamed.membership, renamed.changedPaths]).toEqual([
        'updated',
        undefined,
        ['displayName'],
      ]);
      expect(
        patchGroup({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648' }] }).membership,
      ).toEqual({
        add: [{ value: 'f648' }],
        remove: [],
        removeAll: false,
      });
      expect(
        patchGroup({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'f648' }] }).membership,
      ).toEqual({
        add: [],
        remove: ['f648'],
        removeAll: false,
      });
      expect(patchGroup({ op: 'remove', path: 'members[value eq "7f4b"]' }).membership!.remove).toEqual([
        '7f4b',
      ]);
    });

    it('folds member operations in order: add then remove cancels, replace resets', () => {
      expect(
        patchGroup(
          { op: 'add', path: 'members', value: [{ value: 'a', type: 'user' }, { value: 'b' }] },
          { op: 'remove', path: 'members[value eq "a" or value eq "c"]' },
          { op: 'add', value: { members: [{ value: 'd', type: 'Group' }] } },
        ).membership,
      ).toEqual({
        add: [{ value: 'b' }, { value: 'd', type: 'Group' }],
        remove: ['a', 'c'],
        removeAll: false,
      });
      expect(
        patchGroup(
          { op: 'add', path: 'members', value: [{ value: 'a' }] },
          { op: 'replace', path: 'members', value: [{ value: 'b' }] },
        ).membership,
      ).toEqual({
        add: [{ value: 'b' }],
        remove: [],
        removeAll: true,
      });
    });
  });

  describe('multi-valued attributes', () => {
    it('add clears the other primaries when a new primary arrives', () => {
      const before = userDoc({ emails: [{ value: 'a', primary: true }] });
      expect(
        patchUser(before, { op: 'add', path: 'emails', value: [{ value: 'b', primary: 'True' }] }).doc.emails,
      ).toEqual([
        { value: 'a', primary: false },
        { value: 'b', primary: true },
      ]);
    });

    it('removes a sub-attribute of the filtered values, and the values left empty', () => {
      const before = userDoc({ emails: [{ value: 'a', type: 'work' }, { type: 'home' }] });
      expect(patchUser(before, { op: 'remove', path: 'emails[type eq "work"].type' }).doc.emails).toEqual([
        { value: 'a' },
        { type: 'home' },
      ]);
      expect(patchUser(before, { op: 'remove', path: 'emails[type eq "home"].type' }).doc.emails).toEqual([
        { value: 'a', type: 'work' },
      ]);
    });

    it('removes by value matching sub-attributes case-insensitively', () => {
      const before = userDoc({
        emails: [
          { value: 'A@x', type: 'work' },
          { value: 'b@x', type: 'home' },
        ],
      });
      expect(
        patchUser(before, { op: 'remove', path: 'emails', value: [{ value: 'a@X' }] }).doc.emails,
      ).toEqual([{ value: 'b@x', type: 'home' }]);
    });
  });

  describe('errors', () => {
    it.each<[string, Json, string, RegExp]>([
      ['no Operations', { schemas: [PATCH_OP_SCHEMA] }, 'invalidSyntax', /Operations/],
      ['empty Operations', { schemas: [PATCH_OP_SCHEMA], Operations: [] }, 'invalidSyntax', /Operations/],
      [
        'a wrong schema',
        { schemas: [CORE_USER_SCHEMA], Operations: [{ op: 'add', path: 'title', value: 'x' }] },
        'invalidSyntax',
        /PatchOp/,
      ],
      ['an unknown op', message({ op: 'move', path: 'title', value: 'x' }), 'invalidSyntax', /op must be/],
      ['a remove without path', message({ op: 'remove' }), 'noTarget', /needs a path/],
      [
        'an unknown attribute',
        message({ op: 'add', path: 'favourite', value: 'x' }),
        'invalidPath',
        /favourite/,
      ],
      [
        'a malformed path',
        message({ op: 'add', path: 'emails[type eq', value: 'x' }),
        'invalidPath',
        /Invalid path/,
      ],
      [
        'a filter on an unknown sub-attribute',
        message({ op: 'remove', path: 'emails[bogus eq "x"]' }),
        'invalidPath',
        /emails.bogus/,
      ],
      ['a readOnly id', message({ op: 'replace', path: 'id', value: 'x' }), 'mutability', /'id' is readOnly/],
      ['meta', message({ op: 'remove', path: 'meta.created' }), 'mutability', /readOnly/],
      ['groups', message({ op: 'add', path: 'groups', value: [{ value: 'g' }] }), 'mutability', /readOnly/],
      [
        'a wrong type',
        message({ op: 'replace', path: 'active', value: 'maybe-secret' }),
        'invalidValue',
        /'active' must be a boolean/,
      ],
      [
        'removing the required userName',
        message({ op: 'remove', path: 'userName' }),
        'invalidValue',
        /'userName' is required/,
      ],
      ['a non-object path-less value', message({ op: 'add', value: 'x' }), 'invalidValue', /object value/],
      ['add without value', message({ op: 'add', path: 'title' }), 'invalidValue', /value is required/],
      [
        'two primaries',
        message({
          op: 'replace',
          path: 'emails',
          value: [
            { value: 'a', primary: true },
            { value: 'b', primary: true },
          ],
        }),
        'invalidValue',
        /primary/,
      ],
    ])('%s', (_label, body, scimType, detail) => {
      const error = rejection(() => applyPatch(userDoc({}), body, { registry, resourceType: 'User' }));
      expect(error.scimType).toBe(scimType);
      expect(error.message).toMatch(detail);
      expect(error.message).not.toContain('maybe-secret');
    });

    it('ignores readOnly attributes inside a path-less value, and never stores a password', () => {
      const { doc } = patchUser(userDoc({}), {
        op: 'replace',
        value: { id: 'x', meta: {}, title: 'T', password: 'p4ss' },
      });
      expect(doc).toEqual(userDoc({ title: 'T' }));
    });

    it('enforces immutable attributes of custom extensions (RFC 7643 §7)', () => {
      const local = new SchemaRegistry();
      const HR = 'urn:acme:params:scim:schemas:extension:hr:1.0:User';
      local.registerExtension(
        {
          id: HR,
          name: 'Hr',
          attributes: [
            {
              name: 'badge',
              type: 'string',
              multiValued: false,
              required: false,
              caseExact: false,
              mutability: 'immutable',
              returned: 'default',
              uniqueness: 'none',
            },
          ],
        },
        'User',
      );
      const patch = (doc: ScimDocument, value: string) =>
        applyPatch(doc, message({ op: 'add', path: 'badge', value }), {
          registry: local,
          resourceType: 'User',
        }).doc;
      const first = patch(userDoc({}), 'B1');
      expect(first[HR]).toEqual({ badge: 'B1' });
      expect(rejection(() => patch(first, 'B2')).scimType).toBe('mutability');
    });
  });
});

describe('membershipOnlyPatch', () => {
  const members = (...ops: Json[]) =>
    membershipOnlyPatch(message(...ops), { registry, resourceType: 'Group' });

  it('gives the same delta as applyPatch when every operation names members, without the document', () => {
    const ops: Json[] = [
      { op: 'Add', path: 'members', value: [{ value: 'u1' }, { value: 'u2', type: 'User' }] },
      { op: 'remove', path: 'members[value eq "u1"]' },
      { op: 'Remove', path: 'members', value: [{ value: 'u3' }] },
      { op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:members', value: [{ value: 'u4' }] },
    ];
    expect(members(...ops)).toEqual(patchGroup(...ops).membership);
    expect(members(...ops)).toEqual({
      add: [{ value: 'u2', type: 'User' }, { value: 'u4' }],
      remove: ['u1', 'u3'],
      removeAll: false,
    });
  });

  it('leaves to applyPatch a PATCH that touches anything else, has no path, or names a sub-attribute', () => {
    expect(
      members(
        { op: 'add', path: 'members', value: [{ value: 'u1' }] },
        { op: 'replace', path: 'displayName', value: 'H' },
      ),
    ).toBeUndefined();
    expect(members({ op: 'add', value: { members: [{ value: 'u1' }] } })).toBeUndefined();
    expect(members({ op: 'replace', path: 'members.display', value: 'x' })).toBeUndefined();
  });

  it('reports removeAll for a path-only remove, and refuses what applyPatch refuses', () => {
    expect(members({ op: 'remove', path: 'members' })).toEqual({ add: [], remove: [], removeAll: true });
    expect(
      rejection(() => members({ op: 'remove', path: 'members', value: [{ display: 'x' }] })).scimType,
    ).toBe('invalidValue');
    expect(
      rejection(() => membershipOnlyPatch({ Operations: 'x' }, { registry, resourceType: 'Group' })),
    ).toBeDefined();
  });
});
