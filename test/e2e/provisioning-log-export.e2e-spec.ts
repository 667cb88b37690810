import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProvisioningLogRepository } from '../../src/provisioning/logs/provisioning-log.repository';
import type { LogView } from '../../src/provisioning/logs/provisioning-logs.service';
import { parseCsv } from '../support/csv';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { byUserName, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const COLUMNS = [
  'id',
  'time',
  'targetId',
  'targetName',
  'objectType',
  'objectId',
  'changeSeq',
  'action',
  'status',
  'reason',
  'detail',
  'requestId',
  'attempt',
  'responseStatus',
  'durationMs',
  'modifiedProperties',
];

/** A list entry as the download shows it: the same fields, without the request and the response body. */
function asExported(e: LogView, targetName: string) {
  return {
    id: e.id,
    time: e.time,
    targetId: e.targetId,
    targetName,
    objectType: e.objectType,
    objectId: e.objectId,
    changeSeq: e.changeSeq,
    action: e.action,
    status: e.status,
    reason: e.reason,
    detail: e.detail,
    requestId: e.requestId,
    attempt: e.attempt,
    responseStatus: e.response.status,
    durationMs: e.durationMs,
    modifiedProperties: e.modifiedProperties,
  };
}

/** The same entry as CSV text cells: empty for null, JSON for the properties, formulas neutralised with `'`. */
function asCsvCells(e: ReturnType<typeof asExported>): string[] {
  return COLUMNS.map((c) => {
    const v = e[c as keyof typeof e];
    if (v === null) return '';
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return typeof v !== 'number' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  });
}

describe('provisioning log export', () => {
  let t: TestApp;
  let target: FakeScimTarget;
  let targetId: string;
  const TARGET_NAME = 'export-app';
  const tricky = [
    'comma, "quotes" and\na line break',
    '=HYPERLINK("http://evil.example","click")',
    '+SUM(1,2)',
    '-2+3',
    '@cmd',
    'windows\r\nline',
  ];

  beforeAll(async () => {
    target = await startFakeScimTarget();
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    targetId = await registerTarget(t, target, { name: TARGET_NAME });
    for (const name of ['one', 'two', 'three'])
      await createUser(t, `${name}@export.test`, { title: 'Analyst' });
    await waitFor('three users created', () => target.users().length === 3);
    const oneId = (await t.scim('get', '/Users?filter=userName eq "one@export.test"').expect(200)).body
      .Resources[0].id as string;
    await t
      .scim('patch', `/Users/${oneId}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Lead, "Ops"' }] })
      .expect(200);
    await waitFor('the update', () => byUserName(target, 'one@export.test')?.title === 'Lead, "Ops"');
    // Entries whose text a spreadsheet would misread, written through the log's own repository.
    await t.app.get(ProvisioningLogRepository).append(
      tricky.map((detail, i) => ({
        targetId,
        objectType: 'User',
        objectId: `tricky-${i}`,
        targetObjectId: null,
        changeSeq: null,
        action: 'Other',
        status: 'Failure',
        reason: 'target_rejected',
        detail,
        request: null,
        modifiedProperties: JSON.stringify([{ name: 'title', oldValue: '=1+1', newValue: 'a,"b"\nc' }]),
        responseStatus: 400,
        responseExcerpt: null,
        durationMs: 1,
        attempt: 1,
        requestId: null,
        createdAt: new Date(),
      })),
    );
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  const list = async (query: string): Promise<LogView[]> =>
    (await t.admin('get', `/provisioning-logs?limit=1000&${query}`).expect(200)).body.entries as LogView[];

  it('downloads CSV with the rows and order of the list for the same filter, quoted and formula-safe', async () => {
    const listed = await list(`targetId=${targetId}`);
    expect(listed.length).toBeGreaterThan(tricky.length + 3);
    const res = await t
      .admin('get', `/provisioning-logs/export?format=csv&targetId=${targetId}`)
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (chunk: string) => (text += chunk));
        r.on('end', () => done(null, text));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="provisioning-log-.+\.csv"$/);
    const [header, ...rows] = parseCsv(res.body as string);
    expect(header).toEqual(COLUMNS);
    expect(rows).toEqual(listed.map((e) => asCsvCells(asExported(e, TARGET_NAME))));
    // The formulas come out as text, and the properties' JSON survives its quoting.
    const details = rows.map((r) => r[COLUMNS.indexOf('detail')]);
    expect(details).toEqual(
      expect.arrayContaining(['\'=HYPERLINK("http://evil.example","click")', "'+SUM(1,2)"]),
    );
    expect(details).toContain('comma, "quotes" and\na line break');
    expect(details).toContain('windows\r\nline');
    expect(rows.every((r) => !/^[=+\-@]/.test(r[COLUMNS.indexOf('detail')]))).toBe(true);
    const tricked = rows.find((r) => r[COLUMNS.indexOf('objectId')] === 'tricky-0')!;
    expect(JSON.parse(tricked[COLUMNS.indexOf('modifiedProperties')])).toEqual([
      { name: 'title', oldValue: '=1+1', newValue: 'a,"b"\nc' },
    ]);
  });

  it('downloads JSON: one array equal to the list for the same filter', async () => {
    const query = `targetId=${targetId}&status=Success`;
    const listed = await list(query);
    expect(listed.map((e) => e.action)).toEqual(expect.arrayContaining(['Create', 'Update']));
    const res = await t.admin('get', `/provisioning-logs/export?format=json&${query}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="provisioning-log-.+\.json"$/);
    expect(res.body).toEqual(listed.map((e) => asExported(e, TARGET_NAME)));
    const update = (res.body as { action: string; objectId: string; modifiedProperties: unknown }[]).find(
      (e) => e.action === 'Update',
    )!;
    const objectId = update.objectId;
    const byObject = await t
      .admin('get', `/provisioning-logs/export?format=json&objectId=${objectId}`)
      .expect(200);
    expect(byObject.body).toEqual(
      (await list(`objectId=${objectId}`)).map((e) => asExported(e, TARGET_NAME)),
    );
    expect(update.modifiedProperties).toEqual([
      { name: 'title', oldValue: 'Analyst', newValue: 'Lead, "Ops"' },
    ]);
  });

  it('downloads an empty array, or only the header, when nothing matches', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const json = await t.admin('get', `/provisioning-logs/export?format=json&from=${future}`).expect(200);
    expect(json.body).toEqual([]);
    const csv = await t.admin('get', `/provisioning-logs/export?format=csv&from=${future}`).expect(200);
    expect(csv.text).toBe(`${COLUMNS.join(',')}\r\n`);
  });

  it('refuses a bad format, filter or time range with a 400 naming it, before anything streams', async () => {
    for (const [query, names] of [
      ['format=xml', 'format'],
      ['', 'format'],
      ['format=csv&from=yesterday', 'from'],
      ['format=csv&action=Explode', 'action'],
      ['format=csv&limit=5', 'limit'],
      ['format=json&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ]) {
      const res = await t.admin('get', `/provisioning-logs/export?${query}`).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(JSON.stringify(res.body)).toContain(names);
    }
    const range = await t
      .admin('get', '/provisioning-logs?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')
      .expect(400);
    expect(JSON.stringify(range.body)).toContain('to must be later than from');
  });

  it('reads the log as the client takes it, and stops reading when the client goes away', async () => {
    const repository = t.app.get(ProvisioningLogRepository);
    const bulky = JSON.stringify(
      Array.from({ length: 5 }, (_, i) => ({
        name: `p${i}`,
        oldValue: 'o'.repeat(200),
        newValue: 'n'.repeat(200),
      })),
    );
    const total = 20_000;
    const bulkTarget = randomUUID();
    for (let n = 0; n < total; n += 1000)
      await repository.append(
        Array.from({ length: 1000 }, (_, i) => ({
          targetId: bulkTarget,
          objectType: 'User',
          objectId: `bulk-${n + i}`,
          targetObjectId: null,
          changeSeq: n + i,
          action: 'Create',
          status: 'Success',
          reason: null,
          detail: null,
          request: null,
          modifiedProperties: bulky,
          responseStatus: 201,
          responseExcerpt: null,
          durationMs: 1,
          attempt: 1,
          requestId: null,
          createdAt: new Date(),
        })),
      );
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const pages = jest.spyOn(repository, 'exportPage');
    try {
      const request = http.get({
        host: '127.0.0.1',
        port,
        path: `/admin/v1/provisioning-logs/export?format=csv&targetId=${bulkTarget}`,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
        request.on('response', resolve);
        request.on('error', reject);
      });
      expect(response.statusCode).toBe(200);
      // Take one chunk, then stop reading: the server must stop at what the sockets' buffers hold.
      await new Promise((resolve) => response.once('data', resolve));
      response.pause();
      await new Promise((r) => setTimeout(r, 500));
      const whilePaused = pages.mock.calls.length;
      expect(whilePaused).toBeGreaterThan(0);
      expect(whilePaused).toBeLessThan(total / 1000 / 2);
      request.on('error', () => undefined);
      request.destroy();
      await new Promise((r) => setTimeout(r, 500));
      // At most the page under way when the client left; the rest of the log is never read.
      expect(pages.mock.calls.length).toBeLessThanOrEqual(whilePaused + 1);
    } finally {
      pages.mockRestore();
    }
  }, 60_000);
});
