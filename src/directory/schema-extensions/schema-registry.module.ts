import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchemaRegistry } from '../../scim-protocol';
import { loadRegisteredExtensions } from './schema-extensions.service';

/**
 * The directory's schema (core, enterprise, Entra and registered extensions), one instance per process. Global so
 * that the surfaces and the mapping resolve attributes against it by its pure type (scim-protocol) without
 * depending on the directory module that fills it.
 */
@Global()
@Module({
  providers: [
    {
      provide: SchemaRegistry,
      inject: [DataSource],
      useFactory: async (dataSource: DataSource) => {
        const registry = new SchemaRegistry();
        await loadRegisteredExtensions(dataSource, registry);
        return registry;
      },
    },
  ],
  exports: [SchemaRegistry],
})
export class SchemaRegistryModule {}
