import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MappingsRepository } from './mappings.repository';
import { MappingsService } from './mappings.service';

/**
 * Mapping sets per target, validated against the directory's schema (the global SchemaRegistry, by its pure type;
 * the mapping never imports the directory). The provisioning engine uses `compiledFor`.
 */
@Module({
  imports: [AuditModule],
  providers: [MappingsRepository, MappingsService],
  exports: [MappingsService],
})
export class MappingModule {}
