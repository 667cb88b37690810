import { AbstractLogger, DataSource, LogLevel, LogMessage } from 'typeorm';
import { MicroBatcher } from './micro-batcher';
import { TransactionRunner } from '../database/transaction-runner';

/** Counts the statements the database saw. */
class StatementCounter extends AbstractLogger {
  inserts = 0;
  override logQuery(query: string): void {
    if (/^INSERT/i.test(query)) this.inserts++;
  }
  protected writeLog(_level: LogLevel, _message: LogMessage | LogMessage[]): void {}
}

describe('MicroBatcher (real SQLite)', () => {
  let dataSource: DataSource;
  let counter: StatementCounter;
  let batcher: MicroBatcher<{ id: number; n: number | null }>;
  const failures: number[] = [];

  beforeEach(async () => {
    counter = new StatementCounter();
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      logging: ['query'],
      logger: counter,
    });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE item (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    const tx = new TransactionRunner(dataSource);
    const insert = (items: { id: number; n: number | null }[]) =>
      tx.run(async (m) => {
        await m.query(
          `INSERT INTO item (id, n) VALUES ${items.map(() => '(?, ?)').join(', ')}`,
          items.flatMap((i) => [i.id, i.n]),
        );
      });
    failures.length = 0;
    batcher = new MicroBatcher(
      insert,
      (item) => insert([item]),
      3,
      (_err, size) => failures.push(size),
    );
    counter.inserts = 0;
  });

  afterEach(() => dataSource.destroy());

  const rows = () => dataSource.query<{ id: number; n: number }[]>('SELECT id, n FROM item ORDER BY id');

  it('writes the items added in one turn of the event loop with one statement per batch of at most maxBatch', async () => {
    await Promise.all([1, 2, 3, 4, 5].map((id) => batcher.add({ id, n: id * 10 })));
    expect(counter.inserts).toBe(2);
    expect(await rows()).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, n: id * 10 })));
    expect(failures).toEqual([]);
  });

  it('writes the good items of a failed batch one by one, and rejects only the bad one', async () => {
    const results = await Promise.allSettled([
      batcher.add({ id: 1, n: 7 }),
      batcher.add({ id: 2, n: null }),
      batcher.add({ id: 3, n: 9 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
    expect(await rows()).toEqual([
      { id: 1, n: 7 },
      { id: 3, n: 9 },
    ]);
    expect(failures).toEqual([3]);
  });

  it('starts a new batch for items added after the previous one was written', async () => {
    await batcher.add({ id: 1, n: 1 });
    await batcher.add({ id: 2, n: 2 });
    expect(counter.inserts).toBe(2);
    expect(await rows()).toHaveLength(2);
  });

  it('answers each item with its own result from the batch, and refuses alone an item answered with an Error', async () => {
    const tx = new TransactionRunner(dataSource);
    const alone: number[] = [];
    // Item 2 is refused by the batch itself (not a failed write): nothing is written again one by one.
    const reading = new MicroBatcher<number, string>(
      (ids) =>
        tx.run(async (m) => {
          await m.query(
            `INSERT INTO item (id, n) VALUES ${ids.map(() => '(?, ?)').join(', ')}`,
            ids.flatMap((id) => [id, id]),
          );
          return ids.map((id) => (id === 2 ? new Error('item 2 refused') : `stored ${id}`));
        }),
      (id) => {
        alone.push(id);
        return Promise.resolve(`alone ${id}`);
      },
      10,
    );
    const results = await Promise.allSettled([1, 2, 3].map((id) => reading.add(id)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 'stored 1' },
      { status: 'rejected', reason: new Error('item 2 refused') },
      { status: 'fulfilled', value: 'stored 3' },
    ]);
    expect(alone).toEqual([]);
    expect(await rows()).toHaveLength(3);
  });

  it('with one write in flight, holds the items added meanwhile and writes them together when it is done', async () => {
    const tx = new TransactionRunner(dataSource);
    const sizes: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const insert = (ids: number[]) =>
      tx.run((m) =>
        m.query(
          `INSERT INTO item (id, n) VALUES ${ids.map(() => '(?, ?)').join(', ')}`,
          ids.flatMap((id) => [id, id]),
        ),
      );
    const bounded = new MicroBatcher<number>(
      async (ids) => {
        sizes.push(ids.length);
        if (sizes.length === 1) await gate; // the first write is slow
        await insert(ids);
      },
      (id) => insert([id]),
      100,
      (_err, size) => failures.push(size),
      1,
    );
    const first = bounded.add(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first write has started
    const later = [2, 3, 4].map((id) => bounded.add(id));
    await new Promise((resolve) => setTimeout(resolve, 20)); // turns of the event loop go by
    for (let id = 5; id <= 6; id++) later.push(bounded.add(id));
    const heldBack = [...sizes];
    release();
    await Promise.all([first, ...later]);
    expect(heldBack).toEqual([1]);
    expect(sizes).toEqual([1, 5]);
    expect(await rows()).toHaveLength(6);
    expect(failures).toEqual([]);
  });
});
