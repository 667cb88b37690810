/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4), one of the auth methods Entra offers for SCIM apps: fetch a token,
 * cache it until shortly before it expires, share one fetch between concurrent callers.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpTransport } from './http.transport';
import type { ScimClientError, TargetAuth } from './scim-client.types';
import type { NetworkPolicy } from './network-policy';

type OAuthConfig = Extract<TargetAuth, { type: 'oauth2' }>;

/** Used when the token endpoint does not say (`expires_in` is only RECOMMENDED); a 401 refreshes earlier. */
const DEFAULT_LIFETIME_S = 3600;

export type TokenOutcome =
  | { token: string; durationMs: number }
  | { failure: ScimClientError; status: number; text: string; durationMs: number };

export class OAuthTokenCache {
  private cached?: { token: string; refreshAt: number };
  private inFlight?: Promise<TokenOutcome>;

  constructor(
    private readonly config: OAuthConfig,
    private readonly tokenUrl: URL,
    private readonly transport: HttpTransport,
    private readonly settings: {
      timeoutMs: number;
      userAgent: string;
      now: () => number;
      policy?: NetworkPolicy;
    },
  ) {}

  async get(): Promise<TokenOutcome> {
    if (this.cached && this.settings.now() < this.cached.refreshAt)
      return { token: this.cached.token, durationMs: 0 };
    this.inFlight ??= this.fetchToken().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Drops `token` if it is still the cached one (a 401 said it is no longer good). */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<TokenOutcome> {
    const { clientId, clientSecret, scope, clientAuth = 'basic' } = this.config;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
      'User-Agent': this.settings.userAgent,
    };
    if (clientAuth === 'basic') {
      // §2.3.1: id and secret are form-encoded before the Basic encoding.
      const pair = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
      headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    const body = form.toString();
    headers['Content-Length'] = String(Buffer.byteLength(body));
    const requestedAt = this.settings.now();
    const outcome = await this.transport.send({
      method: 'POST',
      url: this.tokenUrl,
      headers,
      body,
      timeoutMs: this.settings.timeoutMs,
      maxResponseBytes: 64 * 1024,
      policy: this.settings.policy,
    });
    if ('failure' in outcome) {
      return {
        failure: { ...outcome.failure, stage: 'token' },
        status: 0,
        text: '',
        durationMs: outcome.durationMs,
      };
    }
    const { status, text, durationMs } = outcome;
    const parsed = safeJson(text) as
      { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    if (status < 200 || status >= 300) {
      const reason = typeof parsed?.error === 'string' ? `: ${parsed.error}` : '';
      const message = `Token endpoint answered ${status} ${STATUS_CODES[status] ?? ''}${reason}`;
      return { failure: { kind: 'http', stage: 'token', message }, status, text, durationMs };
    }
    if (typeof parsed?.access_token !== 'string' || parsed.access_token === '') {
      const message = 'Token endpoint answered without an access_token';
      return { failure: { kind: 'invalid-response', stage: 'token', message }, status, text, durationMs };
    }
    const lifetimeMs =
      (Number(parsed.expires_in) > 0 ? Number(parsed.expires_in) : DEFAULT_LIFETIME_S) * 1000;
    // Refresh a little early: 10% of the lifetime, at most a minute, so a request never leaves with a dying token.
    this.cached = {
      token: parsed.access_token,
      refreshAt: requestedAt + lifetimeMs - Math.min(60_000, lifetimeMs / 10),
    };
    return { token: parsed.access_token, durationMs };
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
