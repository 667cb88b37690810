import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { changedFields } from '../../audit/audit-fields';
import type { AdminActor, AuditEvent } from '../../audit/audit.types';
import { AuditWriter } from '../../audit/audit.writer';
import { CLOCK, Clock } from '../../common/clock';
import { AppError, ConflictError, InvalidRequestError, NotFoundError } from '../../common/errors';
import { isUniqueViolation } from '../../database/db-errors';
import { TransactionRunner } from '../../database/transaction-runner';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { AppRoleAssignment, PrincipalType } from './app-role-assignment.entity';
import { AppRole, DEFAULT_ROLE_ID } from './app-role.entity';
import { AssignmentsRepository, Principal } from './assignments.repository';

/** Most principals one bulk call may name. */
export const MAX_BULK_PRINCIPALS = 10_000;
const MAX_PAGE = 1000;

export interface AppRoleView {
  id: string;
  displayName: string;
  value: string;
  description: string | null;
  isDefault: boolean;
}

export interface AppRoleInput {
  displayName?: string;
  value?: string;
  description?: string | null;
}

export interface AssignmentView {
  id: string;
  principalType: PrincipalType;
  principalId: string;
  /** The user's displayName (else userName) or the group's; null once purged from the directory. */
  principalDisplayName: string | null;
  /** False once the principal is soft-deleted or purged: it is out of scope. */
  principalLive: boolean;
  roleId: string;
  roleDisplayName: string;
  createdAt: string;
}

export interface AssignmentPage {
  assignments: AssignmentView[];
  /** Pass as `cursor` for the next page; absent on the last. */
  nextCursor?: string;
}

export interface RefusedPrincipal {
  principalType: PrincipalType;
  principalId: string;
  reason: string;
}

/** 400: principals that cannot be assigned; each is named with the reason, and nothing was written. */
export class AssignmentRejectedError extends AppError {
  readonly code = 'INVALID_ASSIGNMENT';
  readonly status = 400;

  constructor(readonly details: RefusedPrincipal[]) {
    super(
      `${details.length} principal${details.length === 1 ? '' : 's'} cannot be assigned: ` +
        details
          .slice(0, 10)
          .map((d) => `${d.principalType} ${d.principalId} (${d.reason})`)
          .join('; ') +
        (details.length > 10 ? '; …' : ''),
    );
  }
}

/**
 * Entra's "Users and groups" of an enterprise app: app roles per target, and users and groups assigned to it with
 * a role. Every change is validated before anything is written, and records an assignment change in the same
 * transaction, which the engine turns into joiners, movers and leavers in the app.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly repo: AssignmentsRepository,
    private readonly directory: DirectoryReader,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The role every target starts with, written with the target. */
  static defaultRole(targetId: string, at: Date): AppRole {
    return {
      targetId,
      id: DEFAULT_ROLE_ID,
      displayName: 'User',
      value: 'User',
      description: 'Default access',
      isDefault: true,
      createdAt: at,
    };
  }

  async listRoles(targetId: string): Promise<AppRoleView[]> {
    return (await this.repo.listRoles(targetId)).map(toRoleView);
  }

  async createRole(targetId: string, input: AppRoleInput, actor: AdminActor): Promise<AppRoleView> {
    if (!input.displayName || !input.value)
      throw new InvalidRequestError('displayName and value are required');
    const role: AppRole = {
      targetId,
      id: randomUUID(),
      displayName: input.displayName,
      value: input.value,
      description: input.description ?? null,
      isDefault: false,
      createdAt: this.clock.now(),
    };
    await this.tx
      .run(async (m) => {
        await this.repo.insertRole(m, role);
        await this.audit.record(m, actor, {
          action: 'approle.create',
          ...roleObject(role),
          after: toRoleView(role),
        });
      })
      .catch(rethrowDuplicateValue(input.value));
    return toRoleView(role);
  }

  /** A new name or value reaches every user holding the role (a mover: their roles are sent again). */
  async changeRole(
    targetId: string,
    roleId: string,
    input: AppRoleInput,
    actor: AdminActor,
  ): Promise<AppRoleView> {
    const role = await this.requireRole(targetId, roleId);
    const changes = {
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      ...(input.value !== undefined ? { value: input.value } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
    };
    await this.tx
      .run(async (m) => {
        await this.repo.updateRole(m, targetId, roleId, changes);
        await this.audit.record(m, actor, {
          action: 'approle.update',
          ...roleObject(role),
          ...changedFields(toRoleView(role), toRoleView({ ...role, ...changes })),
        });
      })
      .catch(rethrowDuplicateValue(input.value));
    for (let afterId: string | undefined; ;) {
      const page = await this.repo.listPage(targetId, { roleId, afterId, limit: MAX_PAGE });
      if (page.length === 0) break;
      const now = this.clock.now();
      await this.tx.run((m) => this.repo.recordChanges(m, targetId, page.map(principalOf), now));
      afterId = page[page.length - 1].id;
    }
    return toRoleView({ ...role, ...changes });
  }

  async deleteRole(targetId: string, roleId: string, actor: AdminActor): Promise<void> {
    const role = await this.requireRole(targetId, roleId);
    if (role.isDefault) throw new InvalidRequestError('The default role cannot be deleted');
    await this.tx.run(async (m) => {
      const used = await this.repo.countWithRole(targetId, roleId, m);
      if (used > 0)
        throw new ConflictError(
          `Role ${role.displayName} is used by ${used} assignment${used === 1 ? '' : 's'}; remove them first`,
        );
      await this.repo.deleteRole(m, targetId, roleId);
      await this.audit.record(m, actor, {
        action: 'approle.delete',
        ...roleObject(role),
        before: toRoleView(role),
      });
    });
  }

  async assign(
    targetId: string,
    input: { principalType: PrincipalType; principalId: string; roleId?: string },
    actor: AdminActor,
  ): Promise<AssignmentView> {
    const roleId = input.roleId ?? DEFAULT_ROLE_ID;
    const principal = { type: input.principalType, id: input.principalId };
    const [created] = await this.assignPrincipals(targetId, [principal], roleId, {
      refuseExisting: true,
      actor,
      audited: ([row]) => ({
        action: 'assignment.create',
        ...assignmentObject(row),
        after: auditedAssignment(row),
      }),
    });
    return (await this.views(targetId, [created]))[0];
  }

  /**
   * Up to 10,000 principals with one role, in one transaction: every principal is checked first, and if any is
   * refused the call answers 400 naming each refused one and writes nothing. Principals that already hold the role
   * are left as they are.
   */
  async assignMany(
    targetId: string,
    input: { principals: Principal[]; roleId?: string },
    actor: AdminActor,
  ): Promise<{ assigned: number; alreadyAssigned: number }> {
    checkBulkSize(input.principals);
    const roleId = input.roleId ?? DEFAULT_ROLE_ID;
    const distinct = new Set(input.principals.map((p) => p.id)).size;
    // One entry with the counts, however many principals (not 10,000 entries).
    const created = await this.assignPrincipals(targetId, input.principals, roleId, {
      refuseExisting: false,
      actor,
      audited: (rows) => ({
        action: 'assignment.bulk_create',
        ...bulkObject(targetId),
        after: {
          roleId,
          principals: distinct,
          assigned: rows.length,
          alreadyAssigned: distinct - rows.length,
        },
      }),
    });
    return { assigned: created.length, alreadyAssigned: distinct - created.length };
  }

  async unassign(targetId: string, assignmentId: string, actor: AdminActor): Promise<void> {
    const row = await this.repo.findAssignment(targetId, assignmentId);
    if (!row) throw new NotFoundError(`Assignment ${assignmentId} not found on target ${targetId}`);
    await this.tx.run(async (m) => {
      await this.repo.deleteAssignments(m, [row.id]);
      await this.repo.recordChanges(m, targetId, [principalOf(row)], this.clock.now());
      await this.audit.record(m, actor, {
        action: 'assignment.delete',
        ...assignmentObject(row),
        before: auditedAssignment(row),
      });
    });
  }

  /** Every assignment of these principals (or only those with `roleId`), in one transaction. */
  async unassignMany(
    targetId: string,
    input: { principals: Principal[]; roleId?: string },
    actor: AdminActor,
  ): Promise<{ removed: number }> {
    checkBulkSize(input.principals);
    return this.tx.run(async (m) => {
      const rows = (
        await this.repo.forPrincipals(
          targetId,
          input.principals.map((p) => p.id),
          m,
        )
      ).filter((r) => input.roleId === undefined || r.roleId === input.roleId);
      await this.repo.deleteAssignments(
        m,
        rows.map((r) => r.id),
      );
      await this.repo.recordChanges(m, targetId, rows.map(principalOf), this.clock.now());
      await this.audit.record(m, actor, {
        action: 'assignment.bulk_delete',
        ...bulkObject(targetId),
        after: {
          roleId: input.roleId ?? null,
          principals: new Set(input.principals.map((p) => p.id)).size,
          removed: rows.length,
        },
      });
      return { removed: rows.length };
    });
  }

  async listAssignments(
    targetId: string,
    query: { principalType?: PrincipalType; roleId?: string; cursor?: string; count?: number },
  ): Promise<AssignmentPage> {
    const limit = Math.min(query.count ?? 100, MAX_PAGE);
    const rows = await this.repo.listPage(targetId, {
      principalType: query.principalType,
      roleId: query.roleId,
      afterId: query.cursor,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      assignments: await this.views(targetId, page),
      ...(rows.length > limit ? { nextCursor: page[page.length - 1].id } : {}),
    };
  }

  /** The role, when every principal can be assigned with it; 400 naming each refused principal otherwise. */
  async requireAssignable(targetId: string, principals: Principal[], roleId: string): Promise<AppRole> {
    const role = await this.repo.findRole(targetId, roleId);
    if (!role) throw new InvalidRequestError(`Role ${roleId} is not a role of target ${targetId}`);
    const refused = await this.refusals(principals);
    if (refused.length > 0) throw new AssignmentRejectedError(refused);
    return role;
  }

  private async assignPrincipals(
    targetId: string,
    principals: Principal[],
    roleId: string,
    options: {
      refuseExisting: boolean;
      actor: AdminActor;
      /** The audit entry of the rows written, recorded with them. */
      audited: (rows: AppRoleAssignment[]) => AuditEvent;
    },
  ): Promise<AppRoleAssignment[]> {
    const unique = [...new Map(principals.map((p) => [p.id, p])).values()];
    const role = await this.requireAssignable(targetId, unique, roleId);
    const now = this.clock.now();
    return this.tx
      .run(async (m) => {
        const held = new Set(
          (
            await this.repo.forPrincipals(
              targetId,
              unique.map((p) => p.id),
              m,
            )
          )
            .filter((r) => r.roleId === roleId)
            .map((r) => r.principalId),
        );
        if (options.refuseExisting && held.size > 0)
          throw new ConflictError(
            `${unique[0].type} ${unique[0].id} is already assigned with role ${role.displayName}`,
          );
        const rows: AppRoleAssignment[] = unique
          .filter((p) => !held.has(p.id))
          .map((p) => ({
            id: randomUUID(),
            targetId,
            principalType: p.type,
            principalId: p.id,
            roleId,
            createdAt: now,
          }));
        await this.repo.insertAssignments(m, rows);
        await this.repo.recordChanges(m, targetId, rows.map(principalOf), now);
        await this.audit.record(m, options.actor, options.audited(rows));
        return rows;
      })
      .catch((err: unknown) => {
        // Two requests assigning the same principal and role at once: the unique key refuses the second.
        if (isUniqueViolation(err))
          throw new ConflictError('The principal was assigned by another request; retry');
        throw err;
      });
  }

  /** Principals that are not live users or groups of the directory, each with the reason. */
  private async refusals(principals: Principal[]): Promise<RefusedPrincipal[]> {
    const refused: RefusedPrincipal[] = [];
    for (const type of ['User', 'Group'] as const) {
      const ids = principals.filter((p) => p.type === type).map((p) => p.id);
      if (ids.length === 0) continue;
      const known = await this.directory.describe(type, ids);
      for (const id of ids) {
        const found = known.get(id);
        if (!found || !found.live)
          refused.push({
            principalType: type,
            principalId: id,
            reason: found
              ? `the ${type.toLowerCase()} is deleted`
              : `no such ${type.toLowerCase()} in the directory`,
          });
      }
    }
    return refused;
  }

  private async views(targetId: string, rows: AppRoleAssignment[]): Promise<AssignmentView[]> {
    const roles = new Map((await this.repo.listRoles(targetId)).map((r) => [r.id, r]));
    const names = new Map<string, { displayName: string; live: boolean }>();
    for (const type of ['User', 'Group'] as const) {
      const ids = rows.filter((r) => r.principalType === type).map((r) => r.principalId);
      if (ids.length > 0) for (const [id, d] of await this.directory.describe(type, ids)) names.set(id, d);
    }
    return rows.map((r) => ({
      id: r.id,
      principalType: r.principalType,
      principalId: r.principalId,
      principalDisplayName: names.get(r.principalId)?.displayName ?? null,
      principalLive: names.get(r.principalId)?.live ?? false,
      roleId: r.roleId,
      roleDisplayName: roles.get(r.roleId)?.displayName ?? r.roleId,
      createdAt: r.createdAt.toISOString(),
    }));
  }

  private async requireRole(targetId: string, roleId: string): Promise<AppRole> {
    const role = await this.repo.findRole(targetId, roleId);
    if (!role) throw new NotFoundError(`Role ${roleId} not found on target ${targetId}`);
    return role;
  }
}

function checkBulkSize(principals: Principal[]): void {
  if (principals.length === 0)
    throw new InvalidRequestError('principals must name at least one user or group');
  if (principals.length > MAX_BULK_PRINCIPALS)
    throw new InvalidRequestError(`At most ${MAX_BULK_PRINCIPALS} principals per call`);
}

const principalOf = (r: AppRoleAssignment): Principal => ({ type: r.principalType, id: r.principalId });

const roleObject = (r: AppRole) => ({ objectType: 'approle', objectId: r.id, targetId: r.targetId }) as const;
const assignmentObject = (r: AppRoleAssignment) =>
  ({ objectType: 'assignment', objectId: r.id, targetId: r.targetId }) as const;
/** A bulk call changes the target's assignments: its entry is the target's. */
const bulkObject = (targetId: string) => ({ objectType: 'target', objectId: targetId, targetId }) as const;
const auditedAssignment = (r: AppRoleAssignment) => ({
  principalType: r.principalType,
  principalId: r.principalId,
  roleId: r.roleId,
});

function toRoleView(r: AppRole): AppRoleView {
  return {
    id: r.id,
    displayName: r.displayName,
    value: r.value,
    description: r.description,
    isDefault: r.isDefault,
  };
}

function rethrowDuplicateValue(value: string | undefined) {
  return (err: unknown): never => {
    if (isUniqueViolation(err)) throw new ConflictError(`The target already has a role with value ${value}`);
    throw err;
  };
}
