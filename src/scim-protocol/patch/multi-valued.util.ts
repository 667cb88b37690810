import { InvalidFilterError, InvalidRequestError } from '../../common/errors';
import type { Filter } from '../filter/filter.ast';
import { compileMatcher } from '../filter/filter.evaluator';
import { isPlainObject } from '../json-value.util';
import { coerceAttributeValue } from '../schema/attribute-value.coercer';
import type { SchemaRegistry } from '../schema/schema.registry';
import type { AttributeDefinition, ResolvedAttribute } from '../schema/schema.types';

/** Equality of two values of one attribute, honouring caseExact on strings (RFC 7643 §2.3.1). */
export function sameValue(definition: AttributeDefinition, a: unknown, b: unknown): boolean {
  if (definition.type === 'complex') {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    return (definition.subAttributes ?? []).every((sub) => sameValue(sub, a[sub.name], b[sub.name]));
  }
  if (typeof a === 'string' && typeof b === 'string' && !definition.caseExact)
    return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/** True when every sub-attribute given in `pattern` equals the element's (Entra's remove-by-value). */
export function matchesPattern(definition: AttributeDefinition, element: unknown, pattern: unknown): boolean {
  if (definition.type !== 'complex' || !isPlainObject(pattern))
    return sameValue(definition, element, pattern);
  if (!isPlainObject(element)) return false;
  const given = Object.entries(pattern).filter(([, v]) => v !== null && v !== undefined);
  return (
    given.length > 0 &&
    given.every(([key, v]) => {
      const sub = definition.subAttributes?.find((s) => s.name.toLowerCase() === key.toLowerCase());
      return sub !== undefined && sameValue(sub, element[sub.name], v);
    })
  );
}

/** RFC 7643 §2.4: once a value is made primary, the others stop being primary. */
export function keepOnePrimary(items: unknown[], preferred: unknown[]): void {
  const winner = preferred.find((item) => isPlainObject(item) && item.primary === true);
  if (!winner) return;
  for (const item of items) {
    if (item !== winner && isPlainObject(item) && item.primary === true) item.primary = false;
  }
}

/** A predicate for the elements of `resolved` selected by a PATCH value filter (RFC 7644 §3.5.2). */
export function elementMatcher(
  registry: SchemaRegistry,
  resourceType: string,
  resolved: ResolvedAttribute,
  filter: Filter,
): (element: unknown) => boolean {
  let matcher: (doc: Record<string, unknown>) => boolean;
  try {
    matcher = compileMatcher({ type: 'valuePath', path: resolved.path, filter }, registry, resourceType);
  } catch (error) {
    if (error instanceof InvalidFilterError) throw new InvalidRequestError(error.message, 'invalidPath');
    throw error;
  }
  const key = resolved.attribute.name;
  return (element) =>
    matcher(resolved.extension ? { [resolved.schema]: { [key]: [element] } } : { [key]: [element] });
}

/**
 * The element Entra expects a filtered add/replace to create when nothing matches (`emails[type eq "work"].value`,
 * peer-issues.md item 4): the equalities of the filter, or undefined when the filter says more than that.
 */
export function templateFromFilter(
  registry: SchemaRegistry,
  resolved: ResolvedAttribute,
  filter: Filter,
): Record<string, unknown> | undefined {
  const template: Record<string, unknown> = {};
  const collect = (f: Filter): boolean => {
    if (f.type === 'and') return collect(f.left) && collect(f.right);
    if (f.type !== 'compare' || f.op !== 'eq' || f.value === null) return false;
    const sub = registry.tryResolveSubAttribute(resolved, f.path);
    if (!sub.ok || !sub.value.subAttribute) return false;
    const definition = sub.value.subAttribute;
    const value = coerceAttributeValue(definition, f.raw ?? f.value, sub.value.path, {
      enforceCanonicalValues: false,
    });
    template[definition.name] = value;
    return true;
  };
  return collect(filter) ? template : undefined;
}
