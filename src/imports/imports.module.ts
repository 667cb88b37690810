import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { BulkUploadController } from './bulk-upload.controller';
import { ImportJobsRepository } from './import-jobs.repository';
import { ImportRunner } from './import-runner.service';
import { ImportWorker } from './import-worker';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

/** Entra-style asynchronous inbound imports (`/scim/v2/bulkUpload`), written through the directory. */
@Module({
  imports: [DirectoryModule],
  controllers: [BulkUploadController, ImportsController],
  providers: [ImportJobsRepository, ImportsService, ImportWorker, ImportRunner],
})
export class ImportsModule {}
