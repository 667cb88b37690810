import { andFilter, eqFilter } from './scim-filter.util';

describe('filter helpers', () => {
  it('quotes values as JSON strings (RFC 7644 §3.4.2.2)', () => {
    expect(eqFilter('userName', 'ada@example.com')).toBe('userName eq "ada@example.com"');
    expect(eqFilter('externalId', 'a "quoted" \\ id')).toBe('externalId eq "a \\"quoted\\" \\\\ id"');
    expect(eqFilter('active', true)).toBe('active eq true');
    expect(eqFilter('emails[type eq "work"].value', 'w@x')).toBe('emails[type eq "work"].value eq "w@x"');
  });

  it('refuses an attribute that would inject filter syntax', () => {
    expect(() => eqFilter('userName eq "x") or (id', 'y')).toThrow(RangeError);
  });

  it('joins with and, parenthesising or-clauses', () => {
    expect(andFilter(eqFilter('a', 'x'), 'b eq "1" or c eq "2"')).toBe('a eq "x" and (b eq "1" or c eq "2")');
  });
});
