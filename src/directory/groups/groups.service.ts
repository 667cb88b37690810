import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../../common/clock';
import { ConflictError, InvalidRequestError, NotFoundError } from '../../common/errors';
import { RequestContext } from '../../common/request-context';
import { TransactionRunner } from '../../database/transaction-runner';
import { JournalWriter } from '../journal/journal.writer';
import { DirectoryGroup } from './directory-group.entity';
import {
  ListQuery,
  ListResult,
  MemberRef,
  ScimDocument,
  StoredMember,
  StoredResource,
  WritePreconditions,
} from '../directory.types';
import { SoftDeleteService } from '../lifecycle/soft-delete.service';
import { ListQueryCompiler } from '../list/list-query.compiler';
import { type DisplayedMember, GroupsRepository } from './groups.repository';
import { liveMemberIds, MembershipsRepository } from '../memberships/memberships.repository';
import type { StoredRow } from '../list/list-page';
import { addedIds, classifyMembers, MembershipChange, planChange } from './membership-plan';
import { MembershipCoalescer } from './membership-coalescer';
import {
  checkNameCharacters,
  checkPreconditions,
  MAX_OPTIMISTIC_RETRIES,
  normalizeKey,
  serializeDocument,
} from '../write-guard';
import { newObjectId } from '../object-ids';

export interface GroupChange {
  doc: ScimDocument;
  membership?: MembershipChange;
}

/** The directory's groups and their membership rows: the only code that writes them. */
@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly journal: JournalWriter,
    private readonly tx: TransactionRunner,
    private readonly coalescer: MembershipCoalescer,
    private readonly lists: ListQueryCompiler,
    private readonly softDeletes: SoftDeleteService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async createGroup(doc: ScimDocument, members: MemberRef[], ctx: RequestContext): Promise<StoredResource> {
    const now = this.clock.now();
    const row: DirectoryGroup = {
      id: newObjectId(),
      ...deriveGroupColumns(doc),
      doc: serializeDocument(doc, 'Group'),
      version: 1,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    await this.tx.runGrouped(async (manager) => {
      const resolved = await this.resolveMembers(manager, row.id, members);
      await this.groups.insert(manager, row);
      await this.journal.append(
        manager,
        {
          objectType: 'Group',
          objectId: row.id,
          kind: 'created',
          objectVersion: 1,
          documents: { before: null, after: doc },
        },
        ctx,
      );
      await this.applyMembership(manager, row.id, 1, { add: resolved, remove: [] }, now, ctx);
    });
    return toStored(row);
  }

  async getGroup(id: string): Promise<StoredResource> {
    return toStored(await this.requireLive(id));
  }

  /** A group's members with their display names, for a read of the group (see listMembersWithDisplay). */
  async listMembers(groupId: string): Promise<DisplayedMember[]> {
    return (await this.groups.listMembersWithDisplay([groupId])).get(groupId)!;
  }

  listMembersOf(groupIds: string[]): Promise<Map<string, DisplayedMember[]>> {
    return this.groups.listMembersWithDisplay(groupIds);
  }

  async listGroups(request: ListQuery): Promise<ListResult> {
    const { total, rows, hasMore } = await this.groups.list(this.lists.compile('Group', request));
    return { total, resources: rows.map(toStored), hasMore };
  }

  /** PUT: the document and the whole member list are replaced (only the difference is written). */
  replaceGroup(
    id: string,
    doc: ScimDocument,
    members: MemberRef[],
    pre: WritePreconditions,
    ctx: RequestContext,
  ): Promise<StoredResource> {
    return this.modifyGroup(
      id,
      () => ({ doc, membership: { add: members, remove: [], removeAll: true } }),
      pre,
      ctx,
    );
  }

  /**
   * A change to the group's members alone, without If-Match: it joins the group's next batch and needs no read of
   * the group first (a busy group gets one such PATCH per joiner).
   */
  async changeMembers(
    id: string,
    membership: MembershipChange,
    ctx: RequestContext,
  ): Promise<StoredResource> {
    try {
      const written = await this.coalescer.apply(id, membership, ctx);
      return toStored(written === 'unchanged' ? await this.requireLive(id) : written);
    } catch (err) {
      // A refused member of a group that does not exist: the group's absence is the answer.
      if (err instanceof InvalidRequestError) await this.requireLive(id);
      throw err;
    }
  }

  /**
   * Read, change, compare-and-set on the group's version. Membership changes touch only the named rows,
   * except `removeAll`, which diffs the current members against the ones to keep.
   */
  async modifyGroup(
    id: string,
    change: (current: StoredResource) => GroupChange,
    pre: WritePreconditions,
    ctx: RequestContext,
  ): Promise<StoredResource> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.requireLive(id);
      checkPreconditions(pre, current.version);
      const before = toStored(current);
      const next = change(before);
      const now = this.clock.now();
      const docText = serializeDocument(next.doc, 'Group');
      const docChanged = docText !== current.doc;
      if (!docChanged && next.membership && !next.membership.removeAll && !pre.ifMatch) {
        // Members only, no If-Match: commutes with other such changes, so it joins the group's next batch.
        return this.changeMembers(id, next.membership, ctx);
      }
      const row: DirectoryGroup = {
        ...current,
        ...deriveGroupColumns(next.doc),
        doc: docText,
        version: current.version + 1,
        updatedAt: now,
      };
      const outcome = await this.tx.runGrouped(async (manager) => {
        const membership = next.membership
          ? await this.planMembership(manager, id, next.membership)
          : undefined;
        const membersChange = membership && (membership.add.length > 0 || membership.remove.length > 0);
        if (!docChanged && !membersChange) return { status: 'unchanged' as const };
        let written: DirectoryGroup | null = null;
        if (docChanged) {
          if (await this.groups.updateIfVersion(manager, row, current.version)) written = row;
        } else if (
          await this.groups.bumpVersion(manager, id, pre.ifMatch ? current.version : undefined, now)
        ) {
          // Membership only: commutes with other membership changes, so no compare-and-set unless If-Match asked.
          written = await this.groups.findLive(id, manager);
        }
        if (!written) return { status: 'raced' as const };
        const version = written.version;
        if (docChanged) {
          await this.journal.append(
            manager,
            {
              objectType: 'Group',
              objectId: id,
              kind: next.membership?.removeAll ? 'replaced' : 'patched',
              objectVersion: version,
              documents: { before: before.doc, after: next.doc },
            },
            ctx,
          );
        }
        if (membership) await this.applyMembership(manager, id, version, membership, now, ctx);
        return { status: 'written' as const, row: written };
      });
      if (outcome.status === 'unchanged') return toStored(current);
      if (outcome.status === 'written') return toStored(outcome.row);
      if (attempt >= MAX_OPTIMISTIC_RETRIES) {
        throw new ConflictError('The group is being changed by another request; retry');
      }
    }
  }

  /** Soft delete: gone from reads, memberships dropped, the row kept for deprovisioning until the purge. */
  deleteGroup(id: string, pre: WritePreconditions, ctx: RequestContext): Promise<void> {
    return this.softDeletes.softDelete('Group', this.groups, id, pre, ctx);
  }

  /** Turns a requested change into exact row inserts and deletes, validating the new members. */
  private async planMembership(
    manager: EntityManager,
    groupId: string,
    change: MembershipChange,
  ): Promise<{ add: StoredMember[]; remove: string[] }> {
    const live = await liveMemberIds(manager, addedIds(change.add));
    const plan = planChange(groupId, change, live.users, live.groups);
    if (!change.removeAll) return plan;
    const keep = new Set(plan.add.map((m) => m.value));
    const current = await this.memberships.listMembers(groupId);
    return { add: plan.add, remove: current.map((m) => m.value).filter((id) => !keep.has(id)) };
  }

  private async applyMembership(
    manager: EntityManager,
    groupId: string,
    version: number,
    plan: { add: StoredMember[]; remove: string[] },
    at: Date,
    ctx: RequestContext,
  ): Promise<void> {
    const removed =
      plan.remove.length > 0 ? await this.memberships.remove(manager, groupId, plan.remove) : [];
    const added = plan.add.length > 0 ? await this.memberships.add(manager, groupId, plan.add, at) : [];
    await this.journal.appendMembershipChange(manager, groupId, 'members_removed', removed, version, ctx);
    await this.journal.appendMembershipChange(manager, groupId, 'members_added', added, version, ctx);
  }

  /** Every member must be a live user or group (400 otherwise); its type is what the store says it is. */
  private async resolveMembers(
    manager: EntityManager,
    groupId: string,
    members: MemberRef[],
  ): Promise<StoredMember[]> {
    const live = await liveMemberIds(manager, addedIds(members));
    return classifyMembers(groupId, members, live.users, live.groups);
  }

  private async requireLive(id: string): Promise<DirectoryGroup> {
    const row = await this.groups.findLive(id);
    if (!row) throw new NotFoundError(`Group ${id} not found`);
    return row;
  }
}

function deriveGroupColumns(
  doc: ScimDocument,
): Pick<DirectoryGroup, 'displayName' | 'displayNameNormalized' | 'externalId'> {
  const displayName = doc.displayName;
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw new InvalidRequestError('Attribute displayName is required', 'invalidValue');
  }
  if (displayName.length > 255) {
    throw new InvalidRequestError('Attribute displayName is longer than 255 characters', 'invalidValue');
  }
  const externalId = typeof doc.externalId === 'string' ? doc.externalId : null;
  if (externalId !== null && externalId.length > 255) {
    throw new InvalidRequestError('Attribute externalId is longer than 255 characters', 'invalidValue');
  }
  checkNameCharacters(displayName, 'displayName');
  checkNameCharacters(externalId, 'externalId');
  return { displayName, displayNameNormalized: normalizeKey(displayName), externalId };
}

function toStored(row: StoredRow): StoredResource {
  return {
    id: row.id,
    doc: JSON.parse(row.doc) as ScimDocument,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
