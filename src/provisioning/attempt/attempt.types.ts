import type { LogAction, LogStatus } from '../logs/provisioning-log.entity';
import type { ProvisioningTarget } from '../targets/provisioning-target.entity';
import type { TargetSession } from './target-session';
import type { ObjectKey, ObjectOutcome } from '../queue/work-queue.repository';

/** One step of an attempt, as Entra's provisioning log shows them (provisioningStep). */
export interface ProvisioningStep {
  step: 'import' | 'scoping' | 'matching' | 'mapping' | 'processing' | 'export';
  status: 'success' | 'skipped' | 'failure' | 'warning';
  description: string;
  details?: Record<string, unknown>;
}

export interface SentRequest {
  method: string;
  path: string;
  body?: unknown;
}

export interface ReceivedResponse {
  status: number;
  body?: string;
  durationMs: number;
  error?: string;
}

/** What one attempt on one object did; the engine persists `outcome` and the caller decides on retries. */
export interface AttemptReport {
  targetId: string;
  objectType: 'User' | 'Group';
  objectId: string;
  action: LogAction;
  status: LogStatus;
  reason: string | null;
  detail: string | null;
  steps: ProvisioningStep[];
  outcome: ObjectOutcome;
  /** Set when the failure is transient: retry after backoff (Retry-After honoured). */
  retry?: { retryAfterMs?: number };
  /** The object now exists in the target (created or adopted): wake whatever waited for it. */
  nowInTarget: boolean;
}

export class AttemptStop extends Error {
  constructor(
    readonly kind: 'retryable' | 'permanent',
    readonly reason: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** One attempt in progress: what the provisioner decided and the target writes fill in. */
export interface Attempt {
  target: ProvisioningTarget;
  key: ObjectKey;
  session: TargetSession;
  steps: ProvisioningStep[];
  outcome: ObjectOutcome;
  reconcile: boolean;
  nowInTarget: boolean;
}
