import type { LogAction, LogStatus } from '../logs/provisioning-log.entity';
import type { ObjectOutcome } from '../queue/work-queue.repository';

/** One step of an attempt, as Entra's provisioning log shows them (provisioningStep). */
export interface ProvisioningStep {
  step: 'import' | 'scoping' | 'matching' | 'mapping' | 'processing' | 'export';
  status: 'success' | 'skipped' | 'failure' | 'warning';
  description: string;
  details?: Record<string, unknown>;
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
