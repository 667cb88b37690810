import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';
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
