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
 * How a journal row stores its changed attributes: JSON, one array per attribute, in the order they were found.
 * `[path, value]` a recorded value (null: removed); `[path]` no value (DIRECTORY_HISTORY=paths); `[path, value, "t"]`
 * a value cut to size; `[path, null, "T"]` left out for the row's size; `[path, null, "r"]` a secret. Extension
 * attributes are grouped under their schema: `[urn, [entries…], "u"]`, each entry's path relative to it. Rows
 * written before this form hold `[{path, value?, redacted?, truncated?}]`; `decodeChangedAttributes` reads both.
 * The compact form is what keeps the history's cost on a write small: at a create, every attribute is recorded.
 */
type StoredEntry = [string] | [string, unknown] | [string, unknown, 't' | 'T' | 'r'] | StoredGroup;
type StoredGroup = [string, StoredEntry[], 'u'];

const isGroup = (e: StoredEntry): e is StoredGroup => e[2] === 'u';

/**
 * The attributes that differ between two stored documents (`before` null for a create: every attribute set), as
 * RFC 7644 §3.10 paths: a single-valued complex attribute by its sub-attributes (`name.givenName`), a multi-valued
 * one as a whole (`emails`), extension attributes under their schema URN. Compared by value, so a write that
 * changes nothing lists nothing. Returns the JSON the journal stores (see StoredEntry), or null when nothing
 * differs. `withValues` false (DIRECTORY_HISTORY=paths) records the paths alone.
 */
export function describeChangedAttributes(
  registry: SchemaRegistry,
  resourceType: 'User' | 'Group',
  before: ScimDocument | null,
  after: ScimDocument,
  withValues = true,
): string | null {
  let count = 0;
  const add = (
    into: StoredEntry[],
    path: string,
    definition: AttributeDefinition | undefined,
    value: unknown,
  ) => {
    if (count >= MAX_CHANGED_PATHS) return;
    count++;
    // An attribute no schema defines (left from an older schema) is treated as a secret: it cannot be told apart.
    if (!definition || definition.returned === 'never' || definition.mutability === 'writeOnly')
      into.push([path, null, 'r']);
    else if (!withValues) into.push([path]);
    else {
      const cut = bounded(value);
      into.push(cut.truncated ? [path, cut.value, 't'] : [path, cut.value]);
    }
  };
  const compare = (
    into: StoredEntry[],
    path: string,
    definition: AttributeDefinition | undefined,
    old: unknown,
    now: unknown,
  ) => {
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
        compare(into, `${path}.${key}`, sub, old?.[key], now?.[key]);
      }
      return;
    }
    if (!jsonEqual(old, now)) add(into, path, definition, now === undefined ? null : now);
  };

  const entries: StoredEntry[] = [];
  const base = before ?? {};
  const core = registry.coreSchema(resourceType);
  for (const key of keysOf(base, after)) {
    if (FRAME.has(key)) continue;
    const extension = key.startsWith('urn:') ? registry.schemaOf(resourceType, key) : undefined;
    if (extension && extension !== core) {
      const old = isPlainObject(base[key]) ? base[key] : {};
      const now = isPlainObject(after[key]) ? after[key] : {};
      const group: StoredEntry[] = [];
      for (const name of keysOf(old, now)) {
        compare(group, name, findByName(extension.attributes, name), old[name], now[name]);
      }
      if (group.length > 0) entries.push([extension.id, group, 'u']);
      continue;
    }
    compare(
      entries,
      key,
      findByName(core.attributes, key) ?? findByName(COMMON_ATTRIBUTES, key),
      base[key],
      after[key],
    );
  }
  if (count === 0) return null;
  const text = JSON.stringify(entries);
  if (text.length <= MAX_CHANGED_BYTES || !withValues) return text;
  // Too large with values: the paths alone, each value marked as left out.
  const pathsOnly = (list: StoredEntry[]): StoredEntry[] =>
    list.map((e) => (isGroup(e) ? [e[0], pathsOnly(e[1]), 'u'] : e[2] === 'r' ? e : [e[0], null, 'T']));
  return JSON.stringify(pathsOnly(entries));
}

/** The changed attributes a journal row stores, in either form (see StoredEntry), as the history shows them. */
export function decodeChangedAttributes(text: string | null): ChangedAttribute[] {
  if (!text) return [];
  const stored = JSON.parse(text) as unknown[];
  // Rows written before the compact form: objects already in the shown shape.
  if (stored.length > 0 && !Array.isArray(stored[0])) return stored as ChangedAttribute[];
  const out: ChangedAttribute[] = [];
  const read = (list: StoredEntry[], prefix: string) => {
    for (const e of list) {
      const path = prefix + e[0];
      if (isGroup(e)) read(e[1], `${path}:`);
      else if (e.length === 1) out.push({ path });
      else if (e.length === 2) out.push({ path, value: e[1] });
      else if (e[2] === 'r') out.push({ path, redacted: true });
      else if (e[2] === 't') out.push({ path, value: e[1], truncated: true });
      else out.push({ path, truncated: true });
    }
  };
  read(stored as StoredEntry[], '');
  return out;
}

/** Whether a value is recorded as it is: no string or list in it longer than the bounds. */
function withinBounds(v: unknown): boolean {
  if (typeof v === 'string') return v.length <= MAX_STRING_CHARS;
  if (typeof v !== 'object' || v === null) return true;
  if (Array.isArray(v)) return v.length <= MAX_LIST_ITEMS && v.every(withinBounds);
  for (const key in v) if (!withinBounds((v as Record<string, unknown>)[key])) return false;
  return true;
}

/** A value cut to size: long strings shortened, long lists cut, recursively (a copy only when it must cut). */
function bounded(value: unknown): { value: unknown; truncated?: true } {
  if (withinBounds(value)) return { value };
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
