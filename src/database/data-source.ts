import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';
import { MYSQL_MIGRATIONS } from './migrations/mysql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

/**
 * The one DataSource definition (STYLE.md §6), used by the app, the CLI (`ormconfig.ts`) and the tests.
 * `synchronize` is off everywhere: migrations are the only way the schema changes. The entities come from the
 * composition root (`app.entities.ts`): the database layer knows no module's tables.
 */
export type EntityList = MixedList<string | EntitySchema | (new () => unknown)>;

export function buildDataSourceOptions(db: DatabaseConfig, entities: EntityList): DataSourceOptions {
  const common = {
    entities,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each' as const,
    logging: false,
  };
  if (db.engine === 'sqlite') {
    fs.mkdirSync(path.dirname(db.sqlitePath), { recursive: true });
    // The database holds token hashes and encrypted target secrets: readable by its owner only, like the key file.
    // SQLite gives its -wal and -shm files the database file's permissions.
    if (db.sqlitePath !== ':memory:') {
      fs.closeSync(fs.openSync(db.sqlitePath, 'a', 0o600));
      fs.chmodSync(db.sqlitePath, 0o600);
    }
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.sqlitePath,
      migrations: SQLITE_MIGRATIONS,
      // WAL lets readers proceed while the single writer commits; a busy timeout instead of SQLITE_BUSY.
      prepareDatabase: (sqlite: { pragma(s: string): unknown }) => {
        sqlite.pragma('journal_mode = WAL');
        sqlite.pragma('synchronous = NORMAL');
        sqlite.pragma('foreign_keys = ON');
        sqlite.pragma('busy_timeout = 5000');
        // Checkpoints run in a worker thread (WalCheckpointer); this connection does them only as a fallback.
        sqlite.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
        if (db.sqliteMmapMb > 0) sqlite.pragma(`mmap_size = ${db.sqliteMmapMb * 1024 * 1024}`);
      },
    };
  }
  const url = new URL(db.url!);
  return {
    ...common,
    type: db.flavor === 'mariadb' ? 'mariadb' : 'mysql',
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    charset: 'utf8mb4_bin',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    // trace: mysql2 would capture a stack trace at every query for its async error messages (7% of the CPU
    // of a filtered GET); errors still carry the server's code and message.
    // multipleStatements: a transaction's statements travel together (StatementPipeline). Every value is bound
    // through `?` placeholders, never spliced into SQL text (the filter compiler's identifiers come from the schema).
    extra: { connectionLimit: 20, trace: false, multipleStatements: true },
    migrations: MYSQL_MIGRATIONS,
  };
}

export function createDataSource(db: DatabaseConfig, entities: EntityList): DataSource {
  return new DataSource(buildDataSourceOptions(db, entities));
}
