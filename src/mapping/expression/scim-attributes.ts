import {
  COMMON_ATTRIBUTES,
  CORE_GROUP_SCHEMA,
  CORE_GROUP_SCHEMA_DEFINITION,
  CORE_USER_SCHEMA,
  CORE_USER_SCHEMA_DEFINITION,
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  ENTRA_USER_SCHEMA,
  ENTRA_USER_SCHEMA_DEFINITION,
  type AttributeDefinition,
} from '../../scim-protocol';
import { toValue, type Value } from './value';

/** What the mapping needs to know of an attribute of the directory or of a target (RFC 7643 §4, §8.7). */
export interface AttributeInfo {
  name: string;
  type?: 'boolean' | 'complex';
  multiValued?: boolean;
  subAttributes?: readonly string[];
}

/**
 * The directory's schemas (scim-protocol: RFC 7643 core User and Group, the enterprise and Entra extensions) as
 * the mapping sees them: one catalogue, derived, so the two can never disagree.
 */
export { CORE_USER_SCHEMA, CORE_GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, ENTRA_USER_SCHEMA };

/**
 * Sub-attributes every multi-valued complex attribute accepts in a mapping (RFC 7643 §2.4), as Entra's editor
 * does, even where the RFC schema lists fewer (`$ref` of `emails`).
 */
const MULTI = ['value', 'display', 'type', 'primary', '$ref'];

function toInfo(a: AttributeDefinition): AttributeInfo {
  const subs = a.subAttributes?.map((s) => s.name) ?? [];
  return {
    name: a.name,
    ...(a.type === 'boolean' || a.type === 'complex' ? { type: a.type } : {}),
    ...(a.multiValued ? { multiValued: true } : {}),
    ...(a.type === 'complex'
      ? { subAttributes: a.multiValued ? [...new Set([...MULTI, ...subs])] : subs }
      : {}),
  };
}

export const CORE_USER_ATTRIBUTES: readonly AttributeInfo[] = [
  ...COMMON_ATTRIBUTES,
  ...CORE_USER_SCHEMA_DEFINITION.attributes,
].map(toInfo);

export const CORE_GROUP_ATTRIBUTES: readonly AttributeInfo[] = [
  ...COMMON_ATTRIBUTES,
  ...CORE_GROUP_SCHEMA_DEFINITION.attributes,
].map(toInfo);

export const ENTERPRISE_USER_ATTRIBUTES: readonly AttributeInfo[] =
  ENTERPRISE_USER_SCHEMA_DEFINITION.attributes.map(toInfo);

/**
 * Entra's User extension as a target knows it (entra-inbound-api.md §8, SCIMSCHEMA): the directory stores the two
 * dates; a mapping may also write the attributes Entra's schema adds for its targets.
 */
export const ENTRA_USER_ATTRIBUTES: readonly AttributeInfo[] = [
  ...ENTRA_USER_SCHEMA_DEFINITION.attributes.map(toInfo),
  { name: 'mailNickname' },
  { name: 'usageLocation' },
  { name: 'userType' },
  { name: 'proxyAddresses', multiValued: true },
  { name: 'passwordForceChangeOnNextSignIn', type: 'boolean' },
];

/** Extension schemas every deployment knows, with their attributes. */
export const BUILT_IN_EXTENSIONS: ReadonlyMap<string, readonly AttributeInfo[]> = new Map([
  [ENTERPRISE_USER_SCHEMA, ENTERPRISE_USER_ATTRIBUTES],
  [ENTRA_USER_SCHEMA, ENTRA_USER_ATTRIBUTES],
]);

export function findAttribute(list: readonly AttributeInfo[], name: string): AttributeInfo | undefined {
  const lower = name.toLowerCase();
  return list.find((a) => a.name.toLowerCase() === lower);
}

/** Reads `key` from a JSON object, exactly first, then case-insensitively (RFC 7643 §2.1). */
export function getCI(obj: unknown, key: string, lowerKey = key.toLowerCase()): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  const exact = rec[key];
  if (exact !== undefined) return exact;
  for (const k in rec) {
    if (k.length === lowerKey.length && k.toLowerCase() === lowerKey) return rec[k];
  }
  return undefined;
}

export type { Value };
export { toValue };
