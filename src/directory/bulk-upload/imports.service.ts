import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { AppError, InvalidRequestError, NotFoundError, PayloadTooLargeError } from '../../common/errors';
import { RequestContext } from '../../common/request-context';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { TransactionRunner } from '../../database/transaction-runner';
import type { ScimDocument, StoredResource } from '../directory.types';
import { UsersService } from '../users/users.service';
import { MAX_DOCUMENT_BYTES } from '../write-guard';
import {
  BULK_REQUEST_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  normalizeResource,
  SchemaRegistry,
  type UnknownAttributes,
} from '../../scim-protocol';
import { isPlainObject } from '../../scim-protocol/json-value.util';
import { ImportJob } from './import-job.entity';
import { ImportJobsRepository } from './import-jobs.repository';
import { ImportRecord, ImportRecordStatus } from './import-record.entity';
import { mergePartialRecord } from './record-merge';

export const IMPORT_MAX_OPERATIONS = 1000;

export interface ImportJobSummary {
  id: string;
  status: string;
  matchAttribute: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ImportJobView extends ImportJobSummary {
  totals: Record<'records' | 'pending' | ImportRecordStatus, number>;
  records: {
    index: number;
    bulkId: string | null;
    matchValue: string | null;
    status: ImportRecordStatus;
    reason: string | null;
    userId: string | null;
  }[];
}

/** Who reads imports: a SCIM token reads the jobs it submitted, an admin token every job. */
export interface ImportReader {
  tokenId: string;
  readsAll: boolean;
}

/** What a job keeps of the request that submitted it. */
export interface ImportSubmission {
  requestId: string | null;
  tokenId: string;
  /** Recorded with the job: the directory history names the token behind each change the job makes. */
  tokenName: string;
  unknownAttributes: UnknownAttributes;
}

type Outcome = {
  status: Exclude<ImportRecordStatus, 'pending'>;
  reason?: string;
  userId?: string;
  matchValue?: string;
};

/**
 * Entra-style API-driven inbound provisioning (`POST /scim/v2/bulkUpload`, entra-inbound-api.md §2-§5):
 * every record is an upsert matched on IMPORT_MATCH_ATTRIBUTE (externalId by default), partial records
 * leave omitted attributes alone, and `manager.value` names the manager by that same key, resolved even
 * when the manager arrives later in the same or a later request.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    private readonly jobs: ImportJobsRepository,
    private readonly users: UsersService,
    private readonly registry: SchemaRegistry,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Checks the envelope (400/413 on the request as a whole) and stores the job; processing is asynchronous. */
  async enqueueImport(body: unknown, ctx: ImportSubmission): Promise<ImportJob> {
    const operations = parseEnvelope(body);
    const now = this.clock.now();
    const job: ImportJob = {
      id: randomUUID(),
      status: 'queued',
      recordCount: operations.length,
      matchAttribute: this.config.imports.matchAttribute,
      unknownAttributes: ctx.unknownAttributes,
      requestId: ctx.requestId,
      submittedByTokenId: ctx.tokenId,
      submittedByTokenName: ctx.tokenName.slice(0, 100),
      leaseOwner: null,
      leaseUntil: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
    };
    const records: ImportRecord[] = operations.map((op, seq) => {
      const payload = JSON.stringify(op);
      // The payload column is a MySQL TEXT: a record it cannot hold fails now, as its own outcome (not the request's).
      const bytes = Buffer.byteLength(payload, 'utf8');
      const tooLarge = bytes > MAX_DOCUMENT_BYTES;
      return {
        jobId: job.id,
        seq,
        bulkId:
          isPlainObject(op) && (typeof op.bulkId === 'string' || typeof op.bulkId === 'number')
            ? String(op.bulkId).slice(0, 255)
            : null,
        matchValue: null,
        payload: tooLarge ? null : payload,
        status: tooLarge ? 'failed' : 'pending',
        reason: tooLarge
          ? `The record is too large to store (${bytes} bytes, at most ${MAX_DOCUMENT_BYTES})`
          : null,
        userId: null,
        processedAt: tooLarge ? now : null,
      };
    });
    await this.tx.run((manager) => this.jobs.insertJob(manager, job, records));
    return job;
  }

  /**
   * A job as `reader` may see it. Another SCIM token's job is "not found", as a job that does not exist: its
   * existence is not the reader's to know.
   */
  async readImport(id: string, reader: ImportReader): Promise<ImportJobView> {
    const job = await this.jobs.findJob(id);
    if (!job || !(reader.readsAll || job.submittedByTokenId === reader.tokenId)) {
      throw new NotFoundError(`Import ${id} not found`);
    }
    return this.viewOf(job);
  }

  /** The jobs `reader` may see, newest first (100 at most). */
  async listImports(reader: ImportReader): Promise<ImportJobSummary[]> {
    const jobs = await this.jobs.listJobs(100, reader.readsAll ? undefined : reader.tokenId);
    return jobs.map(jobSummary);
  }

  private async viewOf(job: ImportJob): Promise<ImportJobView> {
    const records = await this.jobs.listRecords(job.id);
    const totals = { records: records.length, pending: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
    for (const r of records) totals[r.status]++;
    return {
      ...jobSummary(job),
      totals,
      records: records.map((r) => ({
        index: r.seq,
        bulkId: r.bulkId,
        matchValue: r.matchValue,
        status: r.status,
        reason: r.reason,
        userId: r.userId,
      })),
    };
  }

  /** Upserts one record and records its outcome at once, so results show while the job runs. */
  async importRecord(job: ImportJob, record: ImportRecord): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.upsert(job, JSON.parse(record.payload ?? 'null') as unknown);
    } catch (err) {
      // An AppError names the attribute and the problem; anything else is a bug: logged, never shown as is.
      if (!(err instanceof AppError)) {
        this.logger.error({
          msg: 'import record failed',
          jobId: job.id,
          seq: record.seq,
          error: err instanceof Error ? err.stack : String(err),
        });
      }
      outcome = {
        status: 'failed',
        reason: err instanceof AppError ? err.message : 'Internal error while importing the record',
      };
    }
    await this.jobs.completeRecord(record, outcome, this.clock.now());
  }

  private async upsert(job: ImportJob, op: unknown): Promise<Outcome> {
    if (!isPlainObject(op)) throw new InvalidRequestError('The operation is not an object', 'invalidSyntax');
    if (String(op.method).toUpperCase() !== 'POST' || String(op.path).toLowerCase() !== '/users') {
      throw new InvalidRequestError(
        '/bulkUpload takes POST /Users operations only (upserts)',
        'invalidValue',
      );
    }
    if (!isPlainObject(op.data))
      throw new InvalidRequestError('Attribute data must be an object', 'invalidSyntax');
    const key = job.matchAttribute as 'externalId' | 'userName';
    const data: ScimDocument = structuredClone(op.data);
    const matchValue = valueOf(data, key);
    if (typeof matchValue !== 'string' || matchValue === '') {
      throw new InvalidRequestError(`Attribute ${key} is required to match the record`, 'invalidValue');
    }
    const manager = takeManagerKey(data);
    const managerUser = manager.key ? await this.users.findUserByKey(key, manager.key) : null;
    const ctx: RequestContext = {
      requestId: job.requestId,
      actor: {
        kind: 'import',
        id: job.id,
        token: { id: job.submittedByTokenId, name: job.submittedByTokenName },
      },
    };
    const build = (base: ScimDocument | null): ScimDocument => {
      const merged = base ? mergePartialRecord(base, data, this.registry) : { ...data };
      if (manager.present) setManager(merged, managerUser?.id ?? null);
      return normalizeResource(this.registry, 'User', merged, {
        ...(base ? { mode: 'replace', existing: base } : { mode: 'create' }),
        unknownAttributes: job.unknownAttributes,
        // By path only: a record's values are HR data.
        onIgnored: (path) => this.logger.debug({ msg: 'unknown attribute ignored', jobId: job.id, path }),
      }).doc;
    };

    const existing = await this.users.findUserByKey(key, matchValue);
    let stored: StoredResource;
    let status: Outcome['status'];
    if (!existing) {
      stored = await this.users.createUser(build(null), ctx);
      status = 'created';
    } else {
      stored = await this.users.modifyUser(
        existing.id,
        (current) => ({ doc: build(current.doc), kind: 'replaced' }),
        {},
        ctx,
      );
      status = stored.version === existing.version ? 'unchanged' : 'updated';
    }
    if (manager.present) {
      if (manager.key && !managerUser)
        await this.jobs.setPendingManager(stored.id, manager.key, this.clock.now());
      else await this.jobs.clearPendingManager(stored.id);
    }
    await this.resolveManagerReferences(matchValue, stored.id, ctx);
    const reason =
      manager.key && !managerUser
        ? `manager: no worker has this ${key} yet; the manager is set when that worker arrives`
        : undefined;
    return { status, userId: stored.id, matchValue, reason };
  }

  /** Users waiting for this worker as their manager get it now. */
  private async resolveManagerReferences(
    managerKey: string,
    managerId: string,
    ctx: RequestContext,
  ): Promise<void> {
    const waiting = await this.jobs.pendingManagersOf(managerKey);
    for (const ref of waiting) {
      try {
        await this.users.modifyUser(
          ref.userId,
          (current) => {
            const doc = structuredClone(current.doc);
            setManager(doc, managerId);
            return {
              doc: normalizeResource(this.registry, 'User', doc, { mode: 'replace', existing: current.doc })
                .doc,
              kind: 'patched',
            };
          },
          {},
          ctx,
        );
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    await this.jobs.deletePendingManagers(waiting.map((r) => r.userId));
  }
}

function parseEnvelope(body: unknown): unknown[] {
  if (!isPlainObject(body))
    throw new InvalidRequestError('The bulk request must be a JSON object', 'invalidSyntax');
  const schemas = body.schemas;
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => String(s).toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())
  ) {
    throw new InvalidRequestError(`Attribute schemas must contain ${BULK_REQUEST_SCHEMA}`, 'invalidSyntax');
  }
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new InvalidRequestError('Attribute Operations must be a non-empty array', 'invalidSyntax');
  }
  if (operations.length > IMPORT_MAX_OPERATIONS) {
    throw new PayloadTooLargeError(
      `The request has ${operations.length} operations; the maximum is ${IMPORT_MAX_OPERATIONS}`,
    );
  }
  return operations;
}

function valueOf(doc: ScimDocument, name: string): unknown {
  const key = Object.keys(doc).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : doc[key];
}

/** Takes `manager` (a key of the manager, not a directory id) out of a record: {present, key|null}. */
function takeManagerKey(data: ScimDocument): { present: boolean; key: string | null } {
  const urn = ENTERPRISE_USER_SCHEMA.toLowerCase();
  for (const k of Object.keys(data)) {
    const lower = k.toLowerCase();
    if (lower === `${urn}:manager`) {
      const value = data[k];
      delete data[k];
      return { present: true, key: managerKeyOf(value) };
    }
    if (lower === urn && isPlainObject(data[k])) {
      const ext = data[k];
      const mk = Object.keys(ext).find((a) => a.toLowerCase() === 'manager');
      if (mk === undefined) continue;
      const value = ext[mk];
      delete ext[mk];
      return { present: true, key: managerKeyOf(value) };
    }
  }
  return { present: false, key: null };
}

function managerKeyOf(value: unknown): string | null {
  if (typeof value === 'string') return value || null;
  if (isPlainObject(value) && typeof value.value === 'string') return value.value || null;
  return null;
}

function setManager(doc: ScimDocument, managerId: string | null): void {
  const key =
    Object.keys(doc).find((k) => k.toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase()) ??
    ENTERPRISE_USER_SCHEMA;
  const ext = isPlainObject(doc[key]) ? { ...doc[key] } : {};
  for (const a of Object.keys(ext)) if (a.toLowerCase() === 'manager') delete ext[a];
  if (managerId) ext.manager = { value: managerId };
  if (Object.keys(ext).length > 0) doc[key] = ext;
  else delete doc[key];
}

function jobSummary(job: ImportJob): ImportJobSummary {
  return {
    id: job.id,
    status: job.status,
    matchAttribute: job.matchAttribute,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
