import { SECRET_CHANGED } from './audit.types';

/** Field names that hold secrets anywhere in the admin API: shown as "changed", whatever a caller passed. */
const SECRET_FIELDS = new Set([
  'token',
  'secret',
  'clientSecret',
  'password',
  'secretEnvelope',
  'tokenHash',
  'previousTokenHash',
]);

/** `text` holds 65,535 bytes on MySQL; a larger side is replaced by a note rather than cut into invalid JSON. */
const MAX_JSON_BYTES = 65_535;

/**
 * The fields of an update whose values differ (compared as JSON), old and new: an audit entry shows what changed,
 * not the whole object again. Keys present on one side only count as changed.
 */
export function changedFields(
  before: object,
  after: object,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const old = before as Record<string, unknown>;
  const next = after as Record<string, unknown>;
  const out = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
  for (const key of new Set([...Object.keys(old), ...Object.keys(next)])) {
    if (JSON.stringify(old[key]) === JSON.stringify(next[key])) continue;
    if (key in old) out.before[key] = old[key];
    if (key in next) out.after[key] = next[key];
  }
  return out;
}

/** Compact JSON of one side of an entry, secret fields masked at any depth; null stays null. */
export function auditJson(value: object | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value, (key, v: unknown) =>
    SECRET_FIELDS.has(key) && v !== undefined && v !== null ? SECRET_CHANGED : v,
  );
  return Buffer.byteLength(text) > MAX_JSON_BYTES
    ? JSON.stringify({ omitted: `larger than ${MAX_JSON_BYTES} bytes` })
    : text;
}
