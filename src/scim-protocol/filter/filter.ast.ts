/** RFC 7644 §3.4.2.2 filter AST. Paths are kept as written; they are resolved against a schema registry later. */
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

/** `userName eq "bjensen"`. Inside a value path, `path` is a sub-attribute name relative to it. */
export interface CompareFilter {
  type: 'compare';
  path: string;
  op: CompareOperator;
  value: FilterValue;
  /** The literal as written, for a number whose text `String(value)` would not reproduce (e.g. 20-digit ids). */
  raw?: string;
}

/** `title pr` */
export interface PresentFilter {
  type: 'present';
  path: string;
}

export interface LogicalFilter {
  type: 'and' | 'or';
  left: Filter;
  right: Filter;
}

export interface NotFilter {
  type: 'not';
  filter: Filter;
}

/**
 * `emails[type eq "work"]`: some value of the (complex) attribute matches the inner filter. The suffix form
 * `emails[type eq "work"].value eq "x"` parses to the same node with `value eq "x"` and-ed into the inner filter.
 */
export interface ValuePathFilter {
  type: 'valuePath';
  path: string;
  filter: Filter;
}

export type Filter = CompareFilter | PresentFilter | LogicalFilter | NotFilter | ValuePathFilter;

export const COMPARE_OPERATORS: readonly CompareOperator[] = [
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
];

/** A PATCH target (RFC 7644 §3.5.2): `attrPath` or `valuePath [ "." subAttr ]`. */
export interface PatchPath {
  /** The attribute, possibly URN-qualified and with a sub-attribute when there is no value filter. */
  path: string;
  /** The value filter, for `emails[type eq "work"]` forms; its paths are relative to `path`. */
  filter?: Filter;
  /** The sub-attribute after a value filter: `value` in `emails[type eq "work"].value`. */
  subAttribute?: string;
}
