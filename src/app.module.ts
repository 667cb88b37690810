import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { Clock } from './common/clock';
import { ApiExceptionFilter } from './common/http/api-exception.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DirectoryModule } from './directory/directory.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './imports/imports.module';
import { MappingModule } from './mapping/mapping.module';
import { ProvisioningModule } from './provisioning/provisioning.module';
import { ScimModule } from './scim/scim.module';

/** Composition root: infrastructure, then the feature modules. No providers of its own but the error filter. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        DatabaseModule,
        ScheduleModule.forRoot(),
        AuthModule,
        DirectoryModule,
        ScimModule,
        ImportsModule,
        MappingModule,
        ProvisioningModule,
        AdminModule,
        HealthModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
