import {
  CORE_GROUP_SCHEMA,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  ENTRA_USER_SCHEMA,
  type ResourceTypeDefinition,
} from './schema.types';

/** RFC 7643 §6 / §8.6. Extensions are optional: HR sources send whatever subset they hold. */
export const USER_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: CORE_USER_SCHEMA,
  schemaExtensions: [
    { schema: ENTERPRISE_USER_SCHEMA, required: false },
    { schema: ENTRA_USER_SCHEMA, required: false },
  ],
};

export const GROUP_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: CORE_GROUP_SCHEMA,
  schemaExtensions: [],
};
