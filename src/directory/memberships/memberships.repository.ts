import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { GroupRef, StoredMember } from '../directory.types';
import { executeDeferred, select, selectDeferred } from '../../database/sql';
import { GroupMembership, MemberType } from './group-membership.entity';
import { chunks } from '../../common/chunks';

const CHUNK = 500;

/**
 * Group membership rows. Every method touches only the rows it names, so changing one member of a group
 * of 100,000 reads and writes one row.
 */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the members not yet in the group; returns the ids actually added. */
  async add(
    manager: EntityManager,
    groupId: string,
    members: { value: string; type: MemberType }[],
    at: Date,
  ): Promise<string[]> {
    const present = await this.presentAmong(
      manager,
      groupId,
      members.map((m) => m.value),
    );
    const fresh = members.filter((m) => !present.has(m.value));
    await this.insertFresh(manager, groupId, fresh, at);
    return fresh.map((m) => m.value);
  }

  /** Deletes the named members; returns the ids that were members. */
  async remove(manager: EntityManager, groupId: string, memberIds: string[]): Promise<string[]> {
    const present = [...(await this.presentAmong(manager, groupId, memberIds))];
    await this.deleteIds(manager, groupId, present);
    return present;
  }

  /** Inserts rows for members known not to be in the group yet (deferred: see executeDeferred). */
  async insertFresh(
    manager: EntityManager,
    groupId: string,
    members: { value: string; type: MemberType }[],
    at: Date,
  ): Promise<void> {
    for (const chunk of chunks(members, CHUNK)) {
      await executeDeferred(
        manager,
        `INSERT INTO group_membership (group_id, member_id, member_type, created_at) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((m) => [groupId, m.value, m.type, at]),
      );
    }
  }

  /** Deletes the rows of the named members; ids that are not members are ignored (deferred: see executeDeferred). */
  async deleteIds(manager: EntityManager, groupId: string, memberIds: string[]): Promise<void> {
    for (const chunk of chunks(memberIds, CHUNK)) {
      // Not `rowsOfGroup`: as pairs, MariaDB 10.11 took 14 ms to delete 16 rows of a 100,000-member group (this form, 2 ms).
      await executeDeferred(
        manager,
        `DELETE FROM group_membership WHERE group_id = ? AND member_id IN (${chunk.map(() => '?').join(', ')})`,
        [groupId, ...chunk],
      );
    }
  }

  /** Which of `memberIds` are members of the group now. */
  async presentAmong(manager: EntityManager, groupId: string, memberIds: string[]): Promise<Set<string>> {
    const present = new Set<string>();
    for (const chunk of chunks(memberIds, CHUNK)) {
      const rows = rowsOfGroup(groupId, chunk);
      const found = await select<{ member_id: string }>(
        manager,
        `SELECT member_id FROM group_membership WHERE ${rows.sql}`,
        rows.params,
      );
      for (const r of found) present.add(r.member_id);
    }
    return present;
  }

  /** Deletes every member of a group; returns how many there were. */
  /** Deletes every member row of a group; returns the member ids it had. */
  async removeAll(manager: EntityManager, groupId: string): Promise<string[]> {
    const rows = await select<{ member_id: string }>(
      manager,
      'SELECT member_id FROM group_membership WHERE group_id = ?',
      [groupId],
    );
    if (rows.length > 0) await manager.delete(GroupMembership, { groupId });
    return rows.map((r) => r.member_id);
  }

  /** The groups a member belongs to directly; returns their ids. */
  async removeMemberEverywhere(manager: EntityManager, memberId: string): Promise<string[]> {
    const rows = await manager.find(GroupMembership, { select: { groupId: true }, where: { memberId } });
    if (rows.length > 0) await manager.delete(GroupMembership, { memberId });
    return rows.map((r) => r.groupId);
  }

  async listMembers(groupId: string): Promise<StoredMember[]> {
    const rows = await this.dataSource.query<{ member_id: string; member_type: MemberType }[]>(
      'SELECT member_id, member_type FROM group_membership WHERE group_id = ? ORDER BY created_at, member_id',
      [groupId],
    );
    return rows.map((r) => ({ value: r.member_id, type: r.member_type }));
  }

  async listMembersOf(groupIds: string[]): Promise<Map<string, StoredMember[]>> {
    const byGroup = new Map<string, StoredMember[]>(groupIds.map((id) => [id, []]));
    for (const chunk of chunks(groupIds, CHUNK)) {
      const rows = await this.dataSource.query<
        { group_id: string; member_id: string; member_type: MemberType }[]
      >(
        `SELECT group_id, member_id, member_type FROM group_membership WHERE group_id IN (${chunk.map(() => '?').join(',')}) ORDER BY created_at, member_id`,
        chunk,
      );
      for (const r of rows) byGroup.get(r.group_id)!.push({ value: r.member_id, type: r.member_type });
    }
    return byGroup;
  }

  /**
   * The groups of a few members (one statement), read in the transaction of `manager` (with its COMMIT on
   * MySQL): await the answer once the transaction has committed.
   */
  groupsOfMembersIn(manager: EntityManager, memberIds: string[]): PromiseLike<Map<string, GroupRef[]>> {
    return selectDeferred(manager, groupsOfMembersSql(memberIds.length), memberIds, (rows: GroupRow[]) =>
      groupRefsByMember(memberIds, rows),
    );
  }

  /** Direct group memberships of each member, for the read-only `groups` attribute (RFC 7643 §4.1.2). */
  groupsOf(memberIds: string[]): Promise<Map<string, GroupRef[]>> {
    return groupsOfMembers(this.dataSource, memberIds);
  }
}

export async function groupsOfMembers(
  dataSource: DataSource,
  memberIds: string[],
): Promise<Map<string, GroupRef[]>> {
  const rows: GroupRow[] = [];
  for (const chunk of chunks(memberIds, CHUNK)) {
    rows.push(...(await dataSource.query<GroupRow[]>(groupsOfMembersSql(chunk.length), chunk)));
  }
  return groupRefsByMember(memberIds, rows);
}

export function groupRefsByMember(memberIds: string[], rows: GroupRow[]): Map<string, GroupRef[]> {
  const byMember = new Map<string, GroupRef[]>(memberIds.map((id) => [id, []]));
  for (const r of rows) byMember.get(r.member_id)?.push({ value: r.id, display: r.display_name });
  return byMember;
}

/** The live groups of the members that `idsSql` selects (as `id`), ordered by name. */
export function groupsOfSelectedSql(idsSql: string): string {
  return `SELECT m.member_id, g.id, g.display_name FROM (${idsSql}) p
    JOIN group_membership m ON m.member_id = p.id
    JOIN directory_group g ON g.id = m.group_id AND g.deleted_at IS NULL
   ORDER BY g.display_name_normalized`;
}

/**
 * The membership rows of `memberIds` in one group, as primary-key pairs, for a SELECT. Written `group_id = ? AND
 * member_id IN (…)`, MariaDB 10.11 looked up the group alone and filtered its members: every member add to a
 * 100,000-member group read 100,000 rows. The pairs make both engines seek each row.
 */
function rowsOfGroup(groupId: string, memberIds: string[]): { sql: string; params: string[] } {
  return {
    sql: `(group_id, member_id) IN (${memberIds.map(() => '(?, ?)').join(', ')})`,
    params: memberIds.flatMap((id) => [groupId, id]),
  };
}

export interface GroupRow {
  member_id: string;
  id: string;
  display_name: string;
}

/** The live groups of `n` members (`?` each), ordered by name. */
function groupsOfMembersSql(n: number): string {
  return `SELECT m.member_id, g.id, g.display_name FROM group_membership m
    JOIN directory_group g ON g.id = m.group_id AND g.deleted_at IS NULL
   WHERE m.member_id IN (${Array.from({ length: n }, () => '?').join(',')}) ORDER BY g.display_name_normalized`;
}

/**
 * Ids among `ids` that are live rows of `table`, 500 per statement, read with the transaction's next statement
 * on MySQL (see selectDeferred).
 */
function liveIdsIn(
  manager: EntityManager,
  table: 'directory_user' | 'directory_group',
  ids: string[],
): PromiseLike<string[]>[] {
  return [...chunks(ids, 500)].map((chunk) =>
    selectDeferred(
      manager,
      // `+deleted_at`: without statistics SQLite prefers the deleted_at index for a dozen ids or more, and so
      // reads every live row (23 ms at 100,000 users) instead of looking the ids up by primary key.
      `SELECT id FROM ${table} WHERE id IN (${chunk.map(() => '?').join(', ')}) AND +deleted_at IS NULL`,
      chunk,
      (rows: { id: string }[]) => rows.map((r) => r.id),
    ),
  );
}

/**
 * Which of `ids` are live users and which live groups (a member may be either). Both are asked at once: on
 * MySQL the reads go out with the transaction's next statement, so await the answer after issuing that one.
 */
export function liveMemberIds(
  manager: EntityManager,
  ids: string[],
): PromiseLike<{ users: Set<string>; groups: Set<string> }> {
  const users = liveIdsIn(manager, 'directory_user', ids);
  const groups = liveIdsIn(manager, 'directory_group', ids);
  return {
    then: (onValue, onError) =>
      Promise.all([Promise.all(users), Promise.all(groups)])
        .then(([u, g]) => ({ users: new Set(u.flat()), groups: new Set(g.flat()) }))
        .then(onValue, onError),
  };
}
