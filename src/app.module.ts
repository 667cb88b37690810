import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { Clock } from './common/clock';
import { HttpModule } from './http/http.module';
import { ApiExceptionFilter } from './http/pipeline/api-exception.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ENTITIES } from './app.entities';
import { DatabaseModule } from './database/database.module';

/** Composition root: infrastructure, then the feature modules. No providers of its own but the error filter. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        DatabaseModule.forRoot(ENTITIES),
        ScheduleModule.forRoot(),
        // The surfaces bring in the feature modules they serve (auth, directory, mapping, provisioning).
        HttpModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
