import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { redactBody, ScimClient, ScimResult } from '../client';
import { LogEntryInput } from '../logs/provisioning-log.repository';
import { LogAction, LogStatus } from '../logs/provisioning-log.entity';
import { ProvisioningLogWriter } from '../logs/provisioning-log.writer';
import { ProvisioningMetrics } from '../metrics/provisioning-metrics';
import { classifyOutcome } from '../policy/retry-policy';
import { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { TargetClients } from '../targets/target-clients.service';
import { AttemptReport, AttemptStop, ProvisioningStep, SentRequest } from './attempt.types';
import { TargetHealthService } from '../targets/target-health.service';
import { ObjectKey, ObjectOutcome } from '../queue/work-queue.repository';

const EXCERPT = 2000;

interface SessionOptions {
  changeSeq: number | null;
  requestId: string | null;
  attempt: number;
}

/**
 * One attempt's conversation with a target: every request goes through the rate limiter, feeds the quarantine
 * policy and the metrics, and every write, failure and skip becomes a provisioning log entry (redacted).
 */
export class TargetSession {
  readonly steps: ProvisioningStep[] = [];
  /** Target attributes whose values came through Redact(): masked in the log. */
  sensitive: string[] = [];
  private last?: { action: LogAction; status: LogStatus; reason: string | null; detail: string | null };

  constructor(
    private readonly target: ProvisioningTarget,
    private readonly key: ObjectKey,
    private readonly options: SessionOptions,
    private readonly deps: TargetSessions,
  ) {}

  async send<T>(
    req: SentRequest,
    call: (client: ScimClient) => Promise<ScimResult<T>>,
    logAs?: LogAction,
    opts: { tolerate?: number[]; detail?: string } = {},
  ): Promise<ScimResult<T>> {
    const { client, limiter } = this.deps.clients.connectionFor(this.target);
    await limiter.take();
    const r = await call(client);
    const tolerated = !r.ok && (opts.tolerate ?? []).includes(r.status);
    await this.deps.health.record(this.target.id, tolerated ? { ok: true, status: r.status } : r);
    const outcome = tolerated ? 'success' : classifyOutcome(r);
    const shown = this.redacted(req);
    this.steps.push({
      step: req.method === 'GET' ? 'matching' : 'export',
      status: outcome === 'success' ? 'success' : 'failure',
      description: `${req.method} ${req.path} → ${r.status || r.error?.kind || 'no response'} in ${r.durationMs} ms`,
      details: {
        request: shown,
        response: { status: r.status, body: r.text.slice(0, EXCERPT) },
      },
    });
    if (outcome === 'success') {
      if (logAs) this.log(logAs, 'Success', null, opts.detail ?? null, shown, r);
      return r;
    }
    const message = r.error?.message ?? `HTTP ${r.status}`;
    const retryable = outcome === 'retryable';
    this.log(
      logAs ?? 'Other',
      'Failure',
      retryable ? 'transient_failure' : 'target_rejected',
      message,
      shown,
      r,
    );
    throw new AttemptStop(
      retryable ? 'retryable' : 'permanent',
      retryable ? 'transient_failure' : 'target_rejected',
      message,
      r.retryAfterMs,
    );
  }

  skip(reason: string, detail: string): void {
    this.log('Skip', 'Skipped', reason, detail);
  }

  unchanged(detail: string): void {
    this.log('Other', 'Skipped', 'no_change', detail);
  }

  report(outcome: ObjectOutcome, nowInTarget: boolean): AttemptReport {
    const last = this.last ?? {
      action: 'Other' as const,
      status: 'Success' as const,
      reason: null,
      detail: null,
    };
    return { ...this.key, ...last, steps: this.steps, outcome, nowInTarget };
  }

  failed(err: AttemptStop, outcome: ObjectOutcome, nowInTarget: boolean): AttemptReport {
    if (!this.last || this.last.status !== 'Failure') this.log('Other', 'Failure', err.reason, err.message);
    return {
      ...this.report(outcome, nowInTarget),
      retry: err.kind === 'retryable' ? { retryAfterMs: err.retryAfterMs } : undefined,
    };
  }

  private redacted(req: SentRequest) {
    return {
      ...req,
      body: req.body === undefined ? undefined : redactBody(req.body, { secretAttributes: this.sensitive }),
    };
  }

  private log(
    action: LogAction,
    status: LogStatus,
    reason: string | null,
    detail: string | null,
    req?: SentRequest,
    r?: ScimResult<unknown>,
  ): void {
    this.last = { action, status, reason, detail };
    this.deps.metrics.countDelivery(this.target.id, action, status);
    const entry: LogEntryInput = {
      targetId: this.target.id,
      objectType: this.key.objectType,
      objectId: this.key.objectId,
      targetObjectId: null,
      changeSeq: this.options.changeSeq,
      action,
      status,
      reason,
      detail: detail?.slice(0, 1000) ?? null,
      // `req` arrives redacted from send().
      request: req ? JSON.stringify(req) : null,
      responseStatus: r ? r.status || null : null,
      responseExcerpt: r ? (r.text || r.error?.message || '').slice(0, EXCERPT) || null : null,
      durationMs: r?.durationMs ?? 0,
      attempt: this.options.attempt,
      requestId: this.options.requestId,
      createdAt: this.deps.clock.now(),
    };
    this.deps.logs.record(entry);
  }
}

@Injectable()
export class TargetSessions {
  constructor(
    readonly clients: TargetClients,
    readonly health: TargetHealthService,
    readonly logs: ProvisioningLogWriter,
    readonly metrics: ProvisioningMetrics,
    @Inject(CLOCK) readonly clock: Clock,
  ) {}

  open(target: ProvisioningTarget, key: ObjectKey, options: SessionOptions): TargetSession {
    return new TargetSession(target, key, options, this);
  }
}
