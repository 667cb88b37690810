/**
 * One HTTP exchange over node:http(s) with an overall deadline and transport failures named by kind. No retries,
 * no auth, no SCIM: the client builds on this.
 */
import { Agent as HttpAgent, IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import type { NetworkPolicy } from './network-policy';
import { performance } from 'node:perf_hooks';
import type { ScimErrorKind } from './scim-client.types';

export interface HttpExchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  lookup?: LookupFunction;
  /** Where the gateway may connect: IP literals are checked here, names at resolution. */
  policy?: NetworkPolicy;
}

export type TransportOutcome =
  | { status: number; headers: Record<string, string>; text: string; durationMs: number }
  | { failure: { kind: ScimErrorKind; message: string; code?: string }; durationMs: number };

/**
 * How long a keep-alive connection may stay idle in the pool. Node's agent closes an idle connection a second before
 * the server's `Keep-Alive: timeout=N` hint only when it has a timeout of its own, shorter hints winning; without
 * one it kept connections the server was about to close, and a POST sent on one as the server closed it failed with
 * "socket hang up" (56 of 180,000 creates to ten targets idle for seconds at a time): a failure in the log and a
 * retry for nothing. Servers that send no hint are left this long.
 */
export const IDLE_SOCKET_MS = 30_000;

/** Keep-alive agents per target, so a benchmark of 100,000 requests does not open 100,000 connections. */
export class HttpTransport {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(maxSockets: number) {
    this.http = new HttpAgent({ keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS });
    this.https = new HttpsAgent({ keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS });
  }

  /**
   * A keep-alive connection the server closed while idle fails on reuse with ECONNRESET before any answer. Such a
   * request never reached the application, so an idempotent one (RFC 9110 §9.2.2) is sent once more on a fresh
   * connection, as the Node documentation advises (`request.reusedSocket`). POST and PATCH are not: the engine's
   * retry, which looks the object up first, decides for them.
   */
  async send(exchange: HttpExchange): Promise<TransportOutcome> {
    const first = await this.sendOnce(exchange);
    if (!('failure' in first) || !first.staleSocket || !IDEMPOTENT.has(exchange.method)) return strip(first);
    const second = await this.sendOnce(exchange);
    return { ...strip(second), durationMs: first.durationMs + second.durationMs };
  }

  private sendOnce(exchange: HttpExchange): Promise<TransportOutcome & { staleSocket?: boolean }> {
    const host = exchange.url.hostname.replace(/^\[|\]$/g, '');
    const refused = exchange.policy && isIP(host) ? exchange.policy.refusal(host) : null;
    if (refused) return Promise.resolve(policyFailure(refused));
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const isHttps = exchange.url.protocol === 'https:';
    return new Promise((resolve) => {
      let settled = false;
      let timedOut = false;
      const finish = (outcome: TransportOutcome & { staleSocket?: boolean }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      let answered = false;
      const fail = (err: unknown) =>
        finish({
          failure: timedOut
            ? { kind: 'timeout', message: `No complete response within ${exchange.timeoutMs} ms` }
            : describeError(err, isHttps, exchange.url.host),
          durationMs: elapsed(),
          staleSocket:
            !timedOut &&
            !answered &&
            req.reusedSocket &&
            (err as NodeJS.ErrnoException)?.code === 'ECONNRESET',
        });

      const send = isHttps ? httpsRequest : httpRequest;
      const req = send(
        exchange.url,
        {
          method: exchange.method,
          headers: exchange.headers,
          agent: isHttps ? this.https : this.http,
          lookup: exchange.policy?.lookup ?? exchange.lookup,
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          let complete = false;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > exchange.maxResponseBytes) {
              finish({
                failure: {
                  kind: 'invalid-response',
                  message: `Response larger than ${exchange.maxResponseBytes} bytes`,
                },
                durationMs: elapsed(),
              });
              req.destroy();
            } else {
              chunks.push(chunk);
            }
          });
          res.on('end', () => {
            complete = true;
            finish({
              status: res.statusCode ?? 0,
              headers: flattenHeaders(res.headers),
              text: Buffer.concat(chunks).toString('utf8'),
              durationMs: elapsed(),
            });
          });
          res.on('error', fail);
          res.on('close', () => {
            if (!complete)
              fail(Object.assign(new Error('Connection closed mid-response'), { code: 'ECONNRESET' }));
          });
        },
      );
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy();
        fail(undefined);
      }, exchange.timeoutMs);
      req.on('error', fail);
      req.end(exchange.body);
    });
  }

  /**
   * Closes the idle connections now and each busy one as its exchange ends: a client replaced after a settings change
   * lets the requests already sent on it finish (destroying them failed a test connection sent at the same moment
   * with "socket hang up"). A connection that comes free goes to a request waiting in the pool first, if any; only
   * one that would sit idle is closed.
   */
  close(): void {
    for (const agent of [this.http, this.https]) {
      const idle = () => Object.values(agent.freeSockets).flatMap((sockets) => sockets ?? []);
      agent.on('free', (socket: Socket) => {
        if (idle().includes(socket)) socket.destroy();
      });
      for (const socket of idle()) socket.destroy();
    }
  }

  /** Closes every connection, busy or not: at shutdown. */
  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

function strip(outcome: TransportOutcome & { staleSocket?: boolean }): TransportOutcome {
  const { staleSocket: _stale, ...rest } = outcome;
  return rest;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'HOSTNAME_MISMATCH',
]);

function describeError(
  err: unknown,
  isHttps: boolean,
  host: string,
): { kind: ScimErrorKind; message: string; code?: string } {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code;
  const detail = e?.message ?? 'unknown error';
  if (code === 'ETARGETPOLICY') return policyFailure(detail).failure;
  if (code && DNS_CODES.has(code))
    return { kind: 'dns', code, message: `DNS lookup failed for ${host}: ${code}` };
  if (code === 'ETIMEDOUT') return { kind: 'timeout', code, message: `Connecting to ${host} timed out` };
  const tls =
    (code !== undefined &&
      (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))) ||
    (isHttps && (code === 'EPROTO' || /SSL|TLS|certificate/i.test(detail)));
  if (tls) return { kind: 'tls', code, message: `TLS with ${host} failed: ${detail}` };
  if (code === 'ECONNREFUSED') return { kind: 'connection', code, message: `Connection refused by ${host}` };
  return { kind: 'connection', code, message: `Connection to ${host} failed: ${detail}` };
}

/** Refused before any packet is sent: nothing was asked of the host, and nothing of it is kept. */
function policyFailure(why: string): {
  failure: { kind: ScimErrorKind; message: string };
  durationMs: number;
} {
  return {
    failure: { kind: 'policy', message: `Refused by the gateway's network policy: ${why}` },
    durationMs: 0,
  };
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
