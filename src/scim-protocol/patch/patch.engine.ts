import { InvalidFilterError, InvalidRequestError } from '../../common/errors';
import type { Filter } from '../filter/filter.ast';
import { parsePatchPath } from '../filter/filter.parser';
import { cloneJson, isPlainObject, jsonEqual } from '../json-value.util';
import { coerceAttributeValue } from '../schema/attribute-value.coercer';
import { normalizeResource } from '../schema/resource.normalizer';
import type { PathResolution, SchemaRegistry } from '../schema/schema.registry';
import {
  CORE_GROUP_SCHEMA,
  type AttributeDefinition,
  type ResolvedAttribute,
  type ScimDocument,
} from '../schema/schema.types';
import { dropUnknownAttribute, type UnknownAttributeOptions } from '../schema/unknown-attributes';
import { MembershipChanges } from './membership.changes';
import {
  elementMatcher,
  keepOnePrimary,
  matchesPattern,
  sameValue,
  templateFromFilter,
} from './multi-valued.util';
import { parsePatchRequest } from './patch-request.parser';
import type { MembershipDelta, PatchOperation, PatchResult } from './patch.types';

export interface PatchOptions extends UnknownAttributeOptions {
  registry: SchemaRegistry;
  resourceType: string;
}

/** What `coerce` returns when the value held only unknown attributes, all dropped: the operation does nothing. */
const NOTHING_KNOWN = Symbol('nothing known');

interface Target {
  resolved: ResolvedAttribute;
  filter?: Filter;
  /** The sub-attribute after a value filter (`emails[type eq "work"].value`). */
  sub?: AttributeDefinition;
}

/**
 * Applies a PatchOp message (RFC 7644 §3.5.2) to a stored document. Pure: the input is never mutated. The result
 * passes the same validation as a PUT (`normalizeResource` in replace mode, so `immutable` holds too).
 * Entra's quirks are accepted: capitalised ops, "True"/"False", path-less values keyed by dotted or URN paths,
 * `manager` as a string, filtered add/replace that creates the missing entry, members removed by value.
 * Under `unknownAttributes: 'ignore'`, an operation on an unknown path, and unknown attributes in a value, are
 * dropped; a value filter naming an unknown attribute is still an error.
 */
export function applyPatch(doc: ScimDocument, request: unknown, options: PatchOptions): PatchResult {
  const engine = new PatchEngine(cloneJson(doc), options);
  for (const operation of parsePatchRequest(request)) engine.apply(operation, false);
  const result = normalizeResource(options.registry, options.resourceType, engine.doc, {
    mode: 'replace',
    existing: doc,
    unknownAttributes: options.unknownAttributes,
    onIgnored: options.onIgnored,
  });
  const membership = engine.members.delta();
  const changedPaths = changedAttributes(options.registry, options.resourceType, doc, result.doc);
  if (membership) changedPaths.push('members');
  return membership ? { doc: result.doc, membership, changedPaths } : { doc: result.doc, changedPaths };
}

/**
 * The membership change of a PATCH to a Group whose every operation names `members` by its path (the common
 * "add this joiner to All staff"), worked out without the group's document. Undefined when any operation has
 * no path or names another attribute: then the PATCH is applied to the stored document (`applyPatch`). A
 * malformed request or member list throws as `applyPatch` would.
 */
export function membershipOnlyPatch(request: unknown, options: PatchOptions): MembershipDelta | undefined {
  const operations = parsePatchRequest(request);
  const engine = new PatchEngine({}, options);
  if (!operations.every((operation) => engine.namesMembersOnly(operation))) return undefined;
  for (const operation of operations) engine.apply(operation, false);
  return engine.members.delta();
}

class PatchEngine {
  readonly members: MembershipChanges;

  constructor(
    readonly doc: ScimDocument,
    private readonly options: PatchOptions,
  ) {
    this.members = new MembershipChanges(options);
  }

  apply(operation: PatchOperation, fromValue: boolean): void {
    if (operation.path === undefined) return this.applyPathless(operation);
    const { registry, resourceType } = this.options;
    const schema = registry.schemaOf(resourceType, operation.path);
    if (schema) return this.applySchema(operation, schema.id);
    const target = this.resolveTarget(operation.path, fromValue);
    if (!target) return;
    const { resolved } = target;
    const definition = target.sub ?? resolved.subAttribute ?? resolved.attribute;
    if (resolved.attribute.mutability === 'readOnly' || definition.mutability === 'readOnly') {
      // Path-less values often echo whole resources; their readOnly parts are ignored like in a PUT.
      if (fromValue) return;
      throw new InvalidRequestError(`Attribute '${resolved.path}' is readOnly`, 'mutability');
    }
    if (resolved.attribute.returned === 'never') return; // password: accepted, never stored
    if (resolved.schema === CORE_GROUP_SCHEMA && resolved.attribute.name === 'members') {
      if (resolved.subAttribute || target.sub) {
        throw new InvalidRequestError('Members can only be added or removed whole', 'mutability');
      }
      return this.members.apply(operation, target.filter);
    }
    if (target.filter) return this.applyFiltered(operation, target);
    if (operation.op === 'remove') return this.remove(resolved, operation.value);
    return this.set(resolved, operation.op, operation.value);
  }

  /** Whether the operation's path is a Group's `members`, whole or filtered (never a sub-attribute). */
  namesMembersOnly(operation: PatchOperation): boolean {
    if (operation.path === undefined) return false;
    let parsed;
    try {
      parsed = parsePatchPath(operation.path);
    } catch {
      return false; // applyPatch reports it
    }
    const result = this.options.registry.tryResolvePath(this.options.resourceType, parsed.path);
    return (
      result.ok &&
      result.value.schema === CORE_GROUP_SCHEMA &&
      result.value.attribute.name === 'members' &&
      !result.value.subAttribute &&
      parsed.subAttribute === undefined
    );
  }

  /** RFC 7644 §3.5.2.1/3: no path means the value holds attributes; keys may be dotted or URN-qualified. */
  private applyPathless(operation: PatchOperation): void {
    if (operation.op === 'remove')
      throw new InvalidRequestError('A remove operation needs a path', 'noTarget');
    if (!isPlainObject(operation.value)) {
      throw new InvalidRequestError(`A ${operation.op} without a path needs an object value`, 'invalidValue');
    }
    for (const [key, value] of Object.entries(operation.value)) {
      if (key.toLowerCase() === 'schemas') continue;
      this.apply({ op: operation.op, path: key, value }, true);
    }
  }

  /** A path naming an extension schema (`urn:…:enterprise:2.0:User`): its attributes, or all of it on remove. */
  private applySchema(operation: PatchOperation, schemaId: string): void {
    if (operation.op === 'remove') {
      delete this.doc[
        Object.keys(this.doc).find((k) => k.toLowerCase() === schemaId.toLowerCase()) ?? schemaId
      ];
      return;
    }
    if (!isPlainObject(operation.value)) {
      throw new InvalidRequestError(`'${schemaId}' needs an object value`, 'invalidValue');
    }
    for (const [key, value] of Object.entries(operation.value)) {
      this.apply({ op: operation.op, path: `${schemaId}:${key}`, value }, true);
    }
  }

  /** The operation's target; undefined when its path is unknown and unknown attributes are ignored. */
  private resolveTarget(path: string, fromValue: boolean): Target | undefined {
    const { registry, resourceType } = this.options;
    let parsed;
    try {
      parsed = parsePatchPath(path);
    } catch (error) {
      if (!(error instanceof InvalidFilterError)) throw error;
      const invalid = () => new InvalidRequestError(`Invalid path: ${error.message}`, 'invalidPath');
      // A key of a path-less value is a name, not a path: one that is not even a name is not a known attribute.
      if (!fromValue) throw invalid();
      dropUnknownAttribute(this.options, path, invalid);
      return undefined;
    }
    const found = registry.tryResolvePath(resourceType, parsed.path);
    if (!found.ok) return this.unknownTarget(found, parsed.path);
    const resolved = found.value;
    if (!parsed.filter) return { resolved };
    if (resolved.subAttribute || resolved.attribute.type !== 'complex' || !resolved.attribute.multiValued) {
      throw new InvalidRequestError(
        `A value filter needs a multi-valued complex attribute: '${resolved.path}'`,
        'invalidPath',
      );
    }
    if (parsed.subAttribute === undefined) return { resolved, filter: parsed.filter };
    const sub = registry.tryResolveSubAttribute(resolved, parsed.subAttribute);
    if (!sub.ok) return this.unknownTarget(sub, `${resolved.path}.${parsed.subAttribute}`);
    return { resolved, filter: parsed.filter, sub: sub.value.subAttribute };
  }

  /** `path` is the attribute part only: a value filter may hold a value, which is never reported. */
  private unknownTarget(failure: Extract<PathResolution, { ok: false }>, path: string): undefined {
    const error = () => new InvalidRequestError(failure.reason, 'invalidPath');
    if (!failure.unknown) throw error();
    dropUnknownAttribute(this.options, path, error);
    return undefined;
  }

  /** The object holding the attribute: the document, or the extension's object under its URN. */
  private holder(resolved: ResolvedAttribute, create: boolean): Record<string, unknown> | undefined {
    if (!resolved.extension) return this.doc;
    const existing = this.doc[resolved.schema];
    if (isPlainObject(existing)) return existing;
    if (!create) return undefined;
    const created: Record<string, unknown> = {};
    this.doc[resolved.schema] = created;
    return created;
  }

  /**
   * canonicalValues bind custom extensions only (RFC 7643 §2.3.1 leaves the core ones advisory). NOTHING_KNOWN
   * when every attribute of the value was unknown and dropped: "no value" would otherwise clear the attribute.
   */
  private coerce(
    resolved: ResolvedAttribute,
    definition: AttributeDefinition,
    value: unknown,
    path: string,
  ): unknown {
    const { registry, unknownAttributes, onIgnored } = this.options;
    let dropped = 0;
    const coerced = coerceAttributeValue(definition, value, path, {
      enforceCanonicalValues: !registry.isBuiltIn(resolved.schema),
      unknownAttributes,
      onIgnored: (ignored) => {
        dropped++;
        onIgnored?.(ignored);
      },
    });
    return coerced === undefined && dropped > 0 ? NOTHING_KNOWN : coerced;
  }

  private set(resolved: ResolvedAttribute, op: 'add' | 'replace', raw: unknown): void {
    const holder = this.holder(resolved, true)!;
    const { attribute, subAttribute } = resolved;
    const name = attribute.name;
    if (subAttribute) {
      if (attribute.multiValued) {
        throw new InvalidRequestError(`Use a value filter to change '${resolved.path}'`, 'invalidPath');
      }
      const parent = isPlainObject(holder[name]) ? holder[name] : {};
      holder[name] = assign(
        parent,
        subAttribute.name,
        this.coerce(resolved, subAttribute, raw, resolved.path),
      );
      return;
    }
    const value = this.coerce(resolved, attribute, raw, resolved.path);
    if (value === NOTHING_KNOWN) return;
    if (value === undefined) {
      delete holder[name];
    } else if (attribute.multiValued && op === 'add') {
      // RFC 7644 §3.5.2.1: values are added; one already present is not added twice.
      const items = Array.isArray(holder[name]) ? [...(holder[name] as unknown[])] : [];
      const added = (value as unknown[]).filter((v) => !items.some((item) => sameValue(attribute, item, v)));
      items.push(...added);
      keepOnePrimary(items, added);
      holder[name] = items;
    } else if (
      attribute.type === 'complex' &&
      !attribute.multiValued &&
      !isReference(attribute) &&
      isPlainObject(holder[name])
    ) {
      // RFC 7644 §3.5.2.3: sub-attributes not given are left unchanged.
      holder[name] = { ...holder[name], ...(value as Record<string, unknown>) };
    } else {
      holder[name] = value;
    }
  }

  private remove(resolved: ResolvedAttribute, value: unknown): void {
    const holder = this.holder(resolved, false);
    if (!holder) return;
    const { attribute, subAttribute } = resolved;
    const name = attribute.name;
    const current = holder[name];
    if (subAttribute) {
      if (attribute.multiValued && Array.isArray(current)) {
        holder[name] = current.map((item: unknown) =>
          isPlainObject(item) ? omit(item, subAttribute.name) : item,
        );
      } else if (isPlainObject(current)) {
        holder[name] = omit(current, subAttribute.name);
      }
    } else if (attribute.multiValued && value !== undefined && value !== null && Array.isArray(current)) {
      // Entra's remove-with-value: drop the elements that match a given value (peer-issues.md item 2).
      const patterns = Array.isArray(value) ? value : [value];
      holder[name] = current.filter(
        (item: unknown) => !patterns.some((p) => matchesPattern(attribute, item, p)),
      );
    } else {
      delete holder[name];
    }
  }

  private applyFiltered(operation: PatchOperation, target: Target): void {
    const { resolved, filter, sub } = target;
    const { registry, resourceType } = this.options;
    const matches = elementMatcher(registry, resourceType, resolved, filter!);
    const holder = this.holder(resolved, operation.op !== 'remove');
    const name = resolved.attribute.name;
    const items = holder && Array.isArray(holder[name]) ? [...(holder[name] as unknown[])] : [];
    const selected = items.filter(matches);
    const path = sub ? `${resolved.path}.${sub.name}` : resolved.path;
    if (operation.op === 'remove') {
      if (!holder || selected.length === 0) return;
      holder[name] = sub
        ? items.map((item) => (selected.includes(item) && isPlainObject(item) ? omit(item, sub.name) : item))
        : items.filter((item) => !selected.includes(item));
      return;
    }
    const element = { ...resolved.attribute, multiValued: false };
    const value = this.coerce(resolved, sub ?? element, operation.value, path);
    if (value === NOTHING_KNOWN) return;
    if (selected.length === 0) {
      // Entra adds/replaces `emails[type eq "work"].value` on users that have no work email yet.
      const template = templateFromFilter(registry, resolved, filter!);
      if (!template)
        throw new InvalidRequestError(`No value of '${resolved.path}' matches the filter`, 'noTarget');
      const created = sub
        ? assign(template, sub.name, value)
        : { ...template, ...(value as Record<string, unknown>) };
      items.push(created);
      keepOnePrimary(items, [created]);
      holder![name] = items;
      return;
    }
    const updated = items.map((item) => {
      if (!selected.includes(item) || !isPlainObject(item)) return item;
      if (sub) return assign(item, sub.name, value);
      return operation.op === 'replace' ? value : { ...item, ...(value as Record<string, unknown>) };
    });
    keepOnePrimary(
      updated,
      updated.filter((_, i) => selected.includes(items[i])),
    );
    holder![name] = updated;
  }
}

/** References (manager: value, $ref, displayName) are replaced whole: a kept `$ref` would point at the old one. */
function isReference(attribute: AttributeDefinition): boolean {
  return attribute.subAttributes?.some((s) => s.name === 'value') ?? false;
}

function assign(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return value === undefined ? omit(target, key) : { ...target, [key]: value };
}

function omit(target: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _removed, ...rest } = target;
  return rest;
}

/** Canonical paths of the top-level attributes (core, and inside each extension) that differ. */
function changedAttributes(
  registry: SchemaRegistry,
  resourceType: string,
  before: ScimDocument,
  after: ScimDocument,
): string[] {
  const changed: string[] = [];
  const compare = (a: unknown, b: unknown, prefix: string) => {
    const left = isPlainObject(a) ? a : {};
    const right = isPlainObject(b) ? b : {};
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      if (/^urn:/i.test(key) || ['schemas', 'id', 'meta'].includes(key)) continue;
      if (!jsonEqual(left[key], right[key])) changed.push(`${prefix}${key}`);
    }
  };
  compare(before, after, '');
  for (const schema of registry.extensionSchemas(resourceType))
    compare(before[schema.id], after[schema.id], `${schema.id}:`);
  return changed;
}
