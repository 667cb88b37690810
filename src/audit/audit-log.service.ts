import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../common/errors';
import { AdminAuditEntry } from './admin-audit.entity';
import { AuditLogRepository } from './audit-log.repository';

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 500;

export interface AuditFilter {
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  targetId?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

export interface AuditEntryView {
  id: number;
  time: string;
  actor: { tokenId: string; tokenName: string };
  requestId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Reads the admin audit log, newest first, with keyset paging. */
@Injectable()
export class AuditLogService {
  constructor(private readonly entries: AuditLogRepository) {}

  async listEntries(filter: AuditFilter): Promise<AuditPage> {
    const limit = filter.limit ?? AUDIT_PAGE_DEFAULT;
    if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE_MAX)
      throw new InvalidRequestError(`limit must be an integer from 1 to ${AUDIT_PAGE_MAX}`);
    const since = dateOf(filter.since, 'since');
    const until = dateOf(filter.until, 'until');
    if (since && until && since > until) throw new InvalidRequestError('since must not be after until');
    const rows = await this.entries.search({
      actorTokenId: filter.actor,
      action: filter.action,
      objectType: filter.objectType,
      objectId: filter.objectId,
      targetId: filter.targetId,
      since,
      until,
      before: filter.cursor === undefined ? undefined : idOfCursor(filter.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      entries: page.map(toView),
      nextCursor: rows.length > limit ? cursorOf(page[page.length - 1].id) : null,
    };
  }
}

function dateOf(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new InvalidRequestError(`${name} must be an ISO 8601 date-time`);
  return date;
}

const cursorOf = (id: number) => Buffer.from(`a${id}`).toString('base64url');

function idOfCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = /^a\d{1,15}$/.test(text) ? Number(text.slice(1)) : NaN;
  if (!Number.isSafeInteger(id) || id < 1)
    throw new InvalidRequestError('cursor is not a cursor this API returned');
  return id;
}

function toView(e: AdminAuditEntry): AuditEntryView {
  return {
    id: e.id,
    time: e.createdAt.toISOString(),
    actor: { tokenId: e.actorTokenId, tokenName: e.actorTokenName },
    requestId: e.requestId,
    action: e.action,
    objectType: e.objectType,
    objectId: e.objectId,
    targetId: e.targetId,
    before: e.before === null ? null : (JSON.parse(e.before) as unknown),
    after: e.after === null ? null : (JSON.parse(e.after) as unknown),
  };
}
