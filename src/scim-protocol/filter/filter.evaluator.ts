import { InvalidFilterError } from '../../common/errors';
import { isPlainObject } from '../json-value.util';
import { normalizeDateTime } from '../schema/date-time.util';
import type { SchemaRegistry } from '../schema/schema.registry';
import type { ResolvedAttribute, ScimDocument } from '../schema/schema.types';
import type { CompareOperator, Filter } from './filter.ast';
import { prepareComparison, resolveFilterTarget, type FilterTarget, type Operand } from './filter-operand';

type Predicate = (source: unknown) => boolean;

/**
 * The reference semantics of filters (RFC 7644 §3.4.2.2), which the SQL compiler reproduces:
 * - strings compare case-insensitively unless the attribute is caseExact; order is by Unicode code point;
 * - a multi-valued attribute matches if any of its values matches;
 * - a missing value never equals anything: `ne` matches it, `eq`/`co`/`gt`… do not;
 * - `pr` means a non-null, non-empty value; `eq null` is "not present" and `ne null` is `pr`;
 * - dateTimes compare as instants.
 * The whole filter is checked before any document is looked at, so errors do not depend on the data.
 */
export function compileMatcher(
  filter: Filter,
  registry: SchemaRegistry,
  resourceType: string,
): (doc: ScimDocument) => boolean {
  const predicate = build(filter, registry, resourceType, undefined);
  return (doc) => predicate(doc);
}

export function matchesFilter(
  filter: Filter,
  doc: ScimDocument,
  registry: SchemaRegistry,
  resourceType: string,
): boolean {
  return compileMatcher(filter, registry, resourceType)(doc);
}

function build(
  filter: Filter,
  registry: SchemaRegistry,
  type: string,
  parent: ResolvedAttribute | undefined,
): Predicate {
  switch (filter.type) {
    case 'and': {
      const [left, right] = [
        build(filter.left, registry, type, parent),
        build(filter.right, registry, type, parent),
      ];
      return (source) => left(source) && right(source);
    }
    case 'or': {
      const [left, right] = [
        build(filter.left, registry, type, parent),
        build(filter.right, registry, type, parent),
      ];
      return (source) => left(source) || right(source);
    }
    case 'not': {
      const inner = build(filter.filter, registry, type, parent);
      return (source) => !inner(source);
    }
    case 'valuePath': {
      const target = resolveFilterTarget(registry, type, filter.path, parent, false);
      const { resolved } = target;
      if (resolved.subAttribute || resolved.attribute.type !== 'complex') {
        throw new InvalidFilterError(
          `A value filter needs a complex attribute; '${resolved.path}' is not one`,
        );
      }
      const inner = build(filter.filter, registry, type, resolved);
      return (source) => elementsOf(source, target).some(inner);
    }
    case 'present':
    case 'compare':
      return withResourceType(buildPredicate(filter, registry, type, parent), filter, registry, type, parent);
  }
}

/** `meta.resourceType` is not stored in documents: every document of a resource type has the same one. */
function withResourceType(
  predicate: Predicate,
  filter: Filter & { path: string },
  registry: SchemaRegistry,
  type: string,
  parent: ResolvedAttribute | undefined,
): Predicate {
  if (parent || filter.path.toLowerCase() !== 'meta.resourcetype') return predicate;
  const name = registry.resourceType(type)!.name;
  return (source) => {
    const doc = isPlainObject(source) ? source : {};
    const meta = isPlainObject(doc.meta) ? doc.meta : {};
    return predicate({ ...doc, meta: { resourceType: name, ...meta } });
  };
}

function buildPredicate(
  filter: Filter & { type: 'present' | 'compare' },
  registry: SchemaRegistry,
  type: string,
  parent: ResolvedAttribute | undefined,
): Predicate {
  switch (filter.type) {
    case 'present': {
      const target = resolveFilterTarget(registry, type, filter.path, parent, false);
      return (source) => candidates(source, target, parent !== undefined).some(isPresent);
    }
    case 'compare': {
      const target = resolveFilterTarget(registry, type, filter.path, parent, true);
      const comparison = prepareComparison(filter, target.leaf, target.resolved.path);
      const scoped = parent !== undefined;
      if (comparison.kind === 'present') {
        return (source) => candidates(source, target, scoped).some(isPresent) !== comparison.negated;
      }
      const { op, operand } = comparison;
      if (op === 'ne') {
        return (source) =>
          candidates(source, target, scoped).some((v) => v === undefined || !test('eq', v, operand));
      }
      return (source) =>
        candidates(source, target, scoped).some((v) => v !== undefined && test(op, v, operand));
    }
  }
}

function readPath(source: unknown, path: string[]): unknown {
  let value = source;
  for (const key of path) value = isPlainObject(value) ? value[key] : undefined;
  return value ?? undefined;
}

/** The values of the attribute itself (not of a sub-attribute), as a list. */
function elementsOf(doc: unknown, target: FilterTarget): unknown[] {
  const { resolved } = target;
  const path = resolved.subAttribute ? resolved.storagePath.slice(0, -1) : resolved.storagePath;
  const value = readPath(doc, path);
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The values a comparison looks at; a missing value is `undefined`, so `ne` can match it. */
function candidates(source: unknown, target: FilterTarget, scoped: boolean): unknown[] {
  if (scoped) {
    // Inside a value filter the source is one element of the parent attribute.
    return [readPath(source, [target.resolved.subAttribute!.name])];
  }
  const elements = elementsOf(source, target);
  const values = target.sub ? elements.map((e) => readPath(e, [target.sub!.name])) : elements;
  if (!target.resolved.attribute.multiValued) return values.length ? values : [undefined];
  const flat = values.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v]));
  return flat.length ? flat : [undefined];
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  // A complex value is present when it holds any sub-attribute (normalized documents hold no nulls).
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

function test(op: CompareOperator, value: unknown, operand: Operand): boolean {
  switch (operand.kind) {
    case 'boolean':
      return value === operand.value;
    case 'number':
      return typeof value === 'number' && order(op, value - operand.value);
    case 'dateTime': {
      const instant = typeof value === 'string' ? normalizeDateTime(value) : undefined;
      return instant !== undefined && order(op, compareCodePoints(instant, operand.value));
    }
    case 'string': {
      if (typeof value !== 'string') return false;
      const [left, right] = operand.caseExact
        ? [value, operand.value]
        : [value.toLowerCase(), operand.value.toLowerCase()];
      if (op === 'co') return left.includes(right);
      if (op === 'sw') return left.startsWith(right);
      if (op === 'ew') return left.endsWith(right);
      return order(op, compareCodePoints(left, right));
    }
  }
}

function order(op: CompareOperator, difference: number): boolean {
  switch (op) {
    case 'eq':
      return difference === 0;
    case 'ne':
      return difference !== 0;
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
    default:
      return false;
  }
}

/** Code-point order, which is the byte order of UTF-8 and so what SQLite BINARY and utf8mb4_bin use. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
