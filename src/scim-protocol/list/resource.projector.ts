import { isPlainObject } from '../json-value.util';
import { COMMON_ATTRIBUTES } from '../schema/common-attributes.schema';
import type { SchemaRegistry } from '../schema/schema.registry';
import type { AttributeDefinition } from '../schema/schema.types';

export interface Projection {
  attributes: string[];
  excludedAttributes: string[];
}

/** Per attribute: the whole attribute, or the named sub-attributes. */
type Selection = Map<string, 'all' | Set<string>>;

/**
 * RFC 7644 §3.4.2.5 / §3.9 attribute selection with RFC 7643 §7 `returned`: `always` (id, schemas) survives any
 * selection, `never` (password) is never returned, `request` only when asked for. `attributes` wins over
 * `excludedAttributes` when both are given. Names are case-insensitive, may be URN-qualified or name a whole
 * extension; unknown names are ignored.
 */
export function projectResource<T extends Record<string, unknown>>(
  resource: T,
  projection: Projection,
  registry: SchemaRegistry,
  resourceType: string,
): Record<string, unknown> {
  const include = projection.attributes.length
    ? select(projection.attributes, registry, resourceType)
    : undefined;
  const exclude = include ? undefined : select(projection.excludedAttributes, registry, resourceType);
  const core = registry.coreSchema(resourceType);
  const coreAttributes = withCommon(core.attributes);
  const output: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const extension = key.length > 4 && /^urn:/i.test(key) ? registry.schemaOf(resourceType, key) : undefined;
    if (extension && extension.id !== core.id) {
      if (!isPlainObject(value)) continue;
      const part = projectPart(value, extension.attributes, extension.id, include, exclude);
      if (Object.keys(part).length) output[key] = part;
      continue;
    }
    const projected = projectPart({ [key]: value }, coreAttributes, core.id, include, exclude);
    if (key in projected) output[key] = projected[key];
    else if (!findAttribute(coreAttributes, key) && !include) output[key] = value;
  }
  return output;
}

/** The common attributes (id, externalId, meta) followed by a core schema's own, built once per schema. */
const commonPlus = new WeakMap<readonly AttributeDefinition[], readonly AttributeDefinition[]>();
function withCommon(attributes: readonly AttributeDefinition[]): readonly AttributeDefinition[] {
  let all = commonPlus.get(attributes);
  if (!all) commonPlus.set(attributes, (all = [...COMMON_ATTRIBUTES, ...attributes]));
  return all;
}

/** Attribute lookup by case-insensitive name, indexed once per (immutable) attribute list. */
const byName = new WeakMap<readonly AttributeDefinition[], Map<string, AttributeDefinition>>();
function findAttribute(
  attributes: readonly AttributeDefinition[],
  name: string,
): AttributeDefinition | undefined {
  let index = byName.get(attributes);
  if (!index) {
    index = new Map();
    for (const a of attributes) if (!index.has(a.name.toLowerCase())) index.set(a.name.toLowerCase(), a);
    byName.set(attributes, index);
  }
  return index.get(name.toLowerCase());
}

function projectPart(
  values: Record<string, unknown>,
  attributes: readonly AttributeDefinition[],
  schemaId: string,
  include: Selection | undefined,
  exclude: Selection | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const attribute = findAttribute(attributes, name);
    if (!attribute) continue;
    if (attribute.returned === 'never') continue;
    const key = `${schemaId.toLowerCase()}|${attribute.name.toLowerCase()}`;
    const whole = `${schemaId.toLowerCase()}|*`;
    let chosen: 'all' | Set<string> | undefined;
    if (attribute.returned === 'always') chosen = 'all';
    else if (include) chosen = include.has(whole) ? 'all' : include.get(key);
    else if (attribute.returned === 'request') chosen = undefined;
    else chosen = exclude?.has(whole) || exclude?.get(key) === 'all' ? undefined : 'all';
    if (chosen === undefined) continue;
    const dropped =
      !include && exclude?.get(key) instanceof Set ? (exclude.get(key) as Set<string>) : undefined;
    const projected = projectSubAttributes(attribute, value, chosen, dropped);
    if (projected !== undefined) out[attribute.name] = projected;
  }
  return out;
}

function projectSubAttributes(
  attribute: AttributeDefinition,
  value: unknown,
  chosen: 'all' | Set<string>,
  dropped: Set<string> | undefined,
): unknown {
  const subs = attribute.subAttributes;
  if (!subs?.length) return value;
  const keep = (sub: AttributeDefinition) => {
    const name = sub.name.toLowerCase();
    if (sub.returned === 'never') return false;
    if (sub.returned === 'always') return true;
    if (chosen === 'all') return sub.returned !== 'request' && !dropped?.has(name);
    return chosen.has(name);
  };
  const pick = (item: unknown) => {
    if (!isPlainObject(item)) return item;
    const entries = Object.entries(item).filter(([k]) => {
      const sub = findAttribute(subs, k);
      return sub ? keep(sub) : chosen === 'all';
    });
    return entries.length ? Object.fromEntries(entries) : undefined;
  };
  if (Array.isArray(value)) {
    const items = value.map(pick).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  return pick(value);
}

/** Reads `name`, `name.sub`, `urn:…:attr[.sub]` and bare `urn:…` (a whole extension) into a selection. */
function select(paths: string[], registry: SchemaRegistry, resourceType: string): Selection {
  const selection: Selection = new Map();
  for (const path of paths) {
    const schema = /^urn:/i.test(path) ? registry.schemaOf(resourceType, path) : undefined;
    if (schema) {
      selection.set(`${schema.id.toLowerCase()}|*`, 'all');
      continue;
    }
    const resolved = registry.tryResolvePath(resourceType, path);
    if (!resolved.ok) continue;
    const { schema: owner, attribute, subAttribute } = resolved.value;
    const key = `${owner.toLowerCase()}|${attribute.name.toLowerCase()}`;
    const current = selection.get(key);
    if (!subAttribute) selection.set(key, 'all');
    else if (current !== 'all')
      selection.set(key, new Set([...(current ?? []), subAttribute.name.toLowerCase()]));
  }
  return selection;
}
