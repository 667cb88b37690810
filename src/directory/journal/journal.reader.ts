import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { fromDbDate } from '../../database/db-values';
import type { ChangeObjectType } from './directory-change.entity';

/** One journal row as a consumer sees it: which object changed, when, and in which inbound request. */
export interface JournalRow {
  seq: number;
  objectType: ChangeObjectType;
  objectId: string;
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
        request_id: string | null;
        changed_at: unknown;
      }[]
    >(
      'SELECT seq, object_type, object_id, request_id, changed_at FROM directory_change WHERE seq > ? ORDER BY seq LIMIT ?',
      [cursor, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      objectType: r.object_type,
      objectId: r.object_id,
      requestId: r.request_id,
      changedAt: fromDbDate(r.changed_at),
    }));
  }
}
