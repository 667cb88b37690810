import { createConnection, RowDataPacket } from 'mysql2/promise';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import {
  buildGateway,
  ChildDatabase,
  createChildDatabase,
  GatewayChild,
  startGatewayChild,
} from '../support/gateway-child';
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
 * Two gateway processes on one MySQL/MariaDB database share the work through leases: every user is created once,
 * and when one process is killed the other takes its claims over within seconds. It needs a MySQL server, so it is
 * registered only when TEST_DATABASE_URL is set (CI runs the suite on MariaDB too); on SQLite one process owns the
 * database file and the scenario does not exist. The target takes duplicates: a second create would be a second user.
 */
if (serverUrl)
  describe('provisioning: two processes on one MySQL database', () => {
    let target: FakeScimTarget;
    let db: ChildDatabase;
    let gateways: GatewayChild[] = [];

    beforeAll(() => buildGateway(), 120_000);

    beforeEach(async () => {
      target = await startFakeScimTarget({ acceptDuplicates: true });
      db = await createChildDatabase('gw_scale');
      // One after the other: the first applies the migrations.
      gateways = [];
      for (let i = 0; i < 2; i++)
        gateways.push(await startGatewayChild({ ...db.env, DATA_DIR: db.ownDataDir() }));
    }, 60_000);

    afterEach(async () => {
      await Promise.all(gateways.map((g) => g.stop('SIGKILL')));
      await target?.close();
      await db?.drop();
    });

    const registerShared = async () => {
      const reg = await gateways[0].admin('post', '/targets', {
        name: 'shared',
        scope: 'all',
        baseUrl: target.url,
        auth: { type: 'bearer', token: 'tok-0123456789' },
        concurrency: 4,
        requestsPerSecond: 1000,
      });
      expect(reg.status).toBe(201);
      return reg.body.id as string;
    };
    /** Every POST the target saw, whatever it answered, by userName. */
    const postsByUserName = () => {
      const counts = new Map<string, number>();
      for (const r of target.requests)
        if (r.method === 'POST' && r.path === '/Users') {
          const userName = (r.body as { userName: string }).userName;
          counts.set(userName, (counts.get(userName) ?? 0) + 1);
        }
      return counts;
    };

    it('creates every user exactly once while both processes deliver', async () => {
      const targetId = await registerShared();
      const conn = await createConnection(db.env.DATABASE_URL);
      // The pids whose claims were seen in provisioned_object. A claim's token (lease_owner) is the engine's owner,
      // host:pid:random, then `:n`: the pid is the third field from the end.
      const claimedBy = new Set<number>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const [rows] = await conn.query<RowDataPacket[]>(
            'SELECT DISTINCT lease_owner FROM provisioned_object WHERE lease_owner IS NOT NULL',
          );
          for (const r of rows) claimedBy.add(Number((r.lease_owner as string).split(':').at(-3)));
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      try {
        // A slow target keeps each process's claims in flight long enough to be seen.
        target.slow(25);
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
        // A duplicate would be a second delivery of a pending object: once nothing is pending, none can come.
        await waitFor(
          'nothing pending',
          async () => {
            const status = await gateways[1].admin('get', `/targets/${targetId}/status`);
            const pending = status.body.pending as { objects: number; journalRowsNotYetQueued: number };
            return pending.objects === 0 && pending.journalRowsNotYetQueued === 0;
          },
          30_000,
        );
      } finally {
        sampling = false;
        await sampler;
        await conn.end();
      }
      const posts = target.requests.filter((r) => r.method === 'POST' && r.path === '/Users');
      expect(posts).toHaveLength(USERS);
      expect(target.users()).toHaveLength(USERS);
      expect(new Set(target.users().map((u) => u.userName)).size).toBe(USERS);
      // Both processes delivered: each one's claims were seen.
      expect([...claimedBy].sort()).toEqual(gateways.map((g) => g.process.pid).sort());
    }, 120_000);

    it("takes a killed process's claims over within 15 s, and still creates every user once", async () => {
      const targetId = await registerShared();
      const [doomed, survivor] = gateways;
      const conn = await createConnection(db.env.DATABASE_URL);
      try {
        // Slow lookups keep claims held; creates are answered at once, so every POST recorded was acted on.
        target.slow(150, { method: 'GET' });
        const res = await doomed.scim('post', '/Bulk', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: Array.from({ length: USERS }, (_, i) => ({
            method: 'POST',
            path: '/Users',
            bulkId: `u${i}`,
            data: { schemas: USER_SCHEMAS, userName: `takeover${i}@example.com`, active: true },
          })),
        });
        expect(res.status).toBe(200);
        // Rows leased by the doomed process: its owner id is host:pid:random, and each claim's token extends it.
        const ownedByDoomed = `%:${doomed.process.pid}:%`;
        const heldByDoomed = async () => {
          const [rows] = await conn.query<RowDataPacket[]>(
            'SELECT object_id FROM provisioned_object WHERE lease_owner LIKE ?',
            [ownedByDoomed],
          );
          return rows.map((r) => r.object_id as string);
        };
        // Frozen (SIGSTOP) at a moment it holds claims, then killed: what it held then stays leased to it. Checking
        // first and killing after let it finish its batch in between (seen once in CI: nothing held at the kill).
        const pid = doomed.process.pid!;
        let orphans: string[] = [];
        await waitFor('the doomed process frozen while holding claims', async () => {
          process.kill(pid, 'SIGSTOP');
          let frozen = false;
          try {
            orphans = await heldByDoomed();
            frozen = orphans.length >= 8;
            return frozen;
          } finally {
            // Not left stopped by a read that failed or by a wait that gives up.
            if (!frozen) process.kill(pid, 'SIGCONT');
          }
        });
        await doomed.stop('SIGKILL');
        const killedAt = Date.now();
        expect((await heldByDoomed()).sort()).toEqual([...orphans].sort());

        await waitFor(
          'no claim of the killed process left',
          async () => (await heldByDoomed()).length === 0,
          20_000,
        );
        const takeoverMs = Date.now() - killedAt;
        expect(takeoverMs).toBeLessThanOrEqual(15_000);

        await waitFor('every user delivered', () => target.users().length >= USERS, 30_000);
        await waitFor('nothing pending', async () => {
          const status = await survivor.admin('get', `/targets/${targetId}/status`);
          return (status.body.pending as { objects: number }).objects === 0;
        });
        const posts = postsByUserName();
        expect(posts.size).toBe(USERS);
        expect([...posts.values()].every((n) => n === 1)).toBe(true);
        expect(target.users()).toHaveLength(USERS);
      } finally {
        await conn.end();
      }
    }, 90_000);
  });
