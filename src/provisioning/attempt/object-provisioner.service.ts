import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { applyMappingSet, type CompiledMappingSet } from '../../mapping/mapping-set';
import { MappingsService } from '../../mapping/mappings.service';
import { decideLifecycle, Decision } from './lifecycle-decision';
import { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { TargetsRepository } from '../targets/targets.repository';
import { Attempt, AttemptReport, AttemptStop } from './attempt.types';
import { DirectoryObject, DirectoryReader } from '../../directory/readers/directory.reader';
import { ProvisionedObject } from '../queue/provisioned-object.entity';
import { TargetSessions } from './target-session';
import { TargetWrites } from './target-writes.service';
import { ObjectKey, WorkQueueRepository } from '../queue/work-queue.repository';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** What the engine read once for a whole batch. `source`: undefined when not read, null when gone. */
export interface Prefetched {
  compiled?: CompiledMappingSet;
  source?: DirectoryObject | null;
}

/**
 * Joiner, mover, leaver for one object in one target: import, scope, map, match, then send only the difference from
 * what was last sent. Every path ends in a request or a log entry that says why not.
 */
@Injectable()
export class ObjectProvisioner {
  constructor(
    private readonly mappings: MappingsService,
    private readonly directory: DirectoryReader,
    private readonly queue: WorkQueueRepository,
    private readonly targets: TargetsRepository,
    private readonly sessions: TargetSessions,
    private readonly writes: TargetWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async provisionObject(
    target: ProvisioningTarget,
    key: ObjectKey,
    row: ProvisionedObject | null,
    options: { reconcile: boolean; changeSeq: number | null; requestId: string | null; attempt: number },
    prefetched: Prefetched = {},
  ): Promise<AttemptReport> {
    const session = this.sessions.open(target, key, options);
    const a: Attempt = {
      target,
      key,
      session,
      steps: session.steps,
      reconcile: options.reconcile,
      nowInTarget: false,
      outcome: {
        targetObjectId: row?.targetObjectId ?? null,
        status: row?.status ?? 'none',
        lastSent: row?.lastSent ?? null,
        lastSentHash: row?.lastSentHash ?? null,
        lastResult: 'success',
        lastError: null,
        waitingFor: null,
      },
    };
    try {
      await this.run(a, prefetched);
      return session.report(a.outcome, a.nowInTarget);
    } catch (err) {
      if (!(err instanceof AttemptStop)) throw err;
      a.outcome.lastResult = 'failure';
      a.outcome.lastError = err.message;
      return session.failed(err, a.outcome, a.nowInTarget);
    }
  }

  private async run(a: Attempt, prefetched: Prefetched): Promise<void> {
    const compiled = prefetched.compiled ?? (await this.mappings.compiledFor(a.target.id));
    const source = await this.importObject(a, prefetched.source);
    const inTarget =
      a.outcome.targetObjectId !== null && (a.outcome.status === 'active' || a.outcome.status === 'disabled');
    const objectType = a.key.objectType === 'User' ? 'users' : 'groups';
    const mapped = source
      ? applyMappingSet(compiled, mappingSource(source), {
          phase: inTarget ? 'update' : 'create',
          ctx: this.mappings.evaluationContext(() => this.clock.now()),
          objectType,
        })
      : null;
    if (mapped) {
      a.steps.push({
        step: 'scoping',
        status: mapped.scope.inScope ? 'success' : 'skipped',
        description: mapped.scope.inScope ? 'in scope' : `out of scope: ${mapped.scope.reason ?? ''}`.trim(),
      });
      for (const e of mapped.errors)
        a.steps.push({
          step: 'mapping',
          status: 'warning',
          description: `${e.targetAttribute}: ${e.message}`,
        });
    }
    const actions = compiled.set[objectType].actions;
    const decision = decideLifecycle({
      objectType: a.key.objectType,
      exists: source !== null,
      softDeleted: source?.deletedAt != null,
      active: source?.active ?? false,
      scope: mapped?.scope ?? { inScope: false },
      ignoreObject: mapped?.ignoreObject ?? false,
      provisioned: { targetObjectId: a.outcome.targetObjectId, status: a.outcome.status },
      actions,
      target: a.target,
    });
    a.steps.push({
      step: 'processing',
      status: decision.kind === 'skip' ? 'skipped' : 'success',
      description: describe(decision),
    });
    if (decision.kind === 'skip') {
      a.session.skip(decision.reason, decision.detail);
      a.outcome.lastResult = 'skipped';
      return;
    }
    if (
      (decision.kind === 'disable' || decision.kind === 'delete') &&
      a.reconcile &&
      !(await this.withinThreshold(a))
    )
      return;
    if (decision.kind === 'delete') return this.writes.deleteInTarget(a, decision.why);
    const payload =
      decision.kind === 'disable' ? this.disabledPayload(compiled, source!, objectType) : mapped!.payload;
    a.session.sensitive = mapped?.sensitive ?? [];
    const desired = await this.translate(a, payload);
    if (decision.kind === 'create') return this.writes.createInTarget(a, desired, mapped!);
    return this.writes.updateInTarget(a, desired, decision.kind === 'disable', mapped);
  }

  private async importObject(
    a: Attempt,
    read: DirectoryObject | null | undefined,
  ): Promise<DirectoryObject | null> {
    const source =
      read !== undefined
        ? read
        : a.key.objectType === 'User'
          ? ((await this.directory.users([a.key.objectId])).get(a.key.objectId) ?? null)
          : await this.directory.group(a.key.objectId);
    if (source && a.key.objectType === 'Group') {
      source.doc = {
        ...source.doc,
        members: (await this.directory.memberIds(source.id)).map((value) => ({ value })),
      };
    }
    a.steps.push({
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

  /** Leaver: the mapping evaluated as out of scope ([IsSoftDeleted] true), and `active` false even if unmapped. */
  private disabledPayload(
    compiled: CompiledMappingSet,
    source: DirectoryObject,
    objectType: 'users' | 'groups',
  ) {
    const { payload } = applyMappingSet(
      compiled,
      { ...mappingSource(source), inScope: false },
      {
        phase: 'update',
        ctx: this.mappings.evaluationContext(() => this.clock.now()),
        objectType,
      },
    );
    payload.active = false;
    return payload;
  }

  /** Directory ids → the target's ids: the manager once it exists there; members are handled apart. */
  private async translate(a: Attempt, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out = structuredClone(payload);
    const ext = out[ENTERPRISE] as Record<string, unknown> | undefined;
    const manager = (ext?.manager as { value?: string } | undefined)?.value;
    if (ext && manager) {
      const tid = (await this.queue.targetIds(a.target.id, [manager])).get(manager);
      if (tid) ext.manager = { value: tid };
      else {
        delete ext.manager;
        a.outcome.waitingFor = manager;
        a.steps.push({
          step: 'mapping',
          status: 'warning',
          description: `manager ${manager} is not in the target yet; linked once it is (UnableToResolveReferenceAttributeValue)`,
        });
      }
    }
    return out;
  }

  /** Accidental-deletion prevention: a reconciliation sends at most `deletionThreshold` disables and deletes. */
  private async withinThreshold(a: Attempt): Promise<boolean> {
    if (await this.targets.countDeprovision(a.target.id, a.target.deletionThreshold)) return true;
    const detail = `held: this reconciliation reached the accidental-deletion threshold of ${a.target.deletionThreshold}`;
    await this.targets.holdDeletions(a.target.id, detail, this.clock.now());
    a.session.skip('deletion_threshold', detail);
    a.outcome.lastResult = 'skipped';
    return false;
  }
}

function mappingSource(o: DirectoryObject) {
  return { id: o.id, doc: o.doc, deleted: o.deletedAt !== null };
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
