import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { ImportJob } from './import-job.entity';
import { ImportJobsRepository } from './import-jobs.repository';
import { ImportsService } from './imports.service';

const LEASE_MS = 30_000;
const POLL_MS = 2_000;
const BATCH = 50;

/**
 * Drains queued /bulkUpload jobs in this process: woken at once by a new job, and polling every few
 * seconds for jobs left by a crashed process or queued by another one. A job is held under a lease
 * (compare-and-set), so several gateway processes on one database never process the same job twice.
 */
@Injectable()
export class ImportWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImportWorker.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly jobs: ImportJobsRepository,
    private readonly imports: ImportsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.draining;
  }

  /** Starts draining unless a drain is already running. */
  wake(): void {
    if (this.draining || this.stopping) return;
    this.draining = this.drainQueue()
      .catch((err: unknown) =>
        this.logger.error({
          msg: 'import worker failed',
          error: err instanceof Error ? err.stack : String(err),
        }),
      )
      .finally(() => (this.draining = undefined));
  }

  /** Processes one job to the end in the caller's time (`?sync=true`), taking it over from the queue. */
  async runJobNow(job: ImportJob): Promise<void> {
    const now = this.clock.now();
    if (!(await this.jobs.claim(job.id, this.owner, now, this.leaseEnd()))) {
      await this.draining; // the background drain took it first: wait for it
      return;
    }
    await this.processJob(job);
  }

  private async drainQueue(): Promise<void> {
    while (!this.stopping) {
      const now = this.clock.now();
      const job = await this.jobs.findClaimable(now);
      if (!job) return;
      if (await this.jobs.claim(job.id, this.owner, now, this.leaseEnd())) await this.processJob(job);
    }
  }

  private async processJob(job: ImportJob): Promise<void> {
    for (;;) {
      const records = await this.jobs.pendingRecords(job.id, BATCH);
      if (records.length === 0) break;
      for (const record of records) {
        if (this.stopping) return; // the lease expires and a restart resumes from this record
        await this.imports.importRecord(job, record);
      }
      if (!(await this.jobs.renew(job.id, this.owner, this.leaseEnd()))) return; // lost the lease: someone else has it
    }
    await this.jobs.finish(job.id, this.owner, this.clock.now());
  }

  private leaseEnd(): Date {
    return new Date(this.clock.now().getTime() + LEASE_MS);
  }
}
