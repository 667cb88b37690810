/**
 * The only code that talks HTTP to downstream SCIM apps. Every call resolves to a ScimResult: an HTTP error status,
 * a timeout or a refused connection is data for the retry policy and the provisioning log, never an exception.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { BulkOperation, bulkRequestBody } from './bulk-request';
import { ConnectionVerdict, isListResponse, judgeConnection } from './connection.tester';
import { HttpTransport, type TransportOutcome } from './http.transport';
import { OAuthTokenCache } from './oauth-token.cache';
import { RequestGate } from './request-gate';
import { parseRetryAfterMs } from './retry-after.parser';
import { eqFilter } from './scim-filter.util';
import {
  ListOptions,
  PATCH_OP_URN,
  SCIM_CONTENT_TYPE,
  ScimClientOptions,
  ScimFailure,
  ScimListResponse,
  ScimPatchOperation,
  ScimRequest,
  ScimResource,
  ScimResult,
} from './scim-client.types';
import { assertTargetUrl } from './target-url.validator';

const DEFAULT_USER_AGENT = 'scim-gateway/0.1';
type Kind = 'Users' | 'Groups';
type Authorization = { header: string; token?: string; durationMs: number };
type AuthorizationFailure = { failure: ScimFailure; durationMs: number };
/** A request's turn at the gate: its token taken, then the request sent with it (not sent without a token). */
type Turn =
  { auth: AuthorizationFailure; outcome: null } | { auth: Authorization; outcome: TransportOutcome };

export class ScimClient {
  private readonly baseUrl: string;
  private readonly transport: HttpTransport;
  private readonly gate?: RequestGate;
  private readonly tokens?: OAuthTokenCache;
  private readonly now: () => number;
  private readonly userAgent: string;

  constructor(private readonly options: ScimClientOptions) {
    const allowHttp = options.allowInsecureHttp ?? false;
    this.baseUrl = assertTargetUrl(options.baseUrl, 'The SCIM base URL', allowHttp).href.replace(/\/+$/, '');
    this.transport = new HttpTransport(options.maxSockets ?? 16);
    this.gate = options.gate;
    this.now = options.now ?? Date.now;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    if (options.auth.type === 'oauth2') {
      const tokenUrl = assertTargetUrl(options.auth.tokenUrl, 'The token endpoint URL', allowHttp);
      this.tokens = new OAuthTokenCache(options.auth, tokenUrl, this.transport, {
        timeoutMs: options.timeoutMs,
        userAgent: this.userAgent,
        now: this.now,
        policy: options.networkPolicy,
      });
    }
  }

  /** One SCIM request. With OAuth, a 401 drops the cached token and the request is sent once more. */
  async request<T = unknown>(req: ScimRequest): Promise<ScimResult<T>> {
    const url = this.urlFor(req);
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    let spentMs = 0;
    for (let attempt = 1; ; attempt++) {
      // The token is taken when the request's turn comes, not before it waits: a long wait behind a slow target
      // must not send a token that expired meanwhile. The wait is not the request's: its timeout and duration
      // start when it is sent.
      const turn = async (): Promise<Turn> => {
        const auth = await this.authorization();
        if ('failure' in auth) return { auth, outcome: null };
        const outcome = await this.transport.send({
          method: req.method,
          url,
          headers: this.headersFor(auth.header, body),
          body,
          timeoutMs: this.options.timeoutMs,
          maxResponseBytes: this.options.maxResponseBytes ?? 10 * 1024 * 1024,
          lookup: this.options.lookup,
          policy: this.options.networkPolicy,
        });
        return { auth, outcome };
      };
      const taken = await (this.gate ? this.gate.run(turn) : turn());
      spentMs += taken.auth.durationMs;
      if (taken.outcome === null) return { ...taken.auth.failure, durationMs: spentMs };
      const { auth, outcome } = taken;
      spentMs += outcome.durationMs;
      if ('failure' in outcome) {
        const failure = { ...outcome.failure, stage: 'request' as const };
        return { ...emptyResult(req.method, url.href, spentMs), ok: false, error: failure };
      }
      if (outcome.status === 401 && this.tokens && auth.token && attempt === 1) {
        this.tokens.invalidate(auth.token);
        continue;
      }
      return this.toResult<T>(req.method, url.href, outcome.status, outcome.headers, outcome.text, spentMs);
    }
  }

  getUser(id: string, options: Pick<ListOptions, 'attributes' | 'excludedAttributes'> = {}) {
    return this.getResource('Users', id, options);
  }
  findUsers(filter: string, options: ListOptions = {}) {
    return this.find('Users', filter, options);
  }
  /** One page of every user the target holds (no filter): `startIndex` is 1-based (RFC 7644 §3.4.2.4). */
  listUsers(options: ListOptions = {}) {
    return this.find('Users', undefined, options);
  }
  createUser(doc: Record<string, unknown>) {
    return this.write('POST', '/Users', doc);
  }
  replaceUser(id: string, doc: Record<string, unknown>) {
    return this.write('PUT', `/Users/${encodeURIComponent(id)}`, doc);
  }
  patchUser(id: string, operations: ScimPatchOperation[]) {
    return this.patch('Users', id, operations);
  }
  deleteUser(id: string) {
    return this.request<undefined>({ method: 'DELETE', path: `/Users/${encodeURIComponent(id)}` });
  }

  /** Groups are read without members by default, as Entra does (reference §1, `excludedAttributes=members`). */
  getGroup(id: string, options: Pick<ListOptions, 'attributes' | 'excludedAttributes'> = {}) {
    return this.getResource('Groups', id, { excludedAttributes: ['members'], ...options });
  }
  findGroups(filter: string, options: ListOptions = {}) {
    return this.find('Groups', filter, { excludedAttributes: ['members'], ...options });
  }
  createGroup(doc: Record<string, unknown>) {
    return this.write('POST', '/Groups', doc);
  }
  replaceGroup(id: string, doc: Record<string, unknown>) {
    return this.write('PUT', `/Groups/${encodeURIComponent(id)}`, doc);
  }
  patchGroup(id: string, operations: ScimPatchOperation[]) {
    return this.patch('Groups', id, operations);
  }
  deleteGroup(id: string) {
    return this.request<undefined>({ method: 'DELETE', path: `/Groups/${encodeURIComponent(id)}` });
  }

  /** RFC 7643 §5: what the target supports (the engine reads its `bulk`). */
  serviceProviderConfig() {
    return this.request<unknown>({ method: 'GET', path: '/ServiceProviderConfig' });
  }

  /** RFC 7644 §3.7: one `POST /Bulk`. `failOnErrors` is left unset: each operation stands alone. */
  bulk(operations: readonly BulkOperation[]) {
    return this.request<unknown>({ method: 'POST', path: '/Bulk', body: bulkRequestBody(operations) });
  }

  /** Entra's Test Connection: a filter on a random userName must give 200 and an empty ListResponse. */
  async testConnection(): Promise<ConnectionVerdict> {
    const result = await this.request({
      method: 'GET',
      path: '/Users',
      query: { filter: eqFilter('userName', randomUUID()) },
    });
    return judgeConnection(result, this.baseUrl);
  }

  /**
   * Retires the client: idle keep-alive connections close now, busy ones when their exchange ends, so requests in
   * flight still get their answer. It stays usable; a request sent later opens a connection of its own.
   */
  close(): void {
    this.transport.close();
  }

  /** Closes every connection at once, requests in flight included: at shutdown. */
  destroy(): void {
    this.transport.destroy();
  }

  private async find(kind: Kind, filter: string | undefined, options: ListOptions) {
    const result = await this.request<unknown>({
      method: 'GET',
      path: `/${kind}`,
      query: { filter, ...listQuery(options) },
    });
    if (!result.ok) return result;
    // Entra treats a body it cannot read as SystemForCrossDomainIdentityManagementServiceIncompatible (§5.3).
    if (!isListResponse(result.body))
      return invalid(result, 'The target did not answer with a SCIM ListResponse');
    const list = result.body as unknown as ScimListResponse;
    return { ...result, body: { ...list, Resources: list.Resources ?? [] } };
  }

  private async getResource(kind: Kind, id: string, options: ListOptions) {
    const result = await this.request<unknown>({
      method: 'GET',
      path: `/${kind}/${encodeURIComponent(id)}`,
      query: listQuery(options),
    });
    return result.ok ? asResource(result) : result;
  }

  private async write(method: 'POST' | 'PUT', path: string, doc: Record<string, unknown>) {
    const result = await this.request<unknown>({ method, path, body: doc });
    return result.ok ? asResource(result) : result;
  }

  /** RFC 7644 §3.5.2. The answer is 200 with the resource or 204 without (Entra expects 204 for groups). */
  private patch(kind: Kind, id: string, operations: ScimPatchOperation[]) {
    return this.request<ScimResource | undefined>({
      method: 'PATCH',
      path: `/${kind}/${encodeURIComponent(id)}`,
      body: { schemas: [PATCH_OP_URN], Operations: operations },
    });
  }

  private async authorization(): Promise<Authorization | AuthorizationFailure> {
    if (!this.tokens) {
      const auth = this.options.auth as { token: string };
      return { header: `Bearer ${auth.token}`, durationMs: 0 };
    }
    const outcome = await this.tokens.get();
    if ('token' in outcome)
      return { header: `Bearer ${outcome.token}`, token: outcome.token, durationMs: outcome.durationMs };
    const tokenUrl = (this.options.auth as { tokenUrl: string }).tokenUrl;
    const failure: ScimFailure = {
      ...emptyResult('POST', tokenUrl, outcome.durationMs),
      ok: false,
      status: outcome.status,
      text: outcome.text,
      error: outcome.failure,
    };
    return { failure, durationMs: outcome.durationMs };
  }

  private urlFor(req: ScimRequest): URL {
    const url = new URL(this.baseUrl + (req.path.startsWith('/') ? req.path : `/${req.path}`));
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private headersFor(authorization: string, body: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: authorization,
      Accept: `${SCIM_CONTENT_TYPE}, application/json`,
      'User-Agent': this.userAgent,
    };
    if (body !== undefined) {
      headers['Content-Type'] = SCIM_CONTENT_TYPE;
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return headers;
  }

  private toResult<T>(
    method: ScimRequest['method'],
    url: string,
    status: number,
    headers: Record<string, string>,
    text: string,
    durationMs: number,
  ): ScimResult<T> {
    const base = { method, url, status, headers, text, durationMs };
    const retryAfterMs = parseRetryAfterMs(headers['retry-after'], this.now());
    if (retryAfterMs !== undefined) Object.assign(base, { retryAfterMs });
    const parsed = parseJson(headers['content-type'], text);
    if (parsed === INVALID) {
      const message = `${status} ${STATUS_CODES[status] ?? ''}: the body is not valid JSON`.trim();
      return { ...base, ok: false, error: { kind: 'invalid-response', stage: 'request', message } };
    }
    if (status >= 200 && status < 300) return { ...base, ok: true, body: parsed as T };
    const detail = scimErrorText(parsed);
    const message = `${status} ${STATUS_CODES[status] ?? 'Unknown status'}${detail ? `: ${detail}` : ''}`;
    return { ...base, ok: false, body: parsed, error: { kind: 'http', stage: 'request', message } };
  }
}

const INVALID = Symbol('invalid JSON');

/**
 * JSON when the content type says so (`application/scim+json`, `application/json`, any `+json`); a body that looks
 * like JSON under another non-HTML type is read too, as some apps label SCIM responses `text/plain`.
 */
function parseJson(contentType: string | undefined, text: string): unknown {
  if (text.trim() === '') return undefined;
  const type = (contentType ?? '').toLowerCase();
  const declared = type.includes('json');
  if (!declared && (type.includes('html') || !/^\s*[{[]/.test(text))) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return declared ? INVALID : undefined;
  }
}

function scimErrorText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { detail, scimType } = body as { detail?: unknown; scimType?: unknown };
  const parts = [typeof detail === 'string' ? detail.slice(0, 300) : undefined];
  if (typeof scimType === 'string') parts.push(`(scimType ${scimType})`);
  return parts.filter(Boolean).join(' ') || undefined;
}

function listQuery(options: ListOptions): Record<string, string | number | undefined> {
  return {
    startIndex: options.startIndex,
    count: options.count,
    attributes: options.attributes?.join(','),
    excludedAttributes: options.excludedAttributes?.join(','),
  };
}

function emptyResult(method: ScimRequest['method'], url: string, durationMs: number) {
  return { method, url, status: 0, headers: {}, text: '', durationMs };
}

/** A resource answer must carry its `id` (Entra: "every response that returns a resource"), or we cannot track it. */
function asResource(result: ScimResult<unknown> & { ok: true }): ScimResult<ScimResource> {
  const body = result.body as { id?: unknown } | undefined;
  if (typeof body !== 'object' || body === null || typeof body.id !== 'string' || body.id === '') {
    return invalid(result, 'The target answered without a resource id');
  }
  return { ...result, body: body as ScimResource };
}

function invalid(result: ScimResult<unknown> & { ok: true }, message: string): ScimFailure {
  return { ...result, ok: false, error: { kind: 'invalid-response', stage: 'request', message } };
}
