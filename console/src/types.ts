// The admin API's shapes the console reads (src/provisioning/targets, src/provisioning/logs on the server).
// Type-only imports from the server, and only of files that import nothing (no NestJS, no TypeORM): the console's
// type check reads them, the bundle does not. The response shapes live in services and readers, so they are copied.
import type { AuditAction, AuditObjectType } from '../../src/audit/audit.types';

export type { AuditAction };

export type TargetState = 'active' | 'paused' | 'quarantined' | 'disabled';

export type BulkSetting = 'auto' | 'on' | 'off';

/** Where a requested full reconciliation stands (the status's `reconciliation.turn`). */
export type ReconcileTurn =
  { state: 'running' } | { state: 'waiting'; ahead: number; running: number; maxConcurrent: number };

/** How a target's writes go now, and why (the status's `bulk`). */
export interface BulkMode {
  setting: BulkSetting;
  mode: 'bulk' | 'plain';
  reason: string;
  limits?: { maxOperations: number; maxPayloadSize: number };
  /** bulk: a lone write goes through /Bulk too (setting on). */
  alone?: boolean;
  /** When the target's /ServiceProviderConfig was last read; null: never. */
  checkedAt: string | null;
}

export interface Target {
  id: string;
  name: string;
  baseUrl: string;
  auth: { type: 'bearer' | 'oauth2'; tokenUrl?: string; clientId?: string; scope?: string; secretSet: true };
  enabled: boolean;
  paused: boolean;
  scope: 'assigned' | 'all';
  profile: string;
  updateStyle: string;
  verifyUpdates: boolean;
  /** Outbound /Bulk: auto (when the target advertises it), on (every write, a lone one too), off (never). */
  bulk: BulkSetting;
  provisionGroups: boolean;
  deprovisionAction: string;
  skipOutOfScopeDeletions: boolean;
  deletionThreshold: number | null;
  deletionWindowMinutes: number;
  concurrency: number;
  requestsPerSecond: number;
  timeoutMs: number;
  reconcileIntervalMinutes: number;
  createdAt: string;
  updatedAt: string;
}

export interface LogSummary {
  at: string;
  objectId: string;
  action: string;
  status: string;
  responseStatus: number | null;
}

export interface ReconcileSummary {
  startedAt?: string;
  queued?: { users?: number; groups?: number; goneFromDirectory?: number };
}

export interface TargetStatus {
  targetId: string;
  name: string;
  state: TargetState;
  reason: string | null;
  quarantine: { since: string; reason: string; nextProbeAt: string; failedProbes: number } | null;
  pending: {
    objects: number;
    oldestAgeSeconds: number | null;
    journalRowsNotYetQueued: number;
    /** Absent on a gateway older than the console. */
    reconciling?: number;
  };
  lastRequest: LogSummary | null;
  lastSuccess: LogSummary | null;
  reconciliation: {
    last: string | null;
    next: string | null;
    requested: boolean;
    /** A requested one as the gateway's engine holds it; absent on a gateway older than the console. */
    turn?: ReconcileTurn | null;
    summary: ReconcileSummary | null;
  };
  deletions: { held: number; reason: string | null; threshold: number | null; windowMinutes: number };
  journal?: { warning: string | null };
  /** Absent on a gateway older than the console. */
  bulk?: BulkMode;
  totals: Record<string, Record<string, number>>;
}

export interface ConnectionVerdict {
  ok: boolean;
  code: string;
  message: string;
  status?: number;
  durationMs: number;
  request: string;
}

export interface ModifiedProperty {
  name: string;
  oldValue: unknown;
  newValue: unknown;
}

export interface LogEntry {
  id: number;
  time: string;
  targetId: string;
  objectType: string;
  objectId: string;
  changeSeq: number | null;
  action: string;
  status: string;
  reason: string | null;
  detail: string | null;
  request: { method?: string; path?: string; query?: Record<string, string>; body?: unknown } | null;
  response: { status: number | null; excerpt: string | null };
  durationMs: number;
  attempt: number;
  requestId: string | null;
  modifiedProperties?: ModifiedProperty[];
}

export interface LogPage {
  entries: LogEntry[];
  nextCursor: string | null;
}

export const LOG_ACTIONS = ['Create', 'Update', 'Disable', 'Delete', 'Skip', 'Other'] as const;
export const LOG_STATUSES = ['Success', 'Failure', 'Skipped', 'Warning'] as const;

// The directory, tokens, audit log and schema extensions (src/http/admin/directory-browser.service.ts,
// src/directory/journal/history.reader.ts, src/auth/auth.service.ts, src/audit/audit-log.service.ts).

export interface DirectoryRow {
  id: string;
  /** Users only. */
  userName?: string;
  displayName: string | null;
  externalId: string | null;
  /** Users only. */
  active?: boolean;
  deletedAt: string | null;
  updatedAt: string;
}

export interface DirectoryPage {
  entries: DirectoryRow[];
  nextCursor: string | null;
}

export interface ObjectTargetState {
  targetId: string;
  targetName: string;
  scope: 'assigned' | 'all';
  inScope: boolean;
  roles: string[];
  provisioned: boolean;
  status: 'none' | 'active' | 'disabled' | 'deleted' | null;
  targetObjectId: string | null;
  pending: boolean;
  held: boolean;
  lastResult: string | null;
  lastError: string | null;
  updatedAt: string | null;
  lastEntry: { id: number; time: string; action: string; status: string; reason: string | null } | null;
}

export interface DirectoryObject {
  id: string;
  type: 'User' | 'Group';
  userName?: string;
  displayName: string | null;
  externalId: string | null;
  active?: boolean;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  resource: Record<string, unknown>;
  groups?: { id: string; displayName: string }[];
  members?: {
    count: number;
    first: { id: string; type: 'User' | 'Group'; displayName: string | null; live: boolean }[];
  };
  targets: ObjectTargetState[];
}

export type HistoryActor =
  | { kind: 'token'; id: string; name: string | null }
  | { kind: 'import'; id: string; token: { id: string | null; name: string | null } }
  | { kind: 'system'; id: string; name: string | null };

export interface HistoryEntry {
  seq: number;
  time: string;
  kind: string;
  actor: HistoryActor | null;
  requestId: string | null;
  version: number;
  changedAttributes: { path: string; value?: unknown; redacted?: boolean; truncated?: boolean }[];
  memberIds?: string[];
}

export interface HistoryPage {
  entries: HistoryEntry[];
  nextCursor: string | null;
}

export const TOKEN_SCOPES = ['scim', 'admin'] as const;

export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  previousSecretValidUntil: string | null;
}

/** A token as created or rotated: the secret, in this answer only. */
export interface IssuedToken extends ApiToken {
  token: string;
}

export interface AuditEntry {
  id: number;
  time: string;
  actor: { tokenId: string; tokenName: string };
  requestId: string | null;
  action: string;
  objectType: AuditObjectType;
  objectId: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

/** The server's list (src/audit/audit.types.ts) as a value here: the bundle takes types from the server, no code. */
export const AUDIT_OBJECT_TYPES = [
  'target',
  'mapping',
  'approle',
  'assignment',
  'token',
  'schema',
  'orphan',
] as const satisfies readonly AuditObjectType[];
/** Does not compile while the server has an object type the list above lacks. */
export type AuditObjectTypesComplete = Never<Exclude<AuditObjectType, (typeof AUDIT_OBJECT_TYPES)[number]>>;
type Never<T extends never> = T;

export interface SchemaAttribute {
  name: string;
  type: string;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact?: boolean;
  mutability?: string;
  returned?: string;
  uniqueness?: string;
  canonicalValues?: string[];
  subAttributes?: SchemaAttribute[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: SchemaAttribute[];
}

/** GET /admin/v1/targets/deliveries (src/provisioning/logs/provisioning-logs.service.ts). */
export interface DeliveriesPerMinute {
  /** The first minute's start; minute i of each list starts i minutes later, the last is the current one. */
  from: string;
  minutes: number;
  targets: {
    targetId: string;
    name: string;
    delivered: number[];
    failed: number[];
    total: { delivered: number; failed: number };
  }[];
}

// Assignments, app roles and provisioning on demand (src/provisioning/assignments/assignments.service.ts,
// src/provisioning/targets/target-operations.service.ts, src/provisioning/targets/mapping-trials.service.ts).

export type PrincipalType = 'User' | 'Group';

export interface AppRole {
  id: string;
  displayName: string;
  value: string;
  description: string | null;
  isDefault: boolean;
}

export interface Assignment {
  id: string;
  principalType: PrincipalType;
  principalId: string;
  /** Null once purged from the directory. */
  principalDisplayName: string | null;
  /** False once the principal is soft-deleted or purged: it is out of scope. */
  principalLive: boolean;
  roleId: string;
  roleDisplayName: string;
  createdAt: string;
}

export interface AssignmentPage {
  assignments: Assignment[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/** POST /targets/:id/mappings/preview: the scope verdicts for one stored user (the payload left out here). */
export interface AccessPreview {
  scope: { inScope: boolean; reason?: string };
  wouldCreate: boolean;
  assignment: {
    required: boolean;
    assigned: boolean;
    via: { principalType: PrincipalType; principalId: string; roleId: string }[];
    roles: { id: string; value: string; displayName: string }[];
  };
}

export interface ProvisioningStep {
  step: 'import' | 'scoping' | 'matching' | 'mapping' | 'processing' | 'export';
  status: 'success' | 'skipped' | 'failure' | 'warning';
  description: string;
  details?: {
    request?: { method?: string; path?: string; query?: Record<string, string>; body?: unknown };
    response?: { status: number | null; body: string };
  };
}

export interface OnDemandResult {
  targetId: string;
  objectType: PrincipalType;
  objectId: string;
  action: string;
  status: string;
  reason: string | null;
  detail: string | null;
  targetObjectId: string | null;
  steps: ProvisioningStep[];
  /** A group's members provisioned with it. */
  members?: OnDemandResult[];
}

// Attribute mappings, the expression sandbox and the impact preview (src/mapping/mapping-set/mapping-set.types.ts,
// src/mapping/mappings.service.ts, src/provisioning/sync/impact-preview.service.ts).

export type MappingType = 'Direct' | 'Constant' | 'Expression' | 'None';
export type ApplyMode = 'Always' | 'OnCreate';
export type MappingObjectType = 'users' | 'groups';

export interface AttributeMapping {
  targetAttribute: string;
  type: MappingType;
  /** Direct: the source attribute; Constant: the value; Expression: the expression. */
  source?: string;
  apply: ApplyMode;
  defaultValue?: string;
  matching?: { precedence: number };
}

export interface ScopingClause {
  attribute: string;
  operator: string;
  value?: string;
}

export interface ObjectMapping {
  actions: { create: boolean; update: boolean; delete: boolean };
  /** OR-ed groups of AND-ed clauses; none puts every object in scope. */
  scoping: { clauses: ScopingClause[] }[];
  attributes: AttributeMapping[];
}

export interface MappingSet {
  users: ObjectMapping;
  groups: ObjectMapping;
}

/** One entry of a 400 INVALID_MAPPING_SET's `details`. */
export interface MappingProblem {
  objectType: MappingObjectType;
  section: 'attributes' | 'scoping' | 'actions';
  /** 0-based: the attribute mapping, or the scoping group. */
  index: number;
  /** 0-based clause of a scoping group. */
  clause?: number;
  targetAttribute?: string;
  field: string;
  line?: number;
  column?: number;
  message: string;
  description?: string;
}

/** The scoping operators the API accepts (src/mapping/scoping/scoping-filter.ts); `unary` takes no value. */
export const SCOPING_OPERATORS = [
  { name: 'EQUALS', kind: 'string' },
  { name: 'NOT EQUALS', kind: 'string' },
  { name: 'IS TRUE', kind: 'unary' },
  { name: 'IS FALSE', kind: 'unary' },
  { name: 'IS NULL', kind: 'unary' },
  { name: 'IS NOT NULL', kind: 'unary' },
  { name: 'REGEX MATCH', kind: 'regex' },
  { name: 'NOT REGEX MATCH', kind: 'regex' },
  { name: 'Greater_Than', kind: 'integer' },
  { name: 'Greater_Than_OR_EQUALS', kind: 'integer' },
  { name: 'LESS_THAN', kind: 'integer' },
  { name: 'LESS_THAN_OR_EQUALS', kind: 'integer' },
  { name: 'Includes', kind: 'string' },
  { name: 'ENDS_WITH', kind: 'string' },
  { name: 'STARTS_WITH', kind: 'string' },
  { name: '&', kind: 'string' },
  { name: '!&', kind: 'string' },
] as const;

/** POST /expressions/evaluate. */
export interface ExpressionResult {
  flows: boolean;
  value: string | string[] | null;
  ignoreObject?: boolean;
  sensitive?: boolean;
}

/** POST /targets/:id/mappings/preview, whole. */
export interface MappingPreview extends AccessPreview {
  scope: {
    inScope: boolean;
    reason?: string;
    failures: { group: number; clause: number; attribute: string; operator: string; actual: string | null }[];
  };
  payload: Record<string, unknown>;
  dropped: string[];
  errors: { index: number; targetAttribute: string; message: string }[];
  matching: { targetAttribute: string; value: string; precedence: number }[];
}

export const IMPACT_KINDS = ['create', 'update', 'disable', 'delete', 'unchanged', 'skip'] as const;
export type ImpactKind = (typeof IMPACT_KINDS)[number];

/** POST /targets/:id/impact. */
export interface ImpactPreview {
  evaluated: number;
  counts: Record<ImpactKind, number>;
  examples: Record<
    ImpactKind,
    { objectType: PrincipalType; objectId: string; displayName: string | null; detail: string }[]
  >;
  /** Set when more disables and deletes would go than the deletion threshold lets through at once. */
  threshold: string | null;
  durationMs: number;
}

// Account discovery (src/provisioning/orphans/orphan-discovery.service.ts, orphan-actions.service.ts).

export const ORPHAN_STATES = ['open', 'disabled', 'deleted', 'linked'] as const;
export type OrphanState = (typeof ORPHAN_STATES)[number];

/** One listing of the target's users: how many accounts it read, how many a directory object holds, the rest. */
export interface OrphanScanSummary {
  startedAt: string;
  finishedAt: string;
  /** The whole list was read: only then are accounts no longer found removed from the orphans. */
  complete: boolean;
  listed: number;
  linked: number;
  orphans: number;
  withDirectoryCandidate: number;
  stoppedBecause?: string;
  listing?: 'own' | 'reconciliation';
  /** A reconciliation's listing whose queued work has not been delivered yet. */
  awaitingDrain?: boolean;
  linkedSince?: number;
}

export interface OrphanAccount {
  /** The account's id in the target. */
  targetObjectId: string;
  userName: string | null;
  externalId: string | null;
  active: boolean | null;
  state: OrphanState;
  /** A live directory user with the same userName or externalId (for a linked account, its owner). */
  directoryCandidate: { id: string; displayName: string } | null;
  firstSeen: string;
  lastSeen: string;
  actedAt: string | null;
}

/** GET /targets/:id/orphans. */
export interface OrphanPage {
  lastScan: OrphanScanSummary | null;
  /** A listing is due once the reconciliation's work has been delivered. */
  scanRequested: boolean;
  counts: { open: number; total: number };
  orphans: OrphanAccount[];
  next: string | null;
}

/** POST /targets/:id/orphans/:accountId/disable|delete|link. */
export interface OrphanActionResult {
  orphan: OrphanAccount;
  /** The app's answer to the PATCH or DELETE; status 0 when no answer came. */
  target?: { status: number; ok: boolean; error?: string };
  /** A link's comparison of the account with the user. */
  provisioning?: { action: string; status: string; reason: string | null; detail: string | null };
  /** The engine adopted the account for this user while the disable or delete was on its way; it is undone. */
  takenBy?: { userId: string; requeued: true };
}
