import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AbstractLogger, DataSource, LogLevel, LogMessage } from 'typeorm';
import { TransactionRunner } from './transaction-runner';

/** Counts the COMMITs the database saw. */
class CommitCounter extends AbstractLogger {
  commits = 0;
  override logQuery(query: string): void {
    if (/^COMMIT/i.test(query)) this.commits++;
  }
  protected writeLog(_level: LogLevel, _message: LogMessage | LogMessage[]): void {}
}

/** Group commit on a real SQLite file, watched from a second connection as another process would see it. */
describe('TransactionRunner on SQLite (real file)', () => {
  let dir: string;
  let dataSource: DataSource;
  let observer: Database.Database;
  let tx: TransactionRunner;
  let counter: CommitCounter;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tx-runner-'));
    counter = new CommitCounter();
    const file = join(dir, 'db.sqlite');
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: file,
      prepareDatabase: (db: Database.Database) => {
        db.pragma('journal_mode = WAL');
        db.pragma('foreign_keys = ON');
      },
      logging: ['query'],
      logger: counter,
    });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE)');
    observer = new Database(file, { readonly: true });
    tx = new TransactionRunner(dataSource);
  });

  afterEach(async () => {
    observer.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const commits = () => counter.commits;
  const seen = () =>
    (observer.prepare('SELECT label FROM item ORDER BY id').all() as { label: string }[]).map((r) => r.label);
  const insert = (id: number, label: string) =>
    tx.runGrouped(async (m) => {
      await m.query('INSERT INTO item (id, label) VALUES (?, ?)', [id, label]);
      return id;
    });

  it('commits the units queued in one turn as one transaction, in order', async () => {
    const before = commits();
    const ids = await Promise.all([1, 2, 3, 4, 5].map((i) => insert(i, `item-${i}`)));
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect(commits() - before).toBe(1);
    expect(seen()).toEqual(['item-1', 'item-2', 'item-3', 'item-4', 'item-5']);
  });

  it('settles a unit only once its work is committed and visible to another connection', async () => {
    const visibleWhenSettled = await Promise.all(
      [1, 2, 3].map((i) => insert(i, `item-${i}`).then(() => seen().includes(`item-${i}`))),
    );
    expect(visibleWhenSettled).toEqual([true, true, true]);
  });

  it('rolls back a failing unit alone, to its savepoint; the rest of the group commits', async () => {
    const results = await Promise.allSettled([
      insert(1, 'a'),
      tx.runGrouped(async (m) => {
        await m.query('INSERT INTO item (id, label) VALUES (?, ?)', [2, 'b']);
        await m.query('INSERT INTO item (id, label) VALUES (?, ?)', [3, 'a']); // duplicate label
      }),
      insert(4, 'c'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    // The failed unit's first insert (id 2) is gone with it.
    expect(seen()).toEqual(['a', 'c']);
  });

  it('sees the writes of earlier units of the same group', async () => {
    const [, count] = await Promise.all([
      insert(1, 'first'),
      tx.runGrouped(async (m) =>
        Number((await m.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM item'))[0].n),
      ),
    ]);
    expect(count).toBe(1);
  });

  it('runs a unit queued while a group is being written in the next transaction', async () => {
    const before = commits();
    let late: Promise<number> | undefined;
    await Promise.all([
      tx.runGrouped(async (m) => {
        await m.query('INSERT INTO item (id, label) VALUES (1, ?)', ['early']);
        late = insert(2, 'late');
      }),
    ]);
    await late;
    expect(commits() - before).toBe(2);
    expect(seen()).toEqual(['early', 'late']);
  });

  it('commits `run` without waiting for the end of the turn, and `runGrouped` at its end', async () => {
    let turnEnded = false;
    setImmediate(() => (turnEnded = true));
    await tx.run(async (m) => m.query('INSERT INTO item (id, label) VALUES (1, ?)', ['now']));
    expect(turnEnded).toBe(false);
    await insert(2, 'later');
    expect(turnEnded).toBe(true);
    expect(seen()).toEqual(['now', 'later']);
  });

  it('groups the units queued together by `run` too', async () => {
    const before = commits();
    await Promise.all(
      [1, 2, 3].map((i) =>
        tx.run(async (m) => m.query('INSERT INTO item (id, label) VALUES (?, ?)', [i, `r${i}`])),
      ),
    );
    expect(commits() - before).toBe(1);
  });

  it('rejects the whole group and keeps none of it when the COMMIT itself fails', async () => {
    // A deferred foreign key is checked at COMMIT, so the units succeed and the group's COMMIT does not.
    await dataSource.query(
      'CREATE TABLE child (id INTEGER PRIMARY KEY, item_id INTEGER REFERENCES item (id) DEFERRABLE INITIALLY DEFERRED)',
    );
    const results = await Promise.allSettled([
      insert(1, 'kept-if-committed'),
      tx.runGrouped(async (m) => m.query('INSERT INTO child (id, item_id) VALUES (1, 999)')),
      insert(2, 'also-kept-if-committed'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(seen()).toEqual([]);
    // The writer is usable again afterwards.
    await insert(3, 'after');
    expect(seen()).toEqual(['after']);
  });
});
