/**
 * When a target goes into quarantine and when it comes out. Pure: state in, state out, the time is a parameter.
 *
 * Entra quarantines a job when "most, or all" calls fail (over 40% of at least 5,000 events), probes at 6h, 12h,
 * then daily, and never says much about why (reference §5.2). We judge a sliding window of recent requests, state
 * the reason in words, probe at growing but short intervals, and leave quarantine on the first success. A 429 is
 * the target pacing us, not failing: it never counts (reference §5.3, "never let 429s count toward quarantine").
 */
import { STATUS_CODES } from 'node:http';
import type { ScimClientError } from '../client/scim-client.types';

export interface QuarantineSample {
  atMs: number;
  failed: boolean;
  /** 429: ignored by the window, and a probe answered with 429 neither escalates nor releases. */
  throttled?: boolean;
  /** What happened, for the reason text: `401 Unauthorized`, `timeout`, `connection refused`. */
  label: string;
}

export interface QuarantineSettings {
  /** How many recent requests are judged. */
  windowSize: number;
  /** No verdict on fewer samples than this. */
  minSamples: number;
  /** Quarantine when at least this share of the window failed (0-1). */
  failureRatio: number;
  /** Samples older than this no longer count. */
  maxSampleAgeMs: number;
  /** Delay before the first probe, then after each failed probe; the last one repeats. */
  probeIntervalsMs: readonly number[];
}

const MINUTE = 60_000;

export const DEFAULT_QUARANTINE_SETTINGS: QuarantineSettings = {
  windowSize: 50,
  minSamples: 10,
  failureRatio: 0.5,
  maxSampleAgeMs: 60 * MINUTE,
  probeIntervalsMs: [1 * MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE],
};

export interface QuarantineState {
  sinceMs: number;
  reason: string;
  failedProbes: number;
  nextProbeAtMs: number;
}

export interface TargetHealth {
  /** Oldest first, at most `windowSize`. */
  samples: readonly QuarantineSample[];
  quarantine?: QuarantineState;
}

export type HealthTransition = 'entered' | 'probe-failed' | 'exited';

export const initialHealth = (): TargetHealth => ({ samples: [] });

export function recordOutcome(
  health: TargetHealth,
  sample: QuarantineSample,
  settings: QuarantineSettings = DEFAULT_QUARANTINE_SETTINGS,
): { health: TargetHealth; transition?: HealthTransition } {
  const q = health.quarantine;
  if (sample.throttled) {
    if (!q) return { health };
    return {
      health: { ...health, quarantine: { ...q, nextProbeAtMs: sample.atMs + probeDelay(q, settings) } },
    };
  }
  if (q && !sample.failed) return { health: { samples: [sample] }, transition: 'exited' };

  const samples = window(health.samples, sample, settings);
  if (q && sample.atMs < q.nextProbeAtMs) {
    // A request already in flight when quarantine began: it updates the reason but is not a probe.
    return { health: { samples, quarantine: { ...q, reason: describeFailures(samples) } } };
  }
  if (q) {
    const failedProbes = q.failedProbes + 1;
    const next = { ...q, failedProbes, reason: describeFailures(samples) };
    next.nextProbeAtMs = sample.atMs + probeDelay(next, settings);
    return { health: { samples, quarantine: next }, transition: 'probe-failed' };
  }
  let failures = 0;
  for (const s of samples) if (s.failed) failures++;
  if (samples.length < settings.minSamples || failures / samples.length < settings.failureRatio) {
    return { health: { samples } };
  }
  const quarantine: QuarantineState = {
    sinceMs: sample.atMs,
    reason: describeFailures(samples),
    failedProbes: 0,
    nextProbeAtMs: sample.atMs + settings.probeIntervalsMs[0],
  };
  return { health: { samples, quarantine }, transition: 'entered' };
}

/** While quarantined, the engine sends one probe request when this turns true, and nothing else. */
export function isProbeDue(health: TargetHealth, nowMs: number): boolean {
  return health.quarantine !== undefined && nowMs >= health.quarantine.nextProbeAtMs;
}

/** The operator's "retry now": out of quarantine with a clean window. */
export function releaseQuarantine(_health: TargetHealth): TargetHealth {
  return initialHealth();
}

/** "92% of the last 50 requests failed: 401 Unauthorized (40), timeout (6)". */
export function describeFailures(samples: readonly QuarantineSample[]): string {
  const failed = samples.filter((s) => s.failed);
  const counts = new Map<string, number>();
  for (const s of failed) counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const labels =
    ranked.length === 1 ? ranked[0][0] : ranked.map(([label, n]) => `${label} (${n})`).join(', ');
  const pct = samples.length === 0 ? 0 : Math.round((failed.length / samples.length) * 100);
  return `${pct}% of the last ${samples.length} requests failed${labels ? `: ${labels}` : ''}`;
}

/** Maps a client result to a sample. Token-endpoint failures are labelled as such: the target never saw them. */
export function sampleFromResult(
  result: { ok: boolean; status: number; error?: Pick<ScimClientError, 'kind' | 'stage' | 'code'> },
  atMs: number,
): QuarantineSample {
  if (result.ok) return { atMs, failed: false, label: 'ok' };
  const e = result.error;
  let label: string;
  if (e?.kind === 'http' || (e === undefined && result.status > 0)) {
    label = `${result.status} ${STATUS_CODES[result.status] ?? ''}`.trim();
  } else if (e?.kind === 'connection') {
    label = e.code === 'ECONNREFUSED' ? 'connection refused' : 'connection failed';
  } else {
    label =
      { timeout: 'timeout', dns: 'DNS failure', tls: 'TLS failure' }[e?.kind as string] ?? 'invalid response';
  }
  if (e?.stage === 'token') label = `token endpoint: ${label}`;
  return { atMs, failed: true, throttled: result.status === 429 || undefined, label };
}

function window(
  samples: readonly QuarantineSample[],
  sample: QuarantineSample,
  settings: QuarantineSettings,
): QuarantineSample[] {
  // One new array a sample (it is judged on every request): the samples young enough, less the oldest of them over
  // the window's size, then this one.
  const oldest = sample.atMs - settings.maxSampleAgeMs;
  let young = 0;
  for (const s of samples) if (s.atMs >= oldest) young++;
  let skip = Math.max(0, young + 1 - settings.windowSize);
  const out: QuarantineSample[] = [];
  for (const s of samples) {
    if (s.atMs < oldest) continue;
    if (skip > 0) skip--;
    else out.push(s);
  }
  out.push(sample);
  return out;
}

function probeDelay(q: QuarantineState, settings: QuarantineSettings): number {
  const intervals = settings.probeIntervalsMs;
  return intervals[Math.min(q.failedProbes, intervals.length - 1)];
}
