import { attribute } from './attribute.builder';
import { CORE_GROUP_SCHEMA, type SchemaDefinition } from './schema.types';

/** RFC 7643 §4.2 / §8.7.1: the core Group schema. */
export const CORE_GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: CORE_GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attribute('displayName', 'string', {
      required: true,
      description: 'A human-readable name for the Group. REQUIRED.',
    }),
    attribute('members', 'complex', {
      multiValued: true,
      description: 'A list of members of the Group.',
      subAttributes: [
        attribute('value', 'string', {
          mutability: 'immutable',
          description: 'Identifier of the member of this Group.',
        }),
        attribute('$ref', 'reference', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
          description: 'The URI corresponding to a SCIM resource that is a member of this Group.',
        }),
        attribute('type', 'string', {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
          description: "A label indicating the type of resource, e.g., 'User' or 'Group'.",
        }),
        attribute('display', 'string', {
          mutability: 'readOnly',
          description: 'A human-readable name for the group member, primarily used for display purposes.',
        }),
      ],
    }),
  ],
};
