import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DirectoryModule } from '../directory/directory.module';
import { MappingModule } from '../mapping/mapping.module';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { ExpressionsController } from './expressions.controller';
import { MappingsController } from './mappings.controller';
import { ProvisioningLogsController } from './provisioning-logs.controller';
import { SchemasController } from './schemas.controller';
import { TargetsController } from './targets.controller';
import { TokensController } from './tokens.controller';

@Module({
  imports: [AuthModule, DirectoryModule, MappingModule, ProvisioningModule],
  controllers: [
    TokensController,
    MappingsController,
    ExpressionsController,
    TargetsController,
    ProvisioningLogsController,
    SchemasController,
  ],
})
export class AdminModule {}
