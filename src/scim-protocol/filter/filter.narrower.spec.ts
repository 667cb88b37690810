import { parseFilter } from './filter.parser';
import { stringifyFilter } from './filter.stringifier';
import { filterPaths, narrowFilter } from './filter.narrower';

const groupAttributes = new Set(['displayname', 'members', 'externalid']);
const onGroups = (text: string) => {
  const narrowed = narrowFilter(parseFilter(text), (path) => groupAttributes.has(path.toLowerCase()));
  return typeof narrowed === 'boolean' ? narrowed : stringifyFilter(narrowed);
};

describe('narrowFilter', () => {
  it('keeps a filter whose attributes the type has', () => {
    expect(onGroups('displayName eq "Sales"')).toBe(stringifyFilter(parseFilter('displayName eq "Sales"')));
  });

  it('makes any test of an attribute the type lacks false, whatever the operator', () => {
    expect(onGroups('userName eq "bjensen"')).toBe(false);
    expect(onGroups('userName ne "bjensen"')).toBe(false);
    expect(onGroups('title pr')).toBe(false);
    expect(onGroups('emails[type eq "work"]')).toBe(false);
  });

  it('folds and, or and not around what is left', () => {
    expect(onGroups('userName eq "a" and displayName eq "b"')).toBe(false);
    expect(onGroups('userName eq "a" or displayName eq "b"')).toBe(
      stringifyFilter(parseFilter('displayName eq "b"')),
    );
    expect(onGroups('not (userName eq "a")')).toBe(true);
    expect(onGroups('not (userName eq "a") and displayName eq "b"')).toBe(
      stringifyFilter(parseFilter('displayName eq "b"')),
    );
    expect(onGroups('not (userName eq "a") or displayName eq "b"')).toBe(true);
  });

  it('lists the attribute paths a filter names', () => {
    expect(
      filterPaths(parseFilter('userName eq "a" or (not (title pr) and emails[type eq "work"])')),
    ).toEqual(['userName', 'title', 'emails']);
  });
});
