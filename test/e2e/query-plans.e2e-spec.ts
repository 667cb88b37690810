import { ScheduledProvisioningService } from '../../src/provisioning/jobs/scheduled-provisioning.service';
import { JournalRetentionService } from '../../src/provisioning/jobs/journal-retention.service';
import { WorkQueueRepository } from '../../src/provisioning/queue/work-queue.repository';
import { startFakeScimTarget, type FakeScimTarget } from '../support/fake-scim-target';
import {
  createUser,
  ENTERPRISE,
  registerTarget,
  USER_SCHEMAS,
  waitFor,
} from '../support/provisioning-helpers';
import { recordStatements, type SentStatement } from '../support/statements';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The tables that grow with the directory, its history and its traffic. A statement that scans one of them (reads
 * every row, or every entry of an index without a bound) costs time in proportion to the directory: at a million
 * users that is seconds per request. The small tables (targets, mappings, tokens, leases, roles) may be scanned.
 */
const GROWING = [
  'directory_user',
  'directory_group',
  'group_membership',
  'directory_change',
  'provisioned_object',
  'provisioned_membership',
  'provisioning_log',
  'app_role_assignment',
  'assignment_change',
  'deprovision_event',
  'import_job',
  'import_record',
  'orphan_account',
  'admin_audit',
  'pending_manager_reference',
];

/**
 * Scans that are known and accepted, each with what it costs. The test fails on any other scan, and on an entry
 * here that no statement needs any more (so the list stays true).
 */
const KNOWN_COSTS: { statement: RegExp; cost: string }[] = [
  {
    statement: /^SELECT COUNT\(\*\) AS n FROM directory_user u WHERE \+u\.deleted_at IS NULL$/,
    cost: "totalResults of an unfiltered GET /Users counts the live users' index entries (no row is read)",
  },
  {
    statement: /employeeNumber/,
    cost: 'a filter on an attribute without a column (here employeeNumber) reads the live users in created order until the page is full',
  },
  {
    statement:
      /FROM "provisioning_log" "l" WHERE "l"\."target_id" = \? AND "l"\."action" = \? AND "l"\."status" = \?/,
    cost: "the log filtered by target, action and status: the target's entries newest first until the page is full",
  },
  {
    statement:
      /^SELECT (target_id, )?COUNT\(\*\) AS n, MIN\(pending_since\) AS oldest, .* FROM provisioned_object WHERE target_id (= \?|IN \(.*\)) AND pending = 1( GROUP BY target_id)?$/,
    cost: "a target's pending count (status, overview) counts its pending entries in the queue index (no row is read); a count that took over 50 ms is reused for ten times as long",
  },
  {
    statement: /json_each\(u\.doc, '\$\."emails"'\)/,
    cost: 'a value filter on emails[…] reads the live users in created order until the page is full',
  },
];

/** Alias → table of a statement's FROM, JOIN, UPDATE and INTO clauses (plans name the alias). */
function aliases(sql: string): Map<string, string> {
  const map = new Map<string, string>();
  const re = /\b(?:FROM|JOIN|UPDATE|INTO)\s+["`]?(\w+)["`]?(?:\s+(?:AS\s+)?["`]?(\w+)["`]?)?/gi;
  const keywords = /^(WHERE|ON|SET|LEFT|INNER|JOIN|ORDER|GROUP|LIMIT|VALUES|SELECT|USING|INDEXED|NOT|AS)$/i;
  for (const m of sql.matchAll(re)) {
    map.set(m[1], m[1]);
    if (m[2] && !keywords.test(m[2])) map.set(m[2], m[1]);
  }
  return map;
}

/**
 * A page read in index order: a LIMIT, no sort of the whole result (no temporary B-tree but for ties), and no
 * condition but "not deleted" or the target (the index's key), so it stops after offset + count rows however large
 * the table.
 */
function boundedPage(sql: string, plan: string[]): boolean {
  // "FOR LAST TERM (RIGHT PART) OF ORDER BY" sorts only the rows that tie on the index's key (the id after it).
  const sorts = plan.some((d) => d.includes('TEMP B-TREE') && !/(LAST TERM|RIGHT PART) OF ORDER BY/.test(d));
  if (!/\bLIMIT\b/i.test(sql) || sorts) return false;
  const where = /\bWHERE\b(.*?)\bORDER BY\b/is.exec(sql)?.[1] ?? '';
  const rest = where
    .replace(/\+?\w+\.deleted_at IS NULL/g, '')
    .replace(/\(*"?\w+"?\."?target_id"? = \?\)*/g, '')
    .replace(/\bAND\b/g, '');
  return rest.trim() === '';
}

/**
 * An index read on the target alone (and the object type, or the queue's `pending` flag, which is 1 for every object
 * of a target's initial sync) reads every object of that target: a scan at the target's size, unless the statement
 * is a bounded page. A claim that named its rows by id but was planned on `pending` read all million of an initial
 * sync's rows for each batch of a hundred.
 */
const PER_TARGET =
  /^SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \(target_id=\?(?: AND object_type=\?)?(?: AND pending=\?)?\)$/;

/** `SCAN t` lines of SQLite's plan for a statement over a growing table: full reads, with or without an index. */
async function scansOf(t: TestApp, s: SentStatement): Promise<string[]> {
  if (!/^\s*(SELECT|UPDATE|DELETE|WITH|INSERT)/i.test(s.sql)) return [];
  const rows = await t.dataSource.query<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${s.sql}`, s.params);
  const tables = aliases(s.sql);
  const plan = rows.map((r) => r.detail);
  if (boundedPage(s.sql, plan)) return [];
  return plan.filter((d) => {
    const m = /^SCAN (\w+)/.exec(d) ?? PER_TARGET.exec(d);
    return m !== null && GROWING.includes(tables.get(m[1]) ?? m[1]);
  });
}

describe('query plans: no statement reads a whole growing table', () => {
  let t: TestApp;
  let target: FakeScimTarget;

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    // Query plans are SQLite's (EXPLAIN QUERY PLAN); MariaDB's optimizer picks scans on tables this small.
    t = await startTestApp({
      env: { PROVISIONING_POLL_MS: '50', DATABASE_URL: '', RECONCILE_LISTING_MIN_OBJECTS: '1' },
    });
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  it('through the SCIM API, provisioning, reconciliation, the date job and the admin API', async () => {
    expect(t.engine).toBe('sqlite');
    // Every statement the app sends through TypeORM (the SQLite engine sends all of them that way).
    const recording = recordStatements(t);

    // The directory: users with managers and dates, a group, memberships.
    const boss = await createUser(t, 'boss@example.com', { [ENTERPRISE]: { department: 'Board' } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        await createUser(t, `u${i}@example.com`, {
          [ENTERPRISE]: { department: 'Sales', employeeNumber: `E${i}`, manager: { value: boss } },
        }),
      );
    const group = await t
      .scim('post', '/Groups')
      .send({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
        members: ids.slice(0, 3).map((value) => ({ value })),
      })
      .expect(201);
    const groupId = (group.body as { id: string }).id;

    // Reads an HR or Entra-style client sends.
    for (const q of [
      '/Users?filter=userName eq "u1@example.com"',
      '/Users?filter=userName sw "u"&startIndex=2&count=2',
      `/Users?filter=${encodeURIComponent(`${ENTERPRISE}:employeeNumber eq "E2"`)}`,
      '/Users?filter=emails[type eq "work" and value eq "u3@example.com"]',
      '/Users?filter=active eq true and name.familyName eq "Test"',
      '/Users?sortBy=userName&sortOrder=descending&count=3',
      '/Users?count=2',
      `/Users/${ids[0]}`,
      `/Groups/${groupId}`,
      `/Groups?filter=${encodeURIComponent(`members[value eq "${ids[1]}"]`)}`,
      '/Groups?filter=displayName eq "Sales"&excludedAttributes=members',
    ])
      await t.scim('get', q).expect(200);

    // Writes: PATCH, PUT, membership changes, soft delete.
    await t
      .scim('patch', `/Users/${ids[1]}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'Lead' }],
      })
      .expect(200);
    await t
      .scim('patch', `/Groups/${groupId}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'add', path: 'members', value: [{ value: ids[4] }] },
          { op: 'remove', path: `members[value eq "${ids[0]}"]` },
        ],
      })
      .expect((r) => expect([200, 204]).toContain(r.status));
    await t
      .scim('put', `/Users/${ids[2]}`)
      .send({ schemas: USER_SCHEMAS, userName: 'u2@example.com', active: false })
      .expect(200);
    await t.scim('delete', `/Users/${ids[3]}`).expect(204);

    // A target: initial sync, incremental changes, a full reconciliation.
    const targetId = await registerTarget(t, target);
    await waitFor('the initial sync', () => target.users().length >= 4, 15_000);
    await t
      .scim('patch', `/Users/${ids[4]}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Four' }],
      })
      .expect(200);
    await t.admin('post', `/targets/${targetId}/restart`).expect((r) => expect(r.status).toBeLessThan(300));
    await waitFor(
      'the reconciliation to finish',
      async () => {
        const s = (await t.admin('get', `/targets/${targetId}/status`).expect(200)).body as {
          pending: { objects: number };
        };
        return s.pending.objects === 0;
      },
      15_000,
    );

    // What a start on SQLite does to the queue (the leases a killed predecessor left).
    await t.app.get(WorkQueueRepository).releaseAllLeases([targetId]);

    // Scheduled jobs.
    await t.app.get(ScheduledProvisioningService).reevaluateDatedUsers();
    await t.app.get(ScheduledProvisioningService).purgeExpiredLogs();
    await t.app.get(JournalRetentionService).pruneConsumed();

    // The admin API's reads.
    for (const q of [
      `/targets/${targetId}/status`,
      '/targets',
      `/provisioning-logs?targetId=${targetId}`,
      `/provisioning-logs?targetId=${targetId}&action=Create&status=Success`,
      `/provisioning-logs?objectId=${ids[1]}`,
      `/provisioning-logs?targetId=${targetId}&objectId=${ids[1]}`,
      `/provisioning-logs?changeSeq=3`,
      `/provisioning-logs?targetId=${targetId}&requestId=some-request`,
      `/provisioning-logs/export?format=json&targetId=${targetId}&changeSeq=3`,
      `/provisioning-logs/1`,
      '/targets/status',
      '/targets/deliveries',
      `/directory/users/${ids[1]}/history`,
      '/audit',
    ])
      await t.admin('get', q).expect(200);

    // Each statement once, by its text.
    const seen = new Map<string, SentStatement>();
    for (const s of recording.stop()) if (!seen.has(s.sql)) seen.set(s.sql, s);
    const offenders: string[] = [];
    const known = new Set<string>();
    for (const s of seen.values()) {
      const scans = await scansOf(t, s);
      if (scans.length === 0) continue;
      const accepted = KNOWN_COSTS.find((k) => k.statement.test(s.sql));
      if (accepted) known.add(accepted.cost);
      else
        offenders.push(
          `${scans.join('; ')}\n    ${s.sql.replace(/SELECT .* FROM/s, 'SELECT … FROM').slice(0, 600)}`,
        );
    }
    expect(seen.size).toBeGreaterThan(50);
    // The reconciliation compared the target's listing (its statement is among those checked).
    expect([...seen.keys()].some((sql) => /target_object_id IN/.test(sql))).toBe(true);
    expect(offenders).toEqual([]);
    expect([...known].sort()).toEqual(KNOWN_COSTS.map((k) => k.cost).sort());
  });
});
