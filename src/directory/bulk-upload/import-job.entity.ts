import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { UnknownAttributes } from '../../scim-protocol';

export const IMPORT_JOB_STATUSES = ['queued', 'running', 'completed'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

/**
 * One `/bulkUpload` request (Entra's API-driven inbound provisioning), processed asynchronously. The
 * records are rows of their own, so a job survives a restart and results appear as each record is done.
 */
@Entity('import_job')
@Index('ix_import_job_status', ['status', 'leaseUntil'])
export class ImportJob {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ImportJobStatus;

  @Column({ name: 'record_count', type: 'integer' })
  recordCount!: number;

  /** The attribute records are matched on (IMPORT_MATCH_ATTRIBUTE at the time of the request). */
  @Column({ name: 'match_attribute', type: 'varchar', length: 32 })
  matchAttribute!: string;

  /** The submitting token's choice for attributes no schema defines, at the time of the request. */
  @Column({ name: 'unknown_attributes', type: 'varchar', length: 16, default: 'reject' })
  unknownAttributes!: UnknownAttributes;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  /** The API token that submitted the job: with admin tokens, the only one that may read it (null on older jobs). */
  @Column({ name: 'submitted_by_token_id', type: 'varchar', length: 36, nullable: true })
  submittedByTokenId!: string | null;

  /** That token's name when it submitted the job (the directory history names it); null on older jobs. */
  @Column({ name: 'submitted_by_token_name', type: 'varchar', length: 100, nullable: true })
  submittedByTokenName!: string | null;

  /** The process holding the job, and until when: another process takes it over after expiry. */
  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'datetime', precision: 3, nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
