/**
 * Builds the filters the engine sends: `attr eq "value"` joined with `and`, the only operators Entra uses
 * (reference §1). Values are JSON strings (RFC 7644 §3.4.2.2), so quotes and backslashes are escaped.
 */
export function eqFilter(attribute: string, value: string | number | boolean): string {
  if (!/^[A-Za-z][\w$.:\-[\]" ]*$/.test(attribute))
    throw new RangeError(`Not an attribute path: ${attribute}`);
  return `${attribute} eq ${JSON.stringify(value)}`;
}

export function andFilter(...clauses: string[]): string {
  return clauses.map((c) => (/\bor\b/i.test(c) ? `(${c})` : c)).join(' and ');
}
