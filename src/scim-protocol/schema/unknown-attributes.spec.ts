import { InvalidRequestError } from '../../common/errors';
import { applyPatch, membershipOnlyPatch } from '../patch/patch.engine';
import { normalizeResource } from './resource.normalizer';
import { SchemaRegistry } from './schema.registry';
import {
  CORE_GROUP_SCHEMA,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  PATCH_OP_SCHEMA,
  type ScimDocument,
} from './schema.types';
import type { UnknownAttributes } from './unknown-attributes';

const registry = new SchemaRegistry();
const ENT = ENTERPRISE_USER_SCHEMA;
const UNKNOWN_URN = 'urn:acme:hr:1.0:User';

/** Runs `write` with the choice and collects the paths it reports as dropped. */
function withChoice<T>(
  choice: UnknownAttributes,
  write: (options: object) => T,
): { result: T; ignored: string[] } {
  const ignored: string[] = [];
  const result = write({ unknownAttributes: choice, onIgnored: (path: string) => ignored.push(path) });
  return { result, ignored };
}

function rejection(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('expected an InvalidRequestError');
}

const extraUser = {
  schemas: [CORE_USER_SCHEMA, ENT, UNKNOWN_URN],
  userName: 'bjensen',
  costCentreCode: 'secret-1',
  name: { givenName: 'Barbara', nickname2: 'secret-2' },
  emails: [{ value: 'b@example.com', type: 'work', label: 'secret-3' }],
  [ENT]: { department: 'Tours', badgeColour: 'secret-4' },
  [UNKNOWN_URN]: { shoeSize: 'secret-5' },
  [`${UNKNOWN_URN}:hatSize`]: 'secret-6',
};

const createUser = (body: unknown, options: object) =>
  normalizeResource(registry, 'User', body, { mode: 'create', ...options }).doc;

describe('unknown attributes', () => {
  describe('normalizeResource', () => {
    it('rejects by default, naming the first unknown attribute and not its value', () => {
      const error = rejection(() => createUser(extraUser, {}));
      expect(error.scimType).toBe('invalidSyntax');
      expect(error.message).toBe("Unknown attribute 'costCentreCode'");
    });

    it.each([
      [{ name: { givenName: 'B', nickname2: 'secret' } }, "'name.nickname2'"],
      [{ [ENT]: { badgeColour: 'secret' } }, `'${ENT}:badgeColour'`],
      [{ [UNKNOWN_URN]: { shoeSize: 'secret' } }, `'${UNKNOWN_URN}'`],
    ])('rejects %j under reject', (extra, named) => {
      const error = rejection(() => createUser({ userName: 'u', ...extra }, { unknownAttributes: 'reject' }));
      expect(error.message).toContain(named);
      expect(error.message).not.toContain('secret');
    });

    it('drops every unknown attribute under ignore, keeps the rest, and reports paths only', () => {
      const { result: doc, ignored } = withChoice('ignore', (o) => createUser(extraUser, o));
      expect(doc).toEqual({
        schemas: [CORE_USER_SCHEMA, ENT],
        userName: 'bjensen',
        name: { givenName: 'Barbara' },
        emails: [{ value: 'b@example.com', type: 'work' }],
        [ENT]: { department: 'Tours' },
      });
      expect(ignored.sort()).toEqual(
        [
          'costCentreCode',
          'name.nickname2',
          'emails.label',
          `${ENT}:badgeColour`,
          UNKNOWN_URN,
          `${UNKNOWN_URN}:hatSize`,
        ].sort(),
      );
      expect(ignored.join(' ')).not.toContain('secret');
    });

    it('still refuses what is not unknown: a wrong type, a missing required attribute', () => {
      const ignore = { unknownAttributes: 'ignore' };
      expect(rejection(() => createUser({ userName: 'u', active: 'maybe' }, ignore)).scimType).toBe(
        'invalidValue',
      );
      expect(rejection(() => createUser({ foo: 'x' }, ignore)).message).toContain("'userName' is required");
    });

    it('drops unknown member sub-attributes of a group under ignore', () => {
      const body = { schemas: [CORE_GROUP_SCHEMA], displayName: 'G', members: [{ value: 'u1', role: 'x' }] };
      expect(
        rejection(() => normalizeResource(registry, 'Group', body, { mode: 'create' })).message,
      ).toContain("'members.role'");
      const { result, ignored } = withChoice('ignore', (o) =>
        normalizeResource(registry, 'Group', body, { mode: 'create', ...o }),
      );
      expect(result.members).toEqual([{ value: 'u1' }]);
      expect(ignored).toEqual(['members.role']);
    });
  });

  describe('applyPatch', () => {
    const stored: ScimDocument = createUser(
      { userName: 'bjensen', title: 'Guide', name: { givenName: 'Barbara' }, [ENT]: { department: 'Tours' } },
      {},
    );
    const patch = (options: object, ...Operations: unknown[]) =>
      applyPatch(
        stored,
        { schemas: [PATCH_OP_SCHEMA], Operations },
        { registry, resourceType: 'User', ...options },
      );

    it('rejects an operation on an unknown path by default', () => {
      const error = rejection(() => patch({}, { op: 'add', path: 'favourite', value: 'x' }));
      expect(error.scimType).toBe('invalidPath');
      expect(error.message).toContain("'favourite'");
    });

    it('drops operations on unknown paths and unknown attributes in values under ignore; applies the rest', () => {
      const { result, ignored } = withChoice('ignore', (o) =>
        patch(
          o,
          { op: 'add', path: 'favourite', value: 'secret' },
          { op: 'replace', path: `${UNKNOWN_URN}:shoeSize`, value: 'secret' },
          { op: 'replace', path: UNKNOWN_URN, value: { shoeSize: 'secret' } },
          { op: 'remove', path: 'name.nickname2' },
          { op: 'replace', path: `${ENT}:badgeColour`, value: 'secret' },
          { op: 'replace', path: 'emails[type eq "work"].label', value: 'secret' },
          // Only unknown sub-attributes: nothing to apply, and `name` is not cleared.
          { op: 'replace', path: 'name', value: { nickname2: 'secret' } },
          {
            op: 'replace',
            value: { title: 'Lead guide', 'Cost Centre': 'secret', [ENT]: { badge: 'secret' } },
          },
          { op: 'add', path: 'emails', value: [{ value: 'b@example.com', label: 'secret' }] },
        ),
      );
      expect(result.doc).toEqual({
        schemas: [CORE_USER_SCHEMA, ENT],
        userName: 'bjensen',
        name: { givenName: 'Barbara' },
        title: 'Lead guide',
        emails: [{ value: 'b@example.com' }],
        [ENT]: { department: 'Tours' },
      });
      expect(result.changedPaths.sort()).toEqual(['emails', 'title']);
      expect(ignored).toEqual([
        'favourite',
        `${UNKNOWN_URN}:shoeSize`,
        UNKNOWN_URN,
        'name.nickname2',
        `${ENT}:badgeColour`,
        'emails.label',
        'name.nickname2',
        'Cost Centre',
        `${ENT}:badge`,
        'emails.label',
      ]);
    });

    it('still refuses a value filter that names an unknown attribute: a filter is a question, not data', () => {
      const error = rejection(() =>
        patch({ unknownAttributes: 'ignore' }, { op: 'remove', path: 'emails[bogus eq "x"]' }),
      );
      expect(error.scimType).toBe('invalidPath');
      expect(error.message).toContain('emails.bogus');
    });

    it('drops unknown member sub-attributes on the membership-only path too', () => {
      const request = {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [{ op: 'add', path: 'members', value: [{ value: 'u1', role: 'x' }] }],
      };
      const options = { registry, resourceType: 'Group' };
      expect(rejection(() => membershipOnlyPatch(request, options)).message).toContain("'members.role'");
      const { result, ignored } = withChoice('ignore', (o) =>
        membershipOnlyPatch(request, { ...options, ...o }),
      );
      expect(result?.add).toEqual([{ value: 'u1' }]);
      expect(ignored).toEqual(['members.role']);
    });
  });
});
