import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../../common/errors';
import { LogAction, LogStatus, ProvisioningLog } from './provisioning-log.entity';
import { ProvisioningLogRepository } from './provisioning-log.repository';
import { ProvisioningLogWriter } from './provisioning-log.writer';

export interface LogFilter {
  targetId?: string;
  objectId?: string;
  action?: LogAction;
  status?: LogStatus;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface LogPage {
  entries: LogView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface LogView {
  id: number;
  time: string;
  targetId: string;
  objectType: string;
  objectId: string;
  changeSeq: number | null;
  action: string;
  status: string;
  reason: string | null;
  detail: string | null;
  request: unknown;
  response: { status: number | null; excerpt: string | null };
  durationMs: number;
  attempt: number;
  requestId: string | null;
}

/** Queries the provisioning log, newest first, with keyset paging. */
@Injectable()
export class ProvisioningLogsService {
  constructor(
    private readonly logs: ProvisioningLogRepository,
    private readonly writer: ProvisioningLogWriter,
  ) {}

  async searchLogs(filter: LogFilter): Promise<LogPage> {
    const limit = filter.limit ?? 100;
    let before: number | undefined;
    if (filter.cursor !== undefined) {
      before = Number(Buffer.from(filter.cursor, 'base64url').toString('utf8'));
      if (!Number.isInteger(before) || before < 1)
        throw new InvalidRequestError('cursor is not a cursor this API returned');
    }
    const date = (v: string | undefined, name: string) => {
      if (v === undefined) return undefined;
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw new InvalidRequestError(`${name} must be an ISO 8601 date-time`);
      return d;
    };
    // Entries still in the write buffer (at most 100 ms old) are included.
    await this.writer.flush();
    const rows = await this.logs.search({
      targetId: filter.targetId,
      objectId: filter.objectId,
      action: filter.action,
      status: filter.status,
      from: date(filter.from, 'from'),
      to: date(filter.to, 'to'),
      before,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    return {
      entries: page.map(toLogView),
      nextCursor: more ? Buffer.from(String(page[page.length - 1].id)).toString('base64url') : null,
    };
  }
}

function toLogView(l: ProvisioningLog): LogView {
  return {
    id: l.id,
    time: l.createdAt.toISOString(),
    targetId: l.targetId,
    objectType: l.objectType,
    objectId: l.objectId,
    changeSeq: l.changeSeq,
    action: l.action,
    status: l.status,
    reason: l.reason,
    detail: l.detail,
    request: l.request ? (JSON.parse(l.request) as unknown) : null,
    response: { status: l.responseStatus, excerpt: l.responseExcerpt },
    durationMs: l.durationMs,
    attempt: l.attempt,
    requestId: l.requestId,
  };
}
