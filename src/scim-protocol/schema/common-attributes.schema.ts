import { attribute } from './attribute.builder';
import type { AttributeDefinition } from './schema.types';

/**
 * RFC 7643 §3 / §3.1: attributes every resource carries, whatever its schema. They are not part of any published
 * schema definition, but paths (`id`, `externalId`, `meta.lastModified`) resolve against them.
 */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  attribute('schemas', 'reference', {
    multiValued: true,
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    description: 'The schema URIs the resource conforms to (RFC 7643 §3).',
  }),
  attribute('id', 'string', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
    description: 'Unique identifier of the resource, assigned by the service provider.',
  }),
  attribute('externalId', 'string', {
    caseExact: true,
    description: 'Identifier of the resource as defined by the provisioning client.',
  }),
  attribute('meta', 'complex', {
    mutability: 'readOnly',
    description: 'Resource metadata.',
    subAttributes: [
      attribute('resourceType', 'string', {
        caseExact: true,
        mutability: 'readOnly',
        description: 'Resource type name.',
      }),
      attribute('created', 'dateTime', {
        mutability: 'readOnly',
        description: 'When the resource was added.',
      }),
      attribute('lastModified', 'dateTime', {
        mutability: 'readOnly',
        description: 'When the resource last changed.',
      }),
      attribute('location', 'reference', {
        caseExact: true,
        mutability: 'readOnly',
        description: 'Resource URI.',
      }),
      attribute('version', 'string', {
        caseExact: true,
        mutability: 'readOnly',
        description: 'Resource version (ETag).',
      }),
    ],
  }),
];
