import { Module } from '@nestjs/common';
import { SchemaRegistry } from '../scim/protocol';
import { ChangeJournalRepository } from './change-journal.repository';
import { DirectoryJobs } from './directory.jobs';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';
import { MembershipsRepository } from './memberships.repository';
import { RetentionService } from './retention.service';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** The directory store and its only writer. It never calls provisioning: the journal is the hand-off. */
@Module({
  providers: [
    // The directory's schema (core, enterprise, Entra and registered extensions), shared by every surface.
    { provide: SchemaRegistry, useFactory: () => new SchemaRegistry() },
    UsersRepository,
    GroupsRepository,
    MembershipsRepository,
    ChangeJournalRepository,
    UsersService,
    GroupsService,
    RetentionService,
    DirectoryJobs,
  ],
  exports: [SchemaRegistry, UsersService, GroupsService, RetentionService],
})
export class DirectoryModule {}
