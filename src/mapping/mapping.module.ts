import { Module } from '@nestjs/common';
import { MappingsRepository } from './mappings.repository';
import { MappingsService } from './mappings.service';

/**
 * Mapping sets per target, validated against the directory's schema (the global SchemaRegistry, by its pure type;
 * the mapping never imports the directory). The provisioning engine uses `compiledFor`.
 */
@Module({
  providers: [MappingsRepository, MappingsService],
  exports: [MappingsService],
})
export class MappingModule {}
