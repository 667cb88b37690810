/**
 * What the engine sends: the mapped SCIM payload flattened to attribute paths, compared with what was last sent,
 * and the difference as PATCH operations in the target's compatibility profile (reference §2-§3). Framework-free.
 */
import { createHash } from 'node:crypto';
import { chunks } from '../../common/chunks';
import type { ScimPatchOperation } from '../client/scim-client.types';

/** Attribute path (`name.givenName`, `emails[type eq "work"].value`, `urn:…:User:department`) → value. */
export type FlatAttributes = Record<string, unknown>;
export type Profile = 'entra' | 'entra-legacy' | 'rfc';

export type PatchOp = ScimPatchOperation;

const SKIPPED = new Set(['schemas', 'id', 'meta', 'members', 'groups']);
/** Multi-valued attributes whose entries are told apart by `type` (RFC 7643 §4.1.2): diffed per type. */
const BY_TYPE = new Set(['emails', 'phonenumbers', 'ims', 'photos', 'addresses']);
/** Complex singular attributes sent whole (`{ value }`), as our client emits the manager (reference §3). */
const WHOLE = new Set(['manager']);

const URN = /^urn:/i;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function flattenInto(out: FlatAttributes, prefix: string, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  const path = `${prefix}${key}`;
  if (Array.isArray(value)) {
    // One path per type where the type tells entries apart (a work and a home email); roles, entitlements and
    // the like are sent whole, and so is a list in which two entries share a type.
    if (!BY_TYPE.has(key.toLowerCase()) || !distinctTypes(value)) {
      out[path] = value;
      return;
    }
    for (const el of value as Record<string, unknown>[]) {
      for (const sub in el) {
        const v = el[sub];
        if (sub !== 'type' && v !== undefined && v !== null && Object.hasOwn(el, sub))
          out[`${path}[type eq "${el.type as string}"].${sub}`] = v;
      }
    }
    return;
  }
  if (isObject(value) && !WHOLE.has(key)) {
    for (const sub in value) {
      const v = value[sub];
      if (v !== undefined && v !== null && Object.hasOwn(value, sub)) out[`${path}.${sub}`] = v;
    }
    return;
  }
  out[path] = value;
}

/**
 * Every entry an object with a string `type`, no two alike, and at least one entry. Called for each listed and each
 * desired resource's typed lists (an email or two): a loop, not a map, a Set and a test of every entry.
 */
function distinctTypes(list: unknown[]): boolean {
  if (list.length === 0) return false;
  // A long list (none is, in practice) is checked through a Set, so that its cost stays linear.
  const seen = list.length > 8 ? new Set<string>() : null;
  for (let i = 0; i < list.length; i++) {
    const el = list[i];
    if (!isObject(el) || typeof el.type !== 'string') return false;
    if (seen) {
      if (seen.has(el.type)) return false;
      seen.add(el.type);
    } else for (let j = 0; j < i; j++) if ((list[j] as { type: string }).type === el.type) return false;
  }
  return true;
}

/**
 * A SCIM document as paths; `members` and read-only attributes are left out (memberships are diffed apart). A URN
 * key is an extension's object (RFC 7643 §3.3); a URN key with a plain value is no attribute of any schema (an app
 * that stored `urn:…:User:department` under that literal name) and is left out, so it never passes for the
 * extension's attribute.
 */
export function flattenResource(doc: Record<string, unknown>): FlatAttributes {
  const out: FlatAttributes = {};
  for (const key in doc) {
    if (!Object.hasOwn(doc, key) || SKIPPED.has(key)) continue;
    const value = doc[key];
    if (URN.test(key)) {
      if (isObject(value)) {
        const prefix = `${key}:`;
        for (const attr in value) if (Object.hasOwn(value, attr)) flattenInto(out, prefix, attr, value[attr]);
      }
    } else flattenInto(out, '', key, value);
  }
  return out;
}

export interface AttributeDiff {
  /** Paths whose value is new or different, with the desired value. */
  changed: [string, unknown][];
  /** Paths sent before and no longer mapped to a value. */
  removed: string[];
  /** The subset of `changed` that had no value before. */
  added: Set<string>;
}

const same = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a === 'boolean' || typeof b === 'boolean')
    return String(a).toLowerCase() === String(b).toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
};

/**
 * `previous` is what was last sent (or the target's resource when reconciling). With `onlyDesired`, paths the
 * gateway never mapped are not removed: the target's own attributes are left alone.
 */
export function diffAttributes(
  previous: FlatAttributes,
  desired: FlatAttributes,
  options: { onlyDesired?: boolean } = {},
): AttributeDiff {
  // Paths match case-insensitively; the map of lower-cased paths is built only when one is not found as it is.
  let lower: Map<string, string> | undefined;
  const keyOf = (path: string): string | undefined => {
    if (Object.hasOwn(previous, path)) return path;
    lower ??= new Map(Object.keys(previous).map((k) => [k.toLowerCase(), k]));
    return lower.get(path.toLowerCase());
  };
  const changed: [string, unknown][] = [];
  const added = new Set<string>();
  for (const [path, value] of Object.entries(desired)) {
    const prevKey = keyOf(path);
    if (prevKey === undefined) {
      changed.push([path, value]);
      added.add(path);
    } else if (!same(previous[prevKey], value)) changed.push([path, value]);
  }
  if (options.onlyDesired) return { changed, removed: [], added };
  const desiredKeys = new Set(Object.keys(desired).map((k) => k.toLowerCase()));
  const removed = Object.keys(previous).filter((k) => !desiredKeys.has(k.toLowerCase()));
  return { changed, removed, added };
}

export const isEmptyDiff = (d: AttributeDiff): boolean => d.changed.length === 0 && d.removed.length === 0;

export function hashAttributes(flat: FlatAttributes): string {
  const sorted = Object.keys(flat)
    .sort()
    .map((k) => [k, flat[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

const opName = (profile: Profile, op: 'add' | 'replace' | 'remove'): PatchOp['op'] =>
  profile === 'rfc' ? op : (`${op[0].toUpperCase()}${op.slice(1)}` as PatchOp['op']);

/** Entra without aadOptscim062020 sends booleans as "True"/"False" strings (reference §3). */
const wireValue = (profile: Profile, v: unknown): unknown =>
  profile === 'entra-legacy' && typeof v === 'boolean' ? (v ? 'True' : 'False') : v;

const FILTERED = /^(.+)\[type eq "([^"]*)"\]\.(.+)$/;
/** Sent with a path of their own even in Entra's path-less form: the disable request (§3) and the manager (§3). */
const OWN_OP = /^active$|:manager$/i;

/**
 * - rfc: one operation per path; `add` for a path that had no value (`emails` + `[{type, value}]` for a filtered
 *   one, since a replace whose filter matches nothing is a 400 noTarget on strict servers), `replace` otherwise.
 * - entra (aadOptscim062020 shapes, capitalised ops): filtered paths each with a path, every other value in one
 *   path-less `Replace` keyed by path; booleans as JSON booleans.
 * - entra-legacy: one `Add`/`Replace` per path, booleans as "True"/"False".
 */
export function attributeOps(diff: AttributeDiff, profile: Profile): PatchOp[] {
  const ops: PatchOp[] = [];
  const bulk: Record<string, unknown> = {};
  for (const [path, value] of diff.changed) {
    const filtered = FILTERED.exec(path);
    const isNew = diff.added.has(path);
    if (profile === 'rfc' && isNew && filtered) {
      ops.push({ op: 'add', path: filtered[1], value: [{ type: filtered[2], [filtered[3]]: value }] });
    } else if (profile === 'entra' && !filtered && !OWN_OP.test(path)) {
      bulk[path] = value;
    } else {
      const op = isNew && profile !== 'entra' ? 'add' : 'replace';
      ops.push({ op: opName(profile, op), path, value: wireValue(profile, value) });
    }
  }
  if (Object.keys(bulk).length > 0) ops.push({ op: opName(profile, 'replace'), value: bulk });
  for (const path of diff.removed) ops.push({ op: opName(profile, 'remove'), path });
  return ops;
}

/** Group membership changes, in chunks of `chunkSize` members per request (reference §2.13-2.14, §3). */
export function memberOps(add: string[], remove: string[], profile: Profile, chunkSize = 100): PatchOp[][] {
  const requests: PatchOp[][] = [];
  for (const ids of chunks(add, chunkSize)) {
    const value = ids.map((id) => ({ value: id }));
    requests.push([{ op: opName(profile, 'add'), path: 'members', value }]);
  }
  for (const ids of chunks(remove, chunkSize)) {
    requests.push(
      profile === 'entra-legacy'
        ? [{ op: 'Remove', path: 'members', value: ids.map((id) => ({ value: id })) }]
        : ids.map((id) => ({
            op: opName(profile, 'remove'),
            path: `members[value eq ${JSON.stringify(id)}]`,
          })),
    );
  }
  return requests;
}

/** POST/PUT body: booleans stay booleans in every profile (Entra's create sends `"active": true`, §2.1). */
export function withoutMembers(payload: Record<string, unknown>): Record<string, unknown> {
  const { members: _members, ...rest } = payload;
  return rest;
}
