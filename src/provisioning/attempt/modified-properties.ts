/**
 * Entra's "Modified properties" of a provisioning log entry: each attribute a request sets, by its path in the
 * target (`name.givenName`, `emails[type eq "work"].value`, as `scim-diff.ts` flattens it), with the value last sent
 * and the value sent now. Taken from the same difference the request is built from, so the log cannot disagree
 * with the wire. Pure.
 */
import { parseJsonText } from '../../common/json-text';
import { REDACTED } from '../client/request.redactor';
import { AttributeDiff, FlatAttributes, flattenResource } from './scim-diff';

export interface ModifiedProperty {
  name: string;
  /** What was last sent (or what the target held, when the attempt read it first); null when it had no value. */
  oldValue: unknown;
  /** What this request sends; null when the request removes the value. */
  newValue: unknown;
}

/** Bounds of the stored list: the properties of one entry, one value's JSON text, the whole column's JSON text. */
export const MAX_PROPERTIES = 100;
export const MAX_VALUE_CHARS = 500;
export const MAX_PROPERTIES_CHARS = 16_000;

/** An update: each changed path with the value it had in `previous` (matched case-insensitively), then removals. */
export function propertiesOfDiff(previous: FlatAttributes, diff: AttributeDiff): ModifiedProperty[] {
  const lower = new Map(Object.keys(previous).map((k) => [k.toLowerCase(), k]));
  const before = (path: string) => {
    const key = lower.get(path.toLowerCase());
    return key === undefined ? null : (previous[key] ?? null);
  };
  return [
    ...diff.changed.map(([name, value]) => ({ name, oldValue: before(name), newValue: value })),
    ...diff.removed.map((name) => ({ name, oldValue: before(name), newValue: null })),
  ];
}

/** A create: every value sent, none before. */
export function propertiesOfCreate(sent: FlatAttributes): ModifiedProperty[] {
  return Object.entries(sent).map(([name, value]) => ({ name, oldValue: null, newValue: value }));
}

/**
 * A create's stored form, read back from the request its entry shows (`{method, path, body, …}` as JSON, secrets
 * already masked there): a create's properties are exactly the values it sends, so the entry does not store them a
 * second time (a create is most of an initial sync's log, and the list was its largest column). `[]` when the
 * request has no body to read. Read with `parseJsonText`: a log download reads back every create's request, and
 * `JSON.parse` would intern their short values (see there).
 */
export function loggedPropertiesOfCreate(shownRequest: string | null): string {
  let body: unknown;
  try {
    body = shownRequest ? (parseJsonText(shownRequest) as { body?: unknown }).body : undefined;
  } catch {
    return '[]';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return '[]';
  return (
    loggedProperties(propertiesOfCreate(flattenResource(body as Record<string, unknown>)), () => false) ??
    '[]'
  );
}

/** A membership request: the target ids it adds or removes. */
export function propertiesOfMembers(added: string[], removed: string[]): ModifiedProperty[] {
  const out: ModifiedProperty[] = [];
  if (added.length > 0) out.push({ name: 'members', oldValue: null, newValue: added });
  if (removed.length > 0) out.push({ name: 'members', oldValue: removed, newValue: null });
  return out;
}

/**
 * The stored form (JSON, or null when there is none): values of secret attributes masked, a value whose JSON text
 * is longer than MAX_VALUE_CHARS cut to a string ending in `…`, and at most MAX_PROPERTIES properties within
 * MAX_PROPERTIES_CHARS; what is left out is said in a last property named `…`.
 */
export function loggedProperties(
  properties: readonly ModifiedProperty[] | undefined,
  isSecret: (name: string) => boolean,
): string | null {
  if (!properties || properties.length === 0) return null;
  const kept: string[] = [];
  let size = 2;
  for (const p of properties) {
    const secret = isSecret(p.name);
    const entry = JSON.stringify({
      name: bounded(p.name),
      oldValue: secret && p.oldValue !== null ? REDACTED : bounded(p.oldValue),
      newValue: secret && p.newValue !== null ? REDACTED : bounded(p.newValue),
    });
    // Room is kept for the closing note.
    if (kept.length === MAX_PROPERTIES || size + entry.length + 1 > MAX_PROPERTIES_CHARS - 100) break;
    kept.push(entry);
    size += entry.length + 1;
  }
  const left = properties.length - kept.length;
  if (left > 0) kept.push(JSON.stringify({ name: '…', oldValue: null, newValue: `${left} more not logged` }));
  return `[${kept.join(',')}]`;
}

function bounded(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length <= MAX_VALUE_CHARS) return value;
  return `${text.slice(0, MAX_VALUE_CHARS - 1)}…`;
}
