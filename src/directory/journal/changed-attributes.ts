import { isPlainObject, jsonEqual } from '../../scim-protocol/json-value.util';
import {
  COMMON_ATTRIBUTES,
  type AttributeDefinition,
  type SchemaRegistry,
  type ScimDocument,
} from '../../scim-protocol';

/**
 * One attribute a write set or changed, as the directory history shows it. `value` is the value after the write
 * (null when it was removed); it is absent when it is not recorded: `redacted` for an attribute the schema never
 * returns or that is write-only (a password), `truncated` when the row's size bound left it out.
 */
export interface ChangedAttribute {
  path: string;
  value?: unknown;
  redacted?: true;
  truncated?: true;
}

/** Bounds on what one journal row records, so a row stays far below MySQL TEXT's 64 KB. */
export const MAX_CHANGED_PATHS = 200;
export const MAX_STRING_CHARS = 256;
export const MAX_LIST_ITEMS = 10;
export const MAX_CHANGED_BYTES = 16_000;

/** Attributes that are the resource's frame rather than its data: never listed as changed. */
const FRAME = new Set(['schemas', 'id', 'meta']);

/**
 * The attributes that differ between two stored documents (`before` null for a create: every attribute set), as
 * RFC 7644 §3.10 paths: a single-valued complex attribute by its sub-attributes (`name.givenName`), a multi-valued
 * one as a whole (`emails`), extension attributes under their schema URN. Compared by value, so a write that
 * changes nothing lists nothing. Returns the JSON the journal stores, or null when nothing differs. `withValues`
 * false (DIRECTORY_HISTORY=paths) records the paths alone.
 */
export function describeChangedAttributes(
  registry: SchemaRegistry,
  resourceType: 'User' | 'Group',
  before: ScimDocument | null,
  after: ScimDocument,
  withValues = true,
): string | null {
  const changes: ChangedAttribute[] = [];
  const add = (path: string, definition: AttributeDefinition | undefined, value: unknown) => {
    if (changes.length >= MAX_CHANGED_PATHS) return;
    // An attribute no schema defines (left from an older schema) is treated as a secret: it cannot be told apart.
    if (!definition || definition.returned === 'never' || definition.mutability === 'writeOnly')
      changes.push({ path, redacted: true });
    else changes.push(withValues ? { path, ...bounded(value) } : { path });
  };
  const compare = (path: string, definition: AttributeDefinition | undefined, old: unknown, now: unknown) => {
    if (old === undefined && now === undefined) return;
    if (
      definition?.type === 'complex' &&
      !definition.multiValued &&
      isObjectOrAbsent(old) &&
      isObjectOrAbsent(now)
    ) {
      const secret = definition.returned === 'never' || definition.mutability === 'writeOnly';
      for (const key of keysOf(old, now)) {
        const sub = secret ? definition : findByName(definition.subAttributes, key);
        compare(`${path}.${key}`, sub, old?.[key], now?.[key]);
      }
      return;
    }
    if (!jsonEqual(old, now)) add(path, definition, now === undefined ? null : now);
  };

  const base = before ?? {};
  const core = registry.coreSchema(resourceType);
  for (const key of keysOf(base, after)) {
    if (FRAME.has(key)) continue;
    const extension = key.startsWith('urn:') ? registry.schemaOf(resourceType, key) : undefined;
    if (extension && extension !== core) {
      const old = isPlainObject(base[key]) ? base[key] : {};
      const now = isPlainObject(after[key]) ? after[key] : {};
      for (const name of keysOf(old, now)) {
        compare(`${extension.id}:${name}`, findByName(extension.attributes, name), old[name], now[name]);
      }
      continue;
    }
    compare(
      key,
      findByName(core.attributes, key) ?? findByName(COMMON_ATTRIBUTES, key),
      base[key],
      after[key],
    );
  }
  if (changes.length === 0) return null;
  const text = JSON.stringify(changes);
  if (text.length <= MAX_CHANGED_BYTES) return text;
  // Too large with values: the paths alone, each value marked as left out.
  return JSON.stringify(changes.map((c) => ('value' in c ? { path: c.path, truncated: true } : c)));
}

/** A value cut to size: long strings shortened, long lists cut, recursively. */
function bounded(value: unknown): { value: unknown; truncated?: true } {
  let truncated = false;
  const cut = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (v.length <= MAX_STRING_CHARS) return v;
      truncated = true;
      return `${v.slice(0, MAX_STRING_CHARS)}…`;
    }
    if (Array.isArray(v)) {
      if (v.length > MAX_LIST_ITEMS) truncated = true;
      return v.slice(0, MAX_LIST_ITEMS).map(cut);
    }
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cut(x)]));
    return v;
  };
  const result = cut(value);
  return truncated ? { value: result, truncated: true } : { value: result };
}

function isObjectOrAbsent(value: unknown): value is Record<string, unknown> | undefined {
  return value === undefined || isPlainObject(value);
}

function keysOf(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): string[] {
  const keys = Object.keys(b ?? {});
  for (const k of Object.keys(a ?? {})) if (!b || !(k in b)) keys.push(k);
  return keys;
}

/** Definitions by exact name, per attribute list (schemas are immutable once registered): a Map hit per key. */
const byName = new WeakMap<readonly AttributeDefinition[], Map<string, AttributeDefinition>>();

function findByName(
  items: readonly AttributeDefinition[] | undefined,
  name: string,
): AttributeDefinition | undefined {
  if (!items) return undefined;
  let names = byName.get(items);
  if (!names) byName.set(items, (names = new Map(items.map((item) => [item.name, item]))));
  // Stored documents use canonical names; another case is looked up the slow way (RFC 7643 §2.1).
  return names.get(name) ?? items.find((item) => item.name.toLowerCase() === name.toLowerCase());
}
