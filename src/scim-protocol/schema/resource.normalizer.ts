import { InvalidRequestError } from '../../common/errors';
import { isPlainObject, jsonEqual } from '../json-value.util';
import { coerceAttributeValue } from './attribute-value.coercer';
import { COMMON_ATTRIBUTES } from './common-attributes.schema';
import type { SchemaRegistry } from './schema.registry';
import {
  CORE_GROUP_SCHEMA,
  type AttributeDefinition,
  type ResolvedAttribute,
  type SchemaDefinition,
  type ScimDocument,
} from './schema.types';
import { dropUnknownAttribute, type UnknownAttributeOptions } from './unknown-attributes';

export interface NormalizeOptions extends UnknownAttributeOptions {
  /** `create` (POST) or `replace` (PUT, and the result of a PATCH). */
  mode: 'create' | 'replace';
  /** The stored document, in `replace` mode, to enforce `immutable` (RFC 7643 §7). */
  existing?: ScimDocument;
}

/** A group member as the client sent it (RFC 7643 §4.2). Members are rows, never part of the document. */
export interface GroupMemberInput {
  value: string;
  type?: 'User' | 'Group';
  display?: string;
}

export interface NormalizedResource {
  doc: ScimDocument;
  /** Groups only: undefined when the body had no `members`, `[]` when it had an empty list. */
  members?: GroupMemberInput[];
}

interface Assignment {
  resolved: ResolvedAttribute;
  value: unknown;
}

/**
 * Validates a SCIM resource body and returns the canonical document (RFC 7643 §2-§4, RFC 7644 §3.3/§3.5.1):
 * canonical attribute names, extension attributes under their URN key, `schemas` recomputed, readOnly and
 * writeOnly attributes dropped. Unknown schema URIs listed in `schemas` are ignored (Entra adds its own, §2.9);
 * an unknown attribute, or data under an unregistered extension URN, is rejected so that nothing is silently
 * lost, unless `unknownAttributes: 'ignore'` asks for it to be dropped.
 */
export function normalizeResource(
  registry: SchemaRegistry,
  resourceType: string,
  body: unknown,
  options: NormalizeOptions,
): NormalizedResource {
  if (!isPlainObject(body))
    throw new InvalidRequestError('The resource must be a JSON object', 'invalidSyntax');
  const core = registry.coreSchema(resourceType);
  checkSchemasList(body, core);

  const assignments = new Map<string, Assignment>();
  let members: GroupMemberInput[] | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') continue;
    const schema = /^urn:/i.test(key) ? registry.schemaOf(resourceType, key) : undefined;
    if (schema) {
      if (value === null) continue;
      if (!isPlainObject(value))
        throw new InvalidRequestError(`'${schema.id}' must be an object`, 'invalidSyntax');
      for (const [inner, innerValue] of Object.entries(value)) {
        const resolved = resolveKey(registry, resourceType, `${schema.id}:${inner}`, options);
        if (resolved) assign(assignments, resolved, innerValue);
      }
      continue;
    }
    const resolved = resolveKey(registry, resourceType, key, options);
    if (!resolved) continue;
    if (core.id === CORE_GROUP_SCHEMA && !resolved.extension && resolved.attribute.name === 'members') {
      if (resolved.subAttribute)
        throw new InvalidRequestError(`Attribute '${key}' is not valid here`, 'invalidSyntax');
      members = normalizeMembers(value, options);
      continue;
    }
    assign(assignments, resolved, value);
  }

  const values = new Map<string, unknown>();
  for (const [key, { resolved, value }] of assignments) {
    const { attribute } = resolved;
    // RFC 7644 §3.3: readOnly values are ignored; writeOnly ones (password) are never stored here.
    if (attribute.mutability === 'readOnly' || attribute.returned === 'never') continue;
    const coerced = coerceAttributeValue(attribute, value, resolved.path, {
      enforceCanonicalValues: !registry.isBuiltIn(resolved.schema),
      unknownAttributes: options.unknownAttributes,
      onIgnored: options.onIgnored,
    });
    if (coerced !== undefined) values.set(key, coerced);
  }

  const doc = assemble(registry, resourceType, values);
  checkRequired(registry, resourceType, doc);
  if (options.mode === 'replace' && options.existing)
    checkImmutable(registry, resourceType, doc, options.existing);
  return members === undefined ? { doc } : { doc, members };
}

function checkSchemasList(body: Record<string, unknown>, core: SchemaDefinition): void {
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  // Tolerated when absent: the server recomputes `schemas` anyway.
  if (key === undefined) return;
  const list = body[key];
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) {
    throw new InvalidRequestError("'schemas' must be an array of URIs", 'invalidSyntax');
  }
  if (!list.some((s: string) => s.toLowerCase() === core.id.toLowerCase())) {
    throw new InvalidRequestError(`'schemas' must include '${core.id}'`, 'invalidSyntax');
  }
}

/** The attribute a body key names; undefined when it is unknown and the caller ignores unknown attributes. */
function resolveKey(
  registry: SchemaRegistry,
  resourceType: string,
  key: string,
  options: UnknownAttributeOptions,
): ResolvedAttribute | undefined {
  const result = registry.tryResolvePath(resourceType, key);
  if (result.ok) return result.value;
  // A URN we do not serve: the client's data would be lost, so say so (RFC 7644 §3.12 invalidValue).
  const scimType = /^urn:/i.test(key) ? 'invalidValue' : 'invalidSyntax';
  const error = () => new InvalidRequestError(result.reason, scimType);
  if (!result.unknown) throw error();
  dropUnknownAttribute(options, key, error);
  return undefined;
}

function assign(assignments: Map<string, Assignment>, resolved: ResolvedAttribute, value: unknown): void {
  const sub = resolved.subAttribute;
  const top = resolved.storagePath.slice(0, sub ? -1 : undefined).join('\u0000');
  const existing = assignments.get(top);
  if (sub && resolved.attribute.multiValued) {
    throw new InvalidRequestError(`Attribute '${resolved.path}' cannot be set on its own`, 'invalidSyntax');
  }
  // A dotted key (`name.givenName`) contributes to its parent's raw object.
  const part = sub ? { [sub.name]: value } : value;
  if (!existing) {
    const parent = sub
      ? { ...resolved, subAttribute: undefined, storagePath: resolved.storagePath.slice(0, -1) }
      : resolved;
    assignments.set(top, { resolved: parent, value: part });
    return;
  }
  const base = existing.value;
  if (!isPlainObject(base) || !isPlainObject(part)) throw duplicate(resolved.path);
  const taken = new Set(Object.keys(base).map((k) => k.toLowerCase()));
  const repeated = Object.keys(part).find((k) => taken.has(k.toLowerCase()));
  if (repeated !== undefined) throw duplicate(`${existing.resolved.path}.${repeated}`);
  existing.value = { ...base, ...part };
}

function duplicate(path: string): InvalidRequestError {
  return new InvalidRequestError(`Attribute '${path}' is given more than once`, 'invalidSyntax');
}

/** Builds the document in schema order, so equal resources serialise identically. */
function assemble(
  registry: SchemaRegistry,
  resourceType: string,
  values: Map<string, unknown>,
): ScimDocument {
  const core = registry.coreSchema(resourceType);
  const extensions = registry
    .extensionSchemas(resourceType)
    .filter((s) => s.attributes.some((a) => values.has([s.id, a.name].join('\u0000'))));
  const doc: ScimDocument = { schemas: [core.id, ...extensions.map((s) => s.id)] };
  for (const attribute of [...COMMON_ATTRIBUTES, ...core.attributes]) {
    if (values.has(attribute.name)) doc[attribute.name] = values.get(attribute.name);
  }
  for (const schema of extensions) {
    const part: Record<string, unknown> = {};
    for (const attribute of schema.attributes) {
      const key = [schema.id, attribute.name].join('\u0000');
      if (values.has(key)) part[attribute.name] = values.get(key);
    }
    doc[schema.id] = part;
  }
  return doc;
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === '';
}

function checkRequired(registry: SchemaRegistry, resourceType: string, doc: ScimDocument): void {
  const check = (attributes: AttributeDefinition[], part: Record<string, unknown>, prefix: string) => {
    for (const a of attributes) {
      if (a.required && a.mutability !== 'readOnly' && isMissing(part[a.name])) {
        throw new InvalidRequestError(`Attribute '${prefix}${a.name}' is required`, 'invalidValue');
      }
    }
  };
  check(registry.coreSchema(resourceType).attributes, doc, '');
  // Required attributes of an optional extension apply only when the extension is present.
  for (const schema of registry.extensionSchemas(resourceType)) {
    const part = doc[schema.id];
    if (isPlainObject(part)) check(schema.attributes, part, `${schema.id}:`);
  }
}

/** RFC 7643 §7 `immutable`: once set, a replace must carry the same value (RFC 7644 §3.5.1). */
function checkImmutable(
  registry: SchemaRegistry,
  resourceType: string,
  doc: ScimDocument,
  existing: ScimDocument,
): void {
  const parts: [AttributeDefinition[], Record<string, unknown>, unknown, string][] = [
    [registry.coreSchema(resourceType).attributes, doc, existing, ''],
    ...registry
      .extensionSchemas(resourceType)
      .map((s): [AttributeDefinition[], Record<string, unknown>, unknown, string] => [
        s.attributes,
        isPlainObject(doc[s.id]) ? (doc[s.id] as Record<string, unknown>) : {},
        existing[s.id],
        `${s.id}:`,
      ]),
  ];
  for (const [attributes, next, previous, prefix] of parts) {
    if (!isPlainObject(previous)) continue;
    for (const a of attributes) {
      const before = previous[a.name];
      if (a.mutability === 'immutable' && before !== undefined && !jsonEqual(before, next[a.name])) {
        throw new InvalidRequestError(`Attribute '${prefix}${a.name}' is immutable`, 'mutability');
      }
      if (a.type !== 'complex' || a.multiValued || !isPlainObject(before)) continue;
      const after = next[a.name];
      for (const sub of a.subAttributes ?? []) {
        const old = before[sub.name];
        const now = isPlainObject(after) ? after[sub.name] : undefined;
        if (sub.mutability === 'immutable' && old !== undefined && !jsonEqual(old, now)) {
          throw new InvalidRequestError(
            `Attribute '${prefix}${a.name}.${sub.name}' is immutable`,
            'mutability',
          );
        }
      }
    }
  }
}

/** RFC 7643 §4.2 members; a bare id string is read as `{value}`. Repeated ids collapse to the first. */
export function normalizeMembers(raw: unknown, options?: UnknownAttributeOptions): GroupMemberInput[] {
  if (raw === null || raw === undefined) return [];
  const out = new Map<string, GroupMemberInput>();
  for (const item of Array.isArray(raw) ? raw : [raw]) {
    const member = normalizeMember(item, options);
    if (!out.has(member.value)) out.set(member.value, member);
  }
  return [...out.values()];
}

function normalizeMember(raw: unknown, options: UnknownAttributeOptions | undefined): GroupMemberInput {
  const input = typeof raw === 'string' ? { value: raw } : raw;
  if (!isPlainObject(input))
    throw new InvalidRequestError("Attribute 'members' must hold objects", 'invalidValue');
  const member: Partial<GroupMemberInput> = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key.toLowerCase()) {
      case 'value':
        if (typeof value !== 'string' || value === '') {
          throw new InvalidRequestError(
            "Attribute 'members.value' must be a non-empty string",
            'invalidValue',
          );
        }
        member.value = value;
        break;
      case 'type': {
        if (value === null) break;
        const type = typeof value === 'string' ? value.toLowerCase() : undefined;
        if (type !== 'user' && type !== 'group') {
          throw new InvalidRequestError("Attribute 'members.type' must be 'User' or 'Group'", 'invalidValue');
        }
        member.type = type === 'user' ? 'User' : 'Group';
        break;
      }
      case 'display':
        if (value !== null && typeof value !== 'string') {
          throw new InvalidRequestError("Attribute 'members.display' must be a string", 'invalidValue');
        }
        if (typeof value === 'string') member.display = value;
        break;
      case '$ref':
        // Derived from the id by the server; Entra sends `"$ref": null` (§2.13).
        break;
      default:
        dropUnknownAttribute(
          options,
          `members.${key}`,
          () => new InvalidRequestError(`Unknown attribute 'members.${key}'`, 'invalidSyntax'),
        );
    }
  }
  if (member.value === undefined)
    throw new InvalidRequestError("Attribute 'members.value' is required", 'invalidValue');
  return member as GroupMemberInput;
}
