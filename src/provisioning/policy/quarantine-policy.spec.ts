import {
  DEFAULT_QUARANTINE_SETTINGS,
  QuarantineSample,
  QuarantineSettings,
  TargetHealth,
  describeFailures,
  initialHealth,
  isProbeDue,
  recordOutcome,
  releaseQuarantine,
  sampleFromResult,
} from './quarantine-policy';

const MIN = 60_000;
const settings: QuarantineSettings = { ...DEFAULT_QUARANTINE_SETTINGS, windowSize: 10, minSamples: 5 };
const ok = (atMs: number): QuarantineSample => ({ atMs, failed: false, label: 'ok' });
const fail = (atMs: number, label = '401 Unauthorized'): QuarantineSample => ({ atMs, failed: true, label });

/** Feeds samples in order and returns the final health and every transition seen. */
function feed(samples: QuarantineSample[], start: TargetHealth = initialHealth(), s = settings) {
  let health = start;
  const transitions: string[] = [];
  for (const sample of samples) {
    const next = recordOutcome(health, sample, s);
    health = next.health;
    if (next.transition) transitions.push(`${next.transition}@${sample.atMs}`);
  }
  return { health, transitions };
}

describe('quarantine policy', () => {
  it('gives no verdict below the minimum sample, even if everything failed', () => {
    const { health } = feed([1, 2, 3, 4].map((t) => fail(t)));
    expect(health.quarantine).toBeUndefined();
    expect(health.samples).toHaveLength(4);
  });

  it('enters quarantine once the failure ratio reaches the threshold, with the reason in words', () => {
    const { health, transitions } = feed([ok(1), fail(2), fail(3), ok(4), fail(5)]);
    expect(transitions).toEqual(['entered@5']);
    expect(health.quarantine).toEqual({
      sinceMs: 5,
      reason: '60% of the last 5 requests failed: 401 Unauthorized',
      failedProbes: 0,
      nextProbeAtMs: 5 + MIN,
    });
  });

  it('stays active while failures stay under the threshold', () => {
    const samples = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? fail(i) : ok(i)));
    expect(feed(samples).health.quarantine).toBeUndefined();
  });

  it('judges only the last windowSize samples', () => {
    const old = Array.from({ length: 10 }, (_, i) => fail(i, 'timeout'));
    const recent = Array.from({ length: 10 }, (_, i) => ok(100 + i));
    const start: TargetHealth = { samples: old };
    const { health } = feed(recent, start, { ...settings, minSamples: 100 });
    expect(health.samples.every((s) => !s.failed)).toBe(true);
    expect(health.samples).toHaveLength(10);
  });

  it('forgets samples older than maxSampleAgeMs', () => {
    const stale = [1, 2, 3, 4].map((t) => fail(t));
    const later = 2 * 60 * MIN;
    const { health } = feed([...stale, fail(later)]);
    expect(health.samples).toEqual([fail(later)]);
    expect(health.quarantine).toBeUndefined();
  });

  it('never counts 429: a target that only throttles is not quarantined', () => {
    const throttled = Array.from({ length: 20 }, (_, i) => ({
      ...fail(i, '429 Too Many Requests'),
      throttled: true,
    }));
    const { health } = feed(throttled);
    expect(health).toEqual(initialHealth());
  });

  it('probes at growing intervals while probes fail, capped at the last interval', () => {
    const entered = feed([1, 2, 3, 4, 5].map((t) => fail(t))).health;
    expect(entered.quarantine!.nextProbeAtMs).toBe(5 + 1 * MIN);
    let health = entered;
    const delays: number[] = [];
    let now = entered.quarantine!.nextProbeAtMs;
    for (let i = 0; i < 5; i++) {
      const next = recordOutcome(health, fail(now, 'timeout'), settings);
      expect(next.transition).toBe('probe-failed');
      health = next.health;
      delays.push((health.quarantine!.nextProbeAtMs - now) / MIN);
      now = health.quarantine!.nextProbeAtMs;
    }
    expect(delays).toEqual([5, 15, 60, 60, 60]);
    expect(health.quarantine!.failedProbes).toBe(5);
    expect(health.quarantine!.sinceMs).toBe(5);
  });

  it('does not count failures of requests already in flight as failed probes', () => {
    const entered = feed([1, 2, 3, 4, 5].map((t) => fail(t))).health;
    const { health, transitions } = feed([fail(6, 'timeout'), fail(7, 'timeout')], entered);
    expect(transitions).toEqual([]);
    expect(health.quarantine).toEqual({
      ...entered.quarantine,
      reason: '100% of the last 7 requests failed: 401 Unauthorized (5), timeout (2)',
    });
  });

  it('updates the reason as the failures change', () => {
    const entered = feed([1, 2, 3, 4, 5].map((t) => fail(t))).health;
    const probeAt = entered.quarantine!.nextProbeAtMs;
    const { health } = feed([fail(probeAt, 'timeout'), fail(probeAt + 1, 'timeout')], entered);
    expect(health.quarantine!.reason).toBe(
      '100% of the last 7 requests failed: 401 Unauthorized (5), timeout (2)',
    );
  });

  it('leaves quarantine on the first success, with a clean window', () => {
    const entered = feed([1, 2, 3, 4, 5].map((t) => fail(t))).health;
    const next = recordOutcome(entered, ok(70_000), settings);
    expect(next.transition).toBe('exited');
    expect(next.health).toEqual({ samples: [ok(70_000)] });
    // One more failure right after must not re-enter: the old failures are gone.
    expect(recordOutcome(next.health, fail(70_001), settings).health.quarantine).toBeUndefined();
  });

  it('a throttled probe reschedules at the same interval without escalating', () => {
    const entered = feed([1, 2, 3, 4, 5].map((t) => fail(t))).health;
    const at = entered.quarantine!.nextProbeAtMs;
    const next = recordOutcome(entered, { atMs: at, failed: true, throttled: true, label: '429' }, settings);
    expect(next.transition).toBeUndefined();
    expect(next.health.quarantine).toEqual({ ...entered.quarantine, nextProbeAtMs: at + MIN });
  });

  it('isProbeDue is true only in quarantine and from nextProbeAtMs on', () => {
    const entered = feed([1, 2, 3, 4, 5].map((t) => fail(t))).health;
    const due = entered.quarantine!.nextProbeAtMs;
    expect(isProbeDue(initialHealth(), 10 ** 12)).toBe(false);
    expect(isProbeDue(entered, due - 1)).toBe(false);
    expect(isProbeDue(entered, due)).toBe(true);
  });

  it('releaseQuarantine (the operator retry) clears quarantine and the window', () => {
    const entered = feed([1, 2, 3, 4, 5].map((t) => fail(t))).health;
    expect(releaseQuarantine(entered)).toEqual({ samples: [] });
  });

  it('does not mutate the state it is given', () => {
    const before = feed([1, 2, 3].map((t) => fail(t))).health;
    const snapshot = structuredClone(before);
    recordOutcome(before, fail(4), settings);
    expect(before).toEqual(snapshot);
  });
});

describe('describeFailures', () => {
  it('renders the brief form for one cause and counts for several', () => {
    const samples = [...Array.from({ length: 46 }, (_, i) => fail(i)), ok(46), ok(47), ok(48), ok(49)];
    expect(describeFailures(samples)).toBe('92% of the last 50 requests failed: 401 Unauthorized');
    expect(describeFailures([fail(1, 'timeout'), fail(2), fail(3)])).toBe(
      '100% of the last 3 requests failed: 401 Unauthorized (2), timeout (1)',
    );
  });
});

describe('sampleFromResult', () => {
  it('labels HTTP failures by status and transport failures by kind', () => {
    expect(sampleFromResult({ ok: true, status: 200 }, 1)).toEqual({ atMs: 1, failed: false, label: 'ok' });
    expect(
      sampleFromResult({ ok: false, status: 401, error: { kind: 'http', stage: 'request' } }, 1).label,
    ).toBe('401 Unauthorized');
    const refused = {
      ok: false,
      status: 0,
      error: { kind: 'connection', stage: 'request', code: 'ECONNREFUSED' },
    };
    expect(sampleFromResult(refused as never, 1).label).toBe('connection refused');
    expect(
      sampleFromResult({ ok: false, status: 0, error: { kind: 'timeout', stage: 'request' } }, 1).label,
    ).toBe('timeout');
    expect(
      sampleFromResult({ ok: false, status: 401, error: { kind: 'http', stage: 'token' } }, 1).label,
    ).toBe('token endpoint: 401 Unauthorized');
  });

  it('marks 429 as throttled', () => {
    const sample = sampleFromResult({ ok: false, status: 429, error: { kind: 'http', stage: 'request' } }, 1);
    expect(sample).toEqual({ atMs: 1, failed: true, throttled: true, label: '429 Too Many Requests' });
  });
});
