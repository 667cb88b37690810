/**
 * The small subset of RFC 7644 §3.10 attribute paths that mappings use, in sources and targets alike:
 * `[urn:…:]attr[.sub]` and `[urn:…:]attr[sub eq "value"][.sub]` (e.g. `emails[type eq "work"].value`).
 */
export interface ScimPath {
  /** Schema URN when the path is qualified, as written. */
  schema?: string;
  attribute: string;
  filter?: { attribute: string; value: string };
  subAttribute?: string;
}

const NAME = /^[A-Za-z_$][\w$-]*$/;

/** Parses a path; returns a message instead of throwing, for validation reports. */
export function parseScimPath(text: string): ScimPath | { error: string } {
  const path = text.trim();
  let rest = path;
  let schema: string | undefined;
  if (path.slice(0, 4).toLowerCase() === 'urn:') {
    const bracket = path.indexOf('[');
    const head = bracket < 0 ? path : path.slice(0, bracket);
    const colon = head.lastIndexOf(':');
    schema = path.slice(0, colon);
    rest = path.slice(colon + 1);
    if (!rest) return { error: `"${text}" names a schema but no attribute` };
  }
  let filter: ScimPath['filter'];
  let attribute = rest;
  let tail = '';
  const open = rest.indexOf('[');
  if (open >= 0) {
    const close = rest.lastIndexOf(']');
    if (close < open) return { error: `"${text}": "[" without "]"` };
    attribute = rest.slice(0, open);
    const m = /^\s*([A-Za-z_$][\w$-]*)\s+eq\s+(?:"((?:[^"\\]|\\.)*)"|([^\s"\]]+))\s*$/i.exec(
      rest.slice(open + 1, close),
    );
    if (!m) return { error: `"${text}": only a filter of the form [attribute eq "value"] is supported` };
    filter = { attribute: m[1], value: m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3] };
    tail = rest.slice(close + 1);
    if (tail && !tail.startsWith('.')) return { error: `"${text}": expected "." after "]"` };
    tail = tail.slice(1);
  } else {
    const dot = rest.indexOf('.');
    if (dot >= 0) {
      attribute = rest.slice(0, dot);
      tail = rest.slice(dot + 1);
    }
  }
  if (!NAME.test(attribute)) return { error: `"${text}": "${attribute}" is not an attribute name` };
  if (open < 0 && tail === '' && rest.endsWith('.'))
    return { error: `"${text}": expected a sub-attribute after "."` };
  if (tail && !NAME.test(tail)) return { error: `"${text}": "${tail}" is not a sub-attribute name` };
  return { schema, attribute, filter, subAttribute: tail || undefined };
}

export function formatScimPath(p: ScimPath): string {
  const filter = p.filter ? `[${p.filter.attribute} eq ${JSON.stringify(p.filter.value)}]` : '';
  return `${p.schema ? p.schema + ':' : ''}${p.attribute}${filter}${p.subAttribute ? '.' + p.subAttribute : ''}`;
}
