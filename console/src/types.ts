// The admin API's shapes the console reads (src/provisioning/targets, src/provisioning/logs on the server).

export type TargetState = 'active' | 'paused' | 'quarantined' | 'disabled';

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
    summary: ReconcileSummary | null;
  };
  deletions: { held: number; reason: string | null; threshold: number | null; windowMinutes: number };
  journal?: { warning: string | null };
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
