import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { fromDbDate } from '../../database/db-values';
import type { ChangeKind, ChangeObjectType } from './directory-change.entity';

/** One journal row as a consumer sees it: which object changed, when, and in which inbound request. */
export interface JournalRow {
  seq: number;
  objectType: ChangeObjectType;
  objectId: string;
  kind: ChangeKind;
  /**
   * For a group's `members_added` and `members_removed`: the members that joined or left; undefined when the row
   * does not list them (rows written before every id was journaled).
   */
  memberIds?: string[];
  requestId: string | null;
  changedAt: Date;
}

/**
 * The journal from a cursor, for the provisioning engine's fan-out. Reads run in the caller's transaction when
 * given one, so a consumer can move its cursor and queue the rows it read atomically.
 */
@Injectable()
export class JournalReader {
  constructor(private readonly dataSource: DataSource) {}

  /** The last sequence number written (0 for an empty journal). */
  async head(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row] = await manager.query<{ n: number | string | null }[]>(
      'SELECT MAX(seq) AS n FROM directory_change',
    );
    return Number(row?.n ?? 0);
  }

  /** Up to `limit` rows after `cursor`, in sequence order. */
  async readAfter(manager: EntityManager, cursor: number, limit: number): Promise<JournalRow[]> {
    const rows = await manager.query<
      {
        seq: number | string;
        object_type: ChangeObjectType;
        object_id: string;
        kind: ChangeKind;
        detail: string | null;
        request_id: string | null;
        changed_at: unknown;
      }[]
    >(
      'SELECT seq, object_type, object_id, kind, detail, request_id, changed_at FROM directory_change WHERE seq > ? ORDER BY seq LIMIT ?',
      [cursor, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      objectType: r.object_type,
      objectId: r.object_id,
      kind: r.kind,
      ...(MEMBERSHIP_KINDS.has(r.kind) ? { memberIds: memberIdsOf(r.detail) } : {}),
      requestId: r.request_id,
      changedAt: fromDbDate(r.changed_at),
    }));
  }
}

const MEMBERSHIP_KINDS = new Set<ChangeKind>(['members_added', 'members_removed']);

function memberIdsOf(detail: string | null): string[] | undefined {
  const ids = detail === null ? undefined : (JSON.parse(detail) as { ids?: unknown }).ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : undefined;
}
