import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
export const ADMIN_TOKEN = 'browser-admin-token-0123456789abcdef';
export const SCIM_TOKEN = 'browser-scim-token-0123456789abcdef';

export interface Gateway {
  base: string;
  admin<T = Record<string, unknown>>(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  scim<T = Record<string, unknown>>(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * `node dist/src/main.js` (the build `npm run test:browser` makes first) on 127.0.0.1, a fresh SQLite DATA_DIR,
 * the test tokens, and `env` over them; resolves once /health/ready answers.
 */
export async function startGateway(env: Record<string, string> = {}): Promise<Gateway> {
  for (const built of ['dist/src/main.js', 'dist/console/index.html'])
    if (!fs.existsSync(path.join(root, built)))
      throw new Error(`${built} is missing: run \`npm run build\` (npm run test:browser does) first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-console-gw-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SECRET_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'error',
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      BOOTSTRAP_SCIM_TOKEN: SCIM_TOKEN,
      PROVISIONING_POLL_MS: '50',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const call =
    (token: string, prefix: string) =>
    async <T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${base}${prefix}${url}`, {
        method: method.toUpperCase(),
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    const ready = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the gateway was not ready within 30 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    admin: call(ADMIN_TOKEN, '/admin/v1'),
    scim: call(SCIM_TOKEN, '/scim/v2'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
