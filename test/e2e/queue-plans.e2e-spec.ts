import { randomUUID } from 'node:crypto';
import { WorkQueueRepository } from '../../src/provisioning/queue/work-queue.repository';
import { startFakeScimTarget, type FakeScimTarget } from '../support/fake-scim-target';
import { enqueueUsers, registerTarget } from '../support/provisioning-helpers';
import { singleStatements, statementsSent, type SentStatement } from '../support/statements';
import { startTestApp, type TestApp } from '../support/test-app';

/** Objects queued for the target; a batch names fewer of them than the target holds, and more than 200. */
const QUEUED = 10000;
const BATCH = 300;

/**
 * The queue's statements that name rows by id (a claim, its read-back, giving a batch back, waking the objects that
 * wait for the ones just created) read those rows and no others, however many ids a batch names. Past 200 ids
 * MariaDB estimates an `IN` list from the index's statistics instead of looking each value up, and chose the queue
 * index (every pending row of the target) for a claim of 224 objects: 10,000 rows read at 10,000 queued, a million
 * at a million. SQLite is checked too: its plan may not read the target's rows by `pending` alone.
 */
describe('queue plans: a batch of ids reads its rows, not the target', () => {
  let t: TestApp;
  let target: FakeScimTarget;
  let targetId: string;
  const ids = Array.from({ length: QUEUED }, () => randomUUID());

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    t = await startTestApp();
    // Assigned-only with nothing assigned, and paused: the engine leaves the rows below to the test.
    targetId = await registerTarget(t, target, { scope: 'assigned' });
    await t.admin('post', `/targets/${targetId}/pause`).expect(200);
    const enqueue = (objectIds: string[]) => enqueueUsers(t, targetId, objectIds);
    // Statistics as a server holds them while an initial sync fills the queue: counted when the target had a few
    // objects (InnoDB recounts in the background, after a tenth of the rows changed). Past 200 ids MariaDB plans an
    // `IN` list by them: a few rows seem cheaper to read than 300 ids, and it read every object of the target (10,000
    // rows a claim of 224 in a 10,000-user assignment). The plans below must not depend on them.
    await enqueue(ids.slice(0, 10));
    if (t.engine !== 'sqlite') {
      await t.dataSource.query('ANALYZE TABLE provisioned_object');
      await t.dataSource.query('ALTER TABLE provisioned_object STATS_AUTO_RECALC = 0');
    }
    await enqueue(ids.slice(10));
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  /** Every statement `work` sends that names rows by id (or asks whether any row waits), with its parameters. */
  const statementsOf = async (work: () => Promise<unknown>): Promise<SentStatement[]> =>
    singleStatements(await statementsSent(t, work)).filter((s) =>
      /\b(object_id IN \(|waiting_for IN \(|waiting_for > |lease_until IS NULL LIMIT)/.test(s.sql),
    );

  /** Each statement reads no more than it names (`tooWide`), shown with its text when it does. */
  const expectNarrow = async (statements: SentStatement[]): Promise<void> => {
    for (const s of statements) {
      const sql = s.sql.replace(/\s+/g, ' ').slice(0, 120);
      expect({ sql, wide: (await planOf(s)).filter(tooWide) }).toEqual({ sql, wide: [] });
    }
  };

  /**
   * What a statement reads: SQLite's plan details; on MariaDB, `table type key rows` per row of `ANALYZE` (which runs
   * the statement again: the claim and its give-back then change nothing, their rows already leased or released), the
   * rows being those it read, not the optimizer's guess from the statistics; MySQL's `EXPLAIN` guess otherwise.
   */
  const planOf = async (s: SentStatement): Promise<string[]> => {
    if (t.engine === 'sqlite') {
      const rows = await t.dataSource.query<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${s.sql}`, s.params);
      return rows.map((r) => r.detail);
    }
    const [{ v }] = await t.dataSource.query<{ v: string }[]>('SELECT VERSION() AS v');
    const mariadb = /mariadb/i.test(v);
    const rows = await t.dataSource.query<Record<string, unknown>[]>(
      `${mariadb ? 'ANALYZE' : 'EXPLAIN'} ${s.sql}`,
      s.params,
    );
    return rows.map(
      (r) => `${String(r.table)} ${String(r.type)} ${String(r.key)} ${String(mariadb ? r.r_rows : r.rows)}`,
    );
  };

  /** A plan line that reads more rows than the statement names, or reads the target's rows by its queue flags. */
  const tooWide = (line: string): boolean => {
    if (t.engine === 'sqlite')
      // A claim's two parts are read as co-routines, each already cut to the batch (`SCAN expired`).
      return (
        /^SCAN\b(?! (expired|unleased)$)/.test(line) || /\(target_id=\?(?: AND pending=\?)?\)$/.test(line)
      );
    return Number(line.split(' ')[3]) > 2 * BATCH;
  };

  it('claims a batch of 300, reads it back and gives it back by the rows it names', async () => {
    const queue = t.app.get(WorkQueueRepository);
    const owner = `test:${randomUUID()}`;
    let claimed = 0;
    const statements = await statementsOf(async () => {
      const rows = await queue.claim(targetId, owner, BATCH, new Date());
      claimed = rows.length;
      await queue.abandon(targetId, rows, owner);
    });
    expect(claimed).toBe(BATCH);
    // The claim's candidates, the claim, its read-back and the abandon.
    expect(statements.length).toBeGreaterThanOrEqual(4);
    await expectNarrow(statements);
  });

  it("finds one of a group's 1,000 missing members still pending by the ids it names, not the target", async () => {
    const queue = t.app.get(WorkQueueRepository);
    // Ids the queue does not hold, then one it holds pending: every chunk is asked.
    const absent = Array.from({ length: 999 }, () => randomUUID());
    let found: string | null = null;
    const statements = await statementsOf(async () => {
      found = await queue.onePending(targetId, [...absent, ids[7]]);
    });
    expect(found).toBe(ids[7]);
    expect(await queue.onePending(targetId, absent)).toBeNull();
    expect(statements).toHaveLength(2);
    await expectNarrow(statements);
  });

  it('wakes the objects waiting for 300 new ones without reading every object of the target', async () => {
    const statements = await statementsOf(() =>
      t.app.get(WorkQueueRepository).wakeWaiting(targetId, ids.slice(0, BATCH), new Date()),
    );
    expect(statements.length).toBeGreaterThanOrEqual(1);
    await expectNarrow(statements);
  });

  it('wakes an object waiting for one of 300 new ones, reading those ids, not the target', async () => {
    // One object waits for a user of the batch, another for one elsewhere (so something still waits after).
    const [woken, stillWaiting] = [ids[QUEUED - 1], ids[QUEUED - 2]];
    const wait = (objectId: string, managerId: string) =>
      t.dataSource.query(
        'UPDATE provisioned_object SET waiting_for = ? WHERE target_id = ? AND object_id = ?',
        [managerId, targetId, objectId],
      );
    await wait(woken, ids[5]);
    await wait(stillWaiting, randomUUID());
    const statements = await statementsOf(() =>
      t.app.get(WorkQueueRepository).wakeWaiting(targetId, ids.slice(0, BATCH), new Date()),
    );
    const rows = await t.dataSource.query<{ object_id: string; waiting_for: string | null }[]>(
      'SELECT object_id, waiting_for FROM provisioned_object WHERE target_id = ? AND object_id IN (?, ?)',
      [targetId, woken, stillWaiting],
    );
    const waitingFor = new Map(rows.map((r) => [r.object_id, r.waiting_for]));
    expect(waitingFor.get(woken)).toBeNull();
    expect(waitingFor.get(stillWaiting)).not.toBeNull();
    // Whether anything waits, then each chunk of the ids: asked, and the one holding a waiter woken.
    expect(statements.length).toBeGreaterThanOrEqual(3);
    await expectNarrow(statements);
  });
});
