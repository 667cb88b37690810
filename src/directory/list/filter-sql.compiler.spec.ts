import Database from 'better-sqlite3';
import fc from 'fast-check';
import { InvalidFilterError } from '../../common/errors';
import { isoToSqlDateTime } from '../../scim-protocol';
import { normalizeResource } from '../../scim-protocol';
import { SchemaRegistry } from '../../scim-protocol';
import { ENTERPRISE_USER_SCHEMA, ENTRA_USER_SCHEMA, type ScimDocument } from '../../scim-protocol';
import { compileMatcher } from '../../scim-protocol';
import { parseFilter } from '../../scim-protocol';
import { compileFilter } from './filter-sql.compiler';
import { compileSort } from './sort-sql.compiler';
import type { FilterSqlContext } from './sql-dialect';

const registry = new SchemaRegistry();
const columns: FilterSqlContext['columns'] = {
  id: { column: 'id', lowercased: false },
  username: { column: 'user_name_normalized', lowercased: true },
  externalid: { column: 'external_id', lowercased: false },
  displayname: { column: 'display_name_normalized', lowercased: true },
  active: { column: 'active', lowercased: false },
  'meta.created': { column: 'created_at', lowercased: false },
  'meta.lastmodified': { column: 'updated_at', lowercased: false },
};
const ctx = (dialect: 'sqlite' | 'mysql', resourceType = 'User'): FilterSqlContext => ({
  dialect,
  registry,
  resourceType,
  alias: 'u',
  docColumn: 'doc',
  columns,
  members: {
    table: 'group_membership',
    groupColumn: 'group_id',
    memberColumn: 'member_id',
    typeColumn: 'member_type',
  },
});

interface Row {
  id: string;
  doc: ScimDocument;
  created: string;
  modified: string;
}

/** A directory_user table as the test fixture; the real migration belongs to the directory module. */
function openDatabase(rows: Row[]): Database.Database {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE directory_user(id TEXT PRIMARY KEY, user_name_normalized TEXT, external_id TEXT,
    display_name_normalized TEXT, active INTEGER, doc TEXT, created_at TEXT, updated_at TEXT)`);
  const insert = db.prepare('INSERT INTO directory_user VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const { id, doc, created, modified } of rows) {
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    insert.run(
      id,
      text(doc.userName)?.toLowerCase() ?? null,
      text(doc.externalId),
      text(doc.displayName)?.toLowerCase() ?? null,
      typeof doc.active === 'boolean' ? Number(doc.active) : null,
      JSON.stringify(doc),
      isoToSqlDateTime(created),
      isoToSqlDateTime(modified),
    );
  }
  return db;
}

function sqlIds(db: Database.Database, filter: string, sortBy?: string): string[] {
  const where = compileFilter(parseFilter(filter), ctx('sqlite'));
  const order = compileSort(sortBy, 'ascending', ctx('sqlite'));
  const sql = `SELECT u.id FROM directory_user u WHERE ${where.sql} ORDER BY ${order.sql}`;
  return (db.prepare(sql).all(...(where.params as never[])) as { id: string }[]).map((r) => r.id);
}

function memoryIds(rows: Row[], filter: string): string[] {
  const matcher = compileMatcher(parseFilter(filter), registry, 'User');
  return rows
    .filter((r) => matcher({ ...r.doc, id: r.id, meta: { created: r.created, lastModified: r.modified } }))
    .map((r) => r.id)
    .sort();
}

// Small pools so that random filters actually hit; ASCII only, because SQLite's LOWER() folds ASCII only.
const TEXT = ['a', 'A', 'ab', 'aB%', 'b_c', 'x\\y', '', 'work', 'Work', 'home', "o'x", 'é'];
const text = fc.constantFrom(...TEXT);
const instant = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2020, 0, 3) })
  .map((ms) => new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString());

const userArbitrary = fc.record(
  {
    userName: text.map((t) => `${t}u`),
    externalId: text,
    displayName: text,
    title: text,
    active: fc.constantFrom(true, false, 'True', 'False'),
    name: fc.record({ givenName: text, familyName: text }, { requiredKeys: [] }),
    emails: fc.array(
      fc.record({ value: text, type: text, primary: fc.boolean() }, { requiredKeys: ['value'] }),
      {
        maxLength: 3,
      },
    ),
    [ENTERPRISE_USER_SCHEMA]: fc.record({ department: text, manager: text }, { requiredKeys: [] }),
    [ENTRA_USER_SCHEMA]: fc.record({ employeeHireDate: instant }, { requiredKeys: [] }),
  },
  { requiredKeys: ['userName'] },
);

const rowsArbitrary = fc
  .array(fc.tuple(userArbitrary, instant, instant), { minLength: 1, maxLength: 12 })
  .map((users) =>
    users.map(([body, created, modified], i): Row => {
      const emails = (body.emails ?? []).map((e, j) => ({ ...e, primary: e.primary && j === 0 }));
      const { doc } = normalizeResource(registry, 'User', { ...body, emails }, { mode: 'create' });
      return { id: `id${String(i).padStart(2, '0')}`, doc, created, modified };
    }),
  );

const q = (v: string) => JSON.stringify(v);
const STRING_PATHS = [
  'userName',
  'externalId',
  'displayName',
  'title',
  'name.givenName',
  'emails.value',
  'emails.type',
  'emails',
  'department',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
  'manager',
  'id',
];
const predicateArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...STRING_PATHS), fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'le'), text)
    .map(([p, op, v]) => `${p} ${op} ${q(p === 'userName' && op === 'eq' ? `${v}u` : v)}`),
  fc
    .constantFrom(...STRING_PATHS, 'active', 'name', 'emails.primary', 'employeeHireDate', 'meta.created')
    .map((p) => `${p} pr`),
  fc.constantFrom('true', '"False"', 'null').map((v) => `active eq ${v}`),
  fc.constantFrom('eq', 'ne').chain((op) => fc.constantFrom(`emails.primary ${op} true`, `title ${op} null`)),
  fc
    .tuple(
      fc.constantFrom('meta.created', 'meta.lastModified', 'employeeHireDate'),
      fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le'),
      instant,
    )
    .map(([p, op, v]) => `${p} ${op} ${q(v)}`),
  fc
    .constantFrom('co', 'sw')
    .chain((op) => fc.constantFrom(`meta.created ${op} "2020-01-02"`, `employeeHireDate ${op} "T0"`)),
  fc
    .tuple(text, text, fc.constantFrom('and', 'or'))
    .map(([t, v, j]) => `emails[type eq ${q(t)} ${j} not (value co ${q(v)})]`),
  fc.tuple(text, text).map(([t, v]) => `emails[type eq ${q(t)}].value ne ${q(v)}`),
  fc.constantFrom(
    'emails[primary eq true] pr',
    'name[givenName pr and familyName ne "a"]',
    'meta.resourceType eq "User"',
  ),
);
const filterArbitrary: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    predicateArbitrary,
    fc.tuple(tie('f'), fc.constantFrom('and', 'or'), tie('f')).map(([a, j, b]) => `(${a}) ${j} (${b})`),
    tie('f').map((f) => `not (${f})`),
  ),
})).f;

describe('compileFilter on SQLite agrees with matchesFilter', () => {
  it('for random users and random filters', () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        fc.array(filterArbitrary, { minLength: 1, maxLength: 8 }),
        (rows, filters) => {
          const db = openDatabase(rows);
          try {
            for (const filter of filters)
              expect([filter, sqlIds(db, filter).sort()]).toEqual([filter, memoryIds(rows, filter)]);
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 250 },
    );
  });

  const fixed: Row[] = [
    {
      id: 'a',
      doc: normalizeResource(
        registry,
        'User',
        { userName: 'Zed', emails: [{ value: 'z@x', primary: true }, { value: 'a@x' }], title: 'b' },
        { mode: 'create' },
      ).doc,
      created: '2020-01-01T00:00:00.000Z',
      modified: '2020-01-02T00:00:00.000Z',
    },
    {
      id: 'b',
      doc: normalizeResource(
        registry,
        'User',
        { userName: 'adam', emails: [{ value: 'm@x' }], title: 'A' },
        { mode: 'create' },
      ).doc,
      created: '2020-01-03T00:00:00.000Z',
      modified: '2020-01-01T00:00:00.000Z',
    },
    {
      id: 'c',
      doc: normalizeResource(registry, 'User', { userName: 'Bob' }, { mode: 'create' }).doc,
      created: '2020-01-02T00:00:00.000Z',
      modified: '2020-01-03T00:00:00.000Z',
    },
  ];

  it.each([
    ['userName', ['b', 'c', 'a']],
    ['title', ['b', 'a', 'c']],
    ['emails', ['b', 'a', 'c']],
    ['meta.created', ['a', 'c', 'b']],
    ['meta.lastModified', ['b', 'a', 'c']],
    [undefined, ['a', 'b', 'c']],
  ])('sorts by %s (primary or first value, case-insensitively, missing last)', (sortBy, expected) => {
    const db = openDatabase(fixed);
    expect(sqlIds(db, 'id pr', sortBy)).toEqual(expected);
    db.close();
  });

  it('escapes LIKE wildcards and never puts a value in the SQL text', () => {
    const where = compileFilter(
      parseFilter('title co "50%_off\\\\" and userName sw "O\'Brien"'),
      ctx('sqlite'),
    );
    expect(where.sql).not.toMatch(/50|Brien/i);
    // userName sw: the prefix's range (so SQLite reads the index), then LIKE decides.
    expect(where.params).toEqual(['%50\\%\\_off\\\\%', "o'brien", "o'brien\u{10FFFF}", "o'brien%"]);
  });
});

describe('compileFilter SQL text', () => {
  it.each<[string, 'sqlite' | 'mysql', string, unknown[]]>([
    ['userName eq "BJensen"', 'sqlite', 'u.user_name_normalized = ?', ['bjensen']],
    ['externalId eq "X1"', 'mysql', 'u.external_id = ?', ['X1']],
    ['active eq "False"', 'mysql', 'u.active = ?', [0]],
    [
      'meta.lastModified gt "2021-09-08T23:02:28.986Z"',
      'mysql',
      'u.updated_at > ?',
      ['2021-09-08 23:02:28.986'],
    ],
    [
      'title ne "Boss"',
      'sqlite',
      `(json_extract(u.doc, '$."title"') IS NULL OR NOT (LOWER(json_extract(u.doc, '$."title"')) = ?))`,
      ['boss'],
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"',
      'mysql',
      `LOWER((JSON_UNQUOTE(JSON_EXTRACT(u.doc, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."department"')) COLLATE utf8mb4_bin)) = ?`,
      ['sales'],
    ],
    [
      'emails[type eq "work"].value co "@example.com"',
      'sqlite',
      `EXISTS (SELECT 1 FROM json_each(u.doc, '$."emails"') AS u_e0 WHERE (LOWER(json_extract(u_e0.value, '$."type"')) = ? AND LOWER(json_extract(u_e0.value, '$."value"')) LIKE ? ESCAPE '\\'))`,
      ['work', '%@example.com%'],
    ],
    [
      'emails[type eq "work"].value co "@example.com"',
      'mysql',
      `EXISTS (SELECT 1 FROM JSON_TABLE(u.doc, '$."emails"[*]' COLUMNS(c0 VARCHAR(1024) PATH '$."type"', c1 VARCHAR(1024) PATH '$."value"')) AS u_e0 WHERE (LOWER((u_e0.c0 COLLATE utf8mb4_bin)) = ? AND LOWER((u_e0.c1 COLLATE utf8mb4_bin)) LIKE ? ESCAPE '\\\\'))`,
      ['work', '%@example.com%'],
    ],
    [
      'emails.primary eq true',
      'mysql',
      `EXISTS (SELECT 1 FROM JSON_TABLE(u.doc, '$."emails"[*]' COLUMNS(c0 VARCHAR(1024) PATH '$."primary"')) AS u_e0 WHERE u_e0.c0 = ?)`,
      ['true'],
    ],
    ['emails pr', 'mysql', `JSON_LENGTH(JSON_EXTRACT(u.doc, '$."emails"')) > 0`, []],
    ['externalId sw "Ab"', 'sqlite', 'substr(u.external_id, 1, ?) = ?', [2, 'Ab']],
  ])('%s on %s', (filter, dialect, sql, params) => {
    expect(compileFilter(parseFilter(filter), ctx(dialect))).toEqual({ sql, params });
  });

  it('compiles Group member filters to the membership rows (IN through their index, EXISTS per group)', () => {
    const where = compileFilter(
      parseFilter('members[value eq "u1" and type eq "User"] or members.value ne "u2"'),
      ctx('mysql', 'Group'),
    );
    expect(where.sql).toBe(
      '(u.id IN (SELECT u_m0.group_id FROM group_membership AS u_m0 WHERE (u_m0.member_id = ? AND LOWER(u_m0.member_type) = ?))' +
        ' OR (NOT EXISTS (SELECT 1 FROM group_membership AS u_m1 WHERE u_m1.group_id = u.id)' +
        ' OR u.id IN (SELECT u_m2.group_id FROM group_membership AS u_m2 WHERE (u_m2.member_id IS NULL OR NOT (u_m2.member_id = ?)))))',
    );
    expect(where.params).toEqual(['u1', 'user', 'u2']);
  });

  it.each(['bogus eq "x"', 'active lt true', 'members.display eq "x"', 'emails.value gt null'])(
    '%s is invalidFilter',
    (filter) => {
      expect(() =>
        compileFilter(parseFilter(filter), ctx('sqlite', filter.startsWith('members') ? 'Group' : 'User')),
      ).toThrow(InvalidFilterError);
    },
  );

  it('sorts a multi-valued attribute by its primary value on MySQL', () => {
    const key = `LOWER(COALESCE((SELECT u_s.v FROM JSON_TABLE(u.doc, '$."emails"[*]' COLUMNS(v VARCHAR(1024) PATH '$."value"', p VARCHAR(8) PATH '$.primary')) AS u_s WHERE u_s.p = 'true' LIMIT 1), (JSON_UNQUOTE(JSON_EXTRACT(u.doc, '$."emails"[0]."value"')) COLLATE utf8mb4_bin)))`;
    expect(compileSort('emails', 'descending', ctx('mysql')).sql).toBe(
      `(${key} IS NULL) ASC, ${key} DESC, u.id DESC`,
    );
    expect(() => compileSort('nope', undefined, ctx('mysql'))).toThrow(/Unknown attribute/);
  });
});
