/**
 * Which outcomes are worth retrying, and when. Pure: the random source is injected.
 *
 * Entra retries 5xx and timeouts every 40 minutes and escrows the rest for 6h/12h/24h (reference §5.1, §5.3); we
 * retry transient failures within seconds with exponential backoff and full jitter, and honour `Retry-After`.
 */
import type { ScimClientError } from '../client/scim-client.types';

export type Outcome = 'success' | 'retryable' | 'permanent';

/** The parts of a ScimResult the policy reads. */
export interface OutcomeInput {
  ok: boolean;
  status: number;
  error?: Pick<ScimClientError, 'kind' | 'stage'>;
}

/**
 * - success: 2xx that the client accepted.
 * - retryable: 5xx (except 501), 408, 429, timeouts, connection, DNS and TLS failures (target-wide and transient,
 *   or at least not the object's fault; the quarantine policy stops a target that keeps failing).
 * - permanent: other 4xx, 501, and answers the client could not read. They are recorded and retried on the next
 *   change or reconciliation, not in a loop. A 409 on create is permanent here: the caller looks the object up
 *   and adopts it.
 */
export function classifyOutcome(result: OutcomeInput): Outcome {
  if (result.ok) return 'success';
  const kind = result.error?.kind;
  if (kind === 'timeout' || kind === 'connection' || kind === 'dns' || kind === 'tls') return 'retryable';
  if (kind === 'invalid-response' || kind === 'policy') return 'permanent';
  const status = result.status;
  if (status === 408 || status === 429) return 'retryable';
  if (status >= 500 && status !== 501) return 'retryable';
  return 'permanent';
}

export interface BackoffSettings {
  /** Upper bound of the first delay. */
  baseMs: number;
  /** Upper bound of any backoff delay. */
  capMs: number;
  /** From the response's Retry-After, when it had one. */
  retryAfterMs?: number;
  /**
   * The most a Retry-After can delay a retry (default 1 hour): a target asking for a day must not park a change for
   * a day; the quarantine policy decides what happens to a target that keeps refusing.
   */
  retryAfterCapMs?: number;
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
}

const DEFAULT_RETRY_AFTER_CAP_MS = 60 * 60 * 1000;

/**
 * Delay before retry number `attempt` (1 = the first retry): full jitter, uniform in
 * [0, min(capMs, baseMs · 2^(attempt-1))) ("Exponential Backoff and Jitter", AWS Architecture Blog, 2015), and never
 * earlier than Retry-After (itself capped by `retryAfterCapMs`).
 */
export function nextDelayMs(attempt: number, settings: BackoffSettings): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be an integer ≥ 1, got ${attempt}`);
  const { baseMs, capMs, retryAfterMs, random } = settings;
  if (!(baseMs > 0) || !(capMs >= baseMs)) throw new RangeError('need 0 < baseMs ≤ capMs');
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() must be in [0, 1), got ${r}`);
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  const backoff = Math.floor(r * ceiling);
  if (retryAfterMs === undefined) return backoff;
  const floor = Math.min(Math.max(0, retryAfterMs), settings.retryAfterCapMs ?? DEFAULT_RETRY_AFTER_CAP_MS);
  return Math.max(backoff, floor);
}
