/** Public API of the framework-free SCIM protocol layer (RFC 7643 / RFC 7644). */
export * from './schema/schema.types';
export { SchemaRegistry, type PathResolution } from './schema/schema.registry';
export {
  normalizeResource,
  normalizeMembers,
  type NormalizeOptions,
  type NormalizedResource,
  type GroupMemberInput,
} from './schema/resource.normalizer';
export { coerceAttributeValue, coerceBoolean } from './schema/attribute-value.coercer';
export { normalizeDateTime, isoToSqlDateTime } from './schema/date-time.util';
