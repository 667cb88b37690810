import fc from 'fast-check';
import { InvalidFilterError } from '../../common/errors';
import { readScimmyFixture } from '../testing/test-data.fixture';
import type { CompareOperator, Filter, FilterValue } from './filter.ast';
import { parseFilter, parsePatchPath } from './filter.parser';
import { stringifyFilter } from './filter.stringifier';

/** fast-check generators: random ASTs, and random strings built from filter-like tokens. */

const OPERATORS: CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const PATHS = [
  'userName',
  'name.givenName',
  'emails.value',
  'not',
  'and',
  'pr',
  'eq',
  '$ref',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
];
const SUB_NAMES = ['type', 'value', 'primary', 'not', 'or', 'display'];

const valueArbitrary: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);

function predicate(paths: string[]): fc.Arbitrary<Filter> {
  return fc.oneof(
    fc.record({
      type: fc.constant('compare' as const),
      path: fc.constantFrom(...paths),
      op: fc.constantFrom(...OPERATORS),
      value: valueArbitrary,
    }),
    fc.record({ type: fc.constant('present' as const), path: fc.constantFrom(...paths) }),
  );
}

function tree(leaf: fc.Arbitrary<Filter>, depth: number): fc.Arbitrary<Filter> {
  const { filter } = fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      leaf,
      fc.record({
        type: fc.constantFrom('and' as const, 'or' as const),
        left: tie('filter'),
        right: tie('filter'),
      }),
      fc.record({ type: fc.constant('not' as const), filter: tie('filter') }),
    ),
  }));
  return filter;
}

const filterArbitrary: fc.Arbitrary<Filter> = tree(
  fc.oneof(
    { weight: 3, arbitrary: predicate(PATHS) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('valuePath' as const),
        path: fc.constantFrom('emails', 'addresses', 'members'),
        filter: tree(predicate(SUB_NAMES), 3),
      }),
    },
  ),
  4,
);

/** Strings built from filter-like tokens, so random inputs reach deep into the grammar. */
const filterTextArbitrary: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'userName',
        'emails',
        'name.familyName',
        'urn:ietf:params:scim:schemas:core:2.0:User:',
        'not',
        'and',
        'or',
        'eq',
        'pr',
        'gt',
        '(',
        ')',
        '[',
        ']',
        '.',
        '"',
        '\\',
        '"x"',
        '"a\\"b"',
        'true',
        'null',
        '12',
        '-1.5e3',
        'value',
        ' ',
        ' ',
        ' ',
        '\t',
      ),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));

const cmp = (path: string, op: string, value: unknown, raw?: string): Filter =>
  (raw === undefined
    ? { type: 'compare', path, op, value }
    : { type: 'compare', path, op, value, raw }) as Filter;
const pr = (path: string): Filter => ({ type: 'present', path });
const and = (left: Filter, right: Filter): Filter => ({ type: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ type: 'or', left, right });
const not = (filter: Filter): Filter => ({ type: 'not', filter });
const vp = (path: string, filter: Filter): Filter => ({ type: 'valuePath', path, filter });

function parseError(text: string): InvalidFilterError {
  try {
    parseFilter(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFilterError);
    return error as InvalidFilterError;
  }
  throw new Error(`expected '${text}' to fail`);
}

describe('parseFilter', () => {
  describe('RFC 7644 §3.4.2.2 examples', () => {
    it.each<[string, Filter]>([
      ['userName Eq "john"', cmp('userName', 'eq', 'john')],
      ['Username eq "john"', cmp('Username', 'eq', 'john')],
      ['name.familyName co "O\'Malley"', cmp('name.familyName', 'co', "O'Malley")],
      ['userName sw "J"', cmp('userName', 'sw', 'J')],
      [
        'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
        cmp('urn:ietf:params:scim:schemas:core:2.0:User:userName', 'sw', 'J'),
      ],
      ['title pr', pr('title')],
      ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z')],
      ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
      ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
      [
        'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
        cmp('schemas', 'eq', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'),
      ],
      [
        'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
        and(
          cmp('userType', 'eq', 'Employee'),
          or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org')),
        ),
      ],
      [
        'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
        and(
          cmp('userType', 'ne', 'Employee'),
          not(or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org'))),
        ),
      ],
      [
        'userType eq "Employee" and (emails.type eq "work")',
        and(cmp('userType', 'eq', 'Employee'), cmp('emails.type', 'eq', 'work')),
      ],
      [
        'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
        and(
          cmp('userType', 'eq', 'Employee'),
          vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
        ),
      ],
      [
        'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
        or(
          vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
          vp('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
        ),
      ],
    ])('%s', (text, expected) => {
      expect(parseFilter(text)).toEqual(expected);
    });
  });

  describe('real clients', () => {
    it.each<[string, Filter]>([
      ['externalId eq jyoung', cmp('externalId', 'eq', 'jyoung')],
      ['userName eq bob@example.com', cmp('userName', 'eq', 'bob@example.com')],
      ['(externalId eq jyoung)', cmp('externalId', 'eq', 'jyoung')],
      ['employeeNumber eq 000123', cmp('employeeNumber', 'eq', '000123')],
      [
        'externalId eq 12345678901234567890',
        cmp('externalId', 'eq', Number('12345678901234567890'), '12345678901234567890'),
      ],
      ['roles[primary eq "True"].display pr', vp('roles', and(cmp('primary', 'eq', 'True'), pr('display')))],
      ['active eq True', cmp('active', 'eq', true)],
      ['manager eq NULL', cmp('manager', 'eq', null)],
      [
        'emails[type eq "work"].value eq "a@b.c"',
        vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'a@b.c'))),
      ],
      ['members[$ref eq "x"]', vp('members', cmp('$ref', 'eq', 'x'))],
      ['displayName eq "a \\"q\\" b"', cmp('displayName', 'eq', 'a "q" b')],
      ['displayName eq "back\\\\slash)"', cmp('displayName', 'eq', 'back\\slash)')],
      ['displayName eq "\\u00e9t\\u00E9"', cmp('displayName', 'eq', 'été')],
      ['UserName EQ "bob" AND Active Eq TRUE', and(cmp('UserName', 'eq', 'bob'), cmp('Active', 'eq', true))],
      ['a pr\tand\nb pr', and(pr('a'), pr('b'))],
      ['not(a pr)', not(pr('a'))],
      ['(a pr)and(b pr)', and(pr('a'), pr('b'))],
    ])('%s', (text, expected) => {
      expect(parseFilter(text)).toEqual(expected);
    });

    it('gives not > and > or precedence', () => {
      expect(parseFilter('a pr or b pr and not c pr')).toEqual(or(pr('a'), and(pr('b'), not(pr('c')))));
      expect(parseFilter('a pr and b pr or c pr')).toEqual(or(and(pr('a'), pr('b')), pr('c')));
      expect(parseFilter('a pr or b pr or c pr')).toEqual(or(or(pr('a'), pr('b')), pr('c')));
    });
  });

  describe('errors carry the 0-based position', () => {
    it.each<[string, number, RegExp]>([
      ['', 0, /end of filter/],
      ['userName', 8, /Expected an operator/],
      ['userName xx "a"', 9, /^Unknown operator \(at/],
      ['userName eq', 11, /Expected a value/],
      ['userName eq "open', 12, /Unterminated string/],
      ['userName eq "a" and', 19, /end of filter/],
      ['(userName eq "a"', 16, /end of filter/],
      ['userName eq "a")', 15, /^Unexpected character \(at/],
      ['emails[type eq "work"', 21, /Unclosed '\['/],
      ['emails[type[value eq "x"]]', 11, /cannot be nested/],
      ['emails[name.x eq "x"]', 7, /sub-attribute name/],
      ['a.b.c eq "x"', 0, /Invalid attribute path/],
      ['userName eq "a" xor b pr', 16, /^Unexpected character \(at/],
      ['displayName eq "bad \\q escape"', 15, /escape/],
      ['userName eq abc"def', 15, /Unexpected '"'/],
      ['userName eq "a" userName', 16, /^Unexpected character \(at/],
    ])('%j', (text, position, message) => {
      const error = parseError(text);
      expect(error.position).toBe(position);
      expect(error.message).toMatch(message);
    });

    it('rejects filters over 10,000 characters, and deep nesting, as invalidFilter', () => {
      expect(parseError(`userName eq "${'a'.repeat(10_000)}"`).message).toMatch(/longer than 10000/);
      expect(parseError(`${'('.repeat(200)}a pr${')'.repeat(200)}`).message).toMatch(/nested too deeply/);
      expect(parseError(Array.from({ length: 201 }, () => 'a pr').join(' and ')).message).toMatch(
        /200 comparisons/,
      );
      expect(parseError(`${'not '.repeat(100)}a pr`).message).toMatch(/nested too deeply/);
    });
  });

  describe('SCIMMY filter.json parse vectors', () => {
    const fixture = readScimmyFixture('filter.json').parse;
    // Our AST for each source; SCIMMY's target objects are its own shape, so the expectation is translated.
    const expected: Record<string, Filter | 'rejected'> = {
      'id pr': pr('id'),
      'pr pr': pr('pr'),
      'userName Eq "Test"': cmp('userName', 'eq', 'Test'),
      'displayName co "Bob"': cmp('displayName', 'co', 'Bob'),
      'name.formatted sw "Bob"': cmp('name.formatted', 'sw', 'Bob'),
      'quota gt 1.5': cmp('quota', 'gt', 1.5),
      'quota gt 2e2': cmp('quota', 'gt', 200, '2e2'),
      'UserType eq null': cmp('UserType', 'eq', null),
      '$ref eq null': cmp('$ref', 'eq', null),
      'valid$Name eq null': cmp('valid$Name', 'eq', null),
      '-valid$Name eq -null': cmp('-valid$Name', 'eq', '-null'),
      'active eq false': cmp('active', 'eq', false),
      'emails.primary eq true': cmp('emails.primary', 'eq', true),
      'value eq 123abc': cmp('value', 'eq', '123abc'),
      'value eq 123': cmp('value', 'eq', 123),
      'value eq 123abc5e4': cmp('value', 'eq', '123abc5e4'),
      'not eq pr': not(pr('eq')),
      'NOT id pr': not(pr('id')),
      'NOt not sw "A" and userName ew "Z" and userName co "m"': and(
        and(not(cmp('not', 'sw', 'A')), cmp('userName', 'ew', 'Z')),
        cmp('userName', 'co', 'm'),
      ),
      'email.value ew "@example.com" and not userName eq "Test"': and(
        cmp('email.value', 'ew', '@example.com'),
        not(cmp('userName', 'eq', 'Test')),
      ),
      'emails[type eq "work"] pr': vp('emails', cmp('type', 'eq', 'work')),
      'emails[type eq "work"] co "A"': vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', 'A'))),
      'not emails[type eq "work"].value pr': not(vp('emails', and(cmp('type', 'eq', 'work'), pr('value')))),
      'emails[not type eq "work"] pr': vp('emails', not(cmp('type', 'eq', 'work'))),
      'emails[type eq "work" or type eq "home"].value ew "@example.org"': vp(
        'emails',
        and(or(cmp('type', 'eq', 'work'), cmp('type', 'eq', 'home')), cmp('value', 'ew', '@example.org')),
      ),
    };
    const all = Object.values(fixture as Record<string, { source: string }[]>).flat();

    it.each(all.map((v) => [v.source]))('%s', (source) => {
      // RFC 7643 §2.3.8 forbids complex sub-attributes, so SCIMMY's nested value filters are rejected here.
      if (/\]\.\w+\[/.test(source)) {
        expect(parseError(source)).toBeInstanceOf(InvalidFilterError);
        return;
      }
      const ast = parseFilter(source);
      if (expected[source]) expect(ast).toEqual(expected[source]);
      expect(parseFilter(stringifyFilter(ast))).toEqual(ast);
    });

    it('covers every SCIMMY source with a translated expectation or a round trip', () => {
      expect(all.length).toBeGreaterThan(40);
      expect(Object.keys(expected).every((source) => all.some((v) => v.source === source))).toBe(true);
    });
  });

  describe('properties', () => {
    it('never throws anything but InvalidFilterError, on arbitrary strings', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
          try {
            parseFilter(text);
          } catch (error) {
            if (!(error instanceof InvalidFilterError)) throw error;
            expect(error.position).toBeGreaterThanOrEqual(0);
            expect(error.position).toBeLessThanOrEqual(text.length);
          }
        }),
        { numRuns: 3000 },
      );
    });

    it('never throws anything but InvalidFilterError, on grammar-shaped strings', () => {
      fc.assert(
        fc.property(filterTextArbitrary, (text) => {
          try {
            parseFilter(text);
            parsePatchPath(text);
          } catch (error) {
            if (!(error instanceof InvalidFilterError)) throw error;
            expect(error.position).toBeLessThanOrEqual(text.length);
          }
        }),
        { numRuns: 3000 },
      );
    });

    it('parse(stringify(ast)) equals ast', () => {
      fc.assert(
        fc.property(filterArbitrary, (ast) => {
          expect(parseFilter(stringifyFilter(ast))).toEqual(ast);
        }),
        { numRuns: 2000 },
      );
    });
  });
});

describe('parsePatchPath', () => {
  it.each([
    ['userName', { path: 'userName' }],
    ['name.familyName', { path: 'name.familyName' }],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
      { path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager' },
    ],
    ['members[value eq "2819c223"]', { path: 'members', filter: cmp('value', 'eq', '2819c223') }],
    [
      'emails[type eq "work"].value',
      { path: 'emails', filter: cmp('type', 'eq', 'work'), subAttribute: 'value' },
    ],
    [
      'urn:ietf:params:scim:schemas:core:2.0:User:addresses[type eq "work"].streetAddress',
      {
        path: 'urn:ietf:params:scim:schemas:core:2.0:User:addresses',
        filter: cmp('type', 'eq', 'work'),
        subAttribute: 'streetAddress',
      },
    ],
  ])('%s', (text, expected) => {
    expect(parsePatchPath(text)).toEqual(expected);
  });

  it.each(['', 'emails[type eq "work"', 'name.givenName[type eq "x"]', 'emails[type eq "work"].', 'a b'])(
    'rejects %j as invalidFilter',
    (text) => {
      expect(() => parsePatchPath(text)).toThrow(InvalidFilterError);
    },
  );
});
