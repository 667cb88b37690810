import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type request from 'supertest';
import { AuditRetentionService, AUDIT_PURGE_JOB } from '../../src/audit/audit-retention.service';
import { AuditWriter } from '../../src/audit/audit.writer';
import { Clock } from '../../src/common/clock';
import { JobLeaseRepository } from '../../src/database/job-lease.repository';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { AdminModule } from '../../src/http/admin/admin.module';
import { defaultMappingSet } from '../../src/mapping/mapping-set';
import { DEFAULT_ROLE_ID } from '../../src/provisioning/assignments/app-role.entity';
import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { createUser } from '../support/provisioning-helpers';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';

const TARGET_SECRET = 'audit-bearer-secret-0123456789';
const NEW_TARGET_SECRET = 'audit-bearer-secret-replaced-9876';
const OAUTH_SECRET = 'audit-oauth-client-secret-abcdef';
const NEW_OAUTH_SECRET = 'audit-oauth-client-secret-rotated';
const DAY = 24 * 60 * 60 * 1000;
const CONTOSO = 'urn:contoso:params:scim:schemas:extension:audit:2.0:User';

type Method = 'post' | 'put' | 'patch' | 'delete' | 'get';

interface AuditEntry {
  id: number;
  time: string;
  actor: { tokenId: string; tokenName: string };
  requestId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** One admin call made in the walk: its route (as the controllers declare it) and what the audit log must say. */
interface Step {
  route: string;
  requestId: string;
  expected: { action: string; objectType: string; objectId: string } | null;
}

describe('Admin audit log', () => {
  let t: TestApp;
  let app: FakeScimTarget;
  /** A target without authentication, holding accounts no directory object matches (orphans). */
  let hrApp: FakeScimTarget;
  let offset = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset) };
  /** Every secret the walk handed to the API or got from it: none may appear in the audit log. */
  const secrets = [TARGET_SECRET, NEW_TARGET_SECRET, OAUTH_SECRET, NEW_OAUTH_SECRET, ADMIN_TOKEN];
  const steps: Step[] = [];
  let auditor: { id: string; token: string };
  let bootstrapAdminId: string;
  let bearerTargetId: string;
  let oauthTargetId: string;
  let sequence = 0;

  /** A call as `token` with a request id of its own, recorded as a step of the walk. */
  const call = (
    method: Method,
    route: string,
    path: string,
    expected: Step['expected'],
    token = auditor.token,
  ): request.Test => {
    const requestId = `audit-${++sequence}`;
    steps.push({ route: `${method.toUpperCase()} ${route}`, requestId, expected });
    return t.http[method](`/admin/v1${path}`)
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', requestId);
  };

  const audit = async (
    query = '',
  ): Promise<{ entries: AuditEntry[]; nextCursor: string | null; raw: string }> => {
    const res = await t.admin('get', `/audit${query}`).expect(200);
    return { ...(res.body as { entries: AuditEntry[]; nextCursor: string | null }), raw: res.text };
  };

  beforeAll(async () => {
    app = await startFakeScimTarget({ oauth: { clientId: 'gw', clientSecret: NEW_OAUTH_SECRET } });
    hrApp = await startFakeScimTarget();
    for (const name of ['ghost1', 'ghost2', 'ghost3'])
      hrApp.seed('Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `${name}@audit.test`,
        active: true,
      });
    t = await startTestApp({ clock, env: { PROVISIONING_ENABLED: 'false' } });
    bootstrapAdminId = (
      (await t.admin('get', '/tokens').expect(200)).body as { id: string; name: string }[]
    ).find((tok) => tok.name === 'bootstrap-admin')!.id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await app?.close();
    await hrApp?.close();
  });

  it('records every admin mutation with actor, action, object and request id, and never a secret', async () => {
    const issued = await call('post', '/tokens', '/tokens', null, ADMIN_TOKEN)
      .send({ name: 'auditor', scopes: ['admin'] })
      .expect(201);
    auditor = { id: issued.body.id, token: issued.body.token };
    steps[steps.length - 1].expected = { action: 'token.create', objectType: 'token', objectId: auditor.id };
    secrets.push(auditor.token);

    const hr = await call('post', '/tokens', '/tokens', null)
      .send({ name: 'workday', scopes: ['scim'] })
      .expect(201);
    const hrId = hr.body.id as string;
    steps[steps.length - 1].expected = { action: 'token.create', objectType: 'token', objectId: hrId };
    secrets.push(hr.body.token);
    const token = (action: string) => ({ action, objectType: 'token', objectId: hrId });
    await call('patch', '/tokens/:id', `/tokens/${hrId}`, token('token.update'))
      .send({ rateLimitPerMinute: 600 })
      .expect(200);
    const rotated = await call('post', '/tokens/:id/rotate', `/tokens/${hrId}/rotate`, token('token.rotate'))
      .send({ graceSeconds: 60 })
      .expect(200);
    secrets.push(rotated.body.token);

    bearerTargetId = (
      await call('post', '/targets', '/targets', null)
        .send({
          name: 'crm',
          baseUrl: app.url,
          auth: { type: 'bearer', token: TARGET_SECRET },
          scope: 'assigned',
        })
        .expect(201)
    ).body.id;
    steps[steps.length - 1].expected = {
      action: 'target.create',
      objectType: 'target',
      objectId: bearerTargetId,
    };
    oauthTargetId = (
      await call('post', '/targets', '/targets', null)
        .send({
          name: 'erp',
          baseUrl: app.url,
          auth: { type: 'oauth2', tokenUrl: app.tokenUrl, clientId: 'gw', clientSecret: OAUTH_SECRET },
        })
        .expect(201)
    ).body.id;
    steps[steps.length - 1].expected = {
      action: 'target.create',
      objectType: 'target',
      objectId: oauthTargetId,
    };
    const target = (action: string, id = bearerTargetId) => ({ action, objectType: 'target', objectId: id });
    const crm = `/targets/${bearerTargetId}`;

    await call('patch', '/targets/:id', crm, target('target.update')).send({ concurrency: 2 }).expect(200);
    await call('patch', '/targets/:id', crm, target('target.credentials.replace'))
      .send({ auth: { type: 'bearer', token: NEW_TARGET_SECRET } })
      .expect(200);
    await call(
      'patch',
      '/targets/:id',
      `/targets/${oauthTargetId}`,
      target('target.credentials.replace', oauthTargetId),
    )
      .send({ auth: { type: 'oauth2', clientSecret: NEW_OAUTH_SECRET } })
      .expect(200);
    await call('post', '/targets/:id/pause', `${crm}/pause`, target('target.pause')).expect(200);
    await call('post', '/targets/:id/resume', `${crm}/resume`, target('target.resume')).expect(200);
    await call('post', '/targets/:id/restart', `${crm}/restart`, target('target.restart')).expect(202);
    await call('post', '/targets/:id/retry', `${crm}/retry`, target('target.retry')).expect(200);
    await call(
      'post',
      '/targets/:id/deletions/release',
      `${crm}/deletions/release`,
      target('deletions.release'),
    ).expect(200);
    await call(
      'post',
      '/targets/:id/deletions/discard',
      `${crm}/deletions/discard`,
      target('deletions.discard'),
    ).expect(200);

    const mapping = (action: string) => ({ action, objectType: 'mapping', objectId: bearerTargetId });
    const set = defaultMappingSet();
    set.users.attributes = set.users.attributes.filter((a) => a.targetAttribute !== 'title');
    await call('put', '/targets/:id/mappings', `${crm}/mappings`, mapping('mapping.update'))
      .send(set)
      .expect(200);
    set.users.scoping = [{ clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] }];
    await call('put', '/targets/:id/mappings', `${crm}/mappings`, mapping('scoping.update'))
      .send(set)
      .expect(200);

    const role = (
      await call('post', '/targets/:id/app-roles', `${crm}/app-roles`, null)
        .send({ displayName: 'Approver', value: 'approver' })
        .expect(201)
    ).body.id as string;
    steps[steps.length - 1].expected = { action: 'approle.create', objectType: 'approle', objectId: role };
    const approle = (action: string) => ({ action, objectType: 'approle', objectId: role });
    await call(
      'patch',
      '/targets/:id/app-roles/:roleId',
      `${crm}/app-roles/${role}`,
      approle('approle.update'),
    )
      .send({ displayName: 'Approvers' })
      .expect(200);

    const users = await Promise.all(['ann', 'bob', 'cid'].map((n) => createUser(t, `${n}@audit.test`)));
    const assignment = (
      await call('post', '/targets/:id/assignments', `${crm}/assignments`, null)
        .send({ principalType: 'User', principalId: users[0], roleId: role })
        .expect(201)
    ).body.id as string;
    steps[steps.length - 1].expected = {
      action: 'assignment.create',
      objectType: 'assignment',
      objectId: assignment,
    };
    const principals = users.map((id) => ({ type: 'User', id }));
    await call(
      'post',
      '/targets/:id/assignments/bulk',
      `${crm}/assignments/bulk`,
      target('assignment.bulk_create'),
    )
      .send({ principals })
      .expect(200);
    await call(
      'post',
      '/targets/:id/assignments/bulk-remove',
      `${crm}/assignments/bulk-remove`,
      target('assignment.bulk_delete'),
    )
      .send({ principals: principals.slice(1) })
      .expect(200);
    await call('delete', '/targets/:id/assignments/:assignmentId', `${crm}/assignments/${assignment}`, {
      action: 'assignment.delete',
      objectType: 'assignment',
      objectId: assignment,
    }).expect(204);
    await call(
      'delete',
      '/targets/:id/app-roles/:roleId',
      `${crm}/app-roles/${role}`,
      approle('approle.delete'),
    ).expect(204);

    await call('post', '/schemas', '/schemas', {
      action: 'schema.create',
      objectType: 'schema',
      objectId: CONTOSO,
    })
      .send({ id: CONTOSO, attributes: [{ name: 'costCenter', type: 'string' }] })
      .expect(201);
    await call('post', '/targets/:id/provision', `${crm}/provision`, target('target.provision'))
      .send({ userId: users[0] })
      .expect(200);
    const hrm = (
      await call('post', '/targets', '/targets', null)
        .send({
          name: 'hrm',
          baseUrl: hrApp.url,
          auth: { type: 'bearer', token: TARGET_SECRET },
          scope: 'all',
        })
        .expect(201)
    ).body.id as string;
    steps[steps.length - 1].expected = { action: 'target.create', objectType: 'target', objectId: hrm };
    // Account discovery only reads the target (and notes what it found): not an admin change.
    await call('post', '/targets/:id/orphans/scan', `/targets/${hrm}/orphans/scan`, null).expect(200);
    const found = (await t.admin('get', `/targets/${hrm}/orphans`).expect(200)).body as {
      orphans: { targetObjectId: string; userName: string }[];
    };
    const orphan = (name: string) =>
      found.orphans.find((o) => o.userName === `${name}@audit.test`)!.targetObjectId;
    const orphanStep = (action: string, name: string) => ({
      action,
      objectType: 'orphan',
      objectId: orphan(name),
    });
    const orphans = `/targets/${hrm}/orphans`;
    await call(
      'post',
      '/targets/:id/orphans/:accountId/disable',
      `${orphans}/${orphan('ghost1')}/disable`,
      orphanStep('orphan.disable', 'ghost1'),
    ).expect(200);
    await call(
      'post',
      '/targets/:id/orphans/:accountId/delete',
      `${orphans}/${orphan('ghost2')}/delete`,
      orphanStep('orphan.delete', 'ghost2'),
    ).expect(200);
    await call(
      'post',
      '/targets/:id/orphans/:accountId/link',
      `${orphans}/${orphan('ghost3')}/link`,
      orphanStep('orphan.link', 'ghost3'),
    )
      .send({ userId: users[1] })
      .expect(200);

    await call(
      'delete',
      '/targets/:id',
      `/targets/${oauthTargetId}`,
      target('target.delete', oauthTargetId),
    ).expect(204);
    await call('delete', '/tokens/:id', `/tokens/${hrId}`, token('token.revoke')).expect(204);

    // Pure reads and previews change nothing: no entry.
    await call('post', '/targets/:id/test-connection', `${crm}/test-connection`, null).expect(200);
    await call('post', '/targets/:id/mappings/preview', `${crm}/mappings/preview`, null)
      .send({ userId: users[0] })
      .expect(200);
    await call('post', '/targets/:id/impact', `${crm}/impact`, null).send({ scope: 'all' }).expect(200);
    await call('post', '/expressions/evaluate', '/expressions/evaluate', null)
      .send({ expression: 'ToUpper("x")' })
      .expect(200);

    const { entries, raw } = await audit('?limit=500');
    for (const step of steps) {
      const found = entries.filter((e) => e.requestId === step.requestId);
      if (step.expected === null) {
        expect({ step: step.route, found }).toEqual({ step: step.route, found: [] });
        continue;
      }
      expect({ step: step.route, found }).toEqual({
        step: step.route,
        found: [
          expect.objectContaining({
            ...step.expected,
            actor:
              step.requestId === 'audit-1'
                ? { tokenId: bootstrapAdminId, tokenName: 'bootstrap-admin' }
                : { tokenId: auditor.id, tokenName: 'auditor' },
          }),
        ],
      });
    }
    for (const secret of secrets) expect(raw).not.toContain(secret);

    const byAction = (action: string) => entries.find((e) => e.action === action)!;
    expect(byAction('target.update')).toMatchObject({
      before: { concurrency: 8 },
      after: { concurrency: 2 },
    });
    expect(byAction('target.credentials.replace').after).toEqual({
      auth: { type: 'oauth2', secret: 'changed' },
    });
    expect(byAction('token.rotate').after).toMatchObject({ secret: 'changed' });
    expect(byAction('target.pause')).toMatchObject({ before: { paused: false }, after: { paused: true } });
    expect(byAction('scoping.update').after).toEqual({ users: set.users.scoping });
    expect(byAction('assignment.bulk_create').after).toEqual({
      roleId: DEFAULT_ROLE_ID,
      principals: 3,
      assigned: 3,
      alreadyAssigned: 0,
    });
    expect(byAction('assignment.bulk_delete').after).toMatchObject({ principals: 2, removed: 2 });
    expect(byAction('target.delete').before).toMatchObject({
      name: 'erp',
      auth: { type: 'oauth2', clientId: 'gw' },
    });
  });

  it('walks every mutating admin route: each is audited above or is a pure read', () => {
    const mutating = new Set([
      RequestMethod.POST,
      RequestMethod.PUT,
      RequestMethod.PATCH,
      RequestMethod.DELETE,
    ]);
    const controllers = Reflect.getMetadata('controllers', AdminModule) as (new (
      ...args: never[]
    ) => object)[];
    const routes: string[] = [];
    for (const controller of controllers) {
      const base = `/${(Reflect.getMetadata(PATH_METADATA, controller) as string).replace(/^admin\/v1\/?/, '')}`;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler as object) as RequestMethod | undefined;
        if (method === undefined || !mutating.has(method)) continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler as object) as string;
        routes.push(`${RequestMethod[method]} ${`${base}/${path === '/' ? '' : path}`.replace(/\/+$/, '')}`);
      }
    }
    const walked = new Set(steps.map((s) => s.route));
    expect(routes.filter((r) => !walked.has(r))).toEqual([]);
  });

  it('records nothing for a refused or failed mutation (400, 404, 409)', async () => {
    const before = (await audit('?limit=500')).entries.length;
    const crm = `/targets/${bearerTargetId}`;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const refused: [request.Test, number][] = [
      [
        call('post', '/targets', '/targets', null).send({
          name: 'crm',
          baseUrl: app.url,
          auth: { type: 'bearer', token: TARGET_SECRET },
        }),
        409,
      ],
      [
        call('post', '/targets', '/targets', null).send({
          name: 'bad',
          baseUrl: 'ftp://x',
          auth: { type: 'bearer', token: 'x' },
        }),
        400,
      ],
      [call('patch', '/targets/:id', `/targets/${unknown}`, null).send({ concurrency: 3 }), 404],
      [call('post', '/targets/:id/pause', `/targets/${unknown}/pause`, null), 404],
      [call('post', '/targets/:id/deletions/release', `/targets/${unknown}/deletions/release`, null), 404],
      [call('put', '/targets/:id/mappings', `${crm}/mappings`, null).send({ users: {}, groups: {} }), 400],
      [
        call('post', '/targets/:id/assignments', `${crm}/assignments`, null).send({
          principalType: 'User',
          principalId: unknown,
        }),
        400,
      ],
      [call('delete', '/targets/:id/app-roles/:roleId', `${crm}/app-roles/default`, null), 400],
      [
        call('post', '/schemas', '/schemas', null).send({
          id: CONTOSO,
          attributes: [{ name: 'x', type: 'string' }],
        }),
        409,
      ],
      [call('patch', '/tokens/:id', `/tokens/${unknown}`, null).send({ rateLimitPerMinute: 5 }), 404],
      [call('delete', '/tokens/:id', `/tokens/${unknown}`, null), 404],
      [call('post', '/targets/:id/provision', `${crm}/provision`, null).send({}), 400],
    ];
    for (const [req, status] of refused) await req.expect(status);
    expect((await audit('?limit=500')).entries.length).toBe(before);
  });

  it('filters by actor, action (exact or prefix), object, target and time, pages newest first', async () => {
    const all = (await audit('?limit=500')).entries;
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));

    const byBootstrap = (await audit(`?actor=${bootstrapAdminId}`)).entries;
    expect(byBootstrap.map((e) => e.action)).toEqual(['token.create']);
    const pauses = (await audit('?action=target.pause')).entries;
    expect(pauses.map((e) => e.action)).toEqual(['target.pause']);
    const targetActions = new Set((await audit('?action=target.&limit=500')).entries.map((e) => e.action));
    expect([...targetActions].every((a) => a.startsWith('target.'))).toBe(true);
    expect(targetActions).toContain('target.credentials.replace');
    const assignments = (await audit('?action=assignment.')).entries.map((e) => e.action).sort();
    expect(assignments).toEqual([
      'assignment.bulk_create',
      'assignment.bulk_delete',
      'assignment.create',
      'assignment.delete',
    ]);
    // `_` is a LIKE wildcard: escaped, this prefix does not match `target.credentials.replace`.
    expect((await audit('?action=target_credentials.')).entries).toEqual([]);
    expect((await audit('?action=schema.')).entries.map((e) => e.objectId)).toEqual([CONTOSO]);
    const mappings = (await audit(`?objectType=mapping&objectId=${bearerTargetId}`)).entries;
    expect(mappings.map((e) => e.action)).toEqual(['scoping.update', 'mapping.update']);
    const ofTarget = (await audit(`?targetId=${bearerTargetId}&limit=500`)).entries;
    expect(new Set(ofTarget.map((e) => e.objectType))).toEqual(
      new Set(['target', 'mapping', 'approle', 'assignment']),
    );

    const middle = all[Math.floor(all.length / 2)].time;
    const since = (await audit(`?since=${middle}&limit=500`)).entries;
    const until = (await audit(`?until=${middle}&limit=500`)).entries;
    expect(since.every((e) => e.time >= middle) && until.every((e) => e.time < middle)).toBe(true);
    expect(since.length + until.length).toBe(all.length);

    const seen: number[] = [];
    for (let cursor: string | null = null, pages = 0; pages === 0 || cursor !== null; pages++) {
      const page = await audit(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.entries.length).toBeLessThanOrEqual(7);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it.each([
    ['actor=someone', /actor must be a UUID/],
    ['action=Target.Pause', /action must be an action name/],
    ['objectType=widget', /objectType must be one of/],
    ['since=yesterday', /since must be a valid ISO 8601/],
    ['until=2027-13-40', /until must be a valid ISO 8601/],
    ['since=2027-02-01T00:00:00Z&until=2027-01-01T00:00:00Z', /since must not be after until/],
    ['limit=0', /limit must not be less than 1/],
    ['limit=501', /limit must not be greater than 500/],
    ['cursor=bm90LWEtY3Vyc29y', /cursor is not a cursor this API returned/],
    ['colour=red', /property colour should not exist/],
  ])('answers 400 naming the parameter for %s', async (query, message) => {
    const res = await t.admin('get', `/audit?${query}`).expect(400);
    expect(JSON.stringify(res.body)).toMatch(message);
  });

  it('is admin only', async () => {
    const scim = await t
      .admin('post', '/tokens')
      .send({ name: 'hr-reader', scopes: ['scim'] })
      .expect(201);
    await t.http.get('/admin/v1/audit').set('Authorization', `Bearer ${scim.body.token}`).expect(403);
    await t.http.get('/admin/v1/audit').expect(401);
  });

  it('purges entries older than AUDIT_RETENTION_DAYS in batches, in one process at a time', async () => {
    const writer = t.app.get(AuditWriter);
    const tx = t.app.get(TransactionRunner);
    const actor = { tokenId: auditor.id, tokenName: 'auditor', requestId: null };
    // More than two of the purge's batches (1,000 entries each), all of them old by the time it runs.
    await tx.run(async (m) => {
      for (let i = 0; i < 2_345; i++)
        await writer.record(m, actor, {
          action: 'target.pause',
          objectType: 'target',
          objectId: `bulk-${i}`,
        });
    });
    const total = async () =>
      Number(
        (await t.dataSource.query<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM admin_audit'))[0].n,
      );
    const old = await total();
    const retention = t.app.get(AuditRetentionService);
    expect(await retention.purgeExpired()).toBe(0);

    offset = 366 * DAY;
    await t.admin('post', `/targets/${bearerTargetId}/pause`).expect(200);
    const other = await t.app
      .get(JobLeaseRepository)
      .acquire(AUDIT_PURGE_JOB, 'other-gateway:1', clock.now(), new Date(clock.now().getTime() + 60_000));
    expect(other.acquired).toBe(true);
    expect(await retention.purgeExpired()).toBe(0);
    expect(await total()).toBe(old + 1);

    offset += 2 * 60_000;
    expect(await retention.purgeExpired()).toBe(old);
    const left = (await audit()).entries;
    expect(left).toEqual([expect.objectContaining({ action: 'target.pause', objectId: bearerTargetId })]);
  }, 60_000);
});
