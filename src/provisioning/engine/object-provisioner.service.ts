import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { applyMappingSet, type CompiledMappingSet, type MappingResult } from '../../mapping/mapping-set';
import { MappingsService } from '../../mapping/mappings.service';
import { eqFilter, ScimListResponse, ScimResource, ScimResult } from '../client';
import { decideLifecycle, Decision } from '../sync/lifecycle-decision';
import {
  attributeOps,
  diffAttributes,
  flattenResource,
  FlatAttributes,
  hashAttributes,
  isEmptyDiff,
  memberOps,
  withoutMembers,
} from '../sync/scim-diff';
import { ProvisioningTarget } from '../targets/provisioning-target.entity';
import { TargetsRepository } from '../targets/targets.repository';
import { AttemptReport, AttemptStop, ProvisioningStep } from './attempt.types';
import { DirectoryObject, DirectoryReader } from './directory-reader.repository';
import { ProvisionedObject } from './provisioned-object.entity';
import { ProvisionedMembershipsRepository } from './provisioned-memberships.repository';
import { TargetSession, TargetSessions } from './target-session';
import { ObjectKey, ObjectOutcome, WorkQueueRepository } from './work-queue.repository';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** What the engine read once for a whole batch. `source`: undefined when not read, null when gone. */
export interface Prefetched {
  compiled?: CompiledMappingSet;
  source?: DirectoryObject | null;
}

interface Attempt {
  target: ProvisioningTarget;
  key: ObjectKey;
  session: TargetSession;
  steps: ProvisioningStep[];
  outcome: ObjectOutcome;
  reconcile: boolean;
  nowInTarget: boolean;
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
    private readonly memberships: ProvisionedMembershipsRepository,
    private readonly targets: TargetsRepository,
    private readonly sessions: TargetSessions,
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
    if (decision.kind === 'delete') return this.deleteInTarget(a, decision.why);
    const payload =
      decision.kind === 'disable' ? this.disabledPayload(compiled, source!, objectType) : mapped!.payload;
    a.session.sensitive = mapped?.sensitive ?? [];
    const desired = await this.translate(a, payload);
    if (decision.kind === 'create') return this.createInTarget(a, desired, mapped!);
    return this.updateInTarget(a, desired, decision.kind === 'disable', mapped);
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

  private async createInTarget(
    a: Attempt,
    desired: Record<string, unknown>,
    mapped: MappingResult,
  ): Promise<void> {
    const found = await this.lookup(a, mapped);
    if (found) return this.adopt(a, found, desired);
    const users = a.key.objectType === 'User';
    const body = withoutMembers(desired);
    const r = await a.session.send(
      { method: 'POST', path: users ? '/Users' : '/Groups', body },
      (c) => (users ? c.createUser(body) : c.createGroup(body)),
      'Create',
      { tolerate: [409] },
    );
    if (!r.ok) {
      // 409: it exists already (created by someone else, or by us before a crash): look it up and adopt it.
      const again = await this.lookup(a, mapped);
      if (!again)
        throw new AttemptStop(
          'permanent',
          'conflict',
          'The target answered 409 but no match was found by the matching attributes',
        );
      return this.adopt(a, again, desired);
    }
    this.recordSent(a, r.body.id, flattenResource(body), 'active');
    await this.syncMembers(a, desired);
  }

  /** Matching attributes by precedence (Entra evaluates them in turn); more than one hit is an error, not a guess. */
  private async lookup(a: Attempt, mapped: MappingResult): Promise<ScimResource | null> {
    const users = a.key.objectType === 'User';
    for (const m of mapped.matching) {
      const filter = eqFilter(m.targetAttribute, m.value);
      const r = (await a.session.send(
        { method: 'GET', path: `/${users ? 'Users' : 'Groups'}?filter=${filter}` },
        (c) => (users ? c.findUsers(filter) : c.findGroups(filter)),
      )) as ScimResult<ScimListResponse>;
      if (!r.ok) continue;
      const hits = r.body.Resources;
      a.steps.push({
        step: 'matching',
        status: 'success',
        description: `${filter}: ${hits.length === 0 ? 'no match' : hits.length === 1 ? `matched ${hits[0].id}` : `${hits.length} matches`}`,
      });
      if (hits.length > 1)
        throw new AttemptStop(
          'permanent',
          'multiple_matches',
          `${hits.length} resources in the target match ${filter}`,
        );
      if (hits.length === 1) return hits[0];
    }
    if (mapped.matching.length === 0)
      a.steps.push({ step: 'matching', status: 'warning', description: 'no matching attribute has a value' });
    return null;
  }

  /** A match: take its id, then send what differs from the resource the target holds (never remove its own data). */
  private async adopt(a: Attempt, found: ScimResource, desired: Record<string, unknown>): Promise<void> {
    a.outcome.targetObjectId = found.id;
    a.outcome.status = 'active';
    a.nowInTarget = true;
    await this.sendDiff(a, flattenResource(found), desired, { onlyDesired: true, adopted: true });
    await this.syncMembers(a, desired);
  }

  private async updateInTarget(
    a: Attempt,
    desired: Record<string, unknown>,
    disabling: boolean,
    mapped: MappingResult | null,
  ): Promise<void> {
    let previous: FlatAttributes | null = a.outcome.lastSent
      ? (JSON.parse(a.outcome.lastSent) as FlatAttributes)
      : null;
    let onlyDesired = false;
    if (a.reconcile || previous === null) {
      const actual = await this.readActual(a);
      if (!actual) return this.recreate(a, desired, mapped);
      previous = flattenResource(actual);
      onlyDesired = true;
    }
    const sent = await this.sendDiff(a, previous, desired, { onlyDesired, disabling });
    if (sent === 'gone') return this.recreate(a, desired, mapped);
    if (!disabling) await this.syncMembers(a, desired);
  }

  /** Entra's InvalidAnchor: the target lost the object. Forget its id and provision it again (lookup first). */
  private async recreate(
    a: Attempt,
    desired: Record<string, unknown>,
    mapped: MappingResult | null,
  ): Promise<void> {
    a.steps.push({
      step: 'matching',
      status: 'warning',
      description: `the target no longer has ${a.outcome.targetObjectId}`,
    });
    a.outcome.targetObjectId = null;
    a.outcome.status = 'none';
    a.outcome.lastSent = null;
    await this.memberships.forget(a.target.id, a.key.objectId);
    if (!mapped) throw new AttemptStop('permanent', 'invalid_anchor', 'The target lost the object');
    return this.createInTarget(a, desired, mapped);
  }

  private async readActual(a: Attempt): Promise<ScimResource | null> {
    const id = a.outcome.targetObjectId!;
    const users = a.key.objectType === 'User';
    const r = await a.session.send(
      { method: 'GET', path: `/${users ? 'Users' : 'Groups'}/${id}` },
      (c) => (users ? c.getUser(id) : c.getGroup(id)),
      undefined,
      {
        tolerate: [404],
      },
    );
    return r.ok ? r.body : null;
  }

  private async sendDiff(
    a: Attempt,
    previous: FlatAttributes,
    desired: Record<string, unknown>,
    opts: { onlyDesired?: boolean; disabling?: boolean; adopted?: boolean },
  ): Promise<'sent' | 'none' | 'gone'> {
    const desiredFlat = flattenResource(withoutMembers(desired));
    const diff = diffAttributes(previous, desiredFlat, { onlyDesired: opts.onlyDesired });
    const status = opts.disabling || desiredFlat.active === false ? 'disabled' : 'active';
    if (isEmptyDiff(diff)) {
      this.recordSent(a, a.outcome.targetObjectId!, desiredFlat, status);
      a.session.unchanged(
        opts.adopted
          ? `matched ${a.outcome.targetObjectId}; already in sync`
          : 'the target already has these values',
      );
      return 'none';
    }
    const users = a.key.objectType === 'User';
    const id = a.outcome.targetObjectId!;
    const path = `/${users ? 'Users' : 'Groups'}/${id}`;
    const action =
      status === 'disabled' && diff.changed.some(([p]) => p.toLowerCase() === 'active')
        ? 'Disable'
        : 'Update';
    let r: ScimResult<unknown>;
    if (a.target.updateStyle === 'PUT' && users) {
      const body = withoutMembers(desired);
      r = await a.session.send({ method: 'PUT', path, body }, (c) => c.replaceUser(id, body), action, {
        tolerate: [404],
      });
    } else {
      const ops = attributeOps(diff, a.target.profile);
      const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops };
      r = await a.session.send(
        { method: 'PATCH', path, body },
        (c) => (users ? c.patchUser(id, ops) : c.patchGroup(id, ops)),
        action,
        {
          tolerate: [404],
        },
      );
    }
    if (!r.ok) return 'gone';
    this.recordSent(a, id, desiredFlat, status);
    return 'sent';
  }

  /** Group membership: only members the target has, in chunks; removals of members it should no longer have. */
  private async syncMembers(a: Attempt, desired: Record<string, unknown>): Promise<void> {
    if (a.key.objectType !== 'Group' || !Array.isArray(desired.members)) return;
    const wanted = (desired.members as { value: string }[]).map((m) => m.value);
    const have = await this.memberships.memberIds(a.target.id, a.key.objectId);
    const wantedSet = new Set(wanted);
    const candidates = wanted.filter((id) => !have.has(id));
    const removed = [...have].filter((id) => !wantedSet.has(id));
    const ids = await this.queue.targetIds(a.target.id, [...candidates, ...removed]);
    const add = candidates.filter((id) => ids.has(id));
    const remove = removed.filter((id) => ids.has(id));
    const missing = candidates.length - add.length;
    if (missing > 0)
      a.steps.push({
        step: 'processing',
        status: 'warning',
        description: `${missing} member(s) not in the target yet; added once they are`,
      });
    const groupId = a.outcome.targetObjectId!;
    for (const ops of memberOps(
      add.map((id) => ids.get(id)!),
      remove.map((id) => ids.get(id)!),
      a.target.profile,
    )) {
      const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops };
      await a.session.send(
        { method: 'PATCH', path: `/Groups/${groupId}`, body },
        (c) => c.patchGroup(groupId, ops),
        'Update',
      );
    }
    const gone = removed.filter((id) => !ids.has(id));
    await this.memberships.record(a.target.id, a.key.objectId, add, [...remove, ...gone], this.clock.now());
  }

  private async deleteInTarget(a: Attempt, why: string): Promise<void> {
    const id = a.outcome.targetObjectId!;
    const users = a.key.objectType === 'User';
    await a.session.send(
      { method: 'DELETE', path: `/${users ? 'Users' : 'Groups'}/${id}` },
      (c) => (users ? c.deleteUser(id) : c.deleteGroup(id)),
      'Delete',
      {
        tolerate: [404],
        detail: why,
      },
    );
    await this.memberships.forget(a.target.id, a.key.objectId);
    a.outcome.targetObjectId = null;
    a.outcome.status = 'deleted';
    a.outcome.lastSent = null;
    a.outcome.lastSentHash = null;
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

  private recordSent(
    a: Attempt,
    targetObjectId: string,
    flat: FlatAttributes,
    status: 'active' | 'disabled',
  ): void {
    a.outcome.targetObjectId = targetObjectId;
    a.outcome.status = status;
    a.outcome.lastSent = JSON.stringify(flat);
    a.outcome.lastSentHash = hashAttributes(flat);
    a.nowInTarget = true;
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
