import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { LogEntryInput, ProvisioningLogRepository } from './provisioning-log.repository';

const FLUSH_MS = 100;
const FLUSH_AT = 200;

/**
 * Log entries are written as the work happens, in small batches (at most 100 ms late), so that an initial sync
 * of 100,000 objects does not pay one insert per object. `flush()` is awaited by on-demand runs.
 */
@Injectable()
export class ProvisioningLogWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('provisioning-log');
  private buffer: LogEntryInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly logs: ProvisioningLogRepository) {}

  record(entry: LogEntryInput): void {
    this.buffer.push(entry);
    if (this.buffer.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.logs.append(batch);
      } catch (err) {
        this.logger.error({
          msg: 'provisioning log write failed',
          entries: batch.length,
          error: String(err),
        });
      }
    });
    return this.writing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
