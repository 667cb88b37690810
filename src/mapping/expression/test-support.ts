import type { MappingSource } from './attribute-resolver';
import { ENTERPRISE_USER_SCHEMA, ENTRA_USER_SCHEMA } from './scim-attributes';

/** Entra-named test input laid out as our directory stores it (canonical SCIM, RFC 7643). */
export interface EntraLikeUser {
  objectId?: string;
  userPrincipalName?: string;
  givenName?: string;
  surname?: string;
  displayName?: string;
  mail?: string;
  mailNickname?: string;
  jobTitle?: string;
  department?: string;
  employeeId?: string;
  telephoneNumber?: string;
  mobile?: string;
  preferredLanguage?: string;
  country?: string;
  state?: string;
  city?: string;
  accountEnabled?: boolean;
  employeeHireDate?: string;
  manager?: string;
  deleted?: boolean;
  /** Anything else, top-level (HR/Workday-style names such as PreferredFirstName). */
  extra?: Record<string, unknown>;
}

export function scimUser(u: EntraLikeUser): MappingSource {
  const doc: Record<string, unknown> = { ...u.extra };
  if (u.userPrincipalName !== undefined) doc.userName = u.userPrincipalName;
  if (u.givenName !== undefined || u.surname !== undefined) {
    doc.name = {
      ...(u.givenName !== undefined && { givenName: u.givenName }),
      ...(u.surname !== undefined && { familyName: u.surname }),
    };
  }
  if (u.displayName !== undefined) doc.displayName = u.displayName;
  if (u.jobTitle !== undefined) doc.title = u.jobTitle;
  if (u.preferredLanguage !== undefined) doc.preferredLanguage = u.preferredLanguage;
  if (u.accountEnabled !== undefined) doc.active = u.accountEnabled;
  if (u.mail !== undefined) doc.emails = [{ value: u.mail, type: 'work', primary: true }];
  const phones = [
    ...(u.telephoneNumber !== undefined ? [{ value: u.telephoneNumber, type: 'work' }] : []),
    ...(u.mobile !== undefined ? [{ value: u.mobile, type: 'mobile' }] : []),
  ];
  if (phones.length) doc.phoneNumbers = phones;
  if (u.country !== undefined || u.state !== undefined || u.city !== undefined) {
    doc.addresses = [{ type: 'work', country: u.country, region: u.state, locality: u.city }];
  }
  const ent: Record<string, unknown> = {};
  if (u.department !== undefined) ent.department = u.department;
  if (u.employeeId !== undefined) ent.employeeNumber = u.employeeId;
  if (u.manager !== undefined) ent.manager = { value: u.manager };
  if (Object.keys(ent).length) doc[ENTERPRISE_USER_SCHEMA] = ent;
  const entra: Record<string, unknown> = {};
  if (u.mailNickname !== undefined) entra.mailNickname = u.mailNickname;
  if (u.employeeHireDate !== undefined) entra.employeeHireDate = u.employeeHireDate;
  if (Object.keys(entra).length) doc[ENTRA_USER_SCHEMA] = entra;
  return { id: u.objectId ?? '00aa00aa-bb11-cc22-dd33-44ee44ee44ee', doc, deleted: u.deleted };
}
