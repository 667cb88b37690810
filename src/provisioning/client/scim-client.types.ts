/** Wire and result types of the outbound SCIM client. Framework-free. */
import type { LookupFunction } from 'node:net';
import type { NetworkPolicy } from './network-policy';
import type { RequestGate } from './request-gate';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type TargetAuth =
  | { type: 'bearer'; token: string }
  | {
      type: 'oauth2';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scope?: string;
      /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). Default `basic`. */
      clientAuth?: 'basic' | 'post';
    };

export interface ScimClientOptions {
  /** The SCIM base URL, under which `/Users` and `/Groups` live (e.g. `https://app.example.com/scim/v2`). */
  baseUrl: string;
  auth: TargetAuth;
  /** Deadline for one HTTP exchange: connect, send, and read the whole response. */
  timeoutMs: number;
  userAgent?: string;
  /** Allow `http:` to hosts other than loopback. */
  allowInsecureHttp?: boolean;
  /** Keep-alive sockets per target (default 16). */
  maxSockets?: number;
  /**
   * The gate the requests pass, shared with the target's other clients: requests in flight at once beyond its
   * limit wait their turn (default: no limit but the sockets').
   */
  gate?: RequestGate;
  /** Responses larger than this are cut and reported as invalid (default 10 MiB). */
  maxResponseBytes?: number;
  /** Wall clock for token expiry and Retry-After dates (default `Date.now`). */
  now?: () => number;
  /** Host name resolver, as `dns.lookup` (default); a seam for tests. */
  lookup?: LookupFunction;
  /** Where the client may connect (target and token endpoint alike); refused addresses fail as `policy`. */
  networkPolicy?: NetworkPolicy;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ScimRequest {
  method: HttpMethod;
  /** Relative to the base URL, starting with `/` (`/Users/42`). */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** `policy`: the gateway's network policy refused the address (TARGET_ALLOWED_NETWORKS); nothing was sent. */
export type ScimErrorKind = 'timeout' | 'connection' | 'dns' | 'tls' | 'http' | 'invalid-response' | 'policy';

export interface ScimClientError {
  kind: ScimErrorKind;
  message: string;
  /** Where it failed: at the OAuth token endpoint, or on the SCIM request itself. */
  stage: 'token' | 'request';
  /** The Node error code (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`, …) when there is one. */
  code?: string;
}

interface ScimResultBase {
  method: HttpMethod;
  /** The request URL (no credentials are ever in it). */
  url: string;
  /** 0 when no response arrived. */
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** The response text, for the provisioning log. */
  text: string;
  /** Total time, including a token fetch and the one retry after a 401. */
  durationMs: number;
  /** From `Retry-After` (seconds or HTTP date, RFC 9110 §10.2.3), when present. */
  retryAfterMs?: number;
}

export interface ScimSuccess<T> extends ScimResultBase {
  ok: true;
  body: T;
  error?: undefined;
}

export interface ScimFailure extends ScimResultBase {
  ok: false;
  /** The parsed JSON error body (RFC 7644 §3.12) when there is one. */
  body?: unknown;
  error: ScimClientError;
}

/** What every client call resolves to. HTTP statuses and transport failures never throw. */
export type ScimResult<T = unknown> = ScimSuccess<T> | ScimFailure;

export interface ScimResource {
  id: string;
  schemas?: string[];
  externalId?: string;
  meta?: {
    resourceType?: string;
    created?: string;
    lastModified?: string;
    location?: string;
    version?: string;
  };
  [attribute: string]: unknown;
}

/** RFC 7644 §3.4.2. `Resources` is normalised to `[]` when the target omits it for zero results. */
export interface ScimListResponse<R = ScimResource> {
  schemas: string[];
  totalResults: number;
  Resources: R[];
  startIndex?: number;
  itemsPerPage?: number;
}

/** RFC 7644 §3.5.2; Entra's capitalised ops are accepted for compatibility profiles. */
export interface ScimPatchOperation {
  op: 'add' | 'replace' | 'remove' | 'Add' | 'Replace' | 'Remove';
  path?: string;
  value?: unknown;
}

export interface ListOptions {
  startIndex?: number;
  count?: number;
  attributes?: string[];
  excludedAttributes?: string[];
}
