/** Public API of the framework-free SCIM protocol layer (RFC 7643 / RFC 7644). */
export * from './schema/schema.types';
export { SchemaRegistry, type PathResolution } from './schema/schema.registry';
export { COMMON_ATTRIBUTES } from './schema/common-attributes.schema';
export { CORE_USER_SCHEMA_DEFINITION } from './schema/core-user.schema';
export { CORE_GROUP_SCHEMA_DEFINITION } from './schema/core-group.schema';
export { ENTERPRISE_USER_SCHEMA_DEFINITION } from './schema/enterprise-user.schema';
export { ENTRA_USER_SCHEMA_DEFINITION } from './schema/entra-user.schema';
export {
  normalizeResource,
  normalizeMembers,
  type NormalizeOptions,
  type NormalizedResource,
  type GroupMemberInput,
} from './schema/resource.normalizer';
export { coerceAttributeValue, coerceBoolean } from './schema/attribute-value.coercer';
export type { UnknownAttributes, UnknownAttributeOptions } from './schema/unknown-attributes';
export { normalizeDateTime, isoToSqlDateTime } from './schema/date-time.util';
export * from './filter/filter.ast';
export { parseFilter, parsePatchPath, MAX_FILTER_LENGTH } from './filter/filter.parser';
export { stringifyFilter } from './filter/filter.stringifier';
export { narrowFilter, filterPaths } from './filter/filter.narrower';
export { matchesFilter, compileMatcher } from './filter/filter.evaluator';
export {
  prepareComparison,
  resolveFilterTarget,
  type FilterTarget,
  type Operand,
} from './filter/filter-operand';
export { applyPatch, membershipOnlyPatch, type PatchOptions } from './patch/patch.engine';
export { parsePatchRequest } from './patch/patch-request.parser';
export type { PatchOperation, MembershipDelta, PatchResult } from './patch/patch.types';
export {
  parseListQuery,
  type ListQueryParams,
  type ListQueryLimits,
  type SortOrder,
} from './list/list-query.parser';
export { encodeCursor, decodeCursor, type CursorPosition } from './list/list-cursor';
export { buildListResponse, type ListResponse } from './list/list-response.builder';
export { projectResource, type Projection } from './list/resource.projector';
export { formatETag, parseETag, parseETagList, etagMatches } from './etag';
export { MAX_JSON_DEPTH, nestsDeeperThan } from './json-value.util';
