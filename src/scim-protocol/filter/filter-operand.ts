import { InvalidFilterError } from '../../common/errors';
import { normalizeDateTime } from '../schema/date-time.util';
import type { SchemaRegistry } from '../schema/schema.registry';
import type { AttributeDefinition, ResolvedAttribute } from '../schema/schema.types';
import type { CompareFilter, CompareOperator } from './filter.ast';

/** A comparison value, typed after the attribute it is compared with. */
export type Operand =
  | { kind: 'string'; value: string; caseExact: boolean }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  /** An instant, in `toISOString()` form: stored dateTimes use the same form, so text order is time order. */
  | { kind: 'dateTime'; value: string };

/** `eq null` / `ne null` are presence tests (RFC 7643 §2.5: null means unassigned). */
export type Comparison =
  { kind: 'present'; negated: boolean } | { kind: 'compare'; op: CompareOperator; operand: Operand };

/**
 * Where a filter attribute lives: the resolved attribute, and the leaf definition values are compared with. A
 * comparison on a complex attribute targets its `value` sub-attribute (`emails co "x"`, `manager eq "id"`).
 */
export interface FilterTarget {
  resolved: ResolvedAttribute;
  leaf: AttributeDefinition;
  /** The sub-attribute read inside each value, if any. */
  sub?: AttributeDefinition;
}

export function resolveFilterTarget(
  registry: SchemaRegistry,
  resourceType: string,
  path: string,
  parent: ResolvedAttribute | undefined,
  forComparison: boolean,
): FilterTarget {
  const result = parent
    ? registry.tryResolveSubAttribute(parent, path)
    : registry.tryResolvePath(resourceType, path);
  if (!result.ok) throw new InvalidFilterError(result.reason);
  const resolved = result.value;
  if (resolved.subAttribute) return { resolved, leaf: resolved.subAttribute, sub: resolved.subAttribute };
  if (resolved.attribute.type === 'complex' && forComparison) {
    const value = resolved.attribute.subAttributes?.find((s) => s.name === 'value');
    if (!value)
      throw new InvalidFilterError(
        `Attribute '${resolved.path}' is complex; compare one of its sub-attributes`,
      );
    return { resolved, leaf: value, sub: value };
  }
  return { resolved, leaf: resolved.attribute };
}

const ORDERING = new Set<CompareOperator>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING = new Set<CompareOperator>(['co', 'sw', 'ew']);

/** Types the filter value after the attribute (RFC 7644 §3.4.2.2), or rejects the comparison as invalidFilter. */
export function prepareComparison(
  filter: CompareFilter,
  leaf: AttributeDefinition,
  path: string,
): Comparison {
  const { op, value } = filter;
  const reject = (why: string): never => {
    throw new InvalidFilterError(`Operator '${op}' on '${path}': ${why}`);
  };
  if (value === null) {
    if (op === 'eq' || op === 'ne') return { kind: 'present', negated: op === 'eq' };
    return reject('null can only be compared with eq or ne');
  }
  switch (leaf.type) {
    case 'boolean': {
      // RFC 7644 §3.4.2.2: ordering on booleans SHALL fail with invalidFilter.
      if (op !== 'eq' && op !== 'ne') return reject('booleans support only eq and ne');
      const b =
        typeof value === 'boolean' ? value : typeof value === 'string' ? parseBooleanText(value) : undefined;
      return b === undefined
        ? reject('the value must be a boolean')
        : { kind: 'compare', op, operand: { kind: 'boolean', value: b } };
    }
    case 'integer':
    case 'decimal':
      if (SUBSTRING.has(op)) return reject('numbers do not support substring operators');
      if (typeof value !== 'number') return reject('the value must be a number');
      return { kind: 'compare', op, operand: { kind: 'number', value } };
    case 'dateTime': {
      if (typeof value !== 'string') return reject('the value must be a dateTime string');
      if (SUBSTRING.has(op))
        return { kind: 'compare', op, operand: { kind: 'string', value, caseExact: true } };
      const instant = normalizeFilterDateTime(value);
      return instant === undefined
        ? reject('the value is not an xsd:dateTime')
        : { kind: 'compare', op, operand: { kind: 'dateTime', value: instant } };
    }
    case 'binary':
      if (ORDERING.has(op)) return reject('binary values cannot be ordered');
      return { kind: 'compare', op, operand: { kind: 'string', value: textOf(filter), caseExact: true } };
    case 'complex':
      return reject('complex attributes cannot be compared');
    default:
      // string and reference; unquoted numbers and booleans given for strings are read as their text.
      return {
        kind: 'compare',
        op,
        operand: { kind: 'string', value: textOf(filter), caseExact: leaf.caseExact },
      };
  }
}

function parseBooleanText(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function textOf(filter: CompareFilter): string {
  return filter.raw ?? String(filter.value);
}

/** Filters also take a year-month or a year (`meta.lastModified gt "2021-09"`), as SCIMMY does. */
function normalizeFilterDateTime(text: string): string | undefined {
  if (/^\d{4}$/.test(text)) return normalizeDateTime(`${text}-01-01`);
  if (/^\d{4}-\d{2}$/.test(text)) return normalizeDateTime(`${text}-01`);
  return normalizeDateTime(text);
}
