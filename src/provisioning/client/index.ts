export { ScimClient } from './scim-client';
export * from './scim-client.types';
export { judgeConnection } from './connection.tester';
export type { ConnectionVerdict, ConnectionVerdictCode } from './connection.tester';
export {
  isSecretAttribute,
  REDACTED,
  redactBody,
  redactHeaders,
  redactRequest,
  redactResponseText,
} from './request.redactor';
export type { LoggableRequest, RedactOptions } from './request.redactor';
export { parseRetryAfterMs } from './retry-after.parser';
export { andFilter, eqFilter } from './scim-filter.util';
export { assertTargetUrl, isLoopbackHost } from './target-url.validator';
export { NetworkPolicy } from './network-policy';
export { RequestGate } from './request-gate';
export { accountOf, accountPages, resourcePages } from './account-pages';
export type { AccountPage, AccountPagesOptions, ResourcePage, TargetAccount } from './account-pages';
export {
  BulkPacker,
  bulkRequestBody,
  linkMembers,
  matchResults,
  operationAnswer,
  operationSize,
  readBulkResponse,
  readBulkSupport,
  requestSize,
} from './bulk-request';
export type {
  BulkLimits,
  BulkOperation,
  BulkOperationResult,
  BulkSupport,
  LinkableOperation,
} from './bulk-request';
