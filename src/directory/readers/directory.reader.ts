import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fromDbDate, toDbDateText } from '../../database/db-values';

/** A directory object as the engine sees it, soft-deleted ones included (they must be deprovisioned). */
export interface DirectoryObject {
  id: string;
  type: 'User' | 'Group';
  doc: Record<string, unknown>;
  active: boolean;
  deletedAt: Date | null;
}

const CHUNK = 500;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/**
 * Read-only queries over the directory's tables for the engine. The directory module only exposes live objects;
 * provisioning needs soft-deleted ones and membership rows too, and never writes here.
 */
@Injectable()
export class DirectoryReader {
  constructor(private readonly dataSource: DataSource) {}

  async users(ids: string[]): Promise<Map<string, DirectoryObject>> {
    const out = new Map<string, DirectoryObject>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = await this.dataSource.query<Record<string, unknown>[]>(
        `SELECT id, doc, active, deleted_at FROM directory_user WHERE id IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const r of rows) {
        out.set(r.id as string, {
          id: r.id as string,
          type: 'User',
          doc: JSON.parse(r.doc as string) as Record<string, unknown>,
          active: Boolean(Number(r.active)),
          deletedAt: r.deleted_at == null ? null : fromDbDate(r.deleted_at),
        });
      }
    }
    return out;
  }

  async group(id: string): Promise<DirectoryObject | null> {
    const [r] = await this.dataSource.query<Record<string, unknown>[]>(
      'SELECT id, doc, deleted_at FROM directory_group WHERE id = ?',
      [id],
    );
    if (!r) return null;
    return {
      id,
      type: 'Group',
      doc: JSON.parse(r.doc as string) as Record<string, unknown>,
      active: true,
      deletedAt: r.deleted_at == null ? null : fromDbDate(r.deleted_at),
    };
  }

  async memberIds(groupId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ member_id: string }[]>(
      'SELECT member_id FROM group_membership WHERE group_id = ?',
      [groupId],
    );
    return rows.map((r) => r.member_id);
  }

  /** The groups any of these objects is a direct member of. */
  async groupIdsOf(memberIds: string[]): Promise<string[]> {
    const out = new Set<string>();
    for (let i = 0; i < memberIds.length; i += CHUNK) {
      const chunk = memberIds.slice(i, i + CHUNK);
      const rows = await this.dataSource.query<{ group_id: string }[]>(
        `SELECT DISTINCT group_id FROM group_membership WHERE member_id IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const r of rows) out.add(r.group_id);
    }
    return [...out];
  }

  /** Ids of live users (then groups) after `afterId`, in id order: the reconciliation walks them in pages. */
  async liveIds(type: 'User' | 'Group', afterId: string, limit: number): Promise<string[]> {
    const table = type === 'User' ? 'directory_user' : 'directory_group';
    const rows = await this.dataSource.query<{ id: string }[]>(
      // `+deleted_at`: on SQLite the deleted_at index would sort every live row for each page.
      `SELECT id FROM ${table} WHERE +deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?`,
      [afterId, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Ids of live users, after `afterId` in id order, whose employeeHireDate or employeeLeaveDateTime (Entra
   * extension, kept in the indexed hire_at and leave_at columns) falls in (from, to]: the date job's window.
   * The unary `+` keeps SQLite, which has no table statistics, from walking every live user through the
   * deleted_at or primary-key index instead of the two date indexes; MySQL ignores it.
   */
  async datedUsers(from: Date, to: Date, afterId: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM directory_user
        WHERE ((hire_at > ? AND hire_at <= ?) OR (leave_at > ? AND leave_at <= ?)) AND +deleted_at IS NULL AND +id > ?
        ORDER BY id LIMIT ?`,
      [toDbDateText(from), toDbDateText(to), toDbDateText(from), toDbDateText(to), afterId, limit],
    );
    return rows.map((r) => r.id);
  }
}
