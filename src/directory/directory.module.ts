import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchemaRegistry } from '../scim/protocol';
import { ChangeJournalRepository } from './change-journal.repository';
import { DirectoryJobs } from './directory.jobs';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';
import { MembershipCoalescer } from './membership-coalescer';
import { MembershipsRepository } from './memberships.repository';
import { RetentionService } from './retention.service';
import { loadRegisteredExtensions, SchemaExtensionsService } from './schema-extensions.service';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** The directory store and its only writer. It never calls provisioning: the journal is the hand-off. */
@Module({
  providers: [
    // The directory's schema (core, enterprise, Entra and registered extensions), shared by every surface.
    {
      provide: SchemaRegistry,
      inject: [DataSource],
      useFactory: async (dataSource: DataSource) => {
        const registry = new SchemaRegistry();
        await loadRegisteredExtensions(dataSource, registry);
        return registry;
      },
    },
    UsersRepository,
    GroupsRepository,
    MembershipsRepository,
    ChangeJournalRepository,
    UsersService,
    GroupsService,
    MembershipCoalescer,
    RetentionService,
    SchemaExtensionsService,
    DirectoryJobs,
  ],
  exports: [SchemaRegistry, SchemaExtensionsService, UsersService, GroupsService, RetentionService],
})
export class DirectoryModule {}
