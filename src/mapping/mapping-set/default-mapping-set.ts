import { ENTERPRISE_USER_SCHEMA as ENT } from '../expression/scim-attributes';
import type { AttributeMapping, MappingSet } from './mapping-set.types';

const direct = (
  targetAttribute: string,
  source: string,
  extra: Partial<AttributeMapping> = {},
): AttributeMapping => ({
  targetAttribute,
  type: 'Direct',
  source,
  apply: 'Always',
  ...extra,
});
const expression = (targetAttribute: string, source: string): AttributeMapping => ({
  targetAttribute,
  type: 'Expression',
  source,
  apply: 'Always',
});

/**
 * Entra's default mapping for a non-gallery SCIM app (customappsso; CAA, entra-outbound-scim.md §2.1), so a
 * new target works before anyone edits it. Entra has no costCenter/organization/division by default; they
 * are included because our HR sources carry them.
 */
export function defaultMappingSet(): MappingSet {
  return {
    users: {
      actions: { create: true, update: true, delete: true },
      scoping: [],
      attributes: [
        direct('userName', 'userPrincipalName', { matching: { precedence: 1 } }),
        expression('active', 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'),
        direct('displayName', 'displayName'),
        direct('title', 'jobTitle'),
        direct('emails[type eq "work"].value', 'mail'),
        direct('preferredLanguage', 'preferredLanguage'),
        direct('name.givenName', 'givenName'),
        direct('name.familyName', 'surname'),
        expression('name.formatted', 'Join(" ", [givenName], [surname])'),
        direct('addresses[type eq "work"].streetAddress', 'streetAddress'),
        direct('addresses[type eq "work"].locality', 'city'),
        direct('addresses[type eq "work"].region', 'state'),
        direct('addresses[type eq "work"].postalCode', 'postalCode'),
        direct('addresses[type eq "work"].country', 'country'),
        direct('phoneNumbers[type eq "work"].value', 'telephoneNumber'),
        direct('phoneNumbers[type eq "mobile"].value', 'mobile'),
        direct('phoneNumbers[type eq "fax"].value', 'facsimileTelephoneNumber'),
        direct('externalId', 'mailNickname'),
        direct(`${ENT}:employeeNumber`, 'employeeId'),
        direct(`${ENT}:department`, 'department'),
        direct(`${ENT}:costCenter`, 'costCenter'),
        direct(`${ENT}:organization`, 'companyName'),
        direct(`${ENT}:division`, 'division'),
        direct(`${ENT}:manager`, 'manager'),
      ],
    },
    groups: {
      actions: { create: true, update: true, delete: true },
      scoping: [],
      attributes: [
        direct('displayName', 'displayName', { matching: { precedence: 1 } }),
        direct('externalId', 'objectId'),
        direct('members', 'members'),
      ],
    },
  };
}
