/**
 * Test connection, as Entra does it (reference §1): `GET /Users?filter=userName eq "<random GUID>"`, expecting
 * 200 and an empty ListResponse. The verdict names the likely cause in words an operator can act on.
 */
import { STATUS_CODES } from 'node:http';
import { LIST_RESPONSE_URN, ScimResult } from './scim-client.types';

export type ConnectionVerdictCode =
  | 'ok'
  | 'dns'
  | 'tls'
  | 'connection-refused'
  | 'connection-failed'
  | 'network-policy'
  | 'timeout'
  | 'bad-credentials'
  | 'token-endpoint'
  | 'wrong-base-path'
  | 'not-scim'
  | 'filter-ignored'
  | 'unexpected-status';

export interface ConnectionVerdict {
  ok: boolean;
  code: ConnectionVerdictCode;
  message: string;
  status?: number;
  durationMs: number;
  /** The request sent, for display (`GET https://…/Users?filter=…`). */
  request: string;
}

export function judgeConnection(result: ScimResult, baseUrl: string): ConnectionVerdict {
  const verdict = (code: ConnectionVerdictCode, message: string): ConnectionVerdict => ({
    ok: code === 'ok',
    code,
    message,
    status: result.status || undefined,
    durationMs: result.durationMs,
    request: `${result.method} ${result.url}`,
  });
  const statusText = `${result.status} ${STATUS_CODES[result.status] ?? ''}`.trim();
  const host = safeHost(baseUrl);

  if (!result.ok && result.error.stage === 'token') {
    const e = result.error;
    if (e.kind === 'http' && (result.status === 400 || result.status === 401)) {
      return verdict(
        'bad-credentials',
        `The token endpoint rejected the client id or secret (${statusText}).`,
      );
    }
    return verdict('token-endpoint', `Could not get an OAuth token: ${e.message}.`);
  }
  if (!result.ok && result.error.kind !== 'http' && result.error.kind !== 'invalid-response') {
    const e = result.error;
    switch (e.kind) {
      case 'dns':
        return verdict(
          'dns',
          `The host name ${host} does not resolve (${e.code ?? 'DNS error'}). Check the base URL.`,
        );
      case 'tls':
        return verdict(
          'tls',
          `The TLS handshake with ${host} failed: ${e.message}. Check the certificate and https.`,
        );
      case 'policy':
        return verdict('network-policy', `${e.message}. Nothing was sent.`);
      case 'timeout':
        return verdict('timeout', `${host} did not answer within the timeout (${result.durationMs} ms).`);
      default:
        return e.code === 'ECONNREFUSED'
          ? verdict('connection-refused', `${host} refused the connection: nothing listens on that port.`)
          : verdict('connection-failed', `The connection to ${host} failed: ${e.message}.`);
    }
  }
  if (result.status === 401 || result.status === 403) {
    return verdict(
      'bad-credentials',
      `The target rejected the credentials (${statusText}). Check the token.`,
    );
  }
  if (result.status === 404) {
    // A SCIM service answers a filter that matches nothing with 200 and an empty list (RFC 7644 §3.4.2), never 404.
    return verdict(
      'wrong-base-path',
      `${statusText} for ${result.url}: the base URL is probably wrong; it must be the path /Users lives under.`,
    );
  }
  if (result.status !== 200) {
    const detail = scimDetail(result.body);
    return verdict('unexpected-status', `The target answered ${statusText}${detail ? `: ${detail}` : ''}.`);
  }
  const body = result.body;
  if (!isListResponse(body)) {
    const type = result.headers['content-type'] ?? 'no content type';
    return verdict(
      'not-scim',
      `200 OK but the body is not a SCIM ListResponse (${type}): this is not a SCIM endpoint.`,
    );
  }
  const returned = Math.max(body.totalResults, Array.isArray(body.Resources) ? body.Resources.length : 0);
  if (returned > 0) {
    return verdict(
      'filter-ignored',
      `A filter on a random userName returned ${returned} users: the target ignores filters, so matching would adopt the wrong users.`,
    );
  }
  return verdict('ok', `Connected: 200 and an empty ListResponse in ${result.durationMs} ms.`);
}

export function isListResponse(body: unknown): body is { totalResults: number; Resources?: unknown[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as { schemas?: unknown; totalResults?: unknown; Resources?: unknown };
  const listed = Array.isArray(b.schemas) && b.schemas.includes(LIST_RESPONSE_URN);
  return (
    listed && typeof b.totalResults === 'number' && (b.Resources === undefined || Array.isArray(b.Resources))
  );
}

function scimDetail(body: unknown): string | undefined {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  return typeof detail === 'string' ? detail.slice(0, 200) : undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
