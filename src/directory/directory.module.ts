import { Module } from '@nestjs/common';
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
    UsersRepository,
    GroupsRepository,
    MembershipsRepository,
    ChangeJournalRepository,
    UsersService,
    GroupsService,
    RetentionService,
    DirectoryJobs,
  ],
  exports: [UsersService, GroupsService, RetentionService],
})
export class DirectoryModule {}
