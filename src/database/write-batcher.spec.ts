import { AbstractLogger, DataSource, LogLevel, LogMessage } from 'typeorm';
import { TransactionRunner } from './transaction-runner';
import { WriteBatcher } from './write-batcher';

/** Counts the transactions the database saw. */
class TransactionCounter extends AbstractLogger {
  begins = 0;
  override logQuery(query: string): void {
    if (/^(BEGIN|START TRANSACTION)/i.test(query)) this.begins++;
  }
  protected writeLog(_level: LogLevel, _message: LogMessage | LogMessage[]): void {}
}

describe('WriteBatcher (real SQLite)', () => {
  let dataSource: DataSource;
  let counter: TransactionCounter;
  let batcher: WriteBatcher;

  beforeEach(async () => {
    counter = new TransactionCounter();
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      logging: ['query'],
      logger: counter,
    });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE item (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    await dataSource.query('INSERT INTO item (id, n) VALUES (1, 0), (2, 0), (3, 0)');
    batcher = new WriteBatcher(new TransactionRunner(dataSource));
    counter.begins = 0;
  });

  afterEach(() => dataSource.destroy());

  it('runs writes issued in one turn of the event loop in one transaction, each with its own count', async () => {
    const counts = await Promise.all([
      batcher.write('UPDATE item SET n = n + 1 WHERE id = ?', [1]),
      batcher.write('UPDATE item SET n = n + 1 WHERE id IN (?, ?)', [2, 3]),
      batcher.write('UPDATE item SET n = n + 1 WHERE id = ?', [42]),
    ]);
    expect(counts).toEqual([1, 2, 0]);
    expect(counter.begins).toBe(1);
    expect(await dataSource.query('SELECT id, n FROM item ORDER BY id')).toEqual([
      { id: 1, n: 1 },
      { id: 2, n: 1 },
      { id: 3, n: 1 },
    ]);
  });

  it('keeps the good writes of a batch when one of them fails, and rejects only that one', async () => {
    const results = await Promise.allSettled([
      batcher.write('UPDATE item SET n = 7 WHERE id = ?', [1]),
      batcher.write('UPDATE item SET n = NULL WHERE id = ?', [2]),
      batcher.write('UPDATE item SET n = 9 WHERE id = ?', [3]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
    expect(await dataSource.query('SELECT id, n FROM item ORDER BY id')).toEqual([
      { id: 1, n: 7 },
      { id: 2, n: 0 },
      { id: 3, n: 9 },
    ]);
  });

  it('starts a new batch for writes issued after the previous one was sent', async () => {
    await batcher.write('UPDATE item SET n = 1 WHERE id = ?', [1]);
    await batcher.write('UPDATE item SET n = 2 WHERE id = ?', [1]);
    expect(counter.begins).toBe(2);
    expect(await dataSource.query('SELECT n FROM item WHERE id = 1')).toEqual([{ n: 2 }]);
  });
});
