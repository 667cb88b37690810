import { Injectable } from '@nestjs/common';
import { toDbDateText, fromDbDate } from './db-values';
import { isUniqueViolation } from './db-errors';
import { TransactionRunner } from './transaction-runner';
import { JobLease } from './job-lease.entity';

/** "Run this job once across processes": a conditional update on one row per job wins the run. */
@Injectable()
export class JobLeaseRepository {
  constructor(private readonly tx: TransactionRunner) {}

  /**
   * True when `owner` holds the lease until `until`. `lastRunAt`: where the last completed run of a windowed job
   * ended (`recordRun`), so that a run killed half-way leaves its window to the next one.
   */
  async acquire(
    name: string,
    owner: string,
    now: Date,
    until: Date,
  ): Promise<{ acquired: boolean; lastRunAt: Date | null }> {
    await this.tx
      .run((m) => m.insert(JobLease, { name, owner: null, leaseUntil: null, lastRunAt: null }))
      .catch((err: unknown) => {
        if (!isUniqueViolation(err)) throw err;
      });
    return this.tx.run(async (m) => {
      const [row] = await m.query<{ last_run_at: unknown }[]>(
        'SELECT last_run_at FROM job_lease WHERE name = ?',
        [name],
      );
      const result = (await m.queryRunner!.query(
        'UPDATE job_lease SET owner = ?, lease_until = ? WHERE name = ? AND (lease_until IS NULL OR lease_until < ?)',
        [owner, toDbDateText(until), name, toDbDateText(now)],
        true,
      )) as { affected?: number };
      return {
        acquired: (result.affected ?? 0) > 0,
        lastRunAt: row?.last_run_at == null ? null : fromDbDate(row.last_run_at),
      };
    });
  }

  /** A windowed job's run covered everything up to `at`: the next run starts there. */
  async recordRun(name: string, owner: string, at: Date): Promise<void> {
    await this.tx.run((m) =>
      m.query('UPDATE job_lease SET last_run_at = ? WHERE name = ? AND owner = ?', [
        toDbDateText(at),
        name,
        owner,
      ]),
    );
  }
}
