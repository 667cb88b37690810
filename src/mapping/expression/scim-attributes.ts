import { toValue, type Value } from './value';

/** What the mapping needs to know of an attribute of the directory or of a target (RFC 7643 §4, §8.7). */
export interface AttributeInfo {
  name: string;
  type?: 'boolean' | 'complex';
  multiValued?: boolean;
  subAttributes?: readonly string[];
}

export const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ENTRA_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';

const MULTI = ['value', 'display', 'type', 'primary', '$ref'];
const mv = (name: string, extra: string[] = []): AttributeInfo => ({
  name,
  type: 'complex',
  multiValued: true,
  subAttributes: [...MULTI, ...extra],
});

const COMMON: AttributeInfo[] = [
  { name: 'id' },
  { name: 'externalId' },
  { name: 'schemas', multiValued: true },
  {
    name: 'meta',
    type: 'complex',
    subAttributes: ['resourceType', 'created', 'lastModified', 'location', 'version'],
  },
];

export const CORE_USER_ATTRIBUTES: readonly AttributeInfo[] = [
  ...COMMON,
  { name: 'userName' },
  {
    name: 'name',
    type: 'complex',
    subAttributes: [
      'formatted',
      'familyName',
      'givenName',
      'middleName',
      'honorificPrefix',
      'honorificSuffix',
    ],
  },
  { name: 'displayName' },
  { name: 'nickName' },
  { name: 'profileUrl' },
  { name: 'title' },
  { name: 'userType' },
  { name: 'preferredLanguage' },
  { name: 'locale' },
  { name: 'timezone' },
  { name: 'active', type: 'boolean' },
  { name: 'password' },
  mv('emails'),
  mv('phoneNumbers'),
  mv('ims'),
  mv('photos'),
  mv('addresses', ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country']),
  mv('groups'),
  mv('entitlements'),
  mv('roles'),
  mv('x509Certificates'),
];

export const CORE_GROUP_ATTRIBUTES: readonly AttributeInfo[] = [
  ...COMMON,
  { name: 'displayName' },
  mv('members'),
];

export const ENTERPRISE_USER_ATTRIBUTES: readonly AttributeInfo[] = [
  { name: 'employeeNumber' },
  { name: 'costCenter' },
  { name: 'organization' },
  { name: 'division' },
  { name: 'department' },
  { name: 'manager', type: 'complex', subAttributes: ['value', '$ref', 'displayName'] },
];

/** entra-inbound-api.md §8 (SCIMSCHEMA): the Microsoft Entra extension our directory adopts. */
export const ENTRA_USER_ATTRIBUTES: readonly AttributeInfo[] = [
  { name: 'employeeHireDate' },
  { name: 'employeeLeaveDateTime' },
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
