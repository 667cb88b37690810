import { parseRetryAfterMs } from './retry-after.parser';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfterMs('Sun, 01 Mar 2026 12:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfterMs('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    for (const value of [undefined, '', 'soon', '-5', '1.5', 'Tomorrow at noon']) {
      expect(parseRetryAfterMs(value, now)).toBeUndefined();
    }
  });
});
