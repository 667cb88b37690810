import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isDeadlock } from './db-errors';
import { StatementPipeline } from './statement-pipeline';

const MAX_DEADLOCK_RETRIES = 3;

/** Units of work committed together at most on SQLite; the rest go into the next transaction. */
const MAX_GROUP = 64;

interface Queued {
  work: (manager: EntityManager) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Runs a unit of work in one transaction, and settles its promise only once that is committed.
 *
 * On MySQL every unit is its own transaction, sent in as few round trips as its reads allow (`StatementPipeline`),
 * and a deadlock victim is retried, since InnoDB rolled it back whole.
 *
 * SQLite has one connection and one writer, and a commit (the WAL append) costs more than a typical unit of work.
 * So queued units are committed together (group commit), and `runGrouped` waits for the end of the event loop's
 * turn to collect the writes of the requests that arrived in it: one transaction,
 * each unit in a savepoint of its own, run one after another in arrival order. A unit that throws is rolled back
 * to its savepoint and rejected alone; the others commit. Nothing is acknowledged before the COMMIT.
 */
@Injectable()
export class TransactionRunner {
  private readonly grouped: boolean;
  private pending: Queued[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {
    this.grouped = dataSource.options.type === 'better-sqlite3';
  }

  /** Runs `work` as soon as the writer is free (with whatever else is queued by then). */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.enqueue(work, false);
  }

  /**
   * Runs `work` at the end of this turn of the event loop, with the others queued during it: for the writes of
   * inbound requests, which arrive many per turn under load. Background work that batches its own writes (the
   * provisioning engine) uses `run`, whose latency it feels.
   */
  runGrouped<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.enqueue(work, true);
  }

  private enqueue<T>(work: (manager: EntityManager) => Promise<T>, endOfTurn: boolean): Promise<T> {
    if (!this.grouped) return this.runWithRetry(work);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (endOfTurn) this.scheduleFlush();
      else this.flushing = this.flushing.then(() => this.flush());
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushing = this.flushing.then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    const group = this.pending.splice(0, MAX_GROUP);
    if (this.pending.length > 0) this.scheduleFlush();
    if (group.length === 0) return;
    const runner = this.dataSource.createQueryRunner();
    const settle: (() => void)[] = [];
    try {
      await runner.startTransaction();
      for (const unit of group) {
        await runner.startTransaction(); // a savepoint
        try {
          const value = await unit.work(runner.manager);
          await runner.commitTransaction(); // releases the savepoint
          settle.push(() => unit.resolve(value));
        } catch (err) {
          await runner.rollbackTransaction(); // back to the savepoint
          settle.push(() => unit.reject(err));
        }
      }
      await runner.commitTransaction();
    } catch (err) {
      // BEGIN, a savepoint or COMMIT failed: the whole group is undone, whatever depth it was at.
      if (runner.isTransactionActive) await runner.query('ROLLBACK').catch(() => undefined);
      for (const unit of group) unit.reject(err);
      return;
    } finally {
      await runner.release();
    }
    for (const done of settle) done();
  }

  private async runWithRetry<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runPipelined(work);
      } catch (err) {
        if (attempt >= MAX_DEADLOCK_RETRIES || !isDeadlock(err)) throw err;
      }
    }
  }

  private async runPipelined<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const transaction = StatementPipeline.begin(runner);
    try {
      const value = await work(runner.manager);
      await transaction.commit();
      return value;
    } catch (err) {
      await transaction.rollback();
      throw err;
    } finally {
      await runner.release();
    }
  }
}
