import { ConflictError, InvalidRequestError, PreconditionFailedError } from '../common/errors';
import { WritePreconditions } from './directory.types';

/** MySQL TEXT holds 65,535 bytes; a document beyond this is refused rather than truncated. */
export const MAX_DOCUMENT_BYTES = 65_000;

export function serializeDocument(doc: Record<string, unknown>, resourceType: string): string {
  const text = JSON.stringify(doc);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw new InvalidRequestError(
      `The ${resourceType} is too large to store (${bytes} bytes of attributes, at most ${MAX_DOCUMENT_BYTES})`,
      'invalidValue',
    );
  }
  return text;
}

/** RFC 7644 §3.14: a write with If-Match proceeds only when one of the given versions is current. */
export function checkPreconditions(pre: WritePreconditions | undefined, currentVersion: number): void {
  if (pre?.ifMatch && !pre.ifMatch.includes(currentVersion)) {
    throw new PreconditionFailedError(
      `The resource has changed (current version ${currentVersion}); read it again and retry`,
    );
  }
}

/**
 * How often a write without If-Match re-reads and re-applies itself when another writer changed the row
 * in between: the update is never lost and never silently overwrites the other one.
 */
export const MAX_OPTIMISTIC_RETRIES = 5;

/**
 * Runs a compare-and-set write until it wins (`attempt` returns true) or MAX_OPTIMISTIC_RETRIES is spent,
 * then 409: a writer never overwrites a concurrent change it did not see.
 */
export async function retryOnRace(
  resource: 'user' | 'group',
  attempt: () => Promise<boolean>,
): Promise<void> {
  for (let i = 1; i <= MAX_OPTIMISTIC_RETRIES; i++) {
    if (await attempt()) return;
  }
  throw new ConflictError(`The ${resource} is being changed by another request; retry`);
}

export function normalizeKey(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

/**
 * C0 and C1 control characters (NUL among them) and the bidirectional embeddings, overrides and isolates, which
 * make a name display as something else (CVE-2021-42574): never part of an identifier a person reads or types.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNSAFE_IN_NAMES = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** 400 invalidValue when an identifying attribute (userName, a group's displayName, externalId) holds one. */
export function checkNameCharacters(value: string | null, attribute: string): void {
  if (value !== null && UNSAFE_IN_NAMES.test(value)) {
    throw new InvalidRequestError(
      `Attribute ${attribute} contains a control character or a bidirectional override`,
      'invalidValue',
    );
  }
}
