import type { MappingObjectType } from '../../types';

/*
 * Suggestions for the attribute boxes (a <datalist>: any other name may be typed; the API checks them all).
 * Source names are Entra's (the aliases of src/mapping/expression/attribute-aliases.ts); target names are the
 * SCIM paths of Entra's default mapping for a generic SCIM app.
 */

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const SOURCES: Record<MappingObjectType, readonly string[]> = {
  users: [
    'userPrincipalName',
    'displayName',
    'givenName',
    'surname',
    'mail',
    'mailNickname',
    'jobTitle',
    'department',
    'employeeId',
    'companyName',
    'division',
    'costCenter',
    'manager',
    'accountEnabled',
    'IsSoftDeleted',
    'objectId',
    'preferredLanguage',
    'telephoneNumber',
    'mobile',
    'facsimileTelephoneNumber',
    'streetAddress',
    'city',
    'state',
    'postalCode',
    'country',
    'employeeType',
    'employeeHireDate',
    'employeeLeaveDateTime',
    'usageLocation',
    'proxyAddresses',
    'appRoleAssignments',
    'userName',
    'externalId',
  ],
  groups: ['displayName', 'objectId', 'externalId', 'members', 'IsSoftDeleted'],
};

const TARGETS: Record<MappingObjectType, readonly string[]> = {
  users: [
    'userName',
    'active',
    'displayName',
    'title',
    'emails[type eq "work"].value',
    'preferredLanguage',
    'name.givenName',
    'name.familyName',
    'name.formatted',
    'addresses[type eq "work"].streetAddress',
    'addresses[type eq "work"].locality',
    'addresses[type eq "work"].region',
    'addresses[type eq "work"].postalCode',
    'addresses[type eq "work"].country',
    'phoneNumbers[type eq "work"].value',
    'phoneNumbers[type eq "mobile"].value',
    'phoneNumbers[type eq "fax"].value',
    'externalId',
    'nickName',
    'userType',
    'roles',
    `${ENT}:employeeNumber`,
    `${ENT}:department`,
    `${ENT}:costCenter`,
    `${ENT}:organization`,
    `${ENT}:division`,
    `${ENT}:manager`,
  ],
  groups: ['displayName', 'externalId', 'members'],
};

export const sourceListId = (t: MappingObjectType) => `source-attributes-${t}`;
export const targetListId = (t: MappingObjectType) => `target-attributes-${t}`;

/** The datalists of one object type's source and target attribute names. */
export function AttributeSuggestions({ objectType }: { objectType: MappingObjectType }) {
  return (
    <>
      <datalist id={sourceListId(objectType)}>
        {SOURCES[objectType].map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <datalist id={targetListId(objectType)}>
        {TARGETS[objectType].map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
}
