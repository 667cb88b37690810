import type { AttributeDefinition, AttributeType } from './schema.types';

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

/** Builds an attribute definition with the RFC 7643 §2.2 defaults for every characteristic left out. */
export function attribute(
  name: string,
  type: AttributeType,
  options: AttributeOptions = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}
