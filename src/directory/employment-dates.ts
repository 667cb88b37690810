import { ENTRA_USER_SCHEMA, normalizeDateTime } from '../scim-protocol';
import type { ScimDocument } from './directory.types';

/**
 * The Entra extension's employeeHireDate and employeeLeaveDateTime as instants, for the indexed columns the date
 * job queries. Lenient like the inbound validation (a bare date, no zone taken as UTC); anything else is null.
 * (The migration that backfilled the columns keeps its own frozen copy of this parse.)
 */
export function employmentDates(doc: ScimDocument): { hireAt: Date | null; leaveAt: Date | null } {
  const entra = doc[ENTRA_USER_SCHEMA] as Record<string, unknown> | undefined;
  return {
    hireAt: instant(entra?.employeeHireDate),
    leaveAt: instant(entra?.employeeLeaveDateTime),
  };
}

function instant(value: unknown): Date | null {
  const iso = typeof value === 'string' ? normalizeDateTime(value) : undefined;
  return iso === undefined ? null : new Date(iso);
}
