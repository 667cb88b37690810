import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { MappingsRepository } from './mappings.repository';
import { MappingsService } from './mappings.service';

/** Mapping sets per target. Reads the directory (schemas, users); the provisioning engine uses `compiledFor`. */
@Module({
  imports: [DirectoryModule],
  providers: [MappingsRepository, MappingsService],
  exports: [MappingsService],
})
export class MappingModule {}
