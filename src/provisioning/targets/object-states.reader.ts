import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { placeholders } from '../../common/chunks';
import { fromDbDate } from '../../database/db-values';
import { AssignmentScopes } from '../assignments/assignment-scopes.service';
import { ProvisioningLogWriter } from '../logs/provisioning-log.writer';
import type { ProvisionedStatus } from '../queue/provisioned-object.entity';
import type { TargetScope } from './provisioning-target.entity';
import { objectTypesOf } from './target.types';
import { TargetsRepository } from './targets.repository';

/** What one target holds of one directory object, as the gateway knows it (Entra's per-user provisioning state). */
export interface ObjectTargetState {
  targetId: string;
  targetName: string;
  /** The target's provisioning scope: only assigned users and groups, or all of them. */
  scope: TargetScope;
  /**
   * In the target's scope by assignment (always with `scope: all`); a soft-deleted object is in no scope, and a group
   * is in none of a target that does not provision groups. The mapping's scoping filter is not evaluated here: the
   * next attempt's log entry says what it decided.
   */
  inScope: boolean;
  /** The app roles its assignments give it, by display name. */
  roles: string[];
  /** The target has it (created or matched, not deleted). */
  provisioned: boolean;
  /** null: never queued for this target. */
  status: ProvisionedStatus | null;
  targetObjectId: string | null;
  /** Work queued and not yet done. */
  pending: boolean;
  /** A disable or delete held by the deletion threshold. */
  held: boolean;
  lastResult: string | null;
  lastError: string | null;
  /** When its state for this target last changed. */
  updatedAt: string | null;
  /** The newest provisioning log entry of the object in this target. */
  lastEntry: { id: number; time: string; action: string; status: string; reason: string | null } | null;
}

interface StateRow {
  target_id: string;
  target_object_id: string | null;
  status: ProvisionedStatus;
  pending: number | boolean;
  deprovision_hold: string | null;
  last_result: string | null;
  last_error: string | null;
  updated_at: unknown;
}

/**
 * Each target's state for one directory object, for the admin console's object page: the queue row of every target
 * (one primary-key read each), its newest log entry, and whether its assignments put it in scope.
 */
@Injectable()
export class ObjectStatesReader {
  private readonly mysql: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly targets: TargetsRepository,
    private readonly scopes: AssignmentScopes,
    private readonly logWriter: ProvisioningLogWriter,
  ) {
    this.mysql = dataSource.options.type !== 'better-sqlite3';
  }

  async statesOf(object: {
    type: 'User' | 'Group';
    id: string;
    deleted: boolean;
  }): Promise<ObjectTargetState[]> {
    const targets = await this.targets.list();
    if (targets.length === 0) return [];
    await this.logWriter.flush();
    const rows = await this.dataSource.query<StateRow[]>(
      `SELECT target_id, target_object_id, status, pending, deprovision_hold, last_result, last_error, updated_at
         FROM provisioned_object
        WHERE target_id IN (${placeholders(targets.length)}) AND object_type = ? AND object_id = ?`,
      [...targets.map((t) => t.id), object.type, object.id],
    );
    const byTarget = new Map(rows.map((r) => [r.target_id, r]));
    return Promise.all(
      targets.map(async (target): Promise<ObjectTargetState> => {
        const row = byTarget.get(target.id);
        const eligible = !object.deleted && objectTypesOf(target).includes(object.type);
        const scope =
          eligible && target.scope === 'assigned'
            ? (await this.scopes.forObjects(target.id, [object])).get(object.id)
            : undefined;
        return {
          targetId: target.id,
          targetName: target.name,
          scope: target.scope,
          inScope: eligible && (target.scope === 'all' || scope?.assigned === true),
          roles: scope?.roles.map((r) => r.displayName) ?? [],
          provisioned: row !== undefined && (row.status === 'active' || row.status === 'disabled'),
          status: row?.status ?? null,
          targetObjectId: row?.target_object_id ?? null,
          pending: row !== undefined && Boolean(Number(row.pending)),
          held: row?.deprovision_hold === 'held',
          lastResult: row?.last_result ?? null,
          lastError: row?.last_error ?? null,
          updatedAt: row ? fromDbDate(row.updated_at).toISOString() : null,
          lastEntry: row ? await this.lastEntry(target.id, object.id) : null,
        };
      }),
    );
  }

  /**
   * Read through the object's index (its entries, newest first, until one of the target): `+target_id` keeps
   * SQLite, and the hint MariaDB, off the target's index, which would walk every entry of the target.
   */
  private async lastEntry(targetId: string, objectId: string): Promise<ObjectTargetState['lastEntry']> {
    const hint = this.mysql ? ' FORCE INDEX (ix_provisioning_log_object)' : '';
    const [r] = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT id, created_at, action, status, reason FROM provisioning_log${hint}
        WHERE object_id = ? AND +target_id = ? ORDER BY id DESC LIMIT 1`,
      [objectId, targetId],
    );
    if (!r) return null;
    return {
      id: Number(r.id),
      time: fromDbDate(r.created_at).toISOString(),
      action: r.action as string,
      status: r.status as string,
      reason: (r.reason as string | null) ?? null,
    };
  }
}
