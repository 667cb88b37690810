import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidRequestError, NotFoundError } from '../../common/errors';
import { fromDbDate } from '../../database/db-values';
import { decodeChangedAttributes, type ChangedAttribute } from './changed-attributes';
import type { ChangeKind, ChangeObjectType } from './directory-change.entity';

export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 500;

/** Who made a change, as the history shows it; null on rows written before actors were recorded. */
export type HistoryActor =
  | { kind: 'token'; id: string; name: string | null }
  | { kind: 'import'; id: string; token: { id: string | null; name: string | null } }
  | { kind: 'system'; id: string; name: string | null };

export interface HistoryEntry {
  seq: number;
  time: string;
  kind: ChangeKind;
  actor: HistoryActor | null;
  requestId: string | null;
  /** The object's version after the change (0 for a purge and for a group a deleted member left). */
  version: number;
  /** What a create set or a replace or patch changed; empty for the other kinds. */
  changedAttributes: ChangedAttribute[];
  /** For `members_added` and `members_removed`: the members that joined or left. */
  memberIds?: string[];
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface Row {
  seq: number | string;
  kind: ChangeKind;
  object_version: number | string;
  detail: string | null;
  request_id: string | null;
  actor_kind: HistoryActor['kind'] | null;
  actor_id: string | null;
  actor_name: string | null;
  actor_token_id: string | null;
  changed_attributes: string | null;
  changed_at: unknown;
}

const TABLES: Record<ChangeObjectType, string> = { User: 'directory_user', Group: 'directory_group' };

/**
 * One object's journal, newest first, for the admin API's directory history: who changed what, when, in which
 * request. It reads the journal alone (by its object index), so soft-deleted and purged objects keep their history
 * for as long as their rows are kept.
 */
@Injectable()
export class DirectoryHistoryReader {
  constructor(private readonly dataSource: DataSource) {}

  async historyOf(
    objectType: ChangeObjectType,
    id: string,
    page: { cursor?: string; limit?: number },
  ): Promise<HistoryPage> {
    const limit = page.limit ?? HISTORY_DEFAULT_LIMIT;
    const before = page.cursor === undefined ? undefined : seqOf(page.cursor);
    const rows = await this.dataSource.query<Row[]>(
      `SELECT seq, kind, object_version, detail, request_id, actor_kind, actor_id, actor_name, actor_token_id, changed_attributes, changed_at FROM directory_change WHERE object_type = ? AND object_id = ?${before === undefined ? '' : ' AND seq < ?'} ORDER BY seq DESC LIMIT ?`,
      [objectType, id, ...(before === undefined ? [] : [before]), limit + 1],
    );
    if (rows.length === 0 && !(await this.exists(objectType, id))) {
      throw new NotFoundError(`${objectType} ${id} not found`);
    }
    const entries = rows.slice(0, limit).map(toEntry);
    return {
      entries,
      nextCursor: rows.length > limit ? cursorOf(entries[entries.length - 1].seq) : null,
    };
  }

  /** Whether the object's row is there (soft-deleted included): an object whose journal rows were pruned. */
  private async exists(objectType: ChangeObjectType, id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM ${TABLES[objectType]} WHERE id = ?`, [
      id,
    ]);
    return rows.length > 0;
  }
}

/** Opaque to the caller: base64url of the last seq it was given. */
function cursorOf(seq: number): string {
  return Buffer.from(`h${seq}`).toString('base64url');
}

function seqOf(cursor: string): number {
  const match = /^h([1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || cursorOf(Number(match[1])) !== cursor) {
    throw new InvalidRequestError('cursor is not a cursor this API returned');
  }
  return Number(match[1]);
}

function toEntry(r: Row): HistoryEntry {
  const entry: HistoryEntry = {
    seq: Number(r.seq),
    time: fromDbDate(r.changed_at).toISOString(),
    kind: r.kind,
    actor: actorOf(r),
    requestId: r.request_id,
    version: Number(r.object_version),
    changedAttributes: decodeChangedAttributes(r.changed_attributes),
  };
  if (r.kind === 'members_added' || r.kind === 'members_removed') entry.memberIds = memberIdsOf(r.detail);
  return entry;
}

function actorOf(r: Row): HistoryActor | null {
  if (r.actor_kind === null || r.actor_id === null) return null;
  if (r.actor_kind === 'import') {
    return { kind: 'import', id: r.actor_id, token: { id: r.actor_token_id, name: r.actor_name } };
  }
  return { kind: r.actor_kind, id: r.actor_id, name: r.actor_name };
}

function memberIdsOf(detail: string | null): string[] {
  const ids = detail === null ? undefined : (JSON.parse(detail) as { ids?: unknown }).ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}
