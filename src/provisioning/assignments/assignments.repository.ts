import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { chunks, placeholders } from '../../common/chunks';
import { fromDbDate } from '../../database/db-values';
import { execute } from '../../database/sql';
import { AppRoleAssignment, PrincipalType } from './app-role-assignment.entity';
import { AppRole } from './app-role.entity';
import { AssignmentChange } from './assignment-change.entity';

export interface Principal {
  type: PrincipalType;
  id: string;
}

const CHUNK = 500;

/** Roles, assignments and the assignment changes the engine has yet to turn into work, per target. */
@Injectable()
export class AssignmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  listRoles(targetId: string): Promise<AppRole[]> {
    return this.dataSource.manager.find(AppRole, {
      where: { targetId },
      order: { isDefault: 'DESC', displayName: 'ASC' },
    });
  }

  findRole(targetId: string, id: string): Promise<AppRole | null> {
    return this.dataSource.manager.findOneBy(AppRole, { targetId, id });
  }

  async insertRole(manager: EntityManager, role: AppRole): Promise<void> {
    await manager.insert(AppRole, role);
  }

  async updateRole(
    manager: EntityManager,
    targetId: string,
    id: string,
    changes: Partial<Pick<AppRole, 'displayName' | 'value' | 'description'>>,
  ): Promise<void> {
    await manager.update(AppRole, { targetId, id }, changes);
  }

  async deleteRole(manager: EntityManager, targetId: string, id: string): Promise<void> {
    await manager.delete(AppRole, { targetId, id });
  }

  countWithRole(targetId: string, roleId: string, manager = this.dataSource.manager): Promise<number> {
    return manager.countBy(AppRoleAssignment, { targetId, roleId });
  }

  async insertAssignments(manager: EntityManager, rows: AppRoleAssignment[]): Promise<void> {
    for (const chunk of chunks(rows, 200)) await manager.insert(AppRoleAssignment, chunk);
  }

  findAssignment(targetId: string, id: string): Promise<AppRoleAssignment | null> {
    return this.dataSource.manager.findOneBy(AppRoleAssignment, { targetId, id });
  }

  /** The assignments of these principals on a target (directly: a group's members are not expanded here). */
  async forPrincipals(
    targetId: string,
    principalIds: string[],
    manager = this.dataSource.manager,
  ): Promise<AppRoleAssignment[]> {
    const out: AppRoleAssignment[] = [];
    for (const chunk of chunks([...new Set(principalIds)], CHUNK)) {
      const rows = await manager.query<Record<string, unknown>[]>(
        `SELECT id, target_id, principal_type, principal_id, role_id, created_at FROM app_role_assignment
          WHERE target_id = ? AND principal_id IN (${placeholders(chunk.length)})`,
        [targetId, ...chunk],
      );
      out.push(...rows.map(hydrateAssignment));
    }
    return out;
  }

  /** Which of these groups are assigned to the target (with any role). */
  async assignedAmong(manager: EntityManager, targetId: string, groupIds: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const chunk of chunks([...new Set(groupIds)], CHUNK)) {
      const rows = await manager.query<{ principal_id: string }[]>(
        `SELECT DISTINCT principal_id FROM app_role_assignment
          WHERE target_id = ? AND principal_id IN (${placeholders(chunk.length)}) AND principal_type = 'Group'`,
        [targetId, ...chunk],
      );
      for (const r of rows) out.add(r.principal_id);
    }
    return out;
  }

  /** Whether the target has any assignment at all (a target that syncs everyone often has none). */
  async hasAssignments(targetId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM app_role_assignment WHERE target_id = ? LIMIT 1`,
      [targetId],
    );
    return rows.length > 0;
  }

  /** Whether the target has any group assignment: the journal's membership rows matter only then. */
  async hasGroupAssignments(targetId: string, manager = this.dataSource.manager): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM app_role_assignment WHERE target_id = ? AND principal_type = 'Group' LIMIT 1`,
      [targetId],
    );
    return rows.length > 0;
  }

  /** A page in id order, after `afterId`, optionally of one principal type or one role. */
  listPage(
    targetId: string,
    query: { principalType?: PrincipalType; roleId?: string; afterId?: string; limit: number },
  ): Promise<AppRoleAssignment[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder(AppRoleAssignment, 'a')
      .where('a.target_id = :targetId', { targetId });
    if (query.principalType) qb.andWhere('a.principal_type = :type', { type: query.principalType });
    if (query.roleId) qb.andWhere('a.role_id = :roleId', { roleId: query.roleId });
    if (query.afterId) qb.andWhere('a.id > :afterId', { afterId: query.afterId });
    return qb.orderBy('a.id', 'ASC').limit(query.limit).getMany();
  }

  async deleteAssignments(manager: EntityManager, ids: string[]): Promise<void> {
    for (const chunk of chunks(ids, CHUNK))
      await execute(
        manager,
        `DELETE FROM app_role_assignment WHERE id IN (${placeholders(chunk.length)})`,
        chunk,
      );
  }

  /** Records that these principals' assignments changed: the engine re-evaluates them (`pendingChanges`). */
  async recordChanges(
    manager: EntityManager,
    targetId: string,
    principals: Principal[],
    at: Date,
  ): Promise<void> {
    const unique = [...new Map(principals.map((p) => [p.id, p])).values()];
    for (const chunk of chunks(unique, 200))
      await manager.insert(
        AssignmentChange,
        chunk.map((p) => ({
          targetId,
          principalType: p.type,
          principalId: p.id,
          memberCursor: null,
          createdAt: at,
        })),
      );
  }

  pendingChanges(targetId: string, limit: number): Promise<AssignmentChange[]> {
    return this.dataSource.manager.find(AssignmentChange, {
      where: { targetId },
      order: { seq: 'ASC' },
      take: limit,
    });
  }

  async advanceChange(manager: EntityManager, seq: number, memberCursor: string): Promise<void> {
    await execute(manager, 'UPDATE assignment_change SET member_cursor = ? WHERE seq = ?', [
      memberCursor,
      seq,
    ]);
  }

  async deleteChanges(manager: EntityManager, seqs: number[]): Promise<void> {
    for (const chunk of chunks(seqs, CHUNK))
      await execute(
        manager,
        `DELETE FROM assignment_change WHERE seq IN (${placeholders(chunk.length)})`,
        chunk,
      );
  }

  /** Everything of a removed target, in its removal's transaction. */
  async removeTarget(manager: EntityManager, targetId: string): Promise<void> {
    await manager.delete(AssignmentChange, { targetId });
    await manager.delete(AppRoleAssignment, { targetId });
    await manager.delete(AppRole, { targetId });
  }
}

function hydrateAssignment(raw: Record<string, unknown>): AppRoleAssignment {
  return {
    id: raw.id as string,
    targetId: raw.target_id as string,
    principalType: raw.principal_type as PrincipalType,
    principalId: raw.principal_id as string,
    roleId: raw.role_id as string,
    createdAt: fromDbDate(raw.created_at),
  };
}
