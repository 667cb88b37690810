import { InvalidRequestError } from '../../common/errors';
import { isPlainObject } from '../json-value.util';

/** Where a page ended: the sort key of its last resource and its id (the tie-breaker). */
export interface CursorPosition {
  key: string | number | boolean | null;
  id: string;
}

interface CursorBody {
  /** The sort the cursor was made for: a cursor is only valid with the same sort. */
  s: string;
  k: CursorPosition['key'];
  i: string;
}

function sortSignature(sortBy: string | undefined, sortOrder: string | undefined): string {
  return `${(sortBy ?? '').toLowerCase()}|${sortOrder ?? 'ascending'}`;
}

/** RFC 9865 §2: an opaque cursor, here base64url of JSON. It carries no secret; it only saves a position. */
export function encodeCursor(position: CursorPosition, sortBy?: string, sortOrder?: string): string {
  const body: CursorBody = { s: sortSignature(sortBy, sortOrder), k: position.key, i: position.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Reads a cursor back, or fails with 400 invalidCursor (RFC 9865 §3). */
export function decodeCursor(cursor: string, sortBy?: string, sortOrder?: string): CursorPosition {
  const invalid = () => new InvalidRequestError('The cursor is not valid', 'invalidCursor');
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(cursor)) throw invalid();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!isPlainObject(body) || typeof body.i !== 'string' || typeof body.s !== 'string') throw invalid();
  const key = body.k;
  if (key !== null && !['string', 'number', 'boolean'].includes(typeof key)) throw invalid();
  if (body.s !== sortSignature(sortBy, sortOrder)) {
    throw new InvalidRequestError('The cursor was made for another sort order', 'invalidCursor');
  }
  return { key: key as CursorPosition['key'], id: body.i };
}
