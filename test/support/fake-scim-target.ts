/**
 * A fake downstream SCIM app on 127.0.0.1 for tests and benchmarks: stores what it receives, speaks enough of
 * RFC 7644 to be a realistic target (the shapes Entra sends included), records every request, and fails on command.
 *
 *   const target = await startFakeScimTarget({ bearerToken: 't0k' });
 *   target.failNext(2, { status: 429, retryAfter: 1 }, { path: '/Users', method: 'POST' });
 *   ...
 *   await target.close();
 */
import { randomBytes } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, STATUS_CODES, createServer } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import {
  BulkSettings,
  RecordedOperation,
  serveBulk,
  serviceProviderConfig,
} from './fake-scim-target/fake-target.bulk';
import { FaultPlan, FaultScope, InjectedResponse } from './fake-scim-target/fake-target.faults';
import { FakeScimError, FilterNode, JsonObject, parseFilter } from './fake-scim-target/fake-target.filter';
import type { PatchQuirks } from './fake-scim-target/fake-target.patch';
import { FakeResourceStore, ResourceKind } from './fake-scim-target/fake-target.store';

export type { FaultScope, InjectedResponse } from './fake-scim-target/fake-target.faults';
export type { PatchQuirks } from './fake-scim-target/fake-target.patch';
export type { BulkSettings, RecordedOperation } from './fake-scim-target/fake-target.bulk';

export interface FakeScimTargetOptions {
  port?: number;
  /** Where /Users and /Groups live. Default `/scim/v2`. */
  basePath?: string;
  /** Require `Authorization: Bearer <token>` on SCIM paths (401 otherwise). */
  bearerToken?: string;
  /** Serve an OAuth 2.0 client-credentials token endpoint at `/oauth/token`; issued tokens are then required. */
  oauth?: { clientId: string; clientSecret: string; expiresInSeconds?: number };
  /** Record every request (default true). Turn off for long benchmarks. */
  recordRequests?: boolean;
  /** Default page size of list responses (default 100). */
  pageSize?: number;
  /** The most resources one list page holds, whatever `count` asks (as real apps cap it). Default: no cap. */
  maxPageSize?: number;
  /**
   * Accept a second user with a taken userName (or group with a taken displayName) as a new resource (201) instead
   * of answering 409: for tests that prove the gateway creates each object once, which a 409 would otherwise hide.
   */
  acceptDuplicates?: boolean;
  /**
   * PATCH mistakes of real apps that still answer 200 with the resource: drop capitalised ops ("Replace"), or store
   * an extension URN path (`urn:…:User:department`) under that literal name instead of in the extension.
   */
  patchQuirks?: PatchQuirks;
  /**
   * Serve `/Bulk` (RFC 7644 §3.7) and advertise it in `/ServiceProviderConfig` with these limits; a request over
   * them is refused with 413. Without it the configuration says `bulk.supported: false` and `/Bulk` answers 501.
   */
  bulk?: BulkSettings;
}

export interface RecordedRequest {
  method: string;
  /** Path relative to the SCIM base (`/Users/42`), or the absolute path when outside it (`/oauth/token`). */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names, as Node gives them; `authorization` included. */
  headers: Record<string, string>;
  /** Parsed JSON or form body; the raw text when it is neither. */
  body: unknown;
  time: Date;
  /** The status sent back; undefined when the connection was dropped. */
  status?: number;
}

export interface FakeScimTarget {
  /** Base URL of the SCIM endpoint, e.g. `http://127.0.0.1:41234/scim/v2`. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly tokenUrl: string;
  readonly requests: RecordedRequest[];
  /** Every operation of the `/Bulk` requests, in the order carried out (kept when `recordRequests` is on). */
  readonly operations: RecordedOperation[];
  /** Copies of every user it holds. */
  users(): JsonObject[];
  /** How many users it holds, without copying them as `users()` does (for a poll while it fills). */
  userCount(): number;
  groups(): JsonObject[];
  /** Stores a resource directly (no request recorded), as if it already existed in the app. */
  seed(kind: ResourceKind, doc: JsonObject): JsonObject;
  /** The most requests it has been handling at once (from arrival to the end of the answer) since start or reset. */
  peakInFlight(): number;
  /** Forgets resources, requests, faults and issued tokens, and restores the bearer token given at start. */
  reset(): void;
  failNext(times: number, response: InjectedResponse, scope?: FaultScope): void;
  failAlways(response: InjectedResponse, scope?: FaultScope): void;
  /** Answers the next `times` `/Bulk` operations matching `scope` with `response` instead of carrying them out. */
  failOperations(times: number, response: InjectedResponse, scope?: FaultScope): void;
  dropConnections(times: number, scope?: FaultScope): void;
  /** Carries out the next `times` matching requests, then drops the connection instead of answering. */
  loseAnswers(times: number, scope?: FaultScope): void;
  /** Delays every matching response by `ms`; `slow(0)` without a scope removes every delay. */
  slow(ms: number, scope?: FaultScope): void;
  clearFaults(): void;
  requireBearer(token: string | undefined): void;
  /** Invalidates every issued OAuth token, as a token rotation on the app side would. */
  revokeTokens(): void;
  close(): Promise<void>;
}

const SCIM_JSON = 'application/scim+json; charset=utf-8';
const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const TOKEN_PATH = '/oauth/token';

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function startFakeScimTarget(options: FakeScimTargetOptions = {}): Promise<FakeScimTarget> {
  const basePath = (options.basePath ?? '/scim/v2').replace(/\/+$/, '');
  const pageSize = options.pageSize ?? 100;
  const record = options.recordRequests ?? true;
  const requests: RecordedRequest[] = [];
  const operations: RecordedOperation[] = [];
  const faults = new FaultPlan();
  const operationFaults = new FaultPlan();
  const issuedTokens = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let bearerToken = options.bearerToken;
  let origin = '';
  const store = new FakeResourceStore(
    () => origin + basePath,
    options.acceptDuplicates ?? false,
    options.patchQuirks,
  );

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const authorized = (header: string | undefined): boolean => {
    if (bearerToken === undefined && !options.oauth) return true;
    const token = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1];
    if (token === undefined) return false;
    if (token === bearerToken) return true;
    const expiresAt = issuedTokens.get(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  };

  const issueToken = (req: IncomingMessage, body: unknown): Reply => {
    const oauth = options.oauth;
    if (!oauth || req.method !== 'POST') return { status: 404, body: 'Not Found' };
    const json = { 'Content-Type': 'application/json' };
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, string>;
    if (form.grant_type !== 'client_credentials')
      return { status: 400, body: { error: 'unsupported_grant_type' }, headers: json };
    // RFC 6749 §2.3.1: client_secret_basic (form-encoded id and secret) or client_secret_post.
    let id = form.client_id;
    let secret = form.client_secret;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      const [u, p] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(u.replace(/\+/g, ' '));
      secret = decodeURIComponent((p ?? '').replace(/\+/g, ' '));
    }
    if (id !== oauth.clientId || secret !== oauth.clientSecret) {
      return {
        status: 401,
        body: { error: 'invalid_client' },
        headers: { ...json, 'WWW-Authenticate': 'Basic' },
      };
    }
    const expiresIn = oauth.expiresInSeconds ?? 3600;
    const token = randomBytes(18).toString('base64url');
    issuedTokens.set(token, Date.now() + expiresIn * 1000);
    return {
      status: 200,
      body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn },
      headers: json,
    };
  };

  const route = (method: string, path: string, query: URLSearchParams, body: unknown): Reply => {
    const m = /^\/(Users|Groups)(?:\/([^/]+))?$/.exec(path);
    if (!m) return { status: 404, body: 'Not Found' };
    const kind = m[1] as ResourceKind;
    const id = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    const exclude = (query.get('excludedAttributes') ?? '').toLowerCase().split(',');
    // A reply is serialized at once and kept nowhere: a stored document is served as is, or as a shallow copy
    // without the excluded attributes (a deep copy of each listed resource made the fake slower than the gateway
    // it measures).
    const shape = (doc: JsonObject): JsonObject => {
      const dropped = Object.keys(doc).filter((key) => exclude.includes(key.toLowerCase()));
      if (dropped.length === 0) return doc;
      const copy = { ...doc };
      for (const key of dropped) delete copy[key];
      return copy;
    };
    if (id === undefined && method === 'GET') return list(kind, query, shape);
    if (id === undefined && method === 'POST') {
      const created = store.create(kind, body);
      return {
        status: 201,
        body: created,
        headers: { Location: (created.meta as JsonObject).location as string },
      };
    }
    if (id !== undefined && method === 'GET') return { status: 200, body: shape(store.get(kind, id)) };
    if (id !== undefined && method === 'PUT') return { status: 200, body: store.replace(kind, id, body) };
    if (id !== undefined && method === 'PATCH') {
      const patched = store.patch(kind, id, body);
      // Entra expects 204 for group PATCH (reference §2.12-2.14); users get the resource back.
      return kind === 'Groups' ? { status: 204 } : { status: 200, body: patched };
    }
    if (id !== undefined && method === 'DELETE') {
      store.delete(kind, id);
      return { status: 204 };
    }
    return { status: 405, body: scimError(405, undefined, `${method} is not supported here`) };
  };

  const list = (kind: ResourceKind, query: URLSearchParams, shape: (d: JsonObject) => JsonObject): Reply => {
    const filterText = query.get('filter');
    const filter: FilterNode | undefined = filterText ? parseFilter(filterText) : undefined;
    const all = store.query(kind, filter);
    // RFC 7644 §3.4.2.4: 1-based startIndex, values below 1 read as 1; count below 0 reads as 0.
    const startIndex = Math.max(1, Number(query.get('startIndex') ?? 1) || 1);
    const count = Math.min(
      options.maxPageSize ?? Infinity,
      Math.max(0, Number(query.get('count') ?? pageSize) || 0),
    );
    const page = all.slice(startIndex - 1, startIndex - 1 + count).map(shape);
    return {
      status: 200,
      body: {
        schemas: [LIST_URN],
        totalResults: all.length,
        startIndex,
        itemsPerPage: page.length,
        Resources: page,
      },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const inBase = url.pathname === basePath || url.pathname.startsWith(basePath + '/');
    const path = inBase ? url.pathname.slice(basePath.length) || '/' : url.pathname;
    const parsed = parseBody(req.headers['content-type'], raw);
    const entry: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(req),
      body: parsed.value,
      time: new Date(),
    };
    if (record) requests.push(entry);

    // The token is checked as the request arrives, as a server does, not after an injected delay.
    const authorizedOnArrival = authorized(req.headers.authorization);
    const delay = faults.delayFor(method, path, entry.body);
    if (delay > 0) await sleep(delay);
    if (res.destroyed) return;

    let reply: Reply;
    const fault = faults.take(method, path, entry.body);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    } else if (fault?.kind === 'respond') {
      reply = injected(fault.response);
    } else if (path === TOKEN_PATH && !inBase) {
      reply = issueToken(req, entry.body);
    } else if (!inBase) {
      reply = { status: 404, body: 'Not Found' };
    } else if (!authorizedOnArrival) {
      reply = {
        status: 401,
        body: scimError(401, undefined, 'Missing or invalid bearer token'),
        headers: { 'WWW-Authenticate': 'Bearer' },
      };
    } else {
      try {
        if (parsed.invalidJson) throw new FakeScimError(400, 'invalidSyntax', 'The body is not valid JSON');
        if (path === '/ServiceProviderConfig' && method === 'GET')
          reply = { status: 200, body: serviceProviderConfig(options.bulk, options.maxPageSize ?? 1000) };
        else if (path === '/Bulk' && method === 'POST')
          reply = serveBulk(
            options.bulk,
            raw,
            entry.body,
            (m, p, data) => route(m, p, new URLSearchParams(), data),
            operationFaults,
            (op) => {
              if (record) operations.push(op);
            },
            injected,
          );
        else reply = route(method, path, url.searchParams, entry.body);
      } catch (err) {
        if (!(err instanceof FakeScimError)) throw err;
        reply = { status: err.status, body: scimError(err.status, err.scimType, err.message) };
      }
    }
    entry.status = reply.status;
    if (fault?.kind === 'loseAnswer') {
      req.socket.destroy();
      return;
    }
    send(res, reply);
  };

  let inFlight = 0;
  let peakInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: scimError(500, undefined, String(err)) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin + basePath,
    origin,
    port,
    tokenUrl: origin + TOKEN_PATH,
    requests,
    operations,
    users: () => store.all('Users'),
    userCount: () => store.size('Users'),
    groups: () => store.all('Groups'),
    seed: (kind, doc) => store.create(kind, doc),
    peakInFlight: () => peakInFlight,
    reset: () => {
      peakInFlight = inFlight;
      bearerToken = options.bearerToken;
      store.clear();
      requests.length = 0;
      operations.length = 0;
      faults.clear();
      operationFaults.clear();
      issuedTokens.clear();
    },
    failNext: (times, response, scope) => faults.add({ kind: 'respond', response }, times, scope),
    failAlways: (response, scope) => faults.add({ kind: 'respond', response }, Infinity, scope),
    failOperations: (times, response, scope) =>
      operationFaults.add({ kind: 'respond', response }, times, scope),
    dropConnections: (times, scope) => faults.add({ kind: 'drop' }, times, scope),
    loseAnswers: (times, scope) => faults.add({ kind: 'loseAnswer' }, times, scope),
    slow: (ms, scope) => faults.slow(ms, scope),
    clearFaults: () => {
      faults.clear();
      operationFaults.clear();
    },
    requireBearer: (token) => {
      bearerToken = token;
    },
    revokeTokens: () => issuedTokens.clear(),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON (any `+json` type), form-encoded, else the raw text. */
function parseBody(contentType: string | undefined, raw: string): { value: unknown; invalidJson?: boolean } {
  if (raw === '') return { value: undefined };
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json')) {
    try {
      return { value: JSON.parse(raw) as unknown };
    } catch {
      return { value: raw, invalidJson: true };
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { value: Object.fromEntries(new URLSearchParams(raw)) };
  }
  return { value: raw };
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function scimError(status: number, scimType: string | undefined, detail: string): JsonObject {
  return { schemas: [ERROR_URN], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

function injected(response: InjectedResponse): Reply {
  const headers: Record<string, string> = { ...response.headers };
  if (response.retryAfter !== undefined) headers['Retry-After'] = String(response.retryAfter);
  if (response.contentType) headers['Content-Type'] = response.contentType;
  const body =
    response.body !== undefined
      ? response.body
      : response.status >= 400
        ? scimError(response.status, undefined, 'Injected failure')
        : undefined;
  return { status: response.status, body, headers };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (typeof reply.body === 'string') {
    payload = reply.body;
    headers['Content-Type'] ??= 'text/html; charset=utf-8';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['Content-Type'] ??= SCIM_JSON;
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, STATUS_CODES[reply.status] ?? '', headers);
  res.end(payload);
}
