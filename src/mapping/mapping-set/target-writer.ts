import {
  BUILT_IN_EXTENSIONS,
  CORE_GROUP_ATTRIBUTES,
  CORE_GROUP_SCHEMA,
  CORE_USER_ATTRIBUTES,
  CORE_USER_SCHEMA,
  findAttribute,
  type AttributeInfo,
} from '../expression/scim-attributes';
import { parseScimPath, type ScimPath } from '../expression/scim-path';
import type { ObjectKind } from './mapping-set.types';

export type Payload = Record<string, unknown>;
/** Writes one mapped value into the target document being built. */
export type TargetWriter = (payload: Payload, value: string | string[]) => void;

const first = (v: string | string[]): string | undefined => (typeof v === 'string' ? v : v[0]);

/**
 * One entry of a multi-valued complex attribute: `{ value }`, or the object itself when the value is a JSON
 * object's text (AppRoleAssignmentsComplex gives whole `roles` entries that way).
 */
function complexEntry(v: string): Payload {
  if (v.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Payload;
    } catch {
      // not JSON: an ordinary value that starts with a brace
    }
  }
  return { value: v };
}

/** SCIM booleans go out as JSON booleans (RFC 7643 §2.3.2); expressions produce "True"/"False" (§1.5). */
function asBoolean(s: string): boolean | string {
  const lower = s.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : s;
}

export const coreSchemaOf = (kind: ObjectKind) => (kind === 'users' ? CORE_USER_SCHEMA : CORE_GROUP_SCHEMA);

/** Looks a target path up in the core schema or a built-in extension, for its shape. */
function describe(path: ScimPath, kind: ObjectKind): { info?: AttributeInfo; schema?: string } {
  const core = kind === 'users' ? CORE_USER_ATTRIBUTES : CORE_GROUP_ATTRIBUTES;
  if (!path.schema || path.schema.toLowerCase() === coreSchemaOf(kind).toLowerCase()) {
    return { info: findAttribute(core, path.attribute) };
  }
  for (const [urn, attrs] of BUILT_IN_EXTENSIONS) {
    if (urn.toLowerCase() === path.schema.toLowerCase())
      return { info: findAttribute(attrs, path.attribute), schema: urn };
  }
  return { schema: path.schema };
}

/**
 * Compiles a target attribute path into a writer, once: `emails[type eq "work"].value` fills
 * `emails: [{ type: "work", value }]`, URN paths go under the URN key and add the URN to `schemas`,
 * `manager` gets `{ value }`, multi-valued complex attributes (members) get `[{ value }, …]`.
 * Returns a message when the path cannot be a target.
 */
export function compileTargetWriter(
  targetAttribute: string,
  kind: ObjectKind,
): TargetWriter | { error: string } {
  const path = parseScimPath(targetAttribute);
  if ('error' in path) return path;
  const { info, schema } = describe(path, kind);
  const attr = info?.name ?? path.attribute;
  if (!schema && attr.toLowerCase() === 'id')
    return { error: 'id is assigned by the target and cannot be mapped (CAA)' };
  if (!schema && attr.toLowerCase() === 'schemas') return { error: 'schemas is set by the gateway' };
  if (path.subAttribute && info?.multiValued && !path.filter) {
    return {
      error: `${attr} is multi-valued: pick one value with a filter, e.g. ${attr}[type eq "work"].${path.subAttribute}`,
    };
  }
  if ((path.filter || path.subAttribute) && info && !info.subAttributes)
    return { error: `${attr} has no sub-attributes` };
  if (path.filter && info && !info.multiValued) return { error: `${attr} is not multi-valued` };

  const container = (payload: Payload): Payload => {
    if (!schema) return payload;
    let ext = payload[schema] as Payload | undefined;
    if (!ext) {
      ext = {};
      payload[schema] = ext;
      (payload.schemas as string[]).push(schema);
    }
    return ext;
  };

  const sub = path.subAttribute;
  const boolSub = sub?.toLowerCase() === 'primary';
  if (path.filter) {
    const { attribute: fAttr, value: fRaw } = path.filter;
    const fValue = fAttr.toLowerCase() === 'primary' ? asBoolean(fRaw) : fRaw;
    const target = sub ?? 'value';
    return (payload, value) => {
      const c = container(payload);
      let list = c[attr] as Payload[] | undefined;
      if (!list) c[attr] = list = [];
      let el = list.find((e) => e[fAttr] === fValue);
      if (!el) list.push((el = { [fAttr]: fValue }));
      const v = first(value);
      el[target] = boolSub && v !== undefined ? asBoolean(v) : v;
    };
  }
  if (sub) {
    return (payload, value) => {
      const c = container(payload);
      let obj = c[attr] as Payload | undefined;
      if (!obj) c[attr] = obj = {};
      const v = first(value);
      obj[sub] = boolSub && v !== undefined ? asBoolean(v) : v;
    };
  }
  if (info?.type === 'boolean') {
    return (payload, value) => {
      const v = first(value);
      container(payload)[attr] = v === undefined ? v : asBoolean(v);
    };
  }
  if (info?.type === 'complex' && info.multiValued) {
    return (payload, value) => {
      container(payload)[attr] = (typeof value === 'string' ? [value] : value).map(complexEntry);
    };
  }
  if (info?.type === 'complex') {
    return (payload, value) => {
      container(payload)[attr] = { value: first(value) };
    };
  }
  if (info && !info.multiValued) {
    return (payload, value) => {
      container(payload)[attr] = first(value);
    };
  }
  return (payload, value) => {
    container(payload)[attr] = value;
  };
}
