import { fromDbDate, toDbDateText } from './db-values';

describe('toDbDateText', () => {
  it('gives each time its own text, also when the same time comes again between others', () => {
    const a = new Date('2026-12-05T22:11:36.123Z');
    const b = new Date('2026-12-05T22:11:36.124Z');
    expect(toDbDateText(a)).toBe('2026-12-05 22:11:36.123');
    expect(toDbDateText(new Date(a.getTime()))).toBe('2026-12-05 22:11:36.123');
    expect(toDbDateText(b)).toBe('2026-12-05 22:11:36.124');
    expect(toDbDateText(a)).toBe('2026-12-05 22:11:36.123');
    expect(toDbDateText(new Date(0))).toBe('1970-01-01 00:00:00.000');
  });

  it('reads back as the same time, and refuses an invalid date as toISOString does', () => {
    const at = new Date('2027-03-01T00:00:00.007Z');
    expect(fromDbDate(toDbDateText(at)).getTime()).toBe(at.getTime());
    expect(() => toDbDateText(new Date(Number.NaN))).toThrow(RangeError);
  });
});
