import { etagMatches, formatETag, parseETag, parseETagList } from './etag';

describe('etag', () => {
  it('formats weak tags and reads them back', () => {
    expect(formatETag(7)).toBe('W/"7"');
    expect(parseETag(formatETag(123456))).toBe(123456);
    expect(parseETag('"12"')).toBe(12);
    expect(parseETag('W/"abc"')).toBeUndefined();
    expect(parseETag('12')).toBeUndefined();
  });

  it.each<[string | undefined, '*' | number[] | undefined]>([
    [undefined, undefined],
    ['  ', undefined],
    ['*', '*'],
    [' * ', '*'],
    ['W/"3"', [3]],
    ['W/"3", "4",W/"x" , W/"5"', [3, 4, 5]],
    ['"3694e05e9dff591"', []],
    ['7', [7]],
  ])('parses %j', (header, expected) => {
    expect(parseETagList(header)).toEqual(expected);
  });

  it('matches by weak comparison', () => {
    expect(etagMatches('*', 1)).toBe(true);
    expect(etagMatches([1, 2], 2)).toBe(true);
    expect(etagMatches([1, 2], 3)).toBe(false);
    expect(etagMatches([], 3)).toBe(false);
  });
});
