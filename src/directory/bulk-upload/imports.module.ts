import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory.module';
import { ImportJobsRepository } from './import-jobs.repository';
import { ImportRetentionService } from './import-retention.service';
import { ImportRunner } from './import-runner.service';
import { ImportWorker } from './import-worker';
import { ImportsJobs } from './imports.jobs';
import { ImportsService } from './imports.service';

/** Entra-style asynchronous inbound imports (`/scim/v2/bulkUpload`), written through the directory. */
@Module({
  imports: [DirectoryModule],
  providers: [
    ImportJobsRepository,
    ImportsService,
    ImportWorker,
    ImportRunner,
    ImportRetentionService,
    ImportsJobs,
  ],
  exports: [ImportsService, ImportRunner],
})
export class ImportsModule {}
