import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import type { MappingResult } from '../../mapping/mapping-set';
import { ScimListResponse, ScimResource, ScimResult, eqFilter } from '../client';
import {
  attributeOps,
  diffAttributes,
  flattenResource,
  FlatAttributes,
  hashAttributes,
  isEmptyDiff,
  memberOps,
  withoutMembers,
} from './scim-diff';
import { Attempt, AttemptStop } from './attempt.types';
import { ProvisionedMembershipsRepository } from '../queue/provisioned-memberships.repository';
import { WorkQueueRepository } from '../queue/work-queue.repository';

/**
 * The target side of an attempt, once the decision is made: match then create (or adopt), send only what changed
 * (PATCH or PUT), keep group members in step in chunks, delete. The outcome to store is written into the attempt.
 */
@Injectable()
export class TargetWrites {
  constructor(
    private readonly queue: WorkQueueRepository,
    private readonly memberships: ProvisionedMembershipsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async createInTarget(a: Attempt, desired: Record<string, unknown>, mapped: MappingResult): Promise<void> {
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

  async updateInTarget(
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

  async deleteInTarget(a: Attempt, why: string): Promise<void> {
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
