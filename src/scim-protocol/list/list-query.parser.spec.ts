import { InvalidRequestError } from '../../common/errors';
import { decodeCursor, encodeCursor } from './list-cursor';
import { parseListQuery } from './list-query.parser';
import { buildListResponse } from './list-response.builder';
import { LIST_RESPONSE_SCHEMA } from '../schema/schema.types';

const limits = { defaultCount: 100, maxCount: 500 };

describe('parseListQuery', () => {
  it('applies the defaults', () => {
    expect(parseListQuery({}, limits)).toEqual({
      startIndex: 1,
      count: 100,
      attributes: [],
      excludedAttributes: [],
    });
  });

  it('reads every parameter, names case-insensitively', () => {
    expect(
      parseListQuery(
        {
          filter: 'userName eq "a"',
          startindex: '3',
          Count: '10',
          sortBy: 'name.familyName',
          sortOrder: 'DESCENDING',
          attributes: 'userName, emails.value,,',
          excludedAttributes: 'members',
        },
        limits,
      ),
    ).toEqual({
      filter: 'userName eq "a"',
      startIndex: 3,
      count: 10,
      sortBy: 'name.familyName',
      sortOrder: 'descending',
      attributes: ['userName', 'emails.value'],
      excludedAttributes: ['members'],
    });
  });

  it('reads an attribute path with a value filter as its attribute, commas inside the filter included', () => {
    const params = parseListQuery(
      {
        attributes: 'emails[type eq "work"],phoneNumbers[type eq "a,b]" or value co "x"].value, userName',
        excludedAttributes: 'addresses[type eq "home"]',
      },
      limits,
    );
    expect(params.attributes).toEqual(['emails', 'phoneNumbers.value', 'userName']);
    expect(params.excludedAttributes).toEqual(['addresses']);
  });

  it.each([
    [{ startIndex: '0' }, 1, 100],
    [{ startIndex: '-5' }, 1, 100],
    [{ count: '-1' }, 1, 0],
    [{ count: '0' }, 1, 0],
    [{ count: '100000' }, 1, 500],
    [{ count: '99999999999999999999' }, 1, 500],
  ])('clamps %j (RFC 7644 §3.4.2.4)', (query, startIndex, count) => {
    const params = parseListQuery(query, limits);
    expect([params.startIndex, params.count]).toEqual([startIndex, count]);
  });

  it.each([
    [{ count: 'ten' }, /count/],
    [{ startIndex: '1.5' }, /startIndex/],
    [{ sortOrder: 'up' }, /sortOrder/],
    [{ filter: ['a pr', 'b pr'] }, /more than once/],
    [{ cursor: '', startIndex: '1' }, /either/],
  ])('rejects %j with invalidValue', (query, message) => {
    expect(() => parseListQuery(query, limits)).toThrow(InvalidRequestError);
    expect(() => parseListQuery(query, limits)).toThrow(message);
  });

  it('keeps an empty cursor, which asks for the first page (RFC 9865)', () => {
    expect(parseListQuery({ cursor: '', count: '5' }, limits)).toMatchObject({ cursor: '', count: 5 });
    expect(parseListQuery({ filter: '  ' }, limits).filter).toBeUndefined();
  });
});

describe('cursors', () => {
  it('round-trips a position for the same sort', () => {
    const cursor = encodeCursor({ key: 'bjensen', id: 'u-1' }, 'userName', 'ascending');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'USERNAME', 'ascending')).toEqual({ key: 'bjensen', id: 'u-1' });
    expect(decodeCursor(encodeCursor({ key: null, id: 'x' }), undefined, undefined)).toEqual({
      key: null,
      id: 'x',
    });
  });

  it.each([
    ['not base64!', /not valid/],
    [Buffer.from('{"i":1,"s":"|ascending","k":null}').toString('base64url'), /not valid/],
    [Buffer.from('[1,2]').toString('base64url'), /not valid/],
    [Buffer.from('{"i":"a","s":"|ascending","k":{}}').toString('base64url'), /not valid/],
    [encodeCursor({ key: 1, id: 'a' }, 'title', 'descending'), /another sort/],
  ])('rejects %s with invalidCursor', (cursor, message) => {
    let error: unknown;
    try {
      decodeCursor(cursor, undefined, undefined);
    } catch (e) {
      error = e;
    }
    expect((error as InvalidRequestError).scimType).toBe('invalidCursor');
    expect((error as Error).message).toMatch(message);
  });
});

describe('buildListResponse', () => {
  it('builds the RFC 7644 §3.4.2 envelope with Resources last', () => {
    const response = buildListResponse([{ id: 'a' }], 7, 1, 1);
    expect(response).toEqual({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 7,
      itemsPerPage: 1,
      startIndex: 1,
      Resources: [{ id: 'a' }],
    });
    expect(Object.keys(response).pop()).toBe('Resources');
    expect(buildListResponse([], 0, undefined, 0, 'next')).toEqual({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 0,
      itemsPerPage: 0,
      nextCursor: 'next',
      Resources: [],
    });
  });
});
