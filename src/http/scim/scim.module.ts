import { Module } from '@nestjs/common';
import { ImportsModule } from '../../directory/bulk-upload/imports.module';
import { DirectoryModule } from '../../directory/directory.module';
import { BulkUploadController } from './bulk-upload.controller';
import { BulkController } from './bulk.controller';
import { BulkService } from './bulk.service';
import { DiscoveryController } from './discovery.controller';
import { DiscoveryService } from './discovery.service';
import { GroupsController } from './groups.controller';
import { ListQueryBuilder } from './list-query.builder';
import { ScimGroupsService } from './scim-groups.service';
import { ScimSearchService } from './scim-search.service';
import { ScimUsersService } from './scim-users.service';
import { SearchController } from './search.controller';
import { UsersController } from './users.controller';

/** The inbound SCIM 2.0 surface for HR pushes (RFC 7644), on /scim/v2. */
@Module({
  imports: [DirectoryModule, ImportsModule],
  controllers: [
    UsersController,
    GroupsController,
    SearchController,
    BulkController,
    BulkUploadController,
    DiscoveryController,
  ],
  providers: [
    ListQueryBuilder,
    ScimUsersService,
    ScimGroupsService,
    ScimSearchService,
    DiscoveryService,
    BulkService,
  ],
})
export class ScimModule {}
