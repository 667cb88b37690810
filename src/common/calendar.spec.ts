import { daysInMonth } from './calendar';

describe('daysInMonth', () => {
  it('agrees with the Date object for every month of the years 100 to 9999', () => {
    for (let year = 100; year <= 9999; year++)
      for (let month = 1; month <= 12; month++)
        if (daysInMonth(year, month) !== new Date(Date.UTC(year, month, 0)).getUTCDate())
          throw new Error(`${year}-${month}: ${daysInMonth(year, month)}`);
    expect([daysInMonth(2000, 2), daysInMonth(1900, 2), daysInMonth(2024, 2), daysInMonth(2023, 2)]).toEqual([
      29, 28, 29, 28,
    ]);
    expect(daysInMonth(2023, 12)).toBe(31);
  });
});
