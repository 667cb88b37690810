import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { ConflictError, InvalidRequestError, NotFoundError } from '../../common/errors';
import { RequestContext } from '../../common/request-context';
import { isUniqueViolation } from '../../database/db-errors';
import { MicroBatcher } from '../../common/micro-batcher';
import { TransactionRunner } from '../../database/transaction-runner';
import { JournalWriter, JournalEntry } from '../journal/journal.writer';
import { DirectoryUser } from './directory-user.entity';
import { employmentDates } from '../employment-dates';
import {
  GroupRef,
  ListQuery,
  ListResult,
  ScimDocument,
  StoredResource,
  WritePreconditions,
} from '../directory.types';
import { MembershipsRepository } from '../memberships/memberships.repository';
import type { StoredRow } from '../list/list-page';
import { SoftDeleteService } from '../lifecycle/soft-delete.service';
import { ListQueryCompiler } from '../list/list-query.compiler';
import { UsersRepository } from './users.repository';
import { checkNameCharacters, checkPreconditions, normalizeKey, serializeDocument } from '../write-guard';
import { newObjectId } from '../object-ids';

/** What a PATCH or PUT does to a user: the new document from the current one. */
export type UserChange = (current: StoredResource) => {
  doc: ScimDocument;
  kind: 'replaced' | 'patched';
};

interface Modification {
  id: string;
  change: UserChange;
  pre: WritePreconditions;
  ctx: RequestContext;
  withGroups: boolean;
}

interface Modified {
  row: DirectoryUser;
  groups?: GroupRef[];
}

interface Lookup {
  /** A normalized userName. */
  name: string;
  withGroups: boolean;
}

interface Found {
  row?: StoredRow;
  groups?: Map<string, GroupRef[]>;
}

/** User changes written in one transaction at most (and lookups in one statement); the rest go into the next. */
const MAX_BATCH = 64;

/**
 * The directory's users: the only code that writes them. Every write appends to the change journal in
 * its own transaction. Documents arrive validated and canonical (scim/protocol).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly memberships: MembershipsRepository,
    private readonly journal: JournalWriter,
    private readonly tx: TransactionRunner,
    private readonly lists: ListQueryCompiler,
    private readonly softDeletes: SoftDeleteService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private readonly modifications = new MicroBatcher<Modification, Modified>(
    (items) => this.modifyMany(items),
    (item) => this.modifyOne(item),
    MAX_BATCH,
  );

  private readonly lookups = new MicroBatcher<Lookup, Found>(
    (items) => this.lookupMany(items),
    async (item) => (await this.lookupMany([item]))[0],
    MAX_BATCH,
  );

  async createUser(doc: ScimDocument, ctx: RequestContext): Promise<StoredResource> {
    const now = this.clock.now();
    const row: DirectoryUser = {
      id: newObjectId(),
      ...deriveUserColumns(doc),
      doc: serializeDocument(doc, 'User'),
      version: 1,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    await this.tx
      .runGrouped(async (manager) => {
        await this.users.insert(manager, row);
        await this.journal.append(
          manager,
          {
            objectType: 'User',
            objectId: row.id,
            kind: 'created',
            objectVersion: 1,
            documents: { before: null, after: doc },
          },
          ctx,
        );
      })
      .catch(rethrowUniqueness); // the one unique key of a user row is its userName
    return toStored(row);
  }

  async getUser(id: string): Promise<StoredResource> {
    return toStored(await this.requireLive(id));
  }

  /**
   * The live user whose `attribute` equals `value` (userName case-insensitively), null when none;
   * a ConflictError when several users share the externalId, since an upsert could not choose.
   */
  async findUserByKey(attribute: 'externalId' | 'userName', value: string): Promise<StoredResource | null> {
    if (attribute === 'userName') {
      const row = await this.users.findLiveByUserName(normalizeKey(value));
      return row ? toStored(row) : null;
    }
    const rows = await this.users.findLiveByExternalId(value);
    if (rows.length > 1)
      throw new ConflictError('Several users have this externalId; the record cannot be matched');
    return rows.length === 1 ? toStored(rows[0]) : null;
  }

  replaceUser(
    id: string,
    doc: ScimDocument,
    pre: WritePreconditions,
    ctx: RequestContext,
  ): Promise<StoredResource> {
    return this.modifyUser(id, () => ({ doc, kind: 'replaced' }), pre, ctx);
  }

  /**
   * Read under lock, change, write: `change` computes the new document from the current one (a PATCH) inside
   * the transaction, so a concurrent writer waits for this one and then changes its result; no update is lost.
   * The changes that arrive in one turn of the event loop are written together (`modifyMany`).
   */
  async modifyUser(
    id: string,
    change: UserChange,
    pre: WritePreconditions,
    ctx: RequestContext,
    options: { withGroups?: boolean } = {},
  ): Promise<StoredResource & { groups?: GroupRef[] }> {
    const { row, groups } = await this.modifications.add({
      id,
      change,
      pre,
      ctx,
      withGroups: options.withGroups === true,
    });
    return { ...toStored(row), groups };
  }

  /**
   * Several changes in one transaction: the users are read and locked in one statement (in primary-key order,
   * so two such transactions never deadlock on each other), each change is applied in arrival order to the
   * user as the changes before it left it (each with its own version and journal row), and each user is written
   * once. A change that is refused (404, 412, 400) is answered alone; a failed write (a userName taken by a
   * rename) fails the batch, and the MicroBatcher then writes each change alone to find which.
   * On MySQL that is two round trips for the whole batch: read and lock, then write, journal, groups and COMMIT.
   */
  private async modifyMany(items: Modification[]): Promise<(Modified | Error)[]> {
    const ids = [...new Set(items.map((item) => item.id))];
    const wanted = [...new Set(items.filter((item) => item.withGroups).map((item) => item.id))];
    const { results, groups } = await this.tx.run(async (manager) => {
      const users = new Map((await this.users.findManyLiveForUpdate(manager, ids)).map((u) => [u.id, u]));
      const changed = new Map<string, DirectoryUser>();
      const entries: { entry: JournalEntry; ctx: RequestContext }[] = [];
      const results = items.map((item): DirectoryUser | Error => {
        try {
          const current = users.get(item.id);
          if (!current) throw new NotFoundError(`User ${item.id} not found`);
          checkPreconditions(item.pre, current.version);
          const before = toStored(current);
          const next = item.change(before);
          const row: DirectoryUser = {
            ...current,
            ...deriveUserColumns(next.doc),
            doc: serializeDocument(next.doc, 'User'),
            version: current.version + 1,
            updatedAt: this.clock.now(),
          };
          if (row.doc === current.doc) return current; // nothing changed: no version, no journal
          users.set(item.id, row);
          changed.set(item.id, row);
          entries.push({
            entry: {
              objectType: 'User',
              objectId: item.id,
              kind: next.kind,
              objectVersion: row.version,
              documents: { before: before.doc, after: next.doc },
            },
            ctx: item.ctx,
          });
          return row;
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      });
      for (const row of changed.values()) await this.users.update(manager, row);
      await this.journal.appendMany(manager, entries);
      // Read after the writes, in their transaction: on MySQL it travels with the COMMIT.
      const groups = wanted.length > 0 ? this.memberships.groupsOfMembersIn(manager, wanted) : undefined;
      return { results, groups };
    });
    const byMember = await groups;
    return results.map((row, i) =>
      row instanceof Error ? row : { row, groups: items[i].withGroups ? byMember?.get(row.id) : undefined },
    );
  }

  /** One change alone: after a batch failed, to tell which of its changes the database refused. */
  private async modifyOne(item: Modification): Promise<Modified> {
    const [result] = await this.modifyMany([item]).catch(rethrowUniqueness);
    if (result instanceof Error) throw result;
    return result;
  }

  /** Soft delete (DELETE from HR): the user leaves every group and every SCIM read; the row stays for deprovisioning. */
  deleteUser(id: string, pre: WritePreconditions, ctx: RequestContext): Promise<void> {
    return this.softDeletes.softDelete('User', this.users, id, pre, ctx);
  }

  async listUsers(request: ListQuery, options: { withGroups?: boolean } = {}): Promise<ListResult> {
    const query = this.lists.compile('User', request);
    if (query.lookup && query.limit > 0) {
      const { row, groups } = await this.lookups.add({
        name: query.lookup.userNameNormalized,
        withGroups: options.withGroups === true,
      });
      return { total: row ? 1 : 0, resources: row ? [toStored(row)] : [], hasMore: false, groups };
    }
    const { total, rows, hasMore, groups } = await this.users.list(query, options.withGroups);
    return { total, resources: rows.map(toStored), hasMore, groups };
  }

  /** The userName lookups of one moment, in one statement (on MySQL with their groups, in one round trip). */
  private async lookupMany(items: Lookup[]): Promise<Found[]> {
    const names = [...new Set(items.map((item) => item.name))];
    const { byName, groups } = await this.users.findLiveByUserNames(
      names,
      items.some((item) => item.withGroups),
    );
    return items.map(({ name, withGroups }) => {
      const row = byName.get(name);
      return { row, groups: withGroups && row ? new Map([[row.id, groups?.get(row.id) ?? []]]) : undefined };
    });
  }

  groupsOf(userIds: string[]): Promise<Map<string, GroupRef[]>> {
    return this.memberships.groupsOf(userIds);
  }

  private async requireLive(id: string): Promise<DirectoryUser> {
    const row = await this.users.findLive(id);
    if (!row) throw new NotFoundError(`User ${id} not found`);
    return row;
  }
}

/** The indexed columns, derived from the document so that they can never disagree with it. */
export function deriveUserColumns(
  doc: ScimDocument,
): Pick<
  DirectoryUser,
  | 'userName'
  | 'userNameNormalized'
  | 'externalId'
  | 'displayNameNormalized'
  | 'primaryEmailNormalized'
  | 'active'
  | 'hireAt'
  | 'leaveAt'
> {
  const userName = doc.userName;
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw new InvalidRequestError('Attribute userName is required', 'invalidValue');
  }
  if (userName.length > 255)
    throw new InvalidRequestError('Attribute userName is longer than 255 characters', 'invalidValue');
  const externalId = typeof doc.externalId === 'string' ? doc.externalId : null;
  if (externalId !== null && externalId.length > 255) {
    throw new InvalidRequestError('Attribute externalId is longer than 255 characters', 'invalidValue');
  }
  checkNameCharacters(userName, 'userName');
  checkNameCharacters(externalId, 'externalId');
  const displayName = typeof doc.displayName === 'string' ? doc.displayName : null;
  return {
    userName,
    userNameNormalized: normalizeKey(userName),
    externalId,
    displayNameNormalized: displayName === null ? null : normalizeKey(displayName).slice(0, 255),
    primaryEmailNormalized: primaryEmail(doc),
    active: doc.active !== false,
    ...employmentDates(doc),
  };
}

function primaryEmail(doc: ScimDocument): string | null {
  const emails = Array.isArray(doc.emails)
    ? (doc.emails as { value?: unknown; primary?: unknown; type?: unknown }[])
    : [];
  const pick = emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === 'work') ?? emails[0];
  return typeof pick?.value === 'string' ? normalizeKey(pick.value).slice(0, 255) : null;
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

function rethrowUniqueness(err: unknown): never {
  if (isUniqueViolation(err)) throw new ConflictError('Attribute userName is already in use by another user');
  throw err;
}
