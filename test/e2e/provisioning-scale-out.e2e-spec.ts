import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { buildGateway, GatewayChild, startGatewayChild } from '../support/gateway-child';
import { USER_SCHEMAS, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';
import { JobLeaseRepository } from '../../src/database/job-lease.repository';

const USERS = 120;
const serverUrl = process.env.TEST_DATABASE_URL;

/** Scheduled jobs run once across processes: one lease row per job, taken by a conditional update. */
describe('provisioning: job leases', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lets one owner run a job until its lease expires, and hands on where the last finished run ended', async () => {
    const leases = t.app.get(JobLeaseRepository);
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    expect((await leases.acquire('test-job', 'process-a', now, until)).acquired).toBe(true);
    expect((await leases.acquire('test-job', 'process-b', now, until)).acquired).toBe(false);
    await leases.recordRun('test-job', 'process-a', now);
    const later = new Date(now.getTime() + 61_000);
    const taken = await leases.acquire('test-job', 'process-b', later, new Date(later.getTime() + 60_000));
    expect(taken).toMatchObject({ acquired: true });
    expect(taken.lastRunAt?.getTime()).toBe(now.getTime());
    // process-b dies before finishing: the next owner starts where process-a ended, not where b started.
    const after = new Date(later.getTime() + 61_000);
    const next = await leases.acquire('test-job', 'process-c', after, new Date(after.getTime() + 60_000));
    expect(next).toMatchObject({ acquired: true });
    expect(next.lastRunAt?.getTime()).toBe(now.getTime());
    // A late recordRun from a process that lost the lease changes nothing.
    await leases.recordRun('test-job', 'process-b', later);
    expect(
      (
        await leases.acquire('test-job', 'process-d', new Date(after.getTime() + 61_000), until)
      ).lastRunAt?.getTime(),
    ).toBe(now.getTime());
  });
});

/**
 * Two gateway processes on one MySQL/MariaDB database share the work through leases: every user is created once.
 * It needs a MySQL server, so it is registered only when TEST_DATABASE_URL is set (CI runs the suite on MariaDB
 * too); on SQLite one process owns the database file and the scenario does not exist.
 */
if (serverUrl)
  describe('provisioning: two processes on one MySQL database', () => {
    let target: FakeScimTarget;
    const gateways: GatewayChild[] = [];
    const name = `gw_scale_${randomBytes(4).toString('hex')}`;
    const dataDirs: string[] = [];
    const admin = () => {
      const u = new URL(serverUrl);
      return createConnection({
        host: u.hostname,
        port: Number(u.port || 3306),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
      });
    };

    beforeAll(async () => {
      buildGateway();
      target = await startFakeScimTarget();
      const conn = await admin();
      await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      await conn.end();
    }, 120_000);

    afterAll(async () => {
      await Promise.all(gateways.map((g) => g.stop()));
      await target?.close();
      const conn = await admin();
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
      for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it('creates every user exactly once while both processes deliver', async () => {
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const secretKey = randomBytes(32).toString('base64');
      for (let i = 0; i < 2; i++) {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-scale-'));
        dataDirs.push(dataDir);
        // One after the other: the first applies the migrations.
        gateways.push(
          await startGatewayChild({ DATA_DIR: dataDir, DATABASE_URL: url.toString(), SECRET_KEY: secretKey }),
        );
      }
      const reg = await gateways[0].admin('post', '/targets', {
        name: 'shared',
        scope: 'all',
        baseUrl: target.url,
        auth: { type: 'bearer', token: 'tok-0123456789' },
        concurrency: 4,
        requestsPerSecond: 1000,
      });
      expect(reg.status).toBe(201);
      target.slow(5);
      await Promise.all(
        Array.from({ length: USERS }, async (_, i) => {
          const res = await gateways[i % 2].scim('post', '/Users', {
            schemas: USER_SCHEMAS,
            userName: `scale${i}@example.com`,
            active: true,
          });
          expect(res.status).toBe(201);
        }),
      );
      await waitFor('every user delivered', () => target.users().length === USERS, 60_000);
      await new Promise((r) => setTimeout(r, 500));
      const posts = target.requests.filter((r) => r.method === 'POST' && r.path === '/Users');
      expect(posts).toHaveLength(USERS);
      expect(new Set(target.users().map((u) => u.userName)).size).toBe(USERS);
      // Both processes took part: each one's status endpoint reads the shared state.
      const status = await gateways[1].admin('get', `/targets/${reg.body.id as string}/status`);
      expect(status.body.pending).toMatchObject({ objects: 0 });
    }, 120_000);
  });
