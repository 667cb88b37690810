import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchemaRegistry } from '../scim-protocol';
import { ChangeJournalRepository } from './journal/change-journal.repository';
import { DirectoryJobs } from './directory.jobs';
import { GroupsRepository } from './groups/groups.repository';
import { GroupsService } from './groups/groups.service';
import { MembershipCoalescer } from './groups/membership-coalescer';
import { MembershipsRepository } from './memberships/memberships.repository';
import { RetentionService } from './retention.service';
import {
  loadRegisteredExtensions,
  SchemaExtensionsService,
} from './schema-extensions/schema-extensions.service';
import { UsersRepository } from './users/users.repository';
import { DirectoryReader } from './readers/directory.reader';
import { UsersService } from './users/users.service';

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
    DirectoryReader,
  ],
  exports: [
    SchemaRegistry,
    SchemaExtensionsService,
    UsersService,
    GroupsService,
    RetentionService,
    DirectoryReader,
  ],
})
export class DirectoryModule {}
