import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { DirectoryObject, DirectoryReader } from '../../directory/readers/directory.reader';
import type { CompiledMappingSet, MappingResult } from '../../mapping/mapping-set';
import { MappingsService } from '../../mapping/mappings.service';
import type { AssignmentScope } from '../assignments/assignment-scope';
import { AssignmentScopes } from '../assignments/assignment-scopes.service';
import { ProvisionedMembershipsRepository } from '../queue/provisioned-memberships.repository';
import { ProvisionedObject } from '../queue/provisioned-object.entity';
import { ListedState, ObjectKey, ObjectOutcome, WorkQueueRepository } from '../queue/work-queue.repository';
import { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { TargetsRepository } from '../targets/targets.repository';
import {
  KnownState,
  memberChanges,
  MemberState,
  planAttempt,
  PlanInput,
  PlannedRequest,
  PlanResult,
  wantedMembers,
} from './attempt-plan';
import type { ScimResource, ScimResult } from '../client';
import { AttemptReport } from './attempt.types';
import type { Decision } from './lifecycle-decision';
import { managerOf, withManager } from './manager-reference';
import { evaluateObject } from './object-evaluation';
import type { BulkSeat } from './bulk-batch';
import { AttemptStop, TargetExchange, TargetExchanges } from './target-exchange';
import { MatchIndexes } from '../sync/match-indexes.service';

/** What the caller read ahead. `source`: undefined when not read, null when gone. */
export interface AttemptReads {
  compiled?: CompiledMappingSet;
  source?: DirectoryObject | null;
  assignment?: AssignmentScope;
}

type Stopped = { kind: 'stopped'; known: KnownState; stop: AttemptStop };

/** How long a spent deletion budget is trusted before the database is asked again. */
const BUDGET_RECHECK_MS = 1000;
/** A group's members not in the target yet asked about for one to wait for (`memberOnItsWay`): two reads at most. */
const WAITED_MEMBERS_CHECKED = 1000;

/**
 * Joiner, mover, leaver for one object in one target: import, scope, map and decide; hold deprovisioning at the
 * deletion threshold; translate the manager; then plan the requests and send exactly those. Every path ends in a
 * request or a log entry that says why not.
 */
@Injectable()
export class AttemptExecutor {
  private readonly budgetSpent = new Map<string, { until: number; detail: string }>();

  constructor(
    private readonly mappings: MappingsService,
    private readonly directory: DirectoryReader,
    private readonly queue: WorkQueueRepository,
    private readonly targets: TargetsRepository,
    private readonly memberships: ProvisionedMembershipsRepository,
    private readonly exchanges: TargetExchanges,
    private readonly assignmentScopes: AssignmentScopes,
    private readonly matchIndexes: MatchIndexes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async provisionObject(
    target: ProvisioningTarget,
    row: ProvisionedObject,
    attempt: number,
    reads: AttemptReads = {},
    seat?: BulkSeat,
  ): Promise<AttemptReport> {
    const key = { targetId: target.id, objectType: row.objectType, objectId: row.objectId };
    const exchange = this.exchanges.open(
      target,
      key,
      { changeSeq: row.changeSeq, requestId: row.requestId, attempt },
      seat,
    );
    const known: KnownState = {
      targetObjectId: row.targetObjectId,
      status: row.status,
      lastSent: row.lastSent,
      lastSentHash: row.lastSentHash,
      ignored: row.ignoredChanges,
      nowInTarget: false,
      // This claim counts one: more means an earlier one ended unrecorded, or in a failure.
      inDoubt: row.targetObjectId === null && row.unsettledClaims > 1,
    };
    const prepared = await this.prepare(target, row, known, exchange, reads);
    if (prepared === 'held')
      return exchange.report({ ...outcomeOf(known, 'skipped', null), deprovisionHold: 'held' }, false);
    if (!prepared) return exchange.report(outcomeOf(known, 'skipped', null), false);
    const { input, waitingFor } = prepared;
    let result = await this.execute(exchange, input);
    if (result.kind === 'lost') {
      // Entra's InvalidAnchor: forget what the target had, and provision it again (lookup first).
      await this.memberships.forget(target.id, key.objectId);
      const again = { ...input, decision: { kind: 'create' as const }, known: result.known };
      result = await this.execute(exchange, { ...again, members: await this.memberState(key, again) });
    }
    if (result.kind === 'done') {
      if (result.members === 'forget') await this.memberships.forget(target.id, key.objectId);
      else if (result.members) {
        const { added, removed } = result.members;
        await this.memberships.record(target.id, key.objectId, added, removed, this.clock.now());
      }
      return exchange.report(outcomeOf(result.known, 'success', waitingFor), result.known.nowInTarget);
    }
    const stop: AttemptStop =
      result.kind === 'stopped'
        ? result.stop
        : result.kind === 'rejected'
          ? { kind: 'permanent', reason: result.reason, message: result.detail }
          : { kind: 'permanent', reason: 'invalid_anchor', message: 'The target lost the object' };
    const outcome = {
      ...outcomeOf(result.known, 'failure', waitingFor),
      lastError: stop.message,
      // A released disable or delete that failed is still released when it is tried again.
      deprovisionHold: row.deprovisionHold === 'released' ? ('released' as const) : null,
    };
    return exchange.report(outcome, result.known.nowInTarget, stop);
  }

  /**
   * Reconciling by listing: true when the attempt for this user would send nothing and record nothing new, given
   * the target's resource as listed (read in place of the attempt's `GET`). Anything else (a change to send, a
   * leaver, a manager not in the target yet, an attempt pending, a state the gateway has not recorded) is false,
   * and the user is reconciled the usual way. `managers`: the target ids of the page's managers, read at once.
   */
  unchangedAsListed(
    target: ProvisioningTarget,
    row: ListedState,
    listed: ScimResource,
    reads: Required<AttemptReads>,
    managers: ReadonlyMap<string, string>,
  ): boolean {
    const { compiled, source, assignment } = reads;
    if (row.pending || row.deprovisionHold || !source) return false;
    if (row.targetObjectId !== listed.id || (row.status !== 'active' && row.status !== 'disabled'))
      return false;
    const known: KnownState = {
      targetObjectId: row.targetObjectId,
      status: row.status,
      lastSent: row.lastSent,
      lastSentHash: row.lastSentHash,
      ignored: row.ignoredChanges,
      nowInTarget: false,
      inDoubt: false,
    };
    const now = this.clock.now();
    const { mapped, decision, payload } = evaluateObject({
      compiled,
      objectType: 'User',
      source,
      assignment,
      target,
      known,
      now,
      ctx: this.mappings.evaluationContext(() => now),
    });
    // An update, or a change to an account already disabled (a new disable counts against the threshold).
    const settles =
      decision.kind === 'update' || (decision.kind === 'disable' && known.status === 'disabled');
    if (!settles || !payload) return false;
    // The manager as the target's id.
    let desired = payload;
    const manager = managerOf(payload);
    if (manager) {
      const tid = managers.get(manager);
      if (!tid) return false;
      desired = withManager(payload, tid);
    }
    const plan = planAttempt({
      objectType: 'User',
      decision,
      desired,
      matching: mapped?.matching ?? [],
      known,
      reconcile: true,
      target: {
        profile: target.profile,
        updateStyle: target.updateStyle,
        verifyUpdates: target.verifyUpdates,
      },
      now: now.toISOString(),
    });
    let read = false;
    for (let next = plan.next(); ;) {
      if (next.done) {
        const r = next.value;
        return (
          r.kind === 'done' &&
          r.known.lastSentHash === known.lastSentHash &&
          r.known.status === known.status &&
          r.known.ignored === known.ignored
        );
      }
      const effect = next.value;
      if (effect.kind === 'step' || (effect.kind === 'note' && effect.reason === 'no_change'))
        next = plan.next();
      else if (effect.kind === 'send' && effect.request.method === 'GET' && !read) {
        read = true;
        next = plan.next(listedAnswer(effect.request, listed));
      } else return false;
    }
  }

  /** Import, scope, map and decide; null when the attempt ends here (skipped, or held at the threshold). */
  private async prepare(
    target: ProvisioningTarget,
    row: ProvisionedObject,
    known: KnownState,
    exchange: TargetExchange,
    reads: AttemptReads,
  ): Promise<{ input: PlanInput; waitingFor: string | null } | 'held' | null> {
    const key = { targetId: target.id, objectType: row.objectType, objectId: row.objectId };
    const compiled = reads.compiled ?? (await this.mappings.compiledFor(target.id));
    const source = await this.importObject(exchange, key, reads.source);
    const assignment = source ? await this.assignmentOf(target, key, reads.assignment, exchange) : undefined;
    const now = this.clock.now();
    const { mapped, decision, payload } = evaluateObject({
      compiled,
      objectType: key.objectType,
      source,
      assignment,
      target,
      known,
      now,
      ctx: this.mappings.evaluationContext(() => now),
    });
    if (mapped) {
      exchange.steps.push({
        step: 'scoping',
        status: mapped.scope.inScope ? 'success' : 'skipped',
        description: mapped.scope.inScope ? 'in scope' : `out of scope: ${mapped.scope.reason ?? ''}`.trim(),
      });
      for (const e of mapped.errors)
        exchange.steps.push({
          step: 'mapping',
          status: 'warning',
          description: `${e.targetAttribute}: ${e.message}`,
        });
    }
    exchange.steps.push({
      step: 'processing',
      status: decision.kind === 'skip' ? 'skipped' : 'success',
      description: describe(decision),
    });
    if (decision.kind === 'skip') {
      exchange.skip(decision.reason, decision.detail);
      return null;
    }
    // A new disable or delete (not a change to an account already disabled) counts against the threshold.
    const deprovisioning =
      decision.kind === 'delete' || (decision.kind === 'disable' && known.status === 'active');
    if (
      deprovisioning &&
      row.deprovisionHold !== 'released' &&
      !(await this.withinThreshold(target, exchange))
    )
      return 'held';

    let desired: Record<string, unknown> = {};
    let waitingFor: string | null = null;
    if (payload) {
      exchange.sensitive = mapped?.sensitive ?? [];
      ({ desired, waitingFor } = await this.translateManager(target, exchange, payload));
    }
    const plan = {
      objectType: key.objectType,
      decision,
      desired,
      matching: mapped?.matching ?? [],
      known,
      reconcile: row.reconcile,
      ...(key.objectType === 'User' && !row.targetObjectId
        ? { index: this.matchIndexes.current(target) ?? undefined }
        : {}),
      ...(key.objectType === 'Group' && exchange.linkable ? { linkable: true } : {}),
      target: {
        profile: target.profile,
        updateStyle: target.updateStyle,
        verifyUpdates: target.verifyUpdates,
      },
      now: now.toISOString(),
    };
    const members = await this.memberState(key, plan);
    if (members && waitingFor === null)
      waitingFor = await this.memberOnItsWay(key.targetId, desired, members);
    return { input: { ...plan, members }, waitingFor };
  }

  /**
   * A group sent without some of its members (not in the target yet) waits for one of them still on its way: it is
   * sent again when that one arrives, by the wake after its batch or, if the process died first, by the sweep of
   * stranded objects. Its members' completions queue it too, but only for the memberships their batch read; this
   * covers a membership added while a member's create was in flight. Members that will never come (out of the
   * target's scope) are not waited for; of a large group only the first WAITED_MEMBERS_CHECKED are asked about.
   */
  private async memberOnItsWay(
    targetId: string,
    desired: Record<string, unknown>,
    members: MemberState,
  ): Promise<string | null> {
    const wanted = wantedMembers(desired) ?? [];
    const unsent = memberChanges(wanted, members.have).candidates.filter((id) => !members.targetIds.has(id));
    return unsent.length > 0
      ? this.queue.onePending(targetId, unsent.slice(0, WAITED_MEMBERS_CHECKED))
      : null;
  }

  /** Drives the plan: each request it yields is sent as it is, and the plan resumed with the answer. */
  private async execute(exchange: TargetExchange, input: PlanInput): Promise<PlanResult | Stopped> {
    const plan = planAttempt(input);
    for (let next = plan.next(); ;) {
      if (next.done) return next.value;
      const effect = next.value;
      if (effect.kind === 'step') {
        exchange.steps.push(effect.step);
        next = plan.next();
      } else if (effect.kind === 'skip') {
        exchange.skip(effect.reason, effect.detail);
        next = plan.next();
      } else if (effect.kind === 'note') {
        exchange.unchanged(effect.reason, effect.detail);
        next = plan.next();
      } else if (effect.kind === 'warning') {
        exchange.warn(effect.action, effect.reason, effect.detail);
        next = plan.next();
      } else {
        const sent = await exchange.send(effect.request);
        if ('stop' in sent) return { kind: 'stopped', known: effect.known, stop: sent.stop };
        next = plan.next(sent.result);
      }
    }
  }

  private async importObject(
    exchange: TargetExchange,
    key: ObjectKey,
    read: DirectoryObject | null | undefined,
  ): Promise<DirectoryObject | null> {
    const source =
      read !== undefined
        ? read
        : key.objectType === 'User'
          ? ((await this.directory.users([key.objectId])).get(key.objectId) ?? null)
          : await this.directory.group(key.objectId);
    if (source && key.objectType === 'Group') {
      source.doc = {
        ...source.doc,
        members: (await this.directory.memberIds(source.id)).map((value) => ({ value })),
      };
    }
    exchange.steps.push({
      step: 'import',
      status: 'success',
      description: !source
        ? 'purged from the directory'
        : source.deletedAt
          ? `soft-deleted in the directory at ${source.deletedAt.toISOString()}`
          : 'read from the directory',
    });
    return source;
  }

  /** Which assignments put the object in the target's scope, and its roles there; said in a step. */
  private async assignmentOf(
    target: ProvisioningTarget,
    key: ObjectKey,
    read: AssignmentScope | undefined,
    exchange: TargetExchange,
  ): Promise<AssignmentScope> {
    const assignment =
      read ??
      (await this.assignmentScopes.forObjects(target.id, [{ type: key.objectType, id: key.objectId }])).get(
        key.objectId,
      )!;
    const via = assignment.via.map((a) =>
      a.principalId === key.objectId ? 'directly' : `through group ${a.principalId}`,
    );
    exchange.steps.push({
      step: 'scoping',
      status: assignment.assigned || target.scope === 'all' ? 'success' : 'skipped',
      description: assignment.assigned
        ? `assigned ${[...new Set(via)].join(', ')}; roles ${assignment.roles.map((r) => r.displayName).join(', ')}`
        : target.scope === 'all'
          ? 'not assigned; the target syncs all users and groups'
          : 'not assigned to this target',
    });
    return assignment;
  }

  /** The manager as the target's id once it exists there; until then it is left out and the user waits for it. */
  private async translateManager(
    target: ProvisioningTarget,
    exchange: TargetExchange,
    payload: MappingResult['payload'],
  ): Promise<{ desired: Record<string, unknown>; waitingFor: string | null }> {
    const given = payload as Record<string, unknown>;
    const manager = managerOf(given);
    if (!manager) return { desired: given, waitingFor: null };
    const tid = (await this.queue.targetIds(target.id, [manager])).get(manager);
    if (tid) return { desired: withManager(given, tid), waitingFor: null };
    exchange.steps.push({
      step: 'mapping',
      status: 'warning',
      description: `manager ${manager} is not in the target yet; linked once it is (UnableToResolveReferenceAttributeValue)`,
    });
    return { desired: withManager(given, null), waitingFor: manager };
  }

  /** Members the target has (as far as we sent them), and the target ids of those to add or remove. */
  private async memberState(
    key: ObjectKey,
    plan: Pick<PlanInput, 'decision' | 'desired'>,
  ): Promise<MemberState | undefined> {
    const sendsMembers = plan.decision.kind === 'create' || plan.decision.kind === 'update';
    const wanted = key.objectType === 'Group' && sendsMembers ? wantedMembers(plan.desired) : null;
    if (!wanted) return undefined;
    const have = await this.memberships.memberIds(key.targetId, key.objectId);
    const { candidates, removed } = memberChanges(wanted, have);
    return { have, targetIds: await this.queue.targetIds(key.targetId, [...candidates, ...removed]) };
  }

  /**
   * Accidental-deletion prevention: at most `deletionThreshold` disables and deletes within the target's deletion
   * window, reconciliations and incremental changes alike; the rest are held for an admin to release or discard.
   */
  private async withinThreshold(target: ProvisioningTarget, exchange: TargetExchange): Promise<boolean> {
    if (target.deletionThreshold === null) return true;
    const now = this.clock.now();
    // Once the budget is spent, the objects that follow are held without asking the database each time; the
    // window frees budget slowly, so a second's delay in noticing it costs nothing.
    const spent = this.budgetSpent.get(target.id);
    if (spent && spent.until > now.getTime()) {
      exchange.skip('deletion_threshold', spent.detail);
      return false;
    }
    const budget = await this.targets.takeDeprovision(
      target.id,
      target.deletionThreshold,
      target.deletionWindowMinutes * 60_000,
      now,
    );
    if (budget.allowed) return true;
    const detail =
      `held: ${budget.sent} disables and deletes in the last ${target.deletionWindowMinutes} minutes reached the ` +
      `accidental-deletion threshold of ${target.deletionThreshold}; release or discard the held ones`;
    // Recorded before the status is written: the takes refused with this one (asked together) write it once.
    const said = this.budgetSpent.get(target.id)?.detail;
    this.budgetSpent.set(target.id, { until: now.getTime() + BUDGET_RECHECK_MS, detail });
    if (said !== detail) await this.targets.holdDeletions(target.id, detail, now);
    exchange.skip('deletion_threshold', detail);
    return false;
  }
}

function outcomeOf(
  known: KnownState,
  lastResult: ObjectOutcome['lastResult'],
  waitingFor: string | null,
): ObjectOutcome {
  return {
    targetObjectId: known.targetObjectId,
    status: known.status,
    lastSent: known.lastSent,
    lastSentHash: known.lastSentHash,
    ignoredChanges: known.ignored,
    lastResult,
    lastError: null,
    waitingFor,
    deprovisionHold: null,
  };
}

function describe(d: Decision): string {
  switch (d.kind) {
    case 'skip':
      return `skip (${d.reason}): ${d.detail}`;
    case 'create':
      return 'joiner: match, else create';
    case 'update':
      return 'update: send what changed';
    case 'disable':
      return `leaver: disable (${d.why})`;
    case 'delete':
      return `leaver: delete (${d.why})`;
  }
}

/** The listed resource as the answer to the attempt's `GET` of it. */
function listedAnswer(request: PlannedRequest, listed: ScimResource): ScimResult<unknown> {
  return {
    ok: true,
    method: 'GET',
    url: request.path,
    status: 200,
    headers: {},
    text: '',
    durationMs: 0,
    body: listed,
  };
}
