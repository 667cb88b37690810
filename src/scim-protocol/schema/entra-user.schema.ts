import { attribute } from './attribute.builder';
import { ENTRA_USER_SCHEMA, type SchemaDefinition } from './schema.types';

/**
 * Microsoft's Entra User extension, as Entra's inbound provisioning API sends it: the joiner/leaver dates that
 * drive future-dated hires and leaves (entra-inbound-api.md).
 */
export const ENTRA_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTRA_USER_SCHEMA,
  name: 'EntraUser',
  description: 'Microsoft Entra User extension',
  attributes: [
    attribute('employeeHireDate', 'dateTime', {
      description: 'The date and time when the user was hired or will start work.',
    }),
    attribute('employeeLeaveDateTime', 'dateTime', {
      description: 'The date and time when the user left or will leave the organization.',
    }),
  ],
};
