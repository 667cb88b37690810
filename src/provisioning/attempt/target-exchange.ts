import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { isSecretAttribute, redactBody, redactResponseText, ScimRequest, ScimResult } from '../client';
import { LogAction, LogStatus } from '../logs/provisioning-log.entity';
import { ProvisioningLogWriter } from '../logs/provisioning-log.writer';
import { ProvisioningMetrics } from '../metrics/provisioning-metrics';
import { classifyOutcome } from '../policy/retry-policy';
import { ObjectKey, ObjectOutcome } from '../queue/work-queue.repository';
import { BulkCapabilities, BulkMode } from '../targets/bulk-capabilities.service';
import { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { TargetClients } from '../targets/target-clients.service';
import { TargetHealthService } from '../targets/target-health.service';
import { PlanAnswer, PlannedRequest, readResponse, UNSENT } from './attempt-plan';
import { AttemptReport, ProvisioningStep } from './attempt.types';
import { BulkAnswer, BulkBatch, BulkSeat, BulkVia } from './bulk-batch';
import { loggedProperties, ModifiedProperty } from './modified-properties';

const EXCERPT = 2000;

export interface AttemptContext {
  changeSeq: number | null;
  requestId: string | null;
  attempt: number;
}

/** Why an attempt ended early: `retryable` goes again after backoff, `permanent` when something changes. */
export interface AttemptStop {
  kind: 'retryable' | 'permanent';
  reason: string;
  message: string;
  retryAfterMs?: number;
}

/** Opens one attempt's exchange with its target (one rate limiter, health record and log per target). */
@Injectable()
export class TargetExchanges {
  constructor(
    readonly clients: TargetClients,
    readonly health: TargetHealthService,
    readonly logs: ProvisioningLogWriter,
    readonly metrics: ProvisioningMetrics,
    readonly capabilities: BulkCapabilities,
    @Inject(CLOCK) readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.successResponses = config.provisioning.logResponses === 'all';
  }

  /** Whether a Success entry keeps the response body (PROVISIONING_LOG_RESPONSES=all); other entries always do. */
  readonly successResponses: boolean;

  /** `seat`: the attempt belongs to a batch whose writes go through `/Bulk`. */
  open(target: ProvisioningTarget, key: ObjectKey, context: AttemptContext, seat?: BulkSeat): TargetExchange {
    return new TargetExchange(target, key, context, this, seat);
  }

  /** A batch of attempts whose writes go together through the target's `/Bulk`, within `mode`'s limits. */
  bulkBatch(target: ProvisioningTarget, mode: BulkMode): BulkBatch {
    if (mode.mode !== 'bulk' || !mode.limits) throw new Error(`${target.id} does not take /Bulk now`);
    return new BulkBatch(target, { limits: mode.limits, alone: mode.alone ?? false }, this);
  }
}

/**
 * One attempt's exchange with a target, on the record: each planned request is sent as it is, through the rate
 * limiter, feeds the quarantine policy and the metrics, and becomes a step; writes, failures and skips become
 * provisioning log entries showing that same request (secrets and Redact()ed values masked).
 */
export class TargetExchange {
  readonly steps: ProvisioningStep[] = [];
  /** Target attributes whose values came through Redact(): masked in the log. */
  sensitive: string[] = [];
  private last?: { action: LogAction; status: LogStatus; reason: string | null; detail: string | null };

  constructor(
    private readonly target: ProvisioningTarget,
    private readonly key: ObjectKey,
    private readonly context: AttemptContext,
    private readonly deps: TargetExchanges,
    private readonly seat?: BulkSeat,
  ) {}

  /** Its writes go through `/Bulk` with other attempts' (`PlanInput.linkable`). */
  get linkable(): boolean {
    return this.seat?.links ?? false;
  }

  /**
   * The answer, or why the attempt stops: a failure the request does not tolerate. In a batch that goes through
   * `/Bulk`, a write's answer is its operation's result, treated exactly as the answer of its own request (with
   * the members a group's POST added by `bulkId:` reference, `linked`).
   */
  async send(request: PlannedRequest): Promise<{ result: PlanAnswer } | { stop: AttemptStop }> {
    const answer: BulkAnswer | null =
      this.seat && request.method !== 'GET' ? await this.seat.send(request, this.key.objectId) : null;
    // A PATCH that would only name members by bulkId, none of whose creates shared its request: nothing to send.
    if (request.linkOnly && answer?.kind !== 'result') return { result: UNSENT };
    if (answer?.kind === 'plain' && answer.why)
      this.steps.push({ step: 'export', status: 'warning', description: answer.why });
    const bulk = answer?.kind === 'result' ? answer : null;
    const r = readResponse(request, bulk ? bulk.result : await this.sendAlone(request));
    // In doubt (or refused for a member's failed create): retried, not read as the plan's tolerated answer.
    const tolerated = !r.ok && !bulk?.inDoubt && (request.tolerate ?? []).includes(r.status);
    // A /Bulk request that failed as a whole counted once, not once per operation.
    if (!bulk?.whole)
      await this.deps.health.record(this.target.id, tolerated ? { ok: true, status: r.status } : r);
    const outcome = tolerated ? 'success' : bulk?.inDoubt ? 'retryable' : classifyOutcome(r);
    const shown = this.shown(bulk?.sent !== undefined ? { ...request, body: bulk.sent } : request, bulk?.via);
    const text = this.shownText(r.text);
    const through = bulk ? ` (operation ${bulk.via.operation} of ${bulk.via.of} of POST /Bulk)` : '';
    this.steps.push({
      step: request.method === 'GET' ? 'matching' : 'export',
      status: outcome === 'success' ? 'success' : 'failure',
      description: `${request.method} ${target(request)} → ${r.status || r.error?.kind || 'no response'} in ${r.durationMs} ms${through}`,
      details: { request: shown, response: { status: r.status, body: text.slice(0, EXCERPT) } },
    });
    const changes =
      bulk?.linked && request.method === 'PATCH'
        ? { modifiedProperties: withLinkedMembers(request.modifiedProperties, bulk.sent) }
        : request;
    const sent = { request: shown, r, text, changes };
    if (outcome === 'success') {
      if (request.logAs)
        this.log(request.logAs, 'Success', request.reason ?? null, request.detail ?? null, sent);
      return { result: bulk?.linked ? { ...r, linked: bulk.linked } : r };
    }
    const retryable = outcome === 'retryable';
    const stop: AttemptStop = {
      kind: retryable ? 'retryable' : 'permanent',
      reason: retryable ? 'transient_failure' : 'target_rejected',
      message: r.error?.message ?? `HTTP ${r.status}`,
      retryAfterMs: r.retryAfterMs,
    };
    this.log(request.logAs ?? 'Other', 'Failure', stop.reason, stop.message, sent);
    return { stop };
  }

  /** A request of its own (within the batch's concurrency when the attempt has a seat). */
  private sendAlone(request: PlannedRequest): Promise<ScimResult<unknown>> {
    const { client, limiter } = this.deps.clients.connectionFor(this.target);
    const send = async () => {
      await limiter.take();
      return client.request(request);
    };
    return this.seat ? this.seat.plain(send) : send();
  }

  skip(reason: string, detail: string): void {
    this.log('Skip', 'Skipped', reason, detail);
  }

  /** Nothing to send: `no_change`, or only values the target did not keep before. */
  unchanged(reason: string, detail: string): void {
    this.log('Other', 'Skipped', reason, detail);
  }

  warn(action: LogAction, reason: string, detail: string): void {
    this.log(action, 'Warning', reason, detail);
  }

  /** The attempt's verdict is its last log entry; a stop not logged yet (a plan's rejection) is logged here. */
  report(outcome: ObjectOutcome, nowInTarget: boolean, stop?: AttemptStop): AttemptReport {
    if (stop && this.last?.status !== 'Failure') this.log('Other', 'Failure', stop.reason, stop.message);
    const last = this.last ?? {
      action: 'Other' as const,
      status: 'Success' as const,
      reason: null,
      detail: null,
    };
    return {
      ...this.key,
      ...last,
      steps: this.steps,
      outcome,
      nowInTarget,
      retry: stop?.kind === 'retryable' ? { retryAfterMs: stop.retryAfterMs } : undefined,
    };
  }

  /** The target's answer with the same attributes masked: a target echoes what it was sent. */
  private shownText(text: string): string {
    return redactResponseText(text, { secretAttributes: this.sensitive });
  }

  /** The request exactly as sent, body redacted; `bulk`: the operation of a `/Bulk` request it went as. */
  private shown(request: PlannedRequest, bulk?: BulkVia): ScimRequest & { bulk?: BulkVia } {
    const { method, path, query, body } = request;
    return {
      method,
      path,
      query,
      body: body === undefined ? undefined : redactBody(body, { secretAttributes: this.sensitive }),
      ...(bulk ? { bulk } : {}),
    };
  }

  /** `sent`: the request as shown, its answer and the answer's text as shown, and what the request changes. */
  private log(
    action: LogAction,
    status: LogStatus,
    reason: string | null,
    detail: string | null,
    sent?: {
      request: ScimRequest;
      r: ScimResult<unknown>;
      text: string;
      changes: { modifiedProperties?: ModifiedProperty[] };
    },
  ): void {
    const r = sent?.r;
    this.last = { action, status, reason, detail };
    this.deps.metrics.countDelivery(this.target.name, action, status);
    this.deps.logs.record({
      targetId: this.target.id,
      objectType: this.key.objectType,
      objectId: this.key.objectId,
      targetObjectId: null,
      changeSeq: this.context.changeSeq,
      action,
      status,
      reason,
      detail: detail?.slice(0, 1000) ?? null,
      request: sent ? JSON.stringify(sent.request) : null,
      modifiedProperties: loggedProperties(sent?.changes.modifiedProperties, (name) =>
        isSecretAttribute(name, { secretAttributes: this.sensitive }),
      ),
      responseStatus: r ? r.status || null : null,
      responseExcerpt:
        sent && (status !== 'Success' || this.deps.successResponses)
          ? (sent.text || r?.error?.message || '').slice(0, EXCERPT) || null
          : null,
      durationMs: r?.durationMs ?? 0,
      attempt: this.context.attempt,
      requestId: this.context.requestId,
      createdAt: this.deps.clock.now(),
    });
  }
}

/** Path and query as they go on the wire (the client sets each defined query parameter in order). */
function target(request: ScimRequest): string {
  if (!request.query) return request.path;
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) query.set(k, String(v));
  const text = query.toString();
  return text ? `${request.path}?${text}` : request.path;
}

/**
 * A membership PATCH that also named new members by `bulkId:` (its data as it went, `sent`): those references
 * join the members it adds, as they went on the wire (the target's ids are known only from the creates' results).
 */
function withLinkedMembers(
  properties: ModifiedProperty[] | undefined,
  sent: unknown,
): ModifiedProperty[] | undefined {
  const operations = (sent as { Operations?: { value?: unknown }[] } | undefined)?.Operations ?? [];
  const refs = operations.flatMap((op) =>
    Array.isArray(op.value)
      ? (op.value as { value?: unknown }[])
          .map((m) => m.value)
          .filter((v): v is string => typeof v === 'string' && v.startsWith('bulkId:'))
      : [],
  );
  if (refs.length === 0) return properties;
  const rest = (properties ?? []).filter((p) => !(p.name === 'members' && p.oldValue === null));
  const added = (properties ?? []).find((p) => p.name === 'members' && p.oldValue === null);
  const before = Array.isArray(added?.newValue) ? (added.newValue as unknown[]) : [];
  return [{ name: 'members', oldValue: null, newValue: [...before, ...refs] }, ...rest];
}
