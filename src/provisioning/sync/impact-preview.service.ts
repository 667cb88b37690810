import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { DirectoryObject, DirectoryReader } from '../../directory/readers/directory.reader';
import type { CompiledMappingSet, MappingSet } from '../../mapping/mapping-set';
import { MappingsService } from '../../mapping/mappings.service';
import { ENTERPRISE_USER_SCHEMA } from '../../scim-protocol';
import { DEFAULT_ROLE_ID } from '../assignments/app-role.entity';
import type { AssignmentGrant } from '../assignments/assignment-scope';
import { AssignmentScopes } from '../assignments/assignment-scopes.service';
import { AssignmentsRepository, type Principal } from '../assignments/assignments.repository';
import { AssignmentsService } from '../assignments/assignments.service';
import { evaluateObject, type Evaluation } from '../attempt/object-evaluation';
import {
  diffAttributes,
  flattenResource,
  isEmptyDiff,
  withoutMembers,
  type FlatAttributes,
} from '../attempt/scim-diff';
import { WorkQueueRepository } from '../queue/work-queue.repository';
import { assignedAndHeld } from './assigned-walk';
import { liveAndGone } from './directory-walk';
import { objectTypesOf } from '../targets/target.types';
import type { ProvisioningTarget, TargetScope } from '../targets/provisioning-target.entity';
import { TargetsService } from '../targets/targets.service';

const PAGE = 1000;
const EXAMPLES = 20;
export const IMPACT_KINDS = ['create', 'update', 'disable', 'delete', 'unchanged', 'skip'] as const;
export type ImpactKind = (typeof IMPACT_KINDS)[number];

/** A change of what or whom a target provisions, not saved: the impact preview says what it would send. */
export interface ImpactProposal {
  mappings?: MappingSet;
  scope?: TargetScope;
  assign?: (Principal & { roleId?: string })[];
  /** Principals whose every assignment on the target would go. */
  unassign?: Principal[];
}

export interface ImpactExample {
  objectType: 'User' | 'Group';
  objectId: string;
  displayName: string | null;
  /** Why: the leaver path, the skip reason, or the attributes that would change. */
  detail: string;
}

export interface ImpactPreview {
  evaluated: number;
  counts: Record<ImpactKind, number>;
  examples: Record<ImpactKind, ImpactExample[]>;
  /** Set when more disables and deletes would be sent than the deletion threshold lets through at once. */
  threshold: string | null;
  durationMs: number;
}

interface Context {
  target: ProvisioningTarget & { scope: TargetScope };
  /** Saving a mapping set or a scope starts a reconciliation, which compares with the target's resources and
   * never removes what the gateway does not map; assignments alone go the incremental way, against what was sent. */
  reconciles: boolean;
  compiled: CompiledMappingSet;
  proposed?: { add: AssignmentGrant[]; removePrincipals: ReadonlySet<string> };
  preview: ImpactPreview;
}

/**
 * What a change of mapping set, scoping filter, scope setting or assignments would do in the app, before it is
 * saved: the objects the reconciliation after a save would walk (every live object, or for a target that syncs only
 * assigned objects the assigned ones; and every object the target holds) evaluated as an attempt would, against what
 * was last sent, counted, with examples. Nothing is sent or written.
 */
@Injectable()
export class ImpactPreviewService {
  constructor(
    private readonly targets: TargetsService,
    private readonly mappings: MappingsService,
    private readonly assignments: AssignmentsService,
    private readonly scopes: AssignmentScopes,
    private readonly directory: DirectoryReader,
    private readonly queue: WorkQueueRepository,
    private readonly assignmentRows: AssignmentsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async previewImpact(targetId: string, proposal: ImpactProposal): Promise<ImpactPreview> {
    const started = Date.now();
    const stored = await this.targets.requireTarget(targetId);
    const compiled = proposal.mappings
      ? this.mappings.compileProposal(proposal.mappings)
      : await this.mappings.compiledFor(targetId);
    const ctx: Context = {
      target: { ...stored, scope: proposal.scope ?? stored.scope },
      reconciles: proposal.mappings !== undefined || (proposal.scope ?? stored.scope) !== stored.scope,
      compiled,
      proposed: await this.proposedAssignments(targetId, proposal),
      preview: {
        evaluated: 0,
        counts: Object.fromEntries(IMPACT_KINDS.map((k) => [k, 0])) as Record<ImpactKind, number>,
        examples: Object.fromEntries(IMPACT_KINDS.map((k) => [k, []])) as unknown as Record<
          ImpactKind,
          ImpactExample[]
        >,
        threshold: null,
        durationMs: 0,
      },
    };
    // The objects the reconciliation that follows a save would walk: every live object (for a target that syncs
    // only assigned objects, the assigned ones, proposed assignments included), and the objects the target holds
    // that are no longer live or no longer assigned: leavers it would send.
    const reads = { directory: this.directory, assignments: this.assignmentRows, queue: this.queue };
    for (const type of objectTypesOf(ctx.target)) {
      const pages =
        ctx.target.scope === 'assigned'
          ? assignedAndHeld(reads, targetId, type, PAGE, { also: ctx.proposed?.add })
          : liveAndGone(this.directory, this.queue, targetId, type, PAGE);
      for await (const page of pages) await this.evaluatePage(ctx, type, page.ids);
    }
    const { counts } = ctx.preview;
    const leaving = counts.disable + counts.delete;
    const threshold = stored.deletionThreshold;
    if (threshold !== null && leaving > threshold)
      ctx.preview.threshold =
        `${leaving} disables and deletes exceed the accidental-deletion threshold of ${threshold} per ` +
        `${stored.deletionWindowMinutes} minutes: the rest would be held for release`;
    ctx.preview.durationMs = Date.now() - started;
    return ctx.preview;
  }

  private async proposedAssignments(
    targetId: string,
    proposal: ImpactProposal,
  ): Promise<Context['proposed']> {
    if (!proposal.assign?.length && !proposal.unassign?.length) return undefined;
    const add: AssignmentGrant[] = [];
    for (const a of proposal.assign ?? []) {
      const roleId = a.roleId ?? DEFAULT_ROLE_ID;
      await this.assignments.requireAssignable(targetId, [a], roleId);
      add.push({ principalType: a.type, principalId: a.id, roleId });
    }
    return { add, removePrincipals: new Set((proposal.unassign ?? []).map((p) => p.id)) };
  }

  private async evaluatePage(ctx: Context, type: 'User' | 'Group', ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const targetId = ctx.target.id;
    const [sources, states, scopes] = await Promise.all([
      type === 'User' ? this.directory.users(ids) : this.directory.groups(ids),
      this.queue.states(targetId, type, ids),
      this.scopes.forObjects(
        targetId,
        ids.map((id) => ({ type, id })),
        ctx.proposed,
      ),
    ]);
    const now = this.clock.now();
    const evaluations = ids.map((id) => {
      const state = states.get(id);
      const evaluation = evaluateObject({
        compiled: ctx.compiled,
        objectType: type,
        source: sources.get(id) ?? null,
        assignment: scopes.get(id),
        target: ctx.target,
        known: { targetObjectId: state?.targetObjectId ?? null, status: state?.status ?? 'none' },
        now,
        ctx: this.mappings.evaluationContext(() => now),
      });
      return { id, evaluation, lastSent: state?.lastSent ?? null, status: state?.status ?? 'none' };
    });
    const managers = await this.queue.targetIds(
      targetId,
      evaluations.map((e) => managerOf(e.evaluation.payload)).filter((m): m is string => m !== undefined),
    );
    for (const e of evaluations) {
      const { kind, detail } = classify(e.evaluation, e.lastSent, e.status, managers, ctx.reconciles);
      ctx.preview.evaluated++;
      ctx.preview.counts[kind]++;
      const examples = ctx.preview.examples[kind];
      if (examples.length < EXAMPLES)
        examples.push({
          objectType: type,
          objectId: e.id,
          displayName: displayNameOf(sources.get(e.id)),
          detail,
        });
    }
  }
}

/** Which request an attempt would send, from the decision and the difference with what was last sent. */
function classify(
  evaluation: Evaluation,
  lastSent: string | null,
  status: string,
  managers: ReadonlyMap<string, string>,
  onlyDesired: boolean,
): { kind: ImpactKind; detail: string } {
  const { decision, payload } = evaluation;
  switch (decision.kind) {
    case 'skip':
      return { kind: 'skip', detail: `${decision.reason}: ${decision.detail}` };
    case 'create':
      return { kind: 'create', detail: 'joiner' };
    case 'delete':
      return { kind: 'delete', detail: `${decision.reason}: ${decision.why}` };
    default: {
      // Without a record of what was sent, the attempt reads the target and sends the difference: an update.
      if (lastSent === null) return { kind: decision.kind, detail: 'compared with the target when sent' };
      const previous = JSON.parse(lastSent) as FlatAttributes;
      const desired = flattenResource(withoutMembers(translateManager(payload!, managers)));
      const diff = diffAttributes(previous, desired, { onlyDesired });
      if (isEmptyDiff(diff)) return { kind: 'unchanged', detail: 'the target already has these values' };
      const paths = [...diff.changed.map(([p]) => p), ...diff.removed];
      if (decision.kind === 'disable' && status === 'active')
        return { kind: 'disable', detail: `${decision.reason}: ${decision.why}` };
      return {
        kind: 'update',
        detail: `changes ${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', …' : ''}`,
      };
    }
  }
}

function managerOf(payload: Record<string, unknown> | null): string | undefined {
  const ext = payload?.[ENTERPRISE_USER_SCHEMA] as { manager?: { value?: string } } | undefined;
  return ext?.manager?.value;
}

/** As the attempt sends it: the manager by the target's id, left out while the target does not have it. */
function translateManager(
  payload: Record<string, unknown>,
  managers: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const manager = managerOf(payload);
  if (manager === undefined) return payload;
  const ext = { ...(payload[ENTERPRISE_USER_SCHEMA] as Record<string, unknown>) };
  const tid = managers.get(manager);
  if (tid) ext.manager = { value: tid };
  else delete ext.manager;
  return { ...payload, [ENTERPRISE_USER_SCHEMA]: ext };
}

function displayNameOf(o: DirectoryObject | undefined): string | null {
  const name = o?.doc.displayName ?? o?.doc.userName;
  return typeof name === 'string' ? name : null;
}
