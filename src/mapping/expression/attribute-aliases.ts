import { ENTERPRISE_USER_SCHEMA as ENT, ENTRA_USER_SCHEMA as ENTRA } from './scim-attributes';

/**
 * Entra ID attribute names that expressions copied from Entra use, and what they read in our directory's
 * SCIM user (entra-inbound-api.md §8 SCIMSCHEMA; entra-expressions.md §4). Names match case-insensitively.
 * `computed` entries are not a plain path; `note` says how they are derived. Documented in README.md.
 */
export interface AttributeAlias {
  entraName: string;
  scimPath: string;
  computed?: boolean;
  note?: string;
}

export const ENTRA_ATTRIBUTE_ALIASES: readonly AttributeAlias[] = [
  { entraName: 'userPrincipalName', scimPath: 'userName' },
  { entraName: 'givenName', scimPath: 'name.givenName' },
  { entraName: 'surname', scimPath: 'name.familyName' },
  { entraName: 'displayName', scimPath: 'displayName' },
  {
    entraName: 'mail',
    scimPath: 'emails[primary eq true].value',
    computed: true,
    note: 'the primary email, else the email of type "work"',
  },
  {
    entraName: 'mailNickname',
    scimPath: `${ENTRA}:mailNickname`,
    computed: true,
    note: 'the Entra extension value, else the part of userName before "@" (as Entra derives it)',
  },
  { entraName: 'jobTitle', scimPath: 'title' },
  { entraName: 'department', scimPath: `${ENT}:department` },
  { entraName: 'employeeId', scimPath: `${ENT}:employeeNumber` },
  { entraName: 'employeeNumber', scimPath: `${ENT}:employeeNumber` },
  { entraName: 'costCenter', scimPath: `${ENT}:costCenter` },
  { entraName: 'division', scimPath: `${ENT}:division` },
  { entraName: 'companyName', scimPath: `${ENT}:organization` },
  { entraName: 'organization', scimPath: `${ENT}:organization` },
  { entraName: 'manager', scimPath: `${ENT}:manager.value`, note: "the manager's directory id" },
  { entraName: 'accountEnabled', scimPath: 'active', note: '"True"/"False"' },
  { entraName: 'employeeHireDate', scimPath: `${ENTRA}:employeeHireDate` },
  { entraName: 'employeeLeaveDateTime', scimPath: `${ENTRA}:employeeLeaveDateTime` },
  { entraName: 'objectId', scimPath: 'id', note: 'the directory id of the object' },
  { entraName: 'telephoneNumber', scimPath: 'phoneNumbers[type eq "work"].value' },
  { entraName: 'mobile', scimPath: 'phoneNumbers[type eq "mobile"].value' },
  { entraName: 'facsimileTelephoneNumber', scimPath: 'phoneNumbers[type eq "fax"].value' },
  {
    entraName: 'streetAddress',
    scimPath: 'addresses[type eq "work"].streetAddress',
    computed: true,
    note: 'the work address, else the primary address (also for city, state, postalCode, country)',
  },
  { entraName: 'city', scimPath: 'addresses[type eq "work"].locality', computed: true },
  { entraName: 'state', scimPath: 'addresses[type eq "work"].region', computed: true },
  { entraName: 'postalCode', scimPath: 'addresses[type eq "work"].postalCode', computed: true },
  { entraName: 'country', scimPath: 'addresses[type eq "work"].country', computed: true },
  { entraName: 'preferredLanguage', scimPath: 'preferredLanguage' },
  { entraName: 'employeeType', scimPath: 'userType' },
  { entraName: 'usageLocation', scimPath: `${ENTRA}:usageLocation` },
  { entraName: 'proxyAddresses', scimPath: `${ENTRA}:proxyAddresses` },
  {
    entraName: 'appRoleAssignments',
    scimPath: 'roles',
    computed: true,
    note: "the user's app roles in the target (from its assignments), for SingleAppRoleAssignment / AppRoleAssignmentsComplex; their values in scoping filters",
  },
  {
    entraName: 'IsSoftDeleted',
    scimPath: '(computed)',
    computed: true,
    note: '"True" when the user is soft-deleted by HR, disabled (active false), not assigned to an assigned-only target or out of its scope',
  },
];
