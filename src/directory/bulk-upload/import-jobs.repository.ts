import { chunks } from '../../common/chunks';
import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { select } from '../../database/sql';
import { TransactionRunner } from '../../database/transaction-runner';
import { ImportJob } from './import-job.entity';
import { ImportRecord, ImportRecordStatus } from './import-record.entity';
import { PendingManagerReference } from './pending-manager.entity';

@Injectable()
export class ImportJobsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  async insertJob(manager: EntityManager, job: ImportJob, records: ImportRecord[]): Promise<void> {
    await manager.insert(ImportJob, job);
    for (const chunk of chunks(records, 200)) await manager.insert(ImportRecord, chunk);
  }

  findJob(id: string): Promise<ImportJob | null> {
    return this.dataSource.manager.findOneBy(ImportJob, { id });
  }

  /** The newest jobs, or the newest a token submitted. */
  listJobs(limit: number, submittedByTokenId?: string): Promise<ImportJob[]> {
    return this.dataSource.manager.find(ImportJob, {
      where: submittedByTokenId === undefined ? {} : { submittedByTokenId },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  listRecords(jobId: string): Promise<ImportRecord[]> {
    return this.dataSource.manager.find(ImportRecord, {
      select: {
        jobId: true,
        seq: true,
        bulkId: true,
        matchValue: true,
        status: true,
        reason: true,
        userId: true,
        processedAt: true,
      },
      where: { jobId },
      order: { seq: 'ASC' },
    });
  }

  /** The oldest unfinished job whose lease is free or expired, or null. */
  async findClaimable(now: Date): Promise<ImportJob | null> {
    return this.dataSource.manager
      .createQueryBuilder(ImportJob, 'j')
      .where('j.status IN (:...statuses)', { statuses: ['queued', 'running'] })
      .andWhere(
        new Brackets((qb) => qb.where('j.lease_until IS NULL').orWhere('j.lease_until < :now', { now })),
      )
      .orderBy('j.created_at', 'ASC')
      .getOne();
  }

  /** Compare-and-set claim: true when this process now holds the job until `until`. */
  async claim(jobId: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(ImportJob)
      .set({
        status: 'running',
        leaseOwner: owner,
        leaseUntil: until,
        startedAt: () => 'COALESCE(started_at, :now)',
      })
      .where('id = :jobId AND status IN (:...statuses)', { jobId, statuses: ['queued', 'running'] })
      .andWhere(new Brackets((qb) => qb.where('lease_until IS NULL').orWhere('lease_until < :now')))
      .setParameters({ now })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async renew(jobId: string, owner: string, until: Date): Promise<boolean> {
    const result = await this.dataSource.manager.update(
      ImportJob,
      { id: jobId, leaseOwner: owner },
      { leaseUntil: until },
    );
    return (result.affected ?? 0) === 1;
  }

  async finish(jobId: string, owner: string, at: Date): Promise<void> {
    await this.dataSource.manager.update(
      ImportJob,
      { id: jobId, leaseOwner: owner },
      { status: 'completed', finishedAt: at, leaseOwner: null, leaseUntil: null },
    );
  }

  pendingRecords(jobId: string, limit: number): Promise<ImportRecord[]> {
    return this.dataSource.manager.find(ImportRecord, {
      where: { jobId, status: 'pending' },
      order: { seq: 'ASC' },
      take: limit,
    });
  }

  async completeRecord(
    record: ImportRecord,
    outcome: {
      status: Exclude<ImportRecordStatus, 'pending'>;
      reason?: string;
      userId?: string;
      matchValue?: string;
    },
    at: Date,
  ): Promise<void> {
    await this.dataSource.manager.update(
      ImportRecord,
      { jobId: record.jobId, seq: record.seq },
      {
        status: outcome.status,
        reason: outcome.reason?.slice(0, 1000) ?? null,
        userId: outcome.userId ?? null,
        matchValue: outcome.matchValue?.slice(0, 255) ?? record.matchValue,
        payload: null,
        processedAt: at,
      },
    );
  }

  async setPendingManager(userId: string, managerKey: string, at: Date): Promise<void> {
    await this.dataSource.manager.delete(PendingManagerReference, { userId });
    await this.dataSource.manager.insert(PendingManagerReference, { userId, managerKey, createdAt: at });
  }

  async clearPendingManager(userId: string): Promise<void> {
    await this.dataSource.manager.delete(PendingManagerReference, { userId });
  }

  pendingManagersOf(managerKey: string): Promise<PendingManagerReference[]> {
    return this.dataSource.manager.find(PendingManagerReference, { where: { managerKey } });
  }

  async deletePendingManagers(userIds: string[]): Promise<void> {
    if (userIds.length > 0)
      await this.dataSource.manager.delete(PendingManagerReference, { userId: In(userIds) });
  }

  /**
   * Up to `limit` jobs finished before `before` (whatever they ended as: only queued and running jobs have no
   * `finished_at`), with their records, in one transaction; the retention job calls it until it returns 0.
   */
  async purgeFinished(before: Date, limit: number): Promise<number> {
    return this.tx.run(async (manager) => {
      const old = await select<{ id: string }>(
        manager,
        "SELECT id FROM import_job WHERE status NOT IN ('queued', 'running') AND finished_at < ? AND lease_owner IS NULL ORDER BY finished_at LIMIT ?",
        [before, limit],
      );
      if (old.length === 0) return 0;
      const ids = old.map((j) => j.id);
      await manager.delete(ImportRecord, { jobId: In(ids) });
      await manager.delete(ImportJob, { id: In(ids) });
      return ids.length;
    });
  }
}
