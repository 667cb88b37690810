import type { AttributeDefinition } from '../../scim-protocol';
import type { SchemaRegistry } from '../../scim-protocol';

export type SqlDialect = 'sqlite' | 'mysql';

export interface FilterSqlContext {
  /** `mysql` means MySQL 8 and MariaDB 10.6+ (JSON_TABLE, JSON_EXTRACT, JSON_UNQUOTE). */
  dialect: SqlDialect;
  registry: SchemaRegistry;
  resourceType: string;
  /** Table alias, e.g. `u`. */
  alias: string;
  /** JSON text column holding the canonical document. */
  docColumn: string;
  /**
   * Columns by canonical path, lowercased (`username`, `externalid`, `meta.created`…). Used for single-valued
   * attributes only. `lowercased: true` means the application stores the value lowercased; `required: true`
   * that every live row has a value (so a sort on it needs no "missing values last" term and can read the index).
   */
  columns: Record<string, { column: string; lowercased: boolean; required?: boolean }>;
  /** Groups: membership rows, so `members…` filters compile to EXISTS on them. */
  members?: { table: string; groupColumn: string; memberColumn: string; typeColumn: string };
}

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Path segments are schema URNs and attribute names; nothing here may close a quote. */
const SAFE_SEGMENT = /^[A-Za-z0-9_$\-:.()+,=@;!*%/?#]+$/;

export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Unsafe SQL identifier '${name}'`);
  return name;
}

/** `'$."urn:…:User"."department"'`: every member quoted, since URNs contain `:` and `.`. */
export function jsonPathLiteral(segments: string[], suffix = ''): string {
  for (const segment of segments) {
    if (!SAFE_SEGMENT.test(segment)) throw new Error(`Unsafe JSON path segment '${segment}'`);
  }
  return `'$${segments.map((s) => `."${s}"`).join('')}${suffix}'`;
}

function isNumeric(definition: AttributeDefinition): boolean {
  return definition.type === 'integer' || definition.type === 'decimal';
}

/**
 * A scalar read from JSON text, typed for comparison: SQLite's json_extract already returns SQL types (1/0 for
 * booleans); on MySQL strings are unquoted and compared under utf8mb4_bin, numbers cast to DOUBLE.
 */
export function jsonScalar(
  dialect: SqlDialect,
  json: string,
  path: string,
  leaf: AttributeDefinition,
): string {
  if (dialect === 'sqlite') return `json_extract(${json}, ${path})`;
  const text = `JSON_UNQUOTE(JSON_EXTRACT(${json}, ${path}))`;
  if (isNumeric(leaf)) return `CAST(${text} AS DOUBLE)`;
  return leaf.type === 'boolean' ? text : `(${text} COLLATE utf8mb4_bin)`;
}

/** The JSON_TABLE column type for a value read on MySQL. */
export function jsonTableColumnType(leaf: AttributeDefinition): string {
  return isNumeric(leaf) ? 'DOUBLE' : 'VARCHAR(1024)';
}

/** How a boolean is bound: 1/0 for SQLite JSON and for columns, JSON's own text on MySQL. */
export function booleanParam(dialect: SqlDialect, value: boolean, fromColumn: boolean): unknown {
  if (dialect === 'sqlite' || fromColumn) return value ? 1 : 0;
  return value ? 'true' : 'false';
}

/** A DATETIME(3) column rendered in `toISOString()` form, for substring operators on dateTimes. */
export function isoFromDateTimeColumn(dialect: SqlDialect, column: string): string {
  return dialect === 'sqlite'
    ? `strftime('%Y-%m-%dT%H:%M:%fZ', ${column})`
    : `CONCAT(LEFT(DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')`;
}
