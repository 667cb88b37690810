import { DataSource, EntityManager } from 'typeorm';
import { executeDeferred, select, selectDeferred } from '../../src/database/sql';
import { StatementPipeline } from '../../src/database/statement-pipeline';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { isUniqueViolation } from '../../src/database/db-errors';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../../src/common/errors';
import { UsersService } from '../../src/directory/users/users.service';
import { readFileSync } from 'node:fs';
import { AppConfig } from '../../src/config/app-config';
import { APP_CONFIG } from '../../src/config/config.module';
import { journal, startTestApp, TestApp } from '../support/test-app';
import type { Actor } from '../../src/common/request-context';

const TEST_ACTOR: Actor = { kind: 'token', id: 'test-token', name: 'test' };

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const onMySql = Boolean(process.env.TEST_DATABASE_URL);

/**
 * Write transactions on the engine under test: deferred writes and reads (sent with the COMMIT on MySQL, run at
 * once on SQLite) keep every unit whole, and a user written by concurrent requests loses none of them.
 */
describe('transactions', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let tx: TransactionRunner;

  beforeAll(async () => {
    t = await startTestApp();
    dataSource = t.app.get(DataSource);
    tx = t.app.get(TransactionRunner);
    await dataSource.query(
      'CREATE TABLE scratch_item (id INT PRIMARY KEY, label VARCHAR(50) NOT NULL UNIQUE)',
    );
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await dataSource.query('DELETE FROM scratch_item');
  });

  const labels = async () =>
    (await dataSource.query<{ label: string }[]>('SELECT label FROM scratch_item ORDER BY id')).map(
      (r) => r.label,
    );
  const put = (m: EntityManager, id: number, label: string) =>
    executeDeferred(m, 'INSERT INTO scratch_item (id, label) VALUES (?, ?)', [id, label]);
  const readAll = (m: EntityManager) =>
    selectDeferred(m, 'SELECT label FROM scratch_item ORDER BY id', [], (rows: { label: string }[]) =>
      rows.map((r) => r.label),
    );

  it('commits deferred writes, and answers a deferred read with them once committed', async () => {
    const { before, after } = await tx.run(async (m) => {
      const rows = await select<{ label: string }>(m, 'SELECT label FROM scratch_item', []);
      await put(m, 1, 'a');
      await put(m, 2, 'b');
      return { before: rows.length, after: readAll(m) };
    });
    expect(before).toBe(0);
    expect(await after).toEqual(['a', 'b']);
    expect(await labels()).toEqual(['a', 'b']);
  });

  it('answers a deferred read awaited inside the unit, with the writes before it', async () => {
    const seen = await tx.run(async (m) => {
      await put(m, 1, 'a');
      const inside = await readAll(m);
      await put(m, 2, 'b');
      return inside;
    });
    expect(seen).toEqual(['a']);
    expect(await labels()).toEqual(['a', 'b']);
  });

  it('rolls the whole unit back when a deferred write fails, and rejects its deferred read', async () => {
    await tx.run((m) => put(m, 1, 'taken'));
    let pendingRead: PromiseLike<string[]> | undefined;
    const outcome = await tx
      .run(async (m) => {
        await put(m, 2, 'fresh');
        await put(m, 3, 'taken'); // duplicate label: fails at the commit on MySQL, at once on SQLite
        pendingRead = readAll(m);
        return pendingRead;
      })
      .then(
        () => 'committed',
        (err: unknown) => (isUniqueViolation(err) ? 'unique violation' : String(err)),
      );
    expect(outcome).toBe('unique violation');
    if (onMySql) {
      // Deferred: the duplicate went out with the read, and the read is refused with the unit's unique violation.
      expect(pendingRead).toBeDefined();
      const read = await Promise.resolve(pendingRead!).then(
        (rows) => ({ answered: rows }),
        (err: unknown) => err,
      );
      expect(isUniqueViolation(read)).toBe(true);
    } else {
      // SQLite runs each write at once: the duplicate threw before the read was asked for.
      expect(pendingRead).toBeUndefined();
    }
    expect(await labels()).toEqual(['taken']);
    // The connection went back to the pool clean: the next unit commits normally.
    await tx.run((m) => put(m, 4, 'after'));
    expect(await labels()).toEqual(['taken', 'after']);
  });

  it('rolls back what a unit wrote before it threw', async () => {
    await expect(
      tx.run(async (m) => {
        await put(m, 1, 'a');
        await select(m, 'SELECT COUNT(*) AS n FROM scratch_item', []);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await labels()).toEqual([]);
  });

  if (onMySql)
    it('sends BEGIN with the first statement and deferred statements with the COMMIT (MySQL)', async () => {
      const runner = dataSource.createQueryRunner();
      const sent: string[] = [];
      const send = runner.query.bind(runner) as (
        sql: string,
        params?: unknown[],
        structured?: boolean,
      ) => unknown;
      runner.query = ((sql: string, params?: unknown[], structured?: boolean) => {
        sent.push(sql);
        return send(sql, params, structured);
      }) as typeof runner.query;
      try {
        const transaction = StatementPipeline.begin(runner);
        const [{ n }] = await select<{ n: number | string }>(
          runner.manager,
          'SELECT COUNT(*) AS n FROM scratch_item',
          [],
        );
        await put(runner.manager, 1, 'a');
        await put(runner.manager, 2, 'b');
        const after = readAll(runner.manager);
        await transaction.commit();
        expect(Number(n)).toBe(0);
        expect(await after).toEqual(['a', 'b']);
        expect(sent).toHaveLength(2);
        expect(sent[0]).toMatch(/^START TRANSACTION;\nSELECT COUNT/);
        expect(sent[1]).toMatch(/^INSERT .*;\nINSERT .*;\nSELECT label .*;\nCOMMIT$/s);
      } finally {
        await runner.release();
      }
    });

  it('keeps every one of 20 concurrent PATCHes of one user, each journalled once', async () => {
    const { body: user } = await t
      .scim('post', '/Users')
      .send({ schemas: [USER], userName: 'busy.user@example.com' })
      .expect(201);
    const emails = Array.from({ length: 20 }, (_, i) => `alias${i}@example.com`);
    await Promise.all(
      emails.map((value) =>
        t
          .scim('patch', `/Users/${user.id}`)
          .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'emails', value: [{ value }] }] })
          .expect(200),
      ),
    );
    const { body } = await t.scim('get', `/Users/${user.id}`).expect(200);
    expect((body.emails as { value: string }[]).map((e) => e.value).sort()).toEqual([...emails].sort());
    expect(body.meta.version).toBe('W/"21"');
    const rows = (await journal(dataSource)).filter((r) => r.object_id === user.id);
    expect(rows.map((r) => r.kind)).toEqual(['created', ...emails.map(() => 'patched')]);
  });

  it('answers a PATCH with the groups the user is in, read in its transaction', async () => {
    const { body: user } = await t
      .scim('post', '/Users')
      .send({ schemas: [USER], userName: 'member.user@example.com' })
      .expect(201);
    await t
      .scim('post', '/Groups')
      .send({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Readers',
        members: [{ value: user.id }],
      })
      .expect(201);
    const res = await t
      .scim('patch', `/Users/${user.id}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Editor' }] })
      .expect(200);
    expect(res.body.title).toBe('Editor');
    expect(res.body.groups).toEqual([expect.objectContaining({ display: 'Readers' })]);
  });

  it('answers each change of one batch alone: a 404, a stale If-Match and a taken userName stop no other', async () => {
    const users = t.app.get(UsersService);
    const create = async (userName: string) =>
      (
        await t
          .scim('post', '/Users')
          .send({ schemas: [USER], userName })
          .expect(201)
      ).body as {
        id: string;
      };
    const [a, b, c] = await Promise.all(
      ['batch.a', 'batch.b', 'batch.c'].map((n) => create(`${n}@example.com`)),
    );
    const retitle = (title: string) => (current: { doc: Record<string, unknown> }) => ({
      doc: { ...current.doc, title },
      kind: 'patched' as const,
    });
    const ctx = { requestId: 'batch-test', actor: TEST_ACTOR };
    // Issued in one tick, so they are written as one batch.
    const outcomes = await Promise.allSettled([
      users.modifyUser(a.id, retitle('First'), {}, ctx),
      users.modifyUser('00000000-0000-4000-8000-000000000000', retitle('Nobody'), {}, ctx),
      users.modifyUser(b.id, retitle('Stale'), { ifMatch: [7] }, ctx),
      users.modifyUser(
        c.id,
        (current) => ({ doc: { ...current.doc, userName: 'BATCH.A@example.com' }, kind: 'replaced' }),
        {},
        ctx,
      ),
      users.modifyUser(a.id, retitle('Second'), { ifMatch: [2] }, ctx),
    ]);
    const [first, nobody, stale, taken, second] = outcomes;
    expect(first).toMatchObject({ status: 'fulfilled', value: { version: 2 } });
    expect(nobody).toMatchObject({ status: 'rejected', reason: expect.any(NotFoundError) });
    expect(stale).toMatchObject({ status: 'rejected', reason: expect.any(PreconditionFailedError) });
    expect(taken).toMatchObject({ status: 'rejected', reason: expect.any(ConflictError) });
    expect(second).toMatchObject({ status: 'fulfilled', value: { version: 3 } });
    const read = async (id: string) => (await t.scim('get', `/Users/${id}`).expect(200)).body;
    expect(await read(a.id)).toMatchObject({ title: 'Second', meta: { version: 'W/"3"' } });
    expect(await read(b.id)).toMatchObject({ meta: { version: 'W/"1"' } });
    expect(await read(c.id)).toMatchObject({ userName: 'batch.c@example.com', meta: { version: 'W/"1"' } });
    const rows = (await journal(dataSource)).filter((r) => [a.id, b.id, c.id].includes(r.object_id));
    expect(rows.filter((r) => r.kind === 'patched').map((r) => r.object_id)).toEqual([a.id, a.id]);
  });

  if (!onMySql)
    it('copies the write-ahead log back into the database in the background (SQLite)', async () => {
      const file = t.app.get<AppConfig>(APP_CONFIG).database.sqlitePath;
      const [{ wal_autocheckpoint: writerThreshold }] =
        await dataSource.query<{ wal_autocheckpoint: number }[]>('PRAGMA wal_autocheckpoint');
      expect(writerThreshold).toBe(20_000); // the writer itself would checkpoint only that late
      for (let i = 0; i < 20; i++)
        await t
          .scim('post', '/Users')
          .send({ schemas: [USER], userName: `wal${i}@example.com` })
          .expect(201);
      // The WAL index header (the -shm file): frames in the log at byte 16, frames copied back at byte 96.
      const header = () => {
        const shm = readFileSync(`${file}-shm`);
        return { frames: shm.readUInt32LE(16), copied: shm.readUInt32LE(96) };
      };
      expect(header().frames).toBeGreaterThan(0);
      const deadline = Date.now() + 3_000;
      while (header().copied < header().frames && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(header().copied).toBe(header().frames);
    });
});
