import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isDeadlock } from './db-errors';

const MAX_DEADLOCK_RETRIES = 3;

/**
 * Runs a unit of work in one transaction. SQLite has one connection and one writer, so work is queued
 * here instead of failing with "cannot start a transaction within a transaction"; on MySQL a deadlock
 * victim is retried, since InnoDB rolled it back whole.
 */
@Injectable()
export class TransactionRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly serialize: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.serialize = dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialize) return this.runWithRetry(work);
    const result = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runWithRetry<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (err) {
        if (attempt >= MAX_DEADLOCK_RETRIES || !isDeadlock(err)) throw err;
      }
    }
  }
}
