import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DirectoryJobs } from './directory.jobs';
import { GroupsRepository } from './groups/groups.repository';
import { GroupsService } from './groups/groups.service';
import { MembershipCoalescer } from './groups/membership-coalescer';
import { JournalPruner } from './journal/journal.pruner';
import { JournalReader } from './journal/journal.reader';
import { DirectoryHistoryReader } from './journal/history.reader';
import { JournalWriter } from './journal/journal.writer';
import { SoftDeleteService } from './lifecycle/soft-delete.service';
import { ListQueryCompiler } from './list/list-query.compiler';
import { LiveCounts } from './list/live-counts';
import { MembershipsRepository } from './memberships/memberships.repository';
import { DirectoryReader } from './readers/directory.reader';
import { DirectoryBrowseReader } from './readers/directory-browse.reader';
import { RetentionService } from './lifecycle/retention.service';
import { SchemaExtensionsService } from './schema-extensions/schema-extensions.service';
import { SchemaRegistryModule } from './schema-extensions/schema-registry.module';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

/**
 * The directory store and its only writer, and the only code that names its tables. It never calls provisioning:
 * the journal is the hand-off. Others read it through the services (live objects, for the surfaces) and the
 * readers (the journal from a cursor; objects with soft-deleted ones, members and walks, for provisioning).
 */
@Module({
  imports: [SchemaRegistryModule, AuditModule],
  providers: [
    UsersRepository,
    GroupsRepository,
    MembershipsRepository,
    JournalWriter,
    JournalReader,
    JournalPruner,
    DirectoryHistoryReader,
    ListQueryCompiler,
    LiveCounts,
    UsersService,
    GroupsService,
    MembershipCoalescer,
    RetentionService,
    SchemaExtensionsService,
    DirectoryJobs,
    DirectoryReader,
    DirectoryBrowseReader,
    SoftDeleteService,
  ],
  exports: [
    SchemaRegistryModule,
    SchemaExtensionsService,
    UsersService,
    GroupsService,
    RetentionService,
    JournalReader,
    JournalPruner,
    DirectoryHistoryReader,
    DirectoryReader,
    DirectoryBrowseReader,
  ],
})
export class DirectoryModule {}
