import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { AuthModule } from '../../auth/auth.module';
import { ImportsModule } from '../../directory/bulk-upload/imports.module';
import { DirectoryModule } from '../../directory/directory.module';
import { MappingModule } from '../../mapping/mapping.module';
import { ProvisioningModule } from '../../provisioning/provisioning.module';
import { AssignmentsController } from './assignments.controller';
import { AuditController } from './audit.controller';
import { ImportsController } from './imports.controller';
import { DirectoryHistoryController } from './directory-history.controller';
import { DirectoryBrowser } from './directory-browser.service';
import { DirectoryController } from './directory.controller';
import { ExpressionsController } from './expressions.controller';
import { MappingsController } from './mappings.controller';
import { ProvisioningLogsController } from './provisioning-logs.controller';
import { SchemasController } from './schemas.controller';
import { TargetsController } from './targets.controller';
import { TargetsOverviewController } from './targets-overview.controller';
import { TokensController } from './tokens.controller';
import { OrphansController } from './orphans.controller';

/** The admin REST API on /admin/v1 (admin scope unless a handler says otherwise). */
@Module({
  imports: [AuthModule, DirectoryModule, ImportsModule, MappingModule, ProvisioningModule, AuditModule],
  controllers: [
    TokensController,
    MappingsController,
    ExpressionsController,
    TargetsController,
    TargetsOverviewController,
    ProvisioningLogsController,
    SchemasController,
    ImportsController,
    AssignmentsController,
    AuditController,
    DirectoryHistoryController,
    OrphansController,
    DirectoryController,
  ],
  providers: [DirectoryBrowser],
})
export class AdminModule {}
