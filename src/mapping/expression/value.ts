/**
 * A value during evaluation: a string, an array of strings for multi-valued attributes, or null for
 * "absent" (entra-expressions.md §2: a null is the absence of the attribute and never flows; "" flows).
 * Booleans are the strings "True"/"False" and numbers their decimal text (§1.5).
 */
export type Value = string | string[] | null;

export const TRUE = 'True';
export const FALSE = 'False';
export const bool = (b: boolean): string => (b ? TRUE : FALSE);

/** One string from a value: the first element of an array, or null. */
export function scalar(v: Value): string | null {
  return Array.isArray(v) ? (v.length ? v[0] : null) : v;
}

export function isNullOrEmpty(v: Value): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function primitive(raw: unknown): string | null {
  switch (typeof raw) {
    case 'string':
      return raw;
    case 'boolean':
      return raw ? TRUE : FALSE;
    case 'number':
    case 'bigint':
      return String(raw);
    case 'object':
      if (raw === null) return null;
      if (raw instanceof Date) return raw.toISOString();
      // A complex value (manager, a members entry) stands for its `value` sub-attribute (RFC 7643 §2.4).
      return primitive((raw as Record<string, unknown>).value);
    default:
      return null;
  }
}

/** Converts a JSON value from a SCIM document to an expression value. */
export function toValue(raw: unknown): Value {
  if (Array.isArray(raw)) {
    const out: string[] = [];
    for (const item of raw) {
      const s = primitive(item);
      if (s !== null) out.push(s);
    }
    return out;
  }
  return primitive(raw);
}
