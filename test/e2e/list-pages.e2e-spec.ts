import { USER_SCHEMAS } from '../support/provisioning-helpers';
import { LIVE_COUNT_MAX_AGE_MS } from '../../src/directory/list/live-counts';
import { singleStatements, statementsSent, type SentStatement } from '../support/statements';
import { startTestApp, type TestApp } from '../support/test-app';

const USERS = 2000;
const PAGE = 100;

interface ListBody {
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: { id: string; userName?: string; displayName?: string; groups?: { value: string }[] }[];
}

/**
 * An unfiltered list read by `startIndex` (a client reading the whole directory, RFC 7644 §3.4.2.4): every page holds
 * the next rows, and a page deep in the list reads the index entries before it, not the rows. MariaDB sorted every
 * row of the table for a page at the end (2.5 s at 100,000 users, about a minute at a million from a buffer pool
 * smaller than the table); SQLite read each earlier row to see that it was not deleted.
 */
describe('list pages by startIndex: every row once, the deep page from the index', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    for (let from = 0; from < USERS; from += 1000) {
      const res = await t
        .scim('post', '/Bulk')
        .send({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: Array.from({ length: 1000 }, (_, i) => ({
            method: 'POST',
            path: '/Users',
            bulkId: `u${from + i}`,
            data: { schemas: USER_SCHEMAS, userName: `page${from + i}@example.com`, active: true },
          })),
        })
        .expect(200);
      expect(
        (res.body as { Operations: { status: string }[] }).Operations.every((o) => o.status === '201'),
      ).toBe(true);
    }
    if (t.engine !== 'sqlite') await t.dataSource.query('ANALYZE TABLE directory_user');
  });

  afterAll(async () => {
    await t?.close();
  });

  const list = async (query: string): Promise<ListBody> =>
    (await t.scim('get', `/Users?${query}`).expect(200)).body as ListBody;

  it('pages through every live user once, in created order, and skips the deleted', async () => {
    const first = await list(`startIndex=1&count=${PAGE}`);
    const gone = first.Resources[7].id;
    await t.scim('delete', `/Users/${gone}`).expect(204);
    const seen: string[] = [];
    for (let start = 1; start <= USERS; start += PAGE) {
      const page = await list(`startIndex=${start}&count=${PAGE}`);
      expect(page.totalResults).toBe(USERS - 1);
      expect(page.startIndex).toBe(start);
      seen.push(...page.Resources.map((r) => r.id));
    }
    expect(seen).toHaveLength(USERS - 1);
    expect(new Set(seen).size).toBe(USERS - 1);
    expect(seen).not.toContain(gone);
    // The same order as the rows' creation (ties on the millisecond by id), read straight from the table.
    const rows = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM directory_user WHERE deleted_at IS NULL ORDER BY created_at, id',
    );
    expect(seen).toEqual(rows.map((r) => r.id));
  });

  it('gives each user of a deep page its groups, and pages groups the same way', async () => {
    const last = await list(`startIndex=${USERS - PAGE}&count=${PAGE}`);
    const members = last.Resources.slice(-3).map((r) => r.id);
    const groupIds: string[] = [];
    for (const name of ['Alpha', 'Beta', 'Gamma']) {
      const res = await t
        .scim('post', '/Groups')
        .send({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: name,
          members: members.map((value) => ({ value })),
        })
        .expect(201);
      groupIds.push((res.body as { id: string }).id);
    }
    const withGroups = await list(`startIndex=${USERS - PAGE}&count=${PAGE}&attributes=groups`);
    const groupsOf = new Map(
      withGroups.Resources.map((r) => [r.id, (r.groups ?? []).map((g) => g.value).sort()]),
    );
    for (const id of members) expect(groupsOf.get(id)).toEqual([...groupIds].sort());
    expect(withGroups.Resources.filter((r) => (r.groups ?? []).length > 0).map((r) => r.id)).toEqual(members);

    const pages = [];
    for (let start = 1; start <= 3; start += 2)
      pages.push(
        ((await t.scim('get', `/Groups?startIndex=${start}&count=2`).expect(200)).body as ListBody).Resources,
      );
    expect(pages.flat().map((g) => g.displayName)).toEqual(['Alpha', 'Beta', 'Gamma']);
  });

  it('reads a page at the end from the index: no row but those of the page', async () => {
    const sent = await statementsSent(t, () => list(`startIndex=${USERS - PAGE}&count=${PAGE}`));
    // On MariaDB the page and its users' groups travel as one text of two statements; both read the page.
    const pages = singleStatements(sent).filter(
      (s) => /\bLIMIT\b/.test(s.sql) && /\bdirectory_user\b/.test(s.sql),
    );
    expect(pages.length).toBeGreaterThanOrEqual(1);
    for (const page of pages) {
      const sql = page.sql.replace(/\s+/g, ' ');
      const reads = await rowReads(page);
      expect(reads.length).toBeGreaterThanOrEqual(1);
      // Each access: how the statement reads the table, and how many rows (not index entries) it reads that way.
      expect({ sql, wide: reads.filter((r) => r.rows > PAGE) }).toEqual({ sql, wide: [] });
    }
  });

  it('counts the live users once while the directory stands still, again after any write', async () => {
    /** The page's totalResults, and how many statements counted users for it. */
    const page = async (query: string) => {
      let body: ListBody | undefined;
      const sent = await statementsSent(t, async () => (body = await list(query)));
      const counts = singleStatements(sent).filter((s) => /COUNT\(\*\)[\s\S]*directory_user/.test(s.sql));
      return { total: body!.totalResults, counts: counts.length };
    };
    const before = await page(`startIndex=1&count=${PAGE}`);
    // The next pages of a client reading the directory do not count again.
    for (const start of [PAGE + 1, 2 * PAGE + 1])
      expect(await page(`startIndex=${start}&count=${PAGE}`)).toEqual({ total: before.total, counts: 0 });
    expect(await page(`count=${PAGE}`)).toEqual({ total: before.total, counts: 0 });

    // A write moves the journal's head: the next page counts.
    const created = await t
      .scim('post', '/Users')
      .send({ schemas: USER_SCHEMAS, userName: 'counted@example.com', active: true })
      .expect(201);
    expect(await page(`startIndex=1&count=${PAGE}`)).toEqual({ total: before.total + 1, counts: 1 });
    await t.scim('delete', `/Users/${(created.body as { id: string }).id}`).expect(204);
    expect(await page(`startIndex=1&count=${PAGE}`)).toEqual({ total: before.total, counts: 1 });

    // A filtered page counts its own matches every time.
    for (let i = 0; i < 2; i++)
      expect(await page('filter=userName sw "page1"&count=10')).toEqual({ total: 1111, counts: 1 });

    // A change the journal does not show (made behind the gateway's back) is counted once the count is too old.
    const [{ id }] = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM directory_user WHERE deleted_at IS NULL ORDER BY id LIMIT 1',
    );
    await t.dataSource.query('UPDATE directory_user SET deleted_at = updated_at WHERE id = ?', [id]);
    try {
      await new Promise((r) => setTimeout(r, LIVE_COUNT_MAX_AGE_MS + 100));
      expect(await page(`startIndex=1&count=${PAGE}`)).toEqual({ total: before.total - 1, counts: 1 });
    } finally {
      await t.dataSource.query('UPDATE directory_user SET deleted_at = NULL WHERE id = ?', [id]);
    }
  });

  /**
   * How a statement reads `directory_user`, one entry per access, with the rows it reads from the table itself (index
   * entries alone count 0). SQLite: its plan; a lookup by id reads one row, any other access that is not from a
   * covering index may read them all. MariaDB: `ANALYZE` runs the statement and gives the rows each access read;
   * "Using index" means from the index alone. MySQL: `EXPLAIN`'s estimate.
   */
  const rowReads = async (s: SentStatement): Promise<{ access: string; rows: number }[]> => {
    if (t.engine === 'sqlite') {
      const plan = await t.dataSource.query<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${s.sql}`, s.params);
      return plan
        .map((r) => r.detail)
        .filter((d) => /^(SCAN|SEARCH) (directory_user|u)\b/.test(d))
        .map((access) => ({
          access,
          rows: /COVERING INDEX/.test(access) ? 0 : /\(id=\?\)$/.test(access) ? 1 : USERS,
        }));
    }
    const [{ v }] = await t.dataSource.query<{ v: string }[]>('SELECT VERSION() AS v');
    const mariadb = /mariadb/i.test(v);
    const rows = await t.dataSource.query<Record<string, unknown>[]>(
      `${mariadb ? 'ANALYZE' : 'EXPLAIN'} ${s.sql}`,
      s.params,
    );
    return rows
      .filter((r) => /^(directory_user|u)$/.test(String(r.table)))
      .map((r) => ({
        access: `${String(r.table)} ${String(r.type)} ${String(r.key)} ${String(r.Extra)}`,
        rows: /Using index/.test(String(r.Extra)) ? 0 : Number(mariadb ? r.r_rows : r.rows),
      }));
  };
});
