import { ENTRA_ATTRIBUTE_ALIASES } from './attribute-aliases';
import {
  BUILT_IN_EXTENSIONS,
  CORE_GROUP_ATTRIBUTES,
  CORE_GROUP_SCHEMA,
  CORE_USER_ATTRIBUTES,
  CORE_USER_SCHEMA,
  ENTRA_USER_SCHEMA,
  findAttribute,
  getCI,
  type AttributeInfo,
} from './scim-attributes';
import { parseScimPath, type ScimPath } from './scim-path';
import { FALSE, TRUE, toValue, type Value } from './value';

/** An app role the object holds in the target through its assignments (Entra's appRoleAssignment). */
export interface RoleAssignment {
  id: string;
  value: string;
  displayName: string;
}

/** The record an expression reads: a directory user or group as its canonical SCIM document. */
export interface MappingSource {
  /** Directory id (`[objectId]`, `[id]`). */
  id: string;
  /** RFC 7643 layout: core attributes top-level, extension attributes under their schema URN. */
  doc: Record<string, unknown>;
  /** Soft-deleted by HR (DELETE received, within the retention window). */
  deleted?: boolean;
  /** The target's scoping verdict; `false` makes `[IsSoftDeleted]` "True". */
  inScope?: boolean;
  /**
   * The object's app roles in the target, from its assignments; undefined where there are none to know (a preview
   * of a document), when `[appRoleAssignments]` reads the document's SCIM `roles` instead.
   */
  appRoleAssignments?: readonly RoleAssignment[];
}

export type AttributeResolver = (source: MappingSource) => Value;

/** What attribute names an expression may use, besides the built-in schemas and Entra aliases. */
export interface AttributeCatalog {
  objectType?: 'user' | 'group';
  /** Registered extension schema URNs; any attribute under them is accepted. */
  extensionSchemas?: readonly string[];
  /** Registered attributes, fully qualified (`urn:…:User:JobCode`) or top-level names. */
  extensionAttributes?: readonly string[];
  /** Accept any name (resolved top-level, then under any extension URN) instead of reporting it. */
  allowUnknown?: boolean;
}

export type AttributeResolution = { resolver: AttributeResolver; multiValued: boolean } | { error: string };

const isInactive = (doc: Record<string, unknown>): boolean => {
  const active = getCI(doc, 'active');
  return active === false || (typeof active === 'string' && active.toLowerCase() === 'false');
};

/** entra-expressions.md §4: true when soft-deleted, disabled, or out of the target's scope. */
export const isSoftDeleted = (s: MappingSource): boolean =>
  s.deleted === true || s.inScope === false || isInactive(s.doc);

function pick(list: unknown, match: (el: unknown) => boolean): unknown {
  return Array.isArray(list) ? list.find(match) : undefined;
}
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
const typeIs = (type: string) => (el: unknown) => text(getCI(el, 'type'))?.toLowerCase() === type;
const isPrimary = (el: unknown) => {
  const p = getCI(el, 'primary');
  return p === true || (typeof p === 'string' && p.toLowerCase() === 'true');
};

/** Work address, else primary: HR feeds often leave the type out. */
const addressPart = (sub: string): AttributeResolver => {
  const lower = sub.toLowerCase();
  return (s) => {
    const list = getCI(s.doc, 'addresses');
    const el = pick(list, typeIs('work')) ?? pick(list, isPrimary);
    return toValue(getCI(el, sub, lower));
  };
};

/** The role values the object holds in the target (scoping filters compare them). */
export const appRoleValues = (s: MappingSource): Value =>
  s.appRoleAssignments ? s.appRoleAssignments.map((r) => r.value) : toValue(getCI(s.doc, 'roles'));

const COMPUTED: Record<string, AttributeResolver> = {
  issoftdeleted: (s) => (isSoftDeleted(s) ? TRUE : FALSE),
  approleassignments: appRoleValues,
  mail: (s) => {
    const list = getCI(s.doc, 'emails');
    return toValue(getCI(pick(list, isPrimary) ?? pick(list, typeIs('work')), 'value'));
  },
  mailnickname: (s) => {
    const own = toValue(getCI(getCI(s.doc, ENTRA_USER_SCHEMA), 'mailNickname'));
    if (own !== null) return own;
    const userName = getCI(s.doc, 'userName');
    return typeof userName === 'string' ? userName.split('@')[0] : null;
  },
  streetaddress: addressPart('streetAddress'),
  city: addressPart('locality'),
  state: addressPart('region'),
  postalcode: addressPart('postalCode'),
  country: addressPart('country'),
};

const ALIAS_PATHS = new Map<string, string>(
  ENTRA_ATTRIBUTE_ALIASES.filter((a) => !a.computed).map((a) => [a.entraName.toLowerCase(), a.scimPath]),
);

/** Reads a parsed SCIM path from a source. `container` is the document or the extension object. */
export function pathResolver(path: ScimPath): AttributeResolver {
  const schema = path.schema;
  const attr = path.attribute;
  const lowerAttr = attr.toLowerCase();
  const sub = path.subAttribute;
  const lowerSub = sub?.toLowerCase();
  const filter = path.filter;
  if (!schema && lowerAttr === 'id' && !sub) return (s) => s.id;
  const container = schema ? (s: MappingSource) => getCI(s.doc, schema) : (s: MappingSource) => s.doc;
  if (filter) {
    const fAttr = filter.attribute;
    const fValue = filter.value.toLowerCase();
    const matches = (el: unknown) => {
      const v = getCI(el, fAttr);
      return text(v)?.toLowerCase() === fValue;
    };
    return (s) => {
      const el = pick(getCI(container(s), attr, lowerAttr), matches);
      return toValue(sub ? getCI(el, sub, lowerSub) : el);
    };
  }
  if (sub) {
    return (s) => {
      const v = getCI(container(s), attr, lowerAttr);
      if (Array.isArray(v)) return toValue(v.map((el) => getCI(el, sub, lowerSub)));
      return toValue(getCI(v, sub, lowerSub));
    };
  }
  return (s) => toValue(getCI(container(s), attr, lowerAttr));
}

/** Any top-level key, else the same key under any extension URN: for unregistered custom attributes. */
function looseResolver(name: string): AttributeResolver {
  const lower = name.toLowerCase();
  return (s) => {
    const top = getCI(s.doc, name, lower);
    if (top !== undefined) return toValue(top);
    for (const key in s.doc) {
      if (key.slice(0, 4).toLowerCase() !== 'urn:') continue;
      const v = getCI(s.doc[key], name, lower);
      if (v !== undefined) return toValue(v);
    }
    return null;
  };
}

function checkSub(info: AttributeInfo, path: ScimPath, name: string): string | undefined {
  const subs = info.subAttributes;
  for (const sub of [path.filter?.attribute, path.subAttribute]) {
    if (sub && subs && !subs.some((s) => s.toLowerCase() === sub.toLowerCase())) {
      return `unknown attribute "${name}": ${info.name} has no sub-attribute "${sub}"`;
    }
    if (sub && !subs) return `unknown attribute "${name}": ${info.name} has no sub-attributes`;
  }
  if (path.filter && !info.multiValued)
    return `unknown attribute "${name}": ${info.name} is not multi-valued`;
  return undefined;
}

/**
 * Resolves an attribute name from an expression, a Direct mapping or a scoping clause, once, at save time:
 * Entra alias, then SCIM path (core, URN-qualified extension), then a bare extension attribute name when
 * only one extension has it. Unknown names give `{ error }` unless the catalog allows them.
 */
export function resolveAttribute(name: string, catalog: AttributeCatalog = {}): AttributeResolution {
  const trimmed = name.trim();
  const lower = trimmed.toLowerCase();
  const group = catalog.objectType === 'group';
  const computed = COMPUTED[lower];
  if (computed && (!group || lower === 'issoftdeleted'))
    return { resolver: computed, multiValued: lower === 'approleassignments' };
  const aliasPath = group ? (lower === 'objectid' ? 'id' : undefined) : ALIAS_PATHS.get(lower);
  const parsed = parseScimPath(aliasPath ?? trimmed);
  if ('error' in parsed) return { error: `unknown attribute "${name}": ${parsed.error}` };

  const core = group ? CORE_GROUP_ATTRIBUTES : CORE_USER_ATTRIBUTES;
  const coreSchema = group ? CORE_GROUP_SCHEMA : CORE_USER_SCHEMA;
  const resolved = (path: ScimPath, info: AttributeInfo | undefined): AttributeResolution => {
    if (info) {
      const problem = checkSub(info, path, name);
      if (problem) return { error: problem };
    }
    const multiValued = !!info?.multiValued && !path.filter;
    return { resolver: pathResolver(path), multiValued };
  };

  if (parsed.schema) {
    const schemaLower = parsed.schema.toLowerCase();
    if (schemaLower === coreSchema.toLowerCase()) {
      const info = findAttribute(core, parsed.attribute);
      if (info) return resolved({ ...parsed, schema: undefined }, info);
    }
    for (const [urn, attrs] of group ? [] : BUILT_IN_EXTENSIONS) {
      if (urn.toLowerCase() !== schemaLower) continue;
      const info = findAttribute(attrs, parsed.attribute);
      if (info) return resolved({ ...parsed, schema: urn }, info);
    }
    const registered = (catalog.extensionSchemas ?? []).some((u) => u.toLowerCase() === schemaLower);
    const registeredAttr = (catalog.extensionAttributes ?? []).some(
      (a) => a.toLowerCase() === `${schemaLower}:${parsed.attribute.toLowerCase()}`,
    );
    if (registered || registeredAttr || catalog.allowUnknown) return resolved(parsed, undefined);
    return { error: `unknown attribute "${name}": schema ${parsed.schema} is not registered` };
  }

  const coreInfo = findAttribute(core, parsed.attribute);
  if (coreInfo) return resolved(parsed, coreInfo);

  // A bare extension attribute name, when exactly one known extension has it.
  const owners: string[] = [];
  if (!group) {
    for (const [urn, attrs] of BUILT_IN_EXTENSIONS)
      if (findAttribute(attrs, parsed.attribute)) owners.push(urn);
  }
  const attrLower = parsed.attribute.toLowerCase();
  for (const qualified of catalog.extensionAttributes ?? []) {
    const colon = qualified.lastIndexOf(':');
    if (colon > 0 && qualified.slice(colon + 1).toLowerCase() === attrLower)
      owners.push(qualified.slice(0, colon));
  }
  const unique = [...new Set(owners)];
  if (unique.length > 1) {
    return { error: `ambiguous attribute "${name}": qualify it with one of ${unique.join(', ')}` };
  }
  if (unique.length === 1) {
    const attrs = BUILT_IN_EXTENSIONS.get(unique[0]);
    return resolved({ ...parsed, schema: unique[0] }, attrs && findAttribute(attrs, parsed.attribute));
  }
  const topLevel = (catalog.extensionAttributes ?? []).some((a) => a.toLowerCase() === attrLower);
  if (topLevel) return resolved(parsed, undefined);
  if (catalog.allowUnknown) {
    return {
      resolver: parsed.filter || parsed.subAttribute ? pathResolver(parsed) : looseResolver(parsed.attribute),
      multiValued: false,
    };
  }
  return { error: `unknown attribute "${name}"` };
}

export function isKnownAttribute(name: string, catalog: AttributeCatalog = {}): boolean {
  return !('error' in resolveAttribute(name, { ...catalog, allowUnknown: false }));
}
