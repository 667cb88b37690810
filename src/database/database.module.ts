import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseHealth } from './database-health';
import { createDataSource, type EntityList } from './data-source';
import { JobLeaseRepository } from './job-lease.repository';
import { TransactionRunner } from './transaction-runner';
import { WalCheckpointer } from './wal-checkpointer';

const WAL_CHECKPOINTER = Symbol('WAL_CHECKPOINTER');

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(WAL_CHECKPOINTER) private readonly checkpointer: WalCheckpointer | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Opens the database and applies pending migrations before anything else starts; shares the transaction runner
 * and the job leases (each scheduled job runs once across processes) with every module.
 */
@Module({})
export class DatabaseModule {
  /** Global: every module reads and writes through the one DataSource and transaction runner. */
  static forRoot(entities: EntityList): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: databaseProviders(entities),
      exports: [DataSource, TransactionRunner, JobLeaseRepository, DatabaseHealth],
    };
  }
}

function databaseProviders(entities: EntityList) {
  return [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<DataSource> => {
        const dataSource = createDataSource(config.database, entities);
        await dataSource.initialize();
        if (config.database.migrationsRun) {
          const applied = await dataSource.runMigrations({ transaction: 'each' });
          if (applied.length > 0) {
            new Logger('database').log(`${applied.length} migration(s) applied on ${config.database.engine}`);
          }
        }
        return dataSource;
      },
    },
    {
      // SQLite only: checkpoints in a worker thread, off the event loop (see WalCheckpointer).
      provide: WAL_CHECKPOINTER,
      inject: [APP_CONFIG, DataSource],
      useFactory: (config: AppConfig): Promise<WalCheckpointer | null> | null => {
        if (config.database.engine !== 'sqlite') return null;
        const logger = new Logger('database');
        return WalCheckpointer.start(config.database.sqlitePath, (message) =>
          logger.warn(`background WAL checkpoint failed: ${message}`),
        ).catch((err: unknown) => {
          // Not fatal: the writer then checkpoints itself, at its raised threshold.
          logger.warn(`background WAL checkpoints not started: ${String(err)}`);
          return null;
        });
      },
    },
    TransactionRunner,
    JobLeaseRepository,
    DataSourceCloser,
    DatabaseHealth,
  ];
}
