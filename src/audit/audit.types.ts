/** Who made an admin change: the token the request was verified with, and the request's id (X-Request-Id). */
export interface AdminActor {
  tokenId: string;
  tokenName: string;
  requestId: string | null;
}

/** What a secret field shows in the audit log when it was set or replaced; its value never appears. */
export const SECRET_CHANGED = 'changed';

export const AUDIT_OBJECT_TYPES = [
  'target',
  'mapping',
  'approle',
  'assignment',
  'token',
  'schema',
  'orphan',
] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];

/** Stable dotted names (the README lists them); a filter may give a prefix such as `target.`. */
export type AuditAction =
  | 'target.create'
  | 'target.update'
  | 'target.credentials.replace'
  | 'target.delete'
  | 'target.pause'
  | 'target.resume'
  | 'target.restart'
  | 'target.retry'
  | 'target.provision'
  | 'deletions.release'
  | 'deletions.discard'
  | 'mapping.update'
  | 'scoping.update'
  | 'approle.create'
  | 'approle.update'
  | 'approle.delete'
  | 'assignment.create'
  | 'assignment.delete'
  | 'assignment.bulk_create'
  | 'assignment.bulk_delete'
  | 'token.create'
  | 'token.update'
  | 'token.rotate'
  | 'token.revoke'
  | 'schema.create'
  | 'orphan.disable'
  | 'orphan.delete'
  | 'orphan.link';

/** One admin change, as a service describes it; `before`/`after` are admin-visible fields, never a secret value. */
export interface AuditEvent {
  action: AuditAction;
  objectType: AuditObjectType;
  objectId: string;
  /** The target the object belongs to, when it belongs to one (filterable). */
  targetId?: string | null;
  before?: object | null;
  after?: object | null;
}
