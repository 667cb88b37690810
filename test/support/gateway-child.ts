import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServerDatabase } from './server-database';
import { ADMIN_TOKEN, SCIM_TOKEN } from './test-app';

const root = path.resolve(__dirname, '../..');

/** Compiles the gateway (as `npm run build`) so that tests can run it as a real process. */
export function buildGateway(): void {
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A database for gateway processes, on the engine under test; every process started with `env` shares it. */
export interface ChildDatabase {
  engine: 'sqlite' | 'mysql';
  /** DATA_DIR (the SQLite file's folder), DATABASE_URL on MySQL, and one SECRET_KEY for every process. */
  env: Record<string, string>;
  /** A DATA_DIR of its own for a second process on the same MySQL database. */
  ownDataDir(): string;
  /** Removes the database and the data folders. */
  drop(): Promise<void>;
}

/**
 * A fresh database like `startTestApp`'s: a temporary SQLite folder, or, when TEST_DATABASE_URL is set (the MariaDB
 * pass), a new database on that server, so that the children run on the engine under test.
 */
export async function createChildDatabase(prefix = 'gw_child'): Promise<ChildDatabase> {
  const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-child-'))];
  const ownDataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-child-'));
    dirs.push(dir);
    return dir;
  };
  const removeDirs = () => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  };
  const env = { DATA_DIR: dirs[0], SECRET_KEY: randomBytes(32).toString('base64') };
  const database = await createServerDatabase(prefix);
  if (!database) return { engine: 'sqlite', env, ownDataDir, drop: () => Promise.resolve(removeDirs()) };
  return {
    engine: 'mysql',
    env: { ...env, DATABASE_URL: database.url },
    ownDataDir,
    drop: async () => {
      await database.drop();
      removeDirs();
    },
  };
}

export interface GatewayChild {
  base: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
  scim(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  admin(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** `node dist/src/main.js` on 127.0.0.1 with the test tokens; resolves once /health/ready answers. */
export async function startGatewayChild(env: Record<string, string>): Promise<GatewayChild> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      BOOTSTRAP_SCIM_TOKEN: SCIM_TOKEN,
      PROVISIONING_POLL_MS: '50',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const call = (token: string, prefix: string) => async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}${prefix}${url}`, {
      method: method.toUpperCase(),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const ready = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('gateway not ready within 30 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    process: child,
    scim: call(SCIM_TOKEN, '/scim/v2'),
    admin: call(ADMIN_TOKEN, '/admin/v1'),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      // A pending timer would keep the test run alive for 10 s after the child has exited.
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
