import { InvalidRequestError } from '../../common/errors';

/** RFC 7644 §3.4.2 list parameters, plus RFC 9865 cursor paging. */
/** RFC 7644 §3.4.2.3. */
export type SortOrder = 'ascending' | 'descending';

export interface ListQueryParams {
  filter?: string;
  sortBy?: string;
  sortOrder?: SortOrder;
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex: number;
  count: number;
  attributes: string[];
  excludedAttributes: string[];
  /** RFC 9865: present (possibly empty, for the first page) when the client pages by cursor. */
  cursor?: string;
}

export interface ListQueryLimits {
  defaultCount: number;
  maxCount: number;
}

type QueryValue = string | string[] | undefined;

/** Reads list parameters; names match case-insensitively, since clients vary (`startindex`, `Count`). */
export function parseListQuery(query: Record<string, unknown>, limits: ListQueryLimits): ListQueryParams {
  const read = (name: string): string | undefined => {
    const key = Object.keys(query).find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : (query[key] as QueryValue);
    if (Array.isArray(value))
      throw new InvalidRequestError(`'${name}' is given more than once`, 'invalidValue');
    if (value !== undefined && typeof value !== 'string')
      throw new InvalidRequestError(`'${name}' must be text`, 'invalidValue');
    return value;
  };
  const startIndexText = read('startIndex');
  const cursor = read('cursor');
  if (cursor !== undefined && startIndexText !== undefined) {
    throw new InvalidRequestError("Use either 'startIndex' or 'cursor', not both (RFC 9865)", 'invalidValue');
  }
  const count = integer(read('count'), 'count');
  const startIndex = integer(startIndexText, 'startIndex');
  const sortOrder = read('sortOrder');
  const params: ListQueryParams = {
    // RFC 7644 §3.4.2.4: below 1 is read as 1; a negative count as 0; above the maximum, the maximum.
    startIndex: startIndex === undefined || startIndex < 1 ? 1 : startIndex,
    count: count === undefined ? limits.defaultCount : Math.min(Math.max(count, 0), limits.maxCount),
    attributes: list(read('attributes')),
    excludedAttributes: list(read('excludedAttributes')),
  };
  const filter = read('filter');
  if (filter !== undefined && filter.trim() !== '') params.filter = filter;
  const sortBy = read('sortBy');
  if (sortBy !== undefined && sortBy.trim() !== '') params.sortBy = sortBy.trim();
  if (sortOrder !== undefined && sortOrder !== '') {
    const order = sortOrder.toLowerCase();
    if (order !== 'ascending' && order !== 'descending') {
      throw new InvalidRequestError("'sortOrder' must be ascending or descending", 'invalidValue');
    }
    params.sortOrder = order;
  }
  if (cursor !== undefined) params.cursor = cursor;
  return params;
}

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\s*[+-]?\d+\s*$/.test(text))
    throw new InvalidRequestError(`'${name}' must be an integer`, 'invalidValue');
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : Math.sign(value) * Number.MAX_SAFE_INTEGER;
}

/**
 * Comma-separated attribute paths. A path with a value filter (`emails[type eq "work"]`, which some validators send)
 * is read as its attribute, `emails`: RFC 7644 §3.4.2.5 selects attributes, so the whole attribute is returned.
 * Commas and brackets inside the filter (even in its quoted strings) do not split the list.
 */
function list(text: string | undefined): string[] {
  const paths: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  const input = text ?? '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (depth > 0) {
      if (quoted && c === '\\') i++;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && c === '[') depth++;
      else if (!quoted && c === ']') depth--;
    } else if (c === '[') depth = 1;
    else if (c === ',') {
      paths.push(current);
      current = '';
    } else current += c;
  }
  paths.push(current);
  return paths.map((s) => s.trim()).filter((s) => s !== '');
}
