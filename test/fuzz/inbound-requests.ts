/**
 * fast-check generators of malformed requests to the inbound SCIM surface: Users, Groups, Bulk, bulkUpload and the
 * searches. Most are refused; some are valid by chance (a mutation that keeps a document valid, `Add` in a PATCH,
 * as Entra sends it) and are accepted, as they should be.
 *
 * Ids of the seeded directory are written as placeholders (`@@USER0@@`, `@@GROUP0@@`) and replaced when the
 * request is sent, so that PUT, PATCH and DELETE reach existing objects and member references name real users.
 */
import fc from 'fast-check';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** MAX_JSON_DEPTH of src/scim-protocol: bodies deeper than this are refused before any handler. */
const MAX_JSON_DEPTH = 64;

export type Surface = 'Users' | 'Groups' | 'Bulk' | 'bulkUpload' | 'search';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FuzzRequest {
  surface: Surface;
  /** The category of malformation, for the figures. */
  category: string;
  method: Method;
  /** Under /scim/v2, with placeholders, already percent-encoded (raw bad escapes on purpose). */
  path: string;
  /** Header values; `null` leaves the header out. Content-Type defaults to application/scim+json with a body. */
  headers: Record<string, string | null>;
  /** A JSON text with placeholders, or raw bytes sent as they are. */
  body?: string | Uint8Array;
}

export const PLACEHOLDERS = ['@@USER0@@', '@@USER1@@', '@@USER2@@', '@@GROUP0@@', '@@GROUP1@@'] as const;

// --- strings and values -------------------------------------------------------------------------------------------

/** Characters that break naive code: NUL and controls, lone surrogates, bidi overrides, case-folding expanders. */
const NASTY = [
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\ud800',
  '\udfff',
  '\udbff\udfff',
  '\u202e',
  '\u2066',
  '\u200b',
  '\u2028',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '😀',
  'e\u0301',
  'İ',
  'ß',
  'ﬃ',
  'زينب',
  '%',
  '_',
  '\\',
  '"',
  "'",
  "' OR 1=1 --",
  '*/',
  '%00',
  '\\u0000',
  'null',
  ' ',
];

export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 4 })), { maxLength: 6 })
    .map((a) => a.join('')),
);

/** Long values, past every column width; a body of a megabyte or more only rarely (runtime). */
const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(255, 256, 1000, 4097, 20_000) },
      { weight: 1, arbitrary: fc.constantFrom(300_000, 1_100_000) },
    ),
    fc.constantFrom('x', 'é', '😀', '\u0000', 'a,'),
  )
  .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));

const oddNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE),
);

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  oddNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('@@USER0@@', '@@GROUP0@@', 'bulkId:a', ''),
);

const KNOWN_KEYS = [
  'schemas',
  'id',
  'externalId',
  'userName',
  'displayName',
  'name',
  'givenName',
  'emails',
  'value',
  'type',
  'primary',
  'members',
  'manager',
  'active',
  'meta',
  'version',
  '$ref',
  '__proto__',
  'constructor',
  'prototype',
  'Operations',
  'op',
  'path',
  ENTERPRISE,
  `${ENTERPRISE}:employeeNumber`,
  'urn:acme:unknown:1.0:User',
];
const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_KEYS) },
  { weight: 1, arbitrary: oddString },
);

/** Any JSON value, small, with odd leaves and keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

// --- documents ----------------------------------------------------------------------------------------------------

type Doc = Record<string, unknown>;
type Path = (string | number)[];

function userDoc(): Doc {
  return {
    schemas: [USER, ENTERPRISE],
    userName: 'fuzz.user@fuzz.test',
    externalId: 'FUZZ-1',
    name: { givenName: 'Fuzz', familyName: 'User' },
    emails: [{ value: 'fuzz.user@fuzz.test', type: 'work', primary: true }],
    active: true,
    [ENTERPRISE]: { employeeNumber: '1', department: 'QA', manager: { value: '@@USER0@@' } },
  };
}

function groupDoc(): Doc {
  return {
    schemas: [GROUP],
    displayName: 'Fuzz group',
    members: [{ value: '@@USER0@@' }, { value: '@@USER1@@' }],
  };
}

const USER_PATHS: Path[] = [
  ['schemas'],
  ['schemas', 0],
  ['schemas', 1],
  ['userName'],
  ['externalId'],
  ['id'],
  ['meta'],
  ['name'],
  ['name', 'givenName'],
  ['emails'],
  ['emails', 0],
  ['emails', 0, 'value'],
  ['emails', 0, 'primary'],
  ['emails', 1],
  ['active'],
  ['password'],
  ['phoneNumbers'],
  ['addresses'],
  ['x509Certificates'],
  ['roles'],
  ['timezone'],
  ['locale'],
  ['userType'],
  [ENTERPRISE],
  [ENTERPRISE, 'manager'],
  [ENTERPRISE, 'manager', 'value'],
  [ENTERPRISE, 'employeeNumber'],
  [ENTRA],
  [ENTRA, 'x'],
  ['urn:acme:unknown:1.0:User'],
  ['unknownAttribute'],
];
const GROUP_PATHS: Path[] = [
  ['schemas'],
  ['schemas', 0],
  ['displayName'],
  ['externalId'],
  ['id'],
  ['members'],
  ['members', 0],
  ['members', 0, 'value'],
  ['members', 0, 'type'],
  ['members', 0, '$ref'],
  ['members', 2],
  ['meta', 'version'],
  ['unknownAttribute'],
];

function setAt(doc: Doc, path: Path, value: unknown): void {
  let node: Record<string | number, unknown> = doc;
  for (const step of path.slice(0, -1)) {
    const next = node[step];
    if (typeof next !== 'object' || next === null) node[step] = {};
    node = node[step] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** Values that are out of place somewhere in a document: wrong types, empty, huge, nested past the limit. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: anyJson },
  { weight: 2, arbitrary: oddString },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: hugeString },
  {
    weight: 1,
    arbitrary: fc.array(fc.constantFrom({ value: 'a@b.test' }, '@@USER0@@', 1), {
      minLength: 1000,
      maxLength: 3000,
    }),
  },
);

/** A valid document with one to three attributes replaced, removed or added. */
function mutated(base: () => Doc, paths: Path[]): fc.Arbitrary<Doc> {
  return fc
    .array(fc.tuple(fc.constantFrom(...paths), wrongValue), { minLength: 1, maxLength: 3 })
    .map((changes) => {
      const doc = base();
      for (const [path, value] of changes) setAt(doc, path, value);
      return doc;
    });
}

export const badUser = mutated(userDoc, USER_PATHS);
export const badGroup = mutated(groupDoc, GROUP_PATHS);

/** Unknown or malformed schema URNs, and attributes no schema declares. */
const unknownSchemas: fc.Arbitrary<Doc> = fc
  .tuple(
    fc.constantFrom(userDoc, groupDoc),
    fc.oneof(
      fc.constantFrom<unknown>(
        [],
        [USER.toUpperCase()],
        ['urn:ietf:params:scim:schemas:core:2.0:Users'],
        [ENTERPRISE],
        [USER, GROUP],
        [USER, 'urn:acme:unknown:1.0:User'],
        [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
        USER,
        null,
        [null],
        [[USER]],
      ),
      fc.array(oddString, { maxLength: 3 }),
    ),
    fc.dictionary(
      fc.oneof(oddString, fc.constantFrom('urn:acme:unknown:1.0:User', `${USER}:nope`, 'urn:')),
      anyJson,
      {
        maxKeys: 3,
      },
    ),
  )
  .map(([base, schemas, extra]) => ({ ...base(), ...extra, schemas }));

// --- JSON text ----------------------------------------------------------------------------------------------------

/** Not JSON, or JSON that a careless parser misreads. */
const brokenJson: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom<string | Uint8Array>(
    '{',
    '}',
    '[',
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"',
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a",}',
    "{'userName':'a'}",
    '{"userName":NaN}',
    '{"userName":Infinity}',
    '{"userName":"a"/*c*/}',
    '{"a":1}{"b":2}',
    '{"userName":"a","userName":"b","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}',
    '{"__proto__":{"admin":true},"userName":"p"}',
    '{"constructor":{"prototype":{"x":1}}}',
    '"a string"',
    '42',
    'null',
    'true',
    '[]',
    '[{"op":"add"}]',
    '   ',
    '\ufeff{"userName":"bom"}',
    '{"userName":"\\ud800"}',
    '{"userName":"\\u0000"}',
    '{"userName":"\\x41"}',
    '{"userName":1e99999}',
    '{"a":-}',
    'userName=a&schemas=x',
    '<User><userName>a</userName></User>',
    Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    Uint8Array.from([0x7b, 0x00, 0x7d]),
    Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
    Uint8Array.from([0x00, 0x00, 0x00]),
  ),
  // A valid document cut short or with bytes spliced in.
  fc
    .tuple(fc.oneof(badUser, badGroup), fc.nat(), fc.constantFrom('', '\u0000', ',', '}', '"', '\\'))
    .map(([doc, at, insert]) => {
      const text = JSON.stringify(doc);
      const cut = at % (text.length + 1);
      return text.slice(0, cut) + insert + text.slice(cut + (insert === '' ? 0 : 1));
    }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** A body nesting arrays or objects around the limit, or far past it (built as text: no recursion here). */
const deepBody: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      MAX_JSON_DEPTH - 2,
      MAX_JSON_DEPTH - 1,
      MAX_JSON_DEPTH,
      MAX_JSON_DEPTH + 1,
      200,
      5_000,
      100_000,
    ),
    fc.constantFrom('array', 'object'),
    fc.constantFrom('title', 'members', 'Operations', 'data', 'filter', ENTERPRISE),
    fc.constantFrom('user', 'patch', 'bulk', 'search'),
  )
  .map(([depth, kind, attribute, envelope]) => {
    const open = kind === 'array' ? '['.repeat(depth) : '{"a":'.repeat(depth);
    const close = kind === 'array' ? ']'.repeat(depth) : '1' + '}'.repeat(depth);
    const deep = open + close;
    switch (envelope) {
      case 'user':
        return `{"schemas":["${USER}"],"userName":"deep@fuzz.test",${JSON.stringify(attribute)}:${deep}}`;
      case 'patch':
        return `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":${JSON.stringify(attribute)},"value":${deep}}]}`;
      case 'bulk':
        return `{"schemas":["${BULK}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"d","data":{"schemas":["${USER}"],"userName":"d@fuzz.test","x":${deep}}}]}`;
      default:
        return `{"schemas":["${SEARCH}"],${JSON.stringify(attribute)}:${deep}}`;
    }
  });

// --- filters, attribute paths, query parameters -------------------------------------------------------------------

const ATTRIBUTES = [
  'userName',
  'USERNAME',
  'name.givenName',
  'name.givenName.x',
  'emails.value',
  'emails[type eq "work"].value',
  'emails[type eq "work"',
  'emails[',
  'meta.lastModified',
  'meta.created',
  'meta.version',
  'members',
  'members.value',
  'members.display',
  'active',
  'id',
  'externalId',
  'displayName',
  'schemas',
  `${ENTERPRISE}:employeeNumber`,
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:`,
  `${USER}:userName`,
  'urn:acme:unknown:1.0:User:attr',
  'urn:',
  'name..x',
  '.',
  '',
  'x'.repeat(300),
];
const OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'EQ', 'Pr', 'xx', '=', ''];
const VALUES = [
  '"a"',
  '"fuzz.user@fuzz.test"',
  '"%"',
  '"_"',
  '"\\""',
  '"\\u0000"',
  '"\\ud800"',
  '"unterminated',
  '""',
  'true',
  'false',
  'null',
  '1',
  '-1.5e3',
  '1e999',
  '"2024-02-30T25:61:00Z"',
  '"2024-01-01T00:00:00Z"',
  '"@@USER0@@"',
  '(',
  ')',
  '[',
  ']',
  '',
];

const comparison = fc
  .tuple(
    fc.constantFrom(...ATTRIBUTES),
    fc.constantFrom(...OPERATORS),
    fc.oneof(
      fc.constantFrom(...VALUES),
      oddString.map((s) => JSON.stringify(s)),
    ),
  )
  .map(([a, op, v]) => (op.toLowerCase() === 'pr' ? `${a} ${op}` : `${a} ${op} ${v}`));

const filterExpr: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    comparison,
    fc
      .tuple(tie('f'), fc.constantFrom('and', 'or', 'AND', 'xor', ''), tie('f'))
      .map(([l, op, r]) => `${l} ${op} ${r}`),
    tie('f').map((f) => `not (${f})`),
    tie('f').map((f) => `(${f})`),
    fc
      .tuple(fc.constantFrom('emails', 'members', 'addresses', 'name'), tie('f'))
      .map(([a, f]) => `${a}[${f}]`),
  ),
})).f;

/** Valid-looking filters spoilt, and the degenerate ones: huge, deeply parenthesised, long chains. */
export const badFilter: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: filterExpr },
  {
    weight: 2,
    arbitrary: fc
      .tuple(filterExpr, fc.nat(), fc.constantFrom('', '(', ')', '"', '[', ']', ' and', 'not', '\u0000'))
      .map(([f, at, insert]) => {
        const cut = at % (f.length + 1);
        return f.slice(0, cut) + insert + f.slice(cut + 1);
      }),
  },
  { weight: 1, arbitrary: oddString },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        // Around the parser's limits (64 levels, 200 comparisons, 10,000 characters), and far past them.
        fc.constantFrom(63, 64, 65, 199, 200, 201, 1_000, 3_000),
        fc.constantFrom('paren', 'not', 'bracket', 'and', 'or'),
        fc.constantFrom(
          'id pr',
          'emails[value pr]',
          'members.value eq "@@USER0@@"',
          'userName co "%"',
          'meta.lastModified gt "2024-01-01T00:00:00Z"',
        ),
      )
      .map(([n, shape, term]) => {
        switch (shape) {
          case 'paren':
            return '('.repeat(n) + term + ')'.repeat(n);
          case 'not':
            return 'not ('.repeat(n) + term + ')'.repeat(n);
          case 'bracket':
            return 'emails['.repeat(Math.min(n, 500)) + 'value pr' + ']'.repeat(Math.min(n, 500));
          default:
            return Array.from({ length: n }, () => term).join(` ${shape} `);
        }
      }),
  },
);

export const badAttributePath: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ATTRIBUTES) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'members[value eq "@@USER0@@"]',
      'members[value eq "@@USER0@@"].display',
      'members[value eq 1]',
      'members[not(value pr)]',
      'members[value eq',
      'emails[type eq "work"].value.x',
      'emails[value co "%"]',
      'addresses[type eq "work"].streetAddress',
      `${ENTERPRISE}:manager.value`,
      `${ENTERPRISE}:manager.$ref`,
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'meta',
      'meta.version',
      '[]',
      ']',
      'members[]',
      'a'.repeat(5000),
    ),
  },
  { weight: 2, arbitrary: filterExpr.map((f) => `members[${f}]`) },
  { weight: 1, arbitrary: oddString },
);

const numberText = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '-0',
    '1.5',
    '1e3',
    '0x10',
    '99999999999999999999',
    '1e309',
    'NaN',
    'Infinity',
    ' 7',
    '7 ',
    '+3',
    '١٢',
    'null',
    '[]',
  ),
);

/** One list parameter; names vary in case, and some are unknown or repeated. */
const listParam: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constantFrom('filter', 'FILTER', 'Filter'), badFilter),
  fc.tuple(fc.constantFrom('startIndex', 'startindex', 'count', 'Count'), numberText),
  fc.tuple(
    fc.constantFrom('attributes', 'excludedAttributes', 'excludedattributes'),
    fc.array(badAttributePath, { maxLength: 4 }).map((a) => a.join(',')),
  ),
  fc.tuple(fc.constantFrom('sortBy', 'sortby'), badAttributePath),
  fc.tuple(
    fc.constantFrom('sortOrder'),
    fc.oneof(fc.constantFrom('ascending', 'DESCENDING', 'up', '', 'asc'), oddString),
  ),
  fc.tuple(
    fc.constantFrom('cursor'),
    fc.oneof(fc.constantFrom('', 'x', 'e30', 'bnVsbA', '!!!', 'a'.repeat(5000)), oddString),
  ),
  fc.tuple(
    fc.oneof(
      fc.constantFrom('unknown', '', 'filter[]', 'a[b]', '__proto__', 'constructor', 'sync'),
      oddString,
    ),
    oddString,
  ),
);

/** Percent-encodes every byte outside the unreserved set; lone surrogates become U+FFFD, as in any UTF-8 client. */
export function pct(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Raw escapes a decoder may choke on: truncated, not hex, NUL, overlong, an encoded lone surrogate. */
const RAW_ESCAPES = ['%', '%Z', '%zz', '%00', '%C0%AF', '%ED%A0%80', '%FF', '%E2%80%AE', '%2e%2e%2f', '+'];

const queryString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(listParam, { minLength: 1, maxLength: 4 })
      .map((pairs) => pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(listParam, { minLength: 1, maxLength: 2 }), fc.constantFrom(...RAW_ESCAPES))
      .map(([pairs, raw]) => pairs.map(([k, v]) => `${pct(k)}=${pct(v)}${raw}`).join('&')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'filter',
      'filter=',
      '&&&',
      '=',
      'count=1&count=2',
      'filter=a&filter=b',
      '?',
      'filter=userName%20eq%20%22a%22&startIndex=1&cursor=',
    ),
  },
);

// --- PATCH, Bulk, bulkUpload, search ------------------------------------------------------------------------------

const patchOperation: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        op: fc.oneof(
          fc.constantFrom(
            'add',
            'Add',
            'ADD',
            'replace',
            'Replace',
            'remove',
            'Remove',
            'move',
            'copy',
            'test',
            '',
            ' add',
          ),
          anyJson,
        ),
        path: fc.oneof(badAttributePath, anyJson),
        value: fc.oneof(
          wrongValue,
          fc.constantFrom([{ value: '@@USER0@@' }], [{ value: '@@GROUP0@@' }], { value: '@@USER2@@' }, [
            { value: 'bulkId:a' },
          ]),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

export const badPatch: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(patchOperation, { minLength: 1, maxLength: 4 })
      .map((Operations) => ({ schemas: [PATCH_OP], Operations })),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        schemas: fc.oneof(fc.constantFrom<unknown>([PATCH_OP], [], [USER], PATCH_OP, null), anyJson),
        Operations: fc.oneof(fc.array(patchOperation, { maxLength: 3 }), anyJson),
        operations: fc.array(patchOperation, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(patchOperation, { minLength: 1000, maxLength: 1200 })
      .map((Operations) => ({ schemas: [PATCH_OP], Operations })),
  },
);

const bulkOperation: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        method: fc.oneof(
          fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'post', 'Patch', '', 'HEAD'),
          anyJson,
        ),
        path: fc.oneof(
          fc.constantFrom(
            '/Users',
            '/Groups',
            '/Users/@@USER0@@',
            '/Users/@@USER1@@',
            '/Groups/@@GROUP0@@',
            '/Users/bulkId:a',
            '/Groups/bulkId:g',
            '/Groups/bulkId:',
            'Users',
            '/Users/',
            '/Users/@@USER0@@/extra',
            '/Schemas',
            '/Bulk',
            '/bulkUpload',
            '/Users?filter=x',
            '/../admin/v1/tokens',
            '',
          ),
          oddString,
          anyJson,
        ),
        bulkId: fc.oneof(fc.constantFrom('a', 'b', 'g', '', 'a'.repeat(300), 'bulkId:a'), oddString, anyJson),
        version: fc.oneof(fc.constantFrom('W/"1"', '*', ''), anyJson),
        data: fc.oneof(
          badUser,
          badGroup,
          badPatch,
          fc.constant({
            schemas: [GROUP],
            displayName: 'Cycle',
            members: [{ value: 'bulkId:g' }, { value: 'bulkId:a' }],
          }),
          anyJson,
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

export const badBulk: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        schemas: fc.oneof({ weight: 4, arbitrary: fc.constant([BULK]) }, { weight: 1, arbitrary: anyJson }),
        Operations: fc.oneof(
          { weight: 4, arbitrary: fc.array(bulkOperation, { maxLength: 6 }) },
          { weight: 1, arbitrary: anyJson },
        ),
        failOnErrors: fc.oneof(fc.constantFrom<unknown>(0, -1, 1, 1.5, '1', null, 1e12), anyJson),
      },
      { requiredKeys: ['schemas'] },
    ),
  },
  // Over the operation limit: refused before any runs.
  {
    weight: 1,
    arbitrary: fc.constant({
      schemas: [BULK],
      Operations: Array.from({ length: 1001 }, () => ({ method: 'DELETE', path: '/Users/none' })),
    }),
  },
);

const uploadRecord: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        method: fc.oneof(fc.constantFrom('POST', 'post', 'PATCH', ''), anyJson),
        path: fc.oneof(fc.constantFrom('/Users', '/users', '/Groups', '', '/Users/@@USER0@@'), anyJson),
        bulkId: fc.oneof(oddString, anyJson),
        data: fc.oneof(
          badUser.map((d) => ({ ...d, externalId: d.externalId ?? 'FUZZ-UP' })),
          fc.record(
            { externalId: fc.oneof(oddString, anyJson, hugeString), userName: fc.oneof(oddString, anyJson) },
            { requiredKeys: [] },
          ),
          anyJson,
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

export const badBulkUpload: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        schemas: fc.oneof({ weight: 3, arbitrary: fc.constant([BULK]) }, { weight: 1, arbitrary: anyJson }),
        Operations: fc.oneof(
          { weight: 4, arbitrary: fc.array(uploadRecord, { maxLength: 5 }) },
          { weight: 1, arbitrary: anyJson },
        ),
        failOnErrors: fc.oneof(fc.constant(null), anyJson),
      },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constant({
      schemas: [BULK],
      Operations: Array.from({ length: 1001 }, () => ({ method: 'POST', path: '/Users', data: {} })),
    }),
  },
);

export const badSearch: fc.Arbitrary<unknown> = fc.record(
  {
    schemas: fc.oneof({ weight: 4, arbitrary: fc.constant([SEARCH]) }, { weight: 1, arbitrary: anyJson }),
    filter: fc.oneof(badFilter, anyJson),
    startIndex: fc.oneof(oddNumber, numberText, anyJson),
    count: fc.oneof(oddNumber, numberText, anyJson),
    attributes: fc.oneof(fc.array(badAttributePath, { maxLength: 3 }), anyJson),
    excludedAttributes: fc.oneof(fc.array(badAttributePath, { maxLength: 3 }), anyJson),
    sortBy: fc.oneof(badAttributePath, anyJson),
    sortOrder: fc.oneof(fc.constantFrom('ascending', 'descending', 'sideways'), anyJson),
    cursor: fc.oneof(fc.constantFrom('', 'e30', 'bnVsbA'), oddString, anyJson),
  },
  { requiredKeys: [] },
);

// --- headers ------------------------------------------------------------------------------------------------------

const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/scim+json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/scim+json; charset=UTF-8',
      'APPLICATION/JSON',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | null>(
      null,
      '',
      'text/plain',
      'text/json',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/scim+json; charset=utf-16',
      'application/json; charset=latin1',
      'application/',
      'application/jsonx',
      'application/vnd.fuzz+json',
      '*/*',
      'json',
      'application/json; boundary="',
    ),
  },
);

const extraHeaders: fc.Arbitrary<Record<string, string | null>> = fc.record(
  {
    'if-match': fc.constantFrom(
      '*',
      'W/"1"',
      '"1"',
      'W/"999999999999999999999"',
      'W/',
      'garbage',
      '',
      'W/"1", W/"2"',
    ),
    'if-none-match': fc.constantFrom('*', 'W/"1"', 'x'),
    accept: fc.constantFrom('application/xml', 'text/html', '*/*', 'application/scim+json;q=0', ''),
    'x-request-id': fc.constantFrom('fuzz-1', 'x'.repeat(100), '../../etc', ''),
  },
  { requiredKeys: [] },
);

/** Mostly none; now and then odd conditional or accept headers; rarely a bad token (the valid one is the default). */
const headers: fc.Arbitrary<Record<string, string | null>> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({}) },
  { weight: 3, arbitrary: extraHeaders },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<string | null>(null, 'Bearer', 'Bearer nope', 'Basic Zm9vOmJhcg==', 'bearer  ')
      .map((authorization) => ({ authorization })),
  },
);

// --- requests -----------------------------------------------------------------------------------------------------

const userId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('@@USER0@@', '@@USER1@@', '@@USER2@@') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '@@GROUP0@@',
      '00000000-0000-0000-0000-000000000000',
      'bulkId:a',
      '.search',
      'x'.repeat(1100),
    ),
  },
  { weight: 1, arbitrary: oddString.filter((s) => s !== '').map(pct) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...RAW_ESCAPES, '@@USER0@@%00', '@@USER0@@%20', '%40%40USER0%40%40'),
  },
);
const groupId = userId.map((id) =>
  id.replace('USER0', 'GROUP0').replace('USER1', 'GROUP1').replace('USER2', 'GROUP0'),
);

type Body = string | Uint8Array;
const json = (value: unknown): string => JSON.stringify(value) ?? 'undefined';

/** A body for a document endpoint: mostly a spoilt document, else broken or deep JSON. */
function documentBody(doc: fc.Arbitrary<unknown>): fc.Arbitrary<[string, Body]> {
  return fc.oneof(
    { weight: 6, arbitrary: doc.map((d): [string, Body] => ['wrong types', json(d)]) },
    { weight: 2, arbitrary: unknownSchemas.map((d): [string, Body] => ['unknown schemas', json(d)]) },
    { weight: 2, arbitrary: brokenJson.map((b): [string, Body] => ['broken JSON', b]) },
    { weight: 1, arbitrary: deepBody.map((b): [string, Body] => ['deep nesting', b]) },
    { weight: 1, arbitrary: anyJson.map((v): [string, Body] => ['any JSON', json(v)]) },
  );
}

function request(
  surface: Surface,
  method: Method,
  path: fc.Arbitrary<string>,
  body?: fc.Arbitrary<[string, Body]>,
  query?: fc.Arbitrary<string>,
): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      path,
      body ?? fc.constant<[string, Body] | undefined>(undefined),
      query ? fc.option(query, { freq: 3 }) : fc.constant(null),
      body
        ? contentType
        : fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: contentType }),
      headers,
    )
    .map(([p, b, q, type, extra]) =>
      printable({
        surface,
        category: b ? b[0] : q ? 'query parameters' : 'path',
        method,
        path: q ? `${p}?${q}` : p,
        headers: { ...extra, 'content-type': type },
        ...(b ? { body: b[1] } : {}),
      }),
    );
}

/** Long paths and bodies shortened in fast-check's report of a counterexample (the seed and path replay it whole). */
function printable(req: FuzzRequest): FuzzRequest {
  const cut = (text: string) => (text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text);
  const body =
    req.body === undefined
      ? ''
      : typeof req.body === 'string'
        ? cut(req.body)
        : `bytes ${Buffer.from(req.body).toString('hex')}`;
  return Object.defineProperty(req, fc.toStringMethod, {
    value: () => `${req.method} ${cut(req.path)} ${JSON.stringify(req.headers)} ${JSON.stringify(body)}`,
  });
}

const resource = (name: 'Users' | 'Groups', id: fc.Arbitrary<string>, doc: fc.Arbitrary<Doc>) => {
  const collection = fc.constant(`/${name}`);
  const item = id.map((i) => `/${name}/${i}`);
  return [
    { weight: 4, arbitrary: request(name, 'POST', collection, documentBody(doc)) },
    { weight: 3, arbitrary: request(name, 'PUT', item, documentBody(doc)) },
    {
      weight: 5,
      arbitrary: request(
        name,
        'PATCH',
        item,
        documentBody(badPatch).map(([c, b]): [string, Body] => [c === 'wrong types' ? 'bad PATCH' : c, b]),
      ),
    },
    {
      weight: 1,
      arbitrary: request(
        name,
        'DELETE',
        item,
        fc.option(documentBody(anyJson), { freq: 3 }).map((b) => b ?? ['no body', '']),
      ),
    },
    { weight: 3, arbitrary: request(name, 'GET', collection, undefined, queryString) },
    { weight: 1, arbitrary: request(name, 'GET', item, undefined, queryString) },
    { weight: 2, arbitrary: request(name, 'POST', fc.constant(`/${name}/.search`), documentBody(badSearch)) },
  ];
};

/** Every generated request, weighted towards the writes. */
export const malformedRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  ...resource('Users', userId, badUser),
  ...resource('Groups', groupId, badGroup),
  {
    weight: 6,
    arbitrary: request(
      'Bulk',
      'POST',
      fc.constant('/Bulk'),
      documentBody(badBulk).map(([c, b]): [string, Body] => [c === 'wrong types' ? 'bad Bulk' : c, b]),
    ),
  },
  {
    weight: 5,
    arbitrary: request(
      'bulkUpload',
      'POST',
      fc.constantFrom(
        '/bulkUpload',
        '/bulkUpload?sync=true',
        '/bulkUpload?sync=TRUE',
        '/bulkUpload?sync=%00',
      ),
      documentBody(badBulkUpload).map(([c, b]): [string, Body] => [
        c === 'wrong types' ? 'bad bulkUpload' : c,
        b,
      ]),
    ),
  },
  { weight: 1, arbitrary: request('search', 'POST', fc.constant('/.search'), documentBody(badSearch)) },
);
