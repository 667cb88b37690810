/**
 * Fuzz of the inbound SCIM surface (`npm run fuzz`, scripts/fuzz.js): FUZZ_RUNS (5,000) generated malformed requests
 * over Users, Groups, Bulk, bulkUpload and the searches, sent over real HTTP to the app on 127.0.0.1, on the engine
 * under test (SQLite, or MariaDB/MySQL when TEST_DATABASE_URL is set). Each must be answered, without a 5xx, every
 * error as a SCIM error body (RFC 7644 §3.12), and must leave the store byte-for-byte as it was unless it was
 * accepted (a 2xx to a write). Bulk and bulkUpload answer 200/202 and report each operation: those reports must hold
 * no server error either.
 *
 * FUZZ_SEED replays a run (CI uses a fixed seed, a local run a random one); the figures go to FUZZ_FIGURES, which
 * the script prints. The first violation stops the run, and fast-check prints the shrunk counterexample. After the
 * run, its figures must show the requests reached the handlers (some accepted, most refused by validation, few by
 * authentication, every surface reached): with FUZZ_RUNS under a few hundred the rarest surface may be missed.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { SCIM_TOKEN, startTestApp, TestApp } from '../support/test-app';
import {
  ENTERPRISE,
  FuzzRequest,
  GROUP,
  malformedRequest,
  PLACEHOLDERS,
  Surface,
  USER,
} from './inbound-requests';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const CI_SEED = 20261204;
const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : process.env.CI
    ? CI_SEED
    : Math.floor(Math.random() * 2 ** 31);
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
/** A request not answered within this is a dropped connection too (a hung handler). */
const ANSWER_LIMIT_MS = 30_000;
/** The surfaces the generator covers (inbound-requests.ts), every one of which a run must reach. */
const SURFACES: Surface[] = ['Bulk', 'Groups', 'Users', 'bulkUpload', 'search'];
/** Shares of the run's answers a run that reached the handlers stays within (see the checks after the run). */
const MIN_400_SHARE = 0.3;
const MAX_401_SHARE = 0.15;
const MAX_404_SHARE = 0.2;
/** The Entra import worker's reason for a record that failed on a bug rather than on its data. */
const INTERNAL_RECORD_FAILURE = 'Internal error while importing the record';

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

type Violation = '5xx' | 'dropped connection' | 'non-SCIM error body' | 'store changed';

const figures = {
  requestsFuzzed: 0,
  accepted: 0,
  refused: 0,
  serverErrors: 0,
  droppedConnections: 0,
  nonScimErrorBodies: 0,
  storeChanges: 0,
  /** Requests sent again while fast-check shrank a failure (the first violation ends the run). */
  shrinkRuns: 0,
  byStatus: {} as Record<string, number>,
  bySurface: {} as Record<string, number>,
  byCategory: {} as Record<string, number>,
};

function report(line: Record<string, unknown>): void {
  const text = JSON.stringify(line);
  if (process.env.FUZZ_FIGURES) fs.appendFileSync(process.env.FUZZ_FIGURES, text + '\n');
  else process.stdout.write(`fuzz figures: ${text}\n`);
}

/** One request on a connection of its own, so that a connection the server drops is seen as such. */
function send(port: number, req: FuzzRequest, ids: Record<string, string>): Promise<Answer> {
  const fill = (text: string) => PLACEHOLDERS.reduce((t, p) => t.split(p).join(ids[p]), text);
  const headers: Record<string, string> = { authorization: `Bearer ${SCIM_TOKEN}` };
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  if (req.body !== undefined && !('content-type' in req.headers))
    headers['content-type'] = 'application/scim+json';
  const body =
    req.body === undefined
      ? undefined
      : typeof req.body === 'string'
        ? Buffer.from(fill(req.body))
        : req.body;
  // Node's client sends a DELETE's body unframed unless told its length.
  if (body !== undefined) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: `/scim/v2${fill(req.path)}`,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          res.complete
            ? resolve({
                status: res.statusCode ?? 0,
                contentType: String(res.headers['content-type'] ?? ''),
                text: Buffer.concat(chunks).toString('utf8'),
              })
            : reject(new Error('the response ended before it was complete')),
        );
      },
    );
    // A server that answers (413, 415) before reading a large body may close while it is still being written: that is
    // no drop once the answer is in, and the answer's `end` settles the promise first.
    outgoing.on('error', reject);
    outgoing.setTimeout(ANSWER_LIMIT_MS, () =>
      outgoing.destroy(new Error(`no answer within ${ANSWER_LIMIT_MS} ms`)),
    );
    outgoing.end(body);
  });
}

/** RFC 7644 §3.12: schemas with the Error URN, status as a string equal to the HTTP status, a detail. */
function isScimError(value: unknown, status: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return (
    Array.isArray(body.schemas) &&
    body.schemas.includes(ERROR_SCHEMA) &&
    body.status === String(status) &&
    typeof body.detail === 'string'
  );
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The store as text: every table but api_token (which records each token's last use by design), every row, in key
 * order. Two dumps are equal only if no row was added, removed or changed.
 */
async function dumpStore(dataSource: DataSource): Promise<string> {
  const parts: string[] = [];
  for (const meta of dataSource.entityMetadatas) {
    if (meta.tableName === 'api_token') continue;
    const table = dataSource.driver.escape(meta.tableName);
    const order = meta.primaryColumns.map((c) => dataSource.driver.escape(c.databaseName)).join(', ');
    const rows = await dataSource.query(`SELECT * FROM ${table} ORDER BY ${order}`);
    parts.push(`${meta.tableName} ${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}

/** Waits until the Entra import worker has finished every queued job (a 202 is processed after the answer). */
async function importsSettled(dataSource: DataSource): Promise<void> {
  const deadline = Date.now() + ANSWER_LIMIT_MS;
  for (;;) {
    const [row] = await dataSource.query<{ n: number }[]>(
      "SELECT COUNT(*) AS n FROM import_job WHERE status <> 'completed'",
    );
    if (Number(row.n) === 0) return;
    if (Date.now() > deadline) throw new Error('an import did not complete within 30 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Server errors hidden in a 200: a Bulk operation answered 5xx, a bulkUpload record failed on a bug. */
function hiddenServerErrors(req: FuzzRequest, body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const found: string[] = [];
  const b = body as {
    Operations?: { status?: string; response?: unknown }[];
    records?: { reason?: string }[];
  };
  for (const op of b.Operations ?? []) {
    if (Number(op.status) >= 500) found.push(`a Bulk operation answered ${op.status}`);
  }
  if (req.surface === 'bulkUpload') {
    for (const r of b.records ?? [])
      if (r.reason === INTERNAL_RECORD_FAILURE) found.push('a bulkUpload record failed on a bug');
  }
  return found;
}

/** Bulk operation errors must be SCIM error bodies too (RFC 7644 §3.7.3). */
function nonScimOperationErrors(body: unknown): string[] {
  const ops = (body as { Operations?: { status?: string; response?: unknown }[] } | null)?.Operations ?? [];
  return ops
    .filter((op) => Number(op.status) >= 400 && !isScimError(op.response, Number(op.status)))
    .map((op) => `a Bulk operation's ${op.status} error is not a SCIM error: ${JSON.stringify(op.response)}`);
}

/** A Bulk request every operation of which was refused: it must have written nothing (§3.7: each op on its own). */
function allRefused(req: FuzzRequest, body: unknown): boolean {
  if (req.surface !== 'Bulk') return false;
  const ops = (body as { Operations?: { status?: string }[] } | null)?.Operations ?? [];
  return ops.every((op) => Number(op.status) >= 400);
}

/** Whether any import record so far failed on a bug (the worker runs a 202's records after the answer). */
async function importFailedOnBug(dataSource: DataSource): Promise<boolean> {
  const [row] = await dataSource.query<{ n: number }[]>(
    'SELECT COUNT(*) AS n FROM import_record WHERE reason = ?',
    [INTERNAL_RECORD_FAILURE],
  );
  return Number(row.n) > 0;
}

const isWrite = (req: FuzzRequest) => req.method !== 'GET' && !req.path.split('?')[0].endsWith('.search');

describe(`fuzz: ${RUNS} malformed requests to /Users, /Groups, /Bulk and /bulkUpload (seed ${SEED})`, () => {
  let t: TestApp;
  let port: number;
  let failure: string | undefined;
  const ids: Record<string, string> = {};
  let seeded = 0;

  /** Three users with the enterprise extension (one the others' manager) and two groups, one of them nested. */
  async function seedDirectory(): Promise<void> {
    const live = async (table: string) =>
      (
        await t.dataSource.query<{ id: string }[]>(
          `SELECT id FROM ${table} WHERE deleted_at IS NULL ORDER BY created_at, id`,
        )
      ).map((r) => r.id);
    let users = await live('directory_user');
    while (users.length < 3) {
      seeded++;
      const res = await t
        .scim('post', '/Users')
        .send({
          schemas: [USER, ENTERPRISE],
          userName: `seed${seeded}@fuzz.test`,
          externalId: `SEED-${seeded}`,
          name: { givenName: 'Seed', familyName: String(seeded) },
          emails: [{ value: `seed${seeded}@fuzz.test`, type: 'work', primary: true }],
          active: true,
          [ENTERPRISE]: {
            employeeNumber: String(seeded),
            department: 'QA',
            ...(users[0] ? { manager: { value: users[0] } } : {}),
          },
        })
        .expect(201);
      users = [...users, res.body.id as string];
    }
    let groups = await live('directory_group');
    while (groups.length < 2) {
      seeded++;
      const res = await t
        .scim('post', '/Groups')
        .send({
          schemas: [GROUP],
          displayName: `Seed group ${seeded}`,
          members: [
            ...users.slice(0, 2).map((value) => ({ value })),
            ...groups.slice(0, 1).map((value) => ({ value, type: 'Group' })),
          ],
        })
        .expect(201);
      groups = [...groups, res.body.id as string];
    }
    [ids['@@USER0@@'], ids['@@USER1@@'], ids['@@USER2@@']] = users;
    [ids['@@GROUP0@@'], ids['@@GROUP1@@']] = groups;
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    await seedDirectory();
  });

  afterAll(async () => {
    report({
      scenario: 'inbound SCIM fuzz',
      engine: t?.engine,
      seed: SEED,
      ...figures,
      ...(failure ? { failure } : {}),
    });
    await t?.close();
  });

  it('answers every request, with SCIM errors only, and changes the store only when it accepts', async () => {
    let baseline = await dumpStore(t.dataSource);
    let failed = false;

    const property = fc.asyncProperty(malformedRequest, async (req) => {
      if (failed) figures.shrinkRuns++;
      else {
        figures.requestsFuzzed++;
        figures.bySurface[req.surface] = (figures.bySurface[req.surface] ?? 0) + 1;
        figures.byCategory[req.category] = (figures.byCategory[req.category] ?? 0) + 1;
      }
      const problems: [Violation, string][] = [];
      let answer: Answer;
      try {
        answer = await send(port, req, ids);
      } catch (err) {
        problems.push(['dropped connection', (err as Error).message]);
        answer = { status: 0, contentType: '', text: '' };
      }
      if (!failed) figures.byStatus[answer.status] = (figures.byStatus[answer.status] ?? 0) + 1;
      const body = parse(answer.text);
      if (answer.status >= 500)
        problems.push(['5xx', `answered ${answer.status}: ${answer.text.slice(0, 300)}`]);
      if (
        answer.status >= 400 &&
        !(isScimError(body, answer.status) && answer.contentType.startsWith('application/scim+json'))
      )
        problems.push([
          'non-SCIM error body',
          `${answer.status} ${answer.contentType}: ${answer.text.slice(0, 300)}`,
        ]);
      for (const hidden of hiddenServerErrors(req, body)) problems.push(['5xx', hidden]);
      if (req.surface === 'Bulk')
        for (const bad of nonScimOperationErrors(body)) problems.push(['non-SCIM error body', bad]);

      const accepted = answer.status >= 200 && answer.status < 300 && isWrite(req) && !allRefused(req, body);
      if (accepted && req.surface === 'bulkUpload') {
        await importsSettled(t.dataSource);
        if (await importFailedOnBug(t.dataSource))
          problems.push(['5xx', 'a bulkUpload record failed on a bug']);
      }
      const after = await dumpStore(t.dataSource);
      if (accepted) {
        if (!failed) figures.accepted++;
        // Keep the seeded objects there for the requests to come; the new state is the baseline.
        await seedDirectory();
        baseline = await dumpStore(t.dataSource);
      } else {
        if (!failed && answer.status >= 400) figures.refused++;
        if (after !== baseline) {
          problems.push(['store changed', `a ${answer.status} answer changed the store`]);
          baseline = after;
        }
      }

      if (problems.length === 0) return;
      if (!failed) {
        const kinds = new Set(problems.map(([k]) => k));
        if (kinds.has('5xx')) figures.serverErrors++;
        if (kinds.has('dropped connection')) figures.droppedConnections++;
        if (kinds.has('non-SCIM error body')) figures.nonScimErrorBodies++;
        if (kinds.has('store changed')) figures.storeChanges++;
      }
      failed = true;
      throw new Error(problems.map(([k, what]) => `${k}: ${what}`).join('\n'));
    });

    try {
      await fc.assert(property, { seed: SEED, numRuns: RUNS });
    } catch (err) {
      failure = (err as Error).message.slice(0, 4000);
      throw err;
    }

    // The requests reached the handlers: a wrong token or path prefix would answer every one 401 or 404, SCIM
    // errors all, and pass the checks above without fuzzing anything.
    const answered = (inRange: (status: number) => boolean) =>
      Object.entries(figures.byStatus)
        .filter(([status]) => inRange(Number(status)))
        .reduce((sum, [, n]) => sum + n, 0);
    expect(figures.requestsFuzzed).toBe(RUNS);
    expect(answered(() => true)).toBe(RUNS);
    expect(figures.shrinkRuns).toBe(0);
    // Some got through the validation: 2xx answers, writes among them.
    expect(answered((s) => s >= 200 && s < 300)).toBeGreaterThan(0);
    expect(figures.accepted).toBeGreaterThan(0);
    // Most were refused by the handlers' validation (400), few by the authentication (1 in 16 carries a bad token).
    expect(figures.byStatus['400'] ?? 0).toBeGreaterThanOrEqual(MIN_400_SHARE * RUNS);
    expect(figures.byStatus['401'] ?? 0).toBeLessThanOrEqual(MAX_401_SHARE * RUNS);
    expect(figures.byStatus['404'] ?? 0).toBeLessThanOrEqual(MAX_404_SHARE * RUNS);
    // Every surface was fuzzed (the rarest, /.search, is 1 in 50 of the requests).
    expect(Object.keys(figures.bySurface).sort()).toEqual(SURFACES);
  }, 900_000);
});
