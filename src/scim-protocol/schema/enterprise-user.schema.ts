import { attribute } from './attribute.builder';
import { ENTERPRISE_USER_SCHEMA, type SchemaDefinition } from './schema.types';

/** RFC 7643 §4.3 / §8.7.1: the enterprise User extension. */
export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'string', {
      description:
        'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.',
    }),
    attribute('costCenter', 'string', {
      description: 'Identifies the name of a cost center.',
    }),
    attribute('organization', 'string', {
      description: 'Identifies the name of an organization.',
    }),
    attribute('division', 'string', {
      description: 'Identifies the name of a division.',
    }),
    attribute('department', 'string', {
      description: 'Identifies the name of a department.',
    }),
    attribute('manager', 'complex', {
      description:
        "The User's manager.  A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.",
      subAttributes: [
        attribute('value', 'string', {
          required: true,
          caseExact: true,
          description: "The id of the SCIM resource representing the User's manager.  REQUIRED.",
        }),
        // RFC 7643 §8.7.1 marks $ref REQUIRED too, but clients (Entra included) send only `value`.
        attribute('$ref', 'reference', {
          referenceTypes: ['User'],
          description: "The URI of the SCIM resource representing the User's manager.  REQUIRED.",
        }),
        attribute('displayName', 'string', {
          mutability: 'readOnly',
          description: "The displayName of the User's manager. OPTIONAL and READ-ONLY.",
        }),
      ],
    }),
  ],
};
