import fc from 'fast-check';
import { OutcomeInput, classifyOutcome, nextDelayMs } from './retry-policy';

const http = (status: number): OutcomeInput => ({
  ok: status >= 200 && status < 300,
  status,
  error: status >= 200 && status < 300 ? undefined : { kind: 'http', stage: 'request' },
});
const transport = (kind: 'timeout' | 'connection' | 'dns' | 'tls' | 'invalid-response'): OutcomeInput => ({
  ok: false,
  status: 0,
  error: { kind, stage: 'request' },
});

describe('classifyOutcome', () => {
  it.each([200, 201, 204])('%i is a success', (status) => {
    expect(classifyOutcome(http(status))).toBe('success');
  });

  it.each([500, 502, 503, 504, 507, 408, 429])('%i is retryable', (status) => {
    expect(classifyOutcome(http(status))).toBe('retryable');
  });

  it.each([400, 401, 403, 404, 409, 412, 413, 422, 501])('%i is permanent', (status) => {
    expect(classifyOutcome(http(status))).toBe('permanent');
  });

  it.each(['timeout', 'connection', 'dns', 'tls'] as const)('a %s failure is retryable', (kind) => {
    expect(classifyOutcome(transport(kind))).toBe('retryable');
  });

  it('an answer the client could not read is permanent, whatever its status', () => {
    expect(classifyOutcome(transport('invalid-response'))).toBe('permanent');
    expect(
      classifyOutcome({ ok: false, status: 200, error: { kind: 'invalid-response', stage: 'request' } }),
    ).toBe('permanent');
  });

  it('classifies token-endpoint failures by the same rules', () => {
    expect(classifyOutcome({ ok: false, status: 401, error: { kind: 'http', stage: 'token' } })).toBe(
      'permanent',
    );
    expect(classifyOutcome({ ok: false, status: 503, error: { kind: 'http', stage: 'token' } })).toBe(
      'retryable',
    );
  });
});

describe('nextDelayMs', () => {
  const settings = { baseMs: 100, capMs: 10_000 };

  it('grows the ceiling exponentially: random just under 1 gives just under base·2^(n-1)', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((n) => nextDelayMs(n, { ...settings, random: top }))).toEqual([
      99, 199, 399, 799, 1599,
    ]);
  });

  it('applies full jitter: random 0 gives 0 and 0.5 gives half the ceiling', () => {
    expect(nextDelayMs(4, { ...settings, random: () => 0 })).toBe(0);
    expect(nextDelayMs(4, { ...settings, random: () => 0.5 })).toBe(400);
  });

  it('never exceeds the cap, even for huge attempt numbers', () => {
    expect(nextDelayMs(1000, { ...settings, random: () => 0.999999 })).toBe(9999);
  });

  it('never retries before Retry-After', () => {
    expect(nextDelayMs(1, { ...settings, retryAfterMs: 5000, random: () => 0.3 })).toBe(5000);
  });

  it('keeps the backoff when it is already later than Retry-After', () => {
    expect(nextDelayMs(10, { ...settings, retryAfterMs: 1000, random: () => 0.5 })).toBe(5000);
  });

  it('caps an excessive Retry-After at retryAfterCapMs (default one hour)', () => {
    const day = 24 * 3600 * 1000;
    expect(nextDelayMs(1, { ...settings, retryAfterMs: day, random: () => 0 })).toBe(3600 * 1000);
    expect(
      nextDelayMs(1, { ...settings, retryAfterMs: day, retryAfterCapMs: 120_000, random: () => 0 }),
    ).toBe(120_000);
  });

  it('treats a Retry-After of 0 like no constraint', () => {
    expect(nextDelayMs(3, { ...settings, retryAfterMs: 0, random: () => 0.5 })).toBe(200);
  });

  it('rejects nonsense input', () => {
    expect(() => nextDelayMs(0, { ...settings, random: () => 0 })).toThrow(RangeError);
    expect(() => nextDelayMs(1.5, { ...settings, random: () => 0 })).toThrow(RangeError);
    expect(() => nextDelayMs(1, { ...settings, random: () => 1 })).toThrow(RangeError);
    expect(() => nextDelayMs(1, { baseMs: 100, capMs: 50, random: () => 0 })).toThrow(RangeError);
  });

  it('always lands in [max(retryAfter capped), max(ceiling, retryAfter)) (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, extra, retryAfterMs, r) => {
          const capMs = baseMs + extra;
          const delay = nextDelayMs(attempt, { baseMs, capMs, retryAfterMs, random: () => r });
          const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
          const floor = Math.min(retryAfterMs ?? 0, 3_600_000);
          expect(delay).toBeGreaterThanOrEqual(floor);
          expect(delay).toBeLessThanOrEqual(Math.max(ceiling, floor));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });
});
