import { createServer } from 'node:net';
import { AddressInfo } from 'node:net';
import type { LookupFunction } from 'node:net';
import { FakeScimTarget, startFakeScimTarget } from '../../../test/support/fake-scim-target';
import { InvalidRequestError } from '../../common/errors';
import { classifyOutcome } from '../policy/retry-policy';
import { RequestGate } from './request-gate';
import { ScimClient } from './scim-client';
import { ScimClientOptions } from './scim-client.types';
import { eqFilter } from './scim-filter.util';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const TOKEN = 'test-bearer-token';
const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA],
  userName,
  ...extra,
});

/** A port that nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ScimClient against the fake target', () => {
  let target: FakeScimTarget;
  const clients: ScimClient[] = [];
  const client = (overrides: Partial<ScimClientOptions> = {}) => {
    const c = new ScimClient({
      baseUrl: target.url,
      auth: { type: 'bearer', token: TOKEN },
      timeoutMs: 2000,
      ...overrides,
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => (target = await startFakeScimTarget({ bearerToken: TOKEN })));
  beforeEach(() => target.reset());
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => target.close());

  describe('requests', () => {
    it('sends the bearer token, SCIM media types and a JSON body, and returns the created resource', async () => {
      target.slow(50);
      const result = await client({ userAgent: 'gateway-test/1' }).createUser(user('ada@example.com'));

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.status).toBe(201);
      expect(result.body.id).toBe(target.users()[0].id);
      // The time the exchange took, the target's 50 ms delay included (a lower bound only: no timing here).
      expect(result.durationMs).toBeGreaterThanOrEqual(45);
      const [sent] = target.requests;
      expect(sent).toMatchObject({ method: 'POST', path: '/Users', body: user('ada@example.com') });
      expect(sent.headers).toMatchObject({
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/scim+json',
        accept: 'application/scim+json, application/json',
        'user-agent': 'gateway-test/1',
      });
    });

    it('returns a 401 as data, not as an exception', async () => {
      const result = await client({ auth: { type: 'bearer', token: 'wrong' } }).findUsers('userName eq "x"');

      expect(result).toMatchObject({ ok: false, status: 401, error: { kind: 'http', stage: 'request' } });
      expect(result.error?.message).toBe('401 Unauthorized: Missing or invalid bearer token');
      expect(classifyOutcome(result)).toBe('permanent');
    });

    it('finds users with an escaped eq filter, case-insensitively on userName', async () => {
      target.seed('Users', user('O"Brien\\Pat@Example.com'));
      const result = await client().findUsers(eqFilter('userName', 'o"brien\\pat@example.com'));

      expect(result.ok && result.body.Resources.map((r) => r.userName)).toEqual(['O"Brien\\Pat@Example.com']);
      expect(target.requests[0].query.filter).toBe('userName eq "o\\"brien\\\\pat@example.com"');
    });

    it('reports a 409 on a duplicate create with the SCIM detail', async () => {
      target.seed('Users', user('dup@example.com'));
      const result = await client().createUser(user('DUP@example.com'));

      expect(result).toMatchObject({ ok: false, status: 409, error: { kind: 'http' } });
      expect(result.error?.message).toMatch(/^409 Conflict: .* \(scimType uniqueness\)$/);
      expect((result.body as { scimType?: string }).scimType).toBe('uniqueness');
    });

    it('returns 404 for a missing user and 204 for a delete', async () => {
      const c = client();
      expect((await c.getUser('nope')).status).toBe(404);
      const created = target.seed('Users', user('gone@example.com'));
      const deleted = await c.deleteUser(created.id as string);
      expect(deleted).toMatchObject({ ok: true, status: 204, body: undefined });
      expect(target.users()).toEqual([]);
    });

    it('sends PATCH as a PatchOp message and accepts 200 with the resource', async () => {
      const created = target.seed('Users', user('p@example.com', { active: true }));
      const result = await client().patchUser(created.id as string, [
        { op: 'replace', path: 'active', value: false },
      ]);

      expect(result).toMatchObject({ ok: true, status: 200, body: { active: false } });
      expect(target.requests[0].body).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      });
    });

    it('reads groups without members by default, as Entra does', async () => {
      const group = target.seed('Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Staff',
        members: [{ value: 'u1' }],
      });
      const c = client();
      const found = await c.findGroups('displayName eq "staff"');
      const got = await c.getGroup(group.id as string);

      expect(found.ok && found.body.Resources).toEqual([
        expect.not.objectContaining({ members: expect.anything() }),
      ]);
      expect(got.ok && got.body.members).toBeUndefined();
      expect(target.requests.map((r) => r.query.excludedAttributes)).toEqual(['members', 'members']);
    });

    it('encodes ids in paths', async () => {
      await client().getUser('a/b c');
      expect(target.requests[0].path).toBe('/Users/a%2Fb%20c');
    });
  });

  describe('failures', () => {
    it('parses Retry-After in seconds on a 429 and classifies it retryable', async () => {
      target.failNext(1, { status: 429, retryAfter: 7 }, { path: '/Users', method: 'GET' });
      const result = await client().findUsers('userName eq "a"');

      expect(result).toMatchObject({ ok: false, status: 429, retryAfterMs: 7000, error: { kind: 'http' } });
      expect(classifyOutcome(result)).toBe('retryable');
    });

    it('parses Retry-After as an HTTP date against the injected clock', async () => {
      const now = Date.parse('2026-01-05T10:00:00Z');
      target.failNext(1, { status: 503, retryAfter: 'Mon, 05 Jan 2026 10:00:30 GMT' });
      const result = await client({ now: () => now }).getUser('x');

      expect(result).toMatchObject({ status: 503, retryAfterMs: 30_000 });
    });

    it('classifies a slow target as a timeout within the deadline', async () => {
      target.slow(1500);
      const result = await client({ timeoutMs: 150 }).getUser('x');

      expect(result).toMatchObject({ ok: false, status: 0, error: { kind: 'timeout', stage: 'request' } });
      expect(result.durationMs).toBeGreaterThanOrEqual(140);
      expect(result.durationMs).toBeLessThan(1000);
      expect(classifyOutcome(result)).toBe('retryable');
    });

    it('classifies a dropped connection as a connection failure', async () => {
      target.dropConnections(1);
      const result = await client().createUser(user('drop@example.com'));

      expect(result).toMatchObject({ ok: false, status: 0, error: { kind: 'connection' } });
      expect(classifyOutcome(result)).toBe('retryable');
      expect(target.users()).toEqual([]);
    });

    it('resends an idempotent request once when a reused keep-alive connection was closed, never a POST', async () => {
      const c = client();
      await c.getUser('warm-up'); // leaves a keep-alive socket in the pool
      target.dropConnections(1);
      const get = await c.getUser('x');
      expect(get).toMatchObject({ ok: false, status: 404 });
      expect(target.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
        'GET 404',
        'GET undefined',
        'GET 404',
      ]);

      target.reset();
      await c.getUser('warm-up');
      target.dropConnections(1);
      const post = await c.createUser(user('once@example.com'));
      expect(post).toMatchObject({ ok: false, error: { kind: 'connection', code: 'ECONNRESET' } });
      expect(target.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });

    it('classifies a closed port as connection refused', async () => {
      const port = await closedPort();
      const result = await client({ baseUrl: `http://127.0.0.1:${port}/scim` }).getUser('x');

      expect(result).toMatchObject({ ok: false, error: { kind: 'connection', code: 'ECONNREFUSED' } });
      expect(result.error?.message).toBe(`Connection refused by 127.0.0.1:${port}`);
    });

    it('classifies a name that does not resolve as a DNS failure', async () => {
      const lookup: LookupFunction = (hostname, _options, callback) =>
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
      const result = await client({ baseUrl: 'https://scim.example.invalid/v2', lookup }).getUser('x');

      expect(result).toMatchObject({ ok: false, error: { kind: 'dns', code: 'ENOTFOUND' } });
    });

    it('classifies a failed TLS handshake (https to a plain-http port) as TLS', async () => {
      const result = await client({ baseUrl: target.url.replace('http:', 'https:') }).getUser('x');
      expect(result).toMatchObject({ ok: false, error: { kind: 'tls' } });
    });

    it('reports a JSON content type with a body that does not parse as an invalid response', async () => {
      target.failNext(1, { status: 200, body: '{"schemas": [', contentType: 'application/scim+json' });
      const result = await client().request({ method: 'GET', path: '/Users' });
      expect(result).toMatchObject({ ok: false, status: 200, error: { kind: 'invalid-response' } });
      expect(classifyOutcome(result)).toBe('permanent');
    });

    it('rejects a create answered without an id', async () => {
      target.failNext(1, { status: 201, body: { schemas: [USER_SCHEMA], userName: 'x' } });
      const result = await client().createUser(user('x'));
      expect(result).toMatchObject({ ok: false, status: 201, error: { kind: 'invalid-response' } });
      expect(result.error?.message).toMatch(/without a resource id/);
    });

    it('rejects a search answered with something other than a ListResponse', async () => {
      target.failNext(1, { status: 200, body: [{ id: '1' }] });
      const result = await client().findUsers('userName eq "x"');
      expect(result).toMatchObject({ ok: false, error: { kind: 'invalid-response' } });
    });

    it('cuts responses over maxResponseBytes', async () => {
      target.failNext(1, { status: 200, body: { blob: 'x'.repeat(5000) } });
      const result = await client({ maxResponseBytes: 1024 }).request({ method: 'GET', path: '/Users' });
      expect(result).toMatchObject({ ok: false, error: { kind: 'invalid-response' } });
    });
  });

  describe('target URL rule', () => {
    it('allows https anywhere and http only on loopback unless told otherwise', () => {
      const auth = { type: 'bearer', token: 't' } as const;
      expect(
        () => new ScimClient({ baseUrl: 'https://app.example.com/scim', auth, timeoutMs: 1 }),
      ).not.toThrow();
      expect(
        () => new ScimClient({ baseUrl: 'http://localhost:3000/scim', auth, timeoutMs: 1 }),
      ).not.toThrow();
      expect(() => new ScimClient({ baseUrl: 'http://app.example.com/scim', auth, timeoutMs: 1 })).toThrow(
        InvalidRequestError,
      );
      expect(
        () =>
          new ScimClient({
            baseUrl: 'http://app.example.com/scim',
            auth,
            timeoutMs: 1,
            allowInsecureHttp: true,
          }),
      ).not.toThrow();
      expect(() => new ScimClient({ baseUrl: 'ftp://app.example.com', auth, timeoutMs: 1 })).toThrow(/https/);
      expect(() => new ScimClient({ baseUrl: 'https://u:p@app.example.com', auth, timeoutMs: 1 })).toThrow(
        /credentials/,
      );
      const oauth = {
        type: 'oauth2',
        tokenUrl: 'http://login.example.com/token',
        clientId: 'a',
        clientSecret: 'b',
      };
      expect(
        () => new ScimClient({ baseUrl: 'https://a.example.com', auth: oauth as never, timeoutMs: 1 }),
      ).toThrow(/token endpoint URL must use https/);
    });
  });
});

describe('ScimClient OAuth 2.0 client credentials', () => {
  let target: FakeScimTarget;
  const clients: ScimClient[] = [];
  const oauthClient = (
    overrides: Partial<ScimClientOptions> & { secret?: string; clientAuth?: 'basic' | 'post' } = {},
  ) => {
    const { secret, clientAuth, ...rest } = overrides;
    const c = new ScimClient({
      baseUrl: target.url,
      auth: {
        type: 'oauth2',
        tokenUrl: target.tokenUrl,
        clientId: 'gateway client',
        clientSecret: secret ?? 's3cr3t&=+',
        scope: 'scim.write',
        clientAuth,
      },
      timeoutMs: 2000,
      ...rest,
    });
    clients.push(c);
    return c;
  };
  const tokenRequests = () => target.requests.filter((r) => r.path === '/oauth/token');
  const scimRequests = () => target.requests.filter((r) => r.path !== '/oauth/token');

  beforeAll(
    async () =>
      (target = await startFakeScimTarget({
        oauth: { clientId: 'gateway client', clientSecret: 's3cr3t&=+' },
      })),
  );
  beforeEach(() => target.reset());
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => target.close());

  it('fetches a token with client_secret_basic, sends it as a bearer and caches it', async () => {
    const c = oauthClient();
    const first = await c.findUsers('userName eq "a"');
    const second = await c.findUsers('userName eq "b"');

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(tokenRequests()).toHaveLength(1);
    const [tokenRequest] = tokenRequests();
    expect(tokenRequest.method).toBe('POST');
    expect(tokenRequest.body).toEqual({ grant_type: 'client_credentials', scope: 'scim.write' });
    expect(tokenRequest.headers.authorization).toMatch(/^Basic /);
    const bearers = scimRequests().map((r) => r.headers.authorization);
    expect(bearers[0]).toMatch(/^Bearer \S+$/);
    expect(bearers[1]).toBe(bearers[0]);
  });

  it('supports client_secret_post', async () => {
    const result = await oauthClient({ clientAuth: 'post' }).getUser('x');
    expect(result.status).toBe(404);
    expect(tokenRequests()[0].body).toMatchObject({
      client_id: 'gateway client',
      client_secret: 's3cr3t&=+',
    });
    expect(tokenRequests()[0].headers.authorization).toBeUndefined();
  });

  it('takes the token when a request gets its turn, not before it waits behind a slow one', async () => {
    // Tokens live a second (refreshed from 900 ms); the first request holds the only turn for 1.2 s.
    const shortLived = await startFakeScimTarget({
      oauth: { clientId: 'gateway client', clientSecret: 's3cr3t&=+', expiresInSeconds: 1 },
    });
    try {
      const c = new ScimClient({
        baseUrl: shortLived.url,
        auth: {
          type: 'oauth2',
          tokenUrl: shortLived.tokenUrl,
          clientId: 'gateway client',
          clientSecret: 's3cr3t&=+',
        },
        timeoutMs: 5000,
        gate: new RequestGate(1),
      });
      clients.push(c);
      shortLived.slow(1200, { path: '/Users/slow' });
      const results = await Promise.all([c.getUser('slow'), c.getUser('waiting')]);
      expect(results.map((r) => r.status)).toEqual([404, 404]);
      // Sent once each, with a live token: none was answered 401 and sent again.
      const sent = shortLived.requests.filter((r) => r.path !== '/oauth/token');
      expect(sent.map((r) => [r.path, r.status])).toEqual([
        ['/Users/slow', 404],
        ['/Users/waiting', 404],
      ]);
      expect(shortLived.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(2);
    } finally {
      await shortLived.close();
    }
  });

  it('shares one token fetch between concurrent requests', async () => {
    const c = oauthClient();
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => c.getUser(`u${i}`)));
    expect(results.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('fetches a new token shortly before the old one expires', async () => {
    let now = Date.now();
    const c = oauthClient({ now: () => now });
    await c.getUser('x');
    now += 3540 * 1000 - 1; // lifetime 3600 s, refreshed 60 s early
    await c.getUser('x');
    expect(tokenRequests()).toHaveLength(1);
    now += 2;
    await c.getUser('x');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('refreshes the token once on a 401 and replays the request', async () => {
    const c = oauthClient();
    await c.getUser('x');
    target.revokeTokens();
    const result = await c.createUser(user('after-rotation@example.com'));

    expect(result).toMatchObject({ ok: true, status: 201 });
    expect(tokenRequests()).toHaveLength(2);
    expect(scimRequests().map((r) => r.status)).toEqual([404, 401, 201]);
    expect(target.users()).toHaveLength(1);
  });

  it('gives up after one refresh when the target keeps answering 401', async () => {
    target.failNext(5, { status: 401 }, { path: '/Users' });
    const result = await oauthClient().getUser('x');

    expect(result).toMatchObject({ ok: false, status: 401, error: { stage: 'request' } });
    expect(tokenRequests()).toHaveLength(2);
    expect(scimRequests()).toHaveLength(2);
  });

  it('reports rejected client credentials as a token-stage failure without calling the target', async () => {
    const result = await oauthClient({ secret: 'wrong' }).getUser('x');

    expect(result).toMatchObject({
      ok: false,
      status: 401,
      url: target.tokenUrl,
      error: {
        kind: 'http',
        stage: 'token',
        message: 'Token endpoint answered 401 Unauthorized: invalid_client',
      },
    });
    expect(scimRequests()).toHaveLength(0);
  });

  it('test connection blames the client credentials when the token endpoint rejects them', async () => {
    const verdict = await oauthClient({ secret: 'wrong' }).testConnection();
    expect(verdict).toMatchObject({ ok: false, code: 'bad-credentials', status: 401 });
    expect(verdict.message).toBe('The token endpoint rejected the client id or secret (401 Unauthorized).');
  });

  it('reports a token endpoint that is down as a retryable token-stage failure', async () => {
    target.failNext(1, { status: 503 }, { path: '/oauth/token' });
    const result = await oauthClient().getUser('x');
    expect(result).toMatchObject({ ok: false, status: 503, error: { stage: 'token' } });
    expect(classifyOutcome(result)).toBe('retryable');
  });
});

describe('ScimClient.testConnection', () => {
  let target: FakeScimTarget;
  const clients: ScimClient[] = [];
  const client = (overrides: Partial<ScimClientOptions> = {}) => {
    const c = new ScimClient({
      baseUrl: target.url,
      auth: { type: 'bearer', token: TOKEN },
      timeoutMs: 2000,
      ...overrides,
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => (target = await startFakeScimTarget({ bearerToken: TOKEN })));
  beforeEach(() => target.reset());
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => target.close());

  it('sends what Entra sends: GET /Users filtered on a random GUID userName', async () => {
    const verdict = await client().testConnection();

    expect(verdict).toMatchObject({ ok: true, code: 'ok', status: 200 });
    expect(verdict.message).toMatch(/^Connected: 200 and an empty ListResponse in \d+ ms\.$/);
    const [sent] = target.requests;
    expect(sent.method).toBe('GET');
    expect(sent.path).toBe('/Users');
    expect(sent.query.filter).toMatch(
      /^userName eq "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$/,
    );
  });

  it('says the credentials are wrong on 401 and 403', async () => {
    const unauthorized = await client({ auth: { type: 'bearer', token: 'nope' } }).testConnection();
    expect(unauthorized).toMatchObject({ ok: false, code: 'bad-credentials', status: 401 });
    expect(unauthorized.message).toMatch(/rejected the credentials \(401 Unauthorized\)/);

    target.failNext(1, { status: 403 });
    expect(await client().testConnection()).toMatchObject({ code: 'bad-credentials', status: 403 });
  });

  it('says the base path is wrong on 404', async () => {
    const verdict = await client({ baseUrl: `${target.origin}/api` }).testConnection();
    expect(verdict).toMatchObject({ ok: false, code: 'wrong-base-path', status: 404 });
    expect(verdict.message).toContain(`${target.origin}/api/Users?filter=`);
  });

  it('says it is not SCIM when a 200 is not a ListResponse', async () => {
    target.failNext(1, { status: 200, body: '<!doctype html><title>Welcome</title>' });
    const verdict = await client().testConnection();
    expect(verdict).toMatchObject({ ok: false, code: 'not-scim', status: 200 });
    expect(verdict.message).toContain('text/html');
  });

  it('flags a target that ignores the filter', async () => {
    target.failNext(1, {
      status: 200,
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 3,
        Resources: [],
      },
    });
    expect(await client().testConnection()).toMatchObject({ ok: false, code: 'filter-ignored' });
  });

  it('reports another status with its detail', async () => {
    target.failNext(1, { status: 500, body: { detail: 'database offline' } });
    const verdict = await client().testConnection();
    expect(verdict).toMatchObject({ code: 'unexpected-status', status: 500 });
    expect(verdict.message).toBe('The target answered 500 Internal Server Error: database offline.');
  });

  it('names refused connections, timeouts, DNS and TLS failures', async () => {
    const port = await closedPort();
    expect(await client({ baseUrl: `http://127.0.0.1:${port}/scim` }).testConnection()).toMatchObject({
      code: 'connection-refused',
    });

    target.slow(1500);
    expect(await client({ timeoutMs: 100 }).testConnection()).toMatchObject({ code: 'timeout' });
    target.slow(0);

    const lookup: LookupFunction = (_h, _o, cb) =>
      cb(Object.assign(new Error('nope'), { code: 'EAI_AGAIN' }), '', 4);
    const dns = await client({ baseUrl: 'https://scim.example.invalid', lookup }).testConnection();
    expect(dns).toMatchObject({ code: 'dns' });
    expect(dns.message).toContain('scim.example.invalid');

    expect(await client({ baseUrl: target.url.replace('http:', 'https:') }).testConnection()).toMatchObject({
      code: 'tls',
    });
  });
});
