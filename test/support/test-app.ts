import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.setup';
import { Clock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { createServerDatabase } from './server-database';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const SCIM_TOKEN = 'test-scim-token-0123456789abcdef';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  dataSource: DataSource;
  engine: 'sqlite' | 'mysql';
  scim: (method: 'get' | 'post' | 'put' | 'patch' | 'delete', url: string) => request.Test;
  admin: (method: 'get' | 'post' | 'put' | 'patch' | 'delete', url: string) => request.Test;
  /**
   * Stops the app and starts a new one on the same database (what a process restart sees); `env` changes settings
   * for the new one (a new SECRET_KEY, say).
   */
  restart: (env?: Record<string, string>) => Promise<TestApp>;
  close: () => Promise<void>;
}

const silent: LoggerService = { log() {}, error() {}, warn() {}, debug() {}, verbose() {}, fatal() {} };

/**
 * The production app (createApp → configureApp) on a fresh database: a temporary SQLite file, or, when
 * TEST_DATABASE_URL is set (mysql:// or mariadb://), a fresh database on that server, dropped at close.
 */
export async function startTestApp(
  options: { env?: Record<string, string>; clock?: Clock } = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-test-'));
  const database = await createServerDatabase(`gw_test_${process.pid}`);
  const databaseUrl = database?.url;
  const dropDatabase = async () => database?.drop();
  const env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    JOBS_ENABLED: 'false',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    BOOTSTRAP_SCIM_TOKEN: SCIM_TOKEN,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const cleanup = async () => {
    await dropDatabase();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return open(env, options.clock, cleanup);
}

async function open(
  env: Record<string, string>,
  clock: Clock | undefined,
  cleanup: () => Promise<void>,
): Promise<TestApp> {
  const config = loadConfig(env);
  const app = await createApp(config, { clock, logger: silent });
  await app.init();
  // Fastify registers its plugins (Swagger's static files among them) and routes on ready.
  await app.getHttpAdapter().getInstance().ready();
  const http = request(app.getHttpServer());
  const dataSource = app.get(DataSource);
  return {
    app,
    http,
    dataSource,
    engine: config.database.engine,
    scim: (method, url) => http[method](`/scim/v2${url}`).set('Authorization', `Bearer ${SCIM_TOKEN}`),
    admin: (method, url) => http[method](`/admin/v1${url}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`),
    restart: async (changes = {}) => {
      await app.close();
      return open({ ...env, ...changes }, clock, cleanup);
    },
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}

/** RFC sample payloads and other public test vectors (test/fixtures, each set with its licence). */
export function testData<T = Record<string, unknown>>(relative: string): T {
  const file = path.resolve(__dirname, '../fixtures', relative);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Rows of the change journal, oldest first. */
export async function journal(
  dataSource: DataSource,
): Promise<{ object_type: string; object_id: string; kind: string; request_id: string | null }[]> {
  return dataSource.query(
    'SELECT object_type, object_id, kind, request_id FROM directory_change ORDER BY seq',
  );
}
