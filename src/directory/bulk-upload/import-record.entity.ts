import { Column, Entity, PrimaryColumn } from 'typeorm';

export const IMPORT_RECORD_STATUSES = ['pending', 'created', 'updated', 'unchanged', 'failed'] as const;
export type ImportRecordStatus = (typeof IMPORT_RECORD_STATUSES)[number];

/** One operation of a `/bulkUpload` request and, once processed, its outcome. */
@Entity('import_record')
export class ImportRecord {
  @PrimaryColumn({ name: 'job_id', type: 'varchar', length: 36 })
  jobId!: string;

  /** 0-based position in the request's Operations. */
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'bulk_id', type: 'varchar', length: 255, nullable: true })
  bulkId!: string | null;

  /** The record's value of the matching attribute, for the results. */
  @Column({ name: 'match_value', type: 'varchar', length: 255, nullable: true })
  matchValue!: string | null;

  /** The operation as received; cleared once processed (it is personal data, and the directory has it now). */
  @Column({ type: 'text', nullable: true })
  payload!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: ImportRecordStatus;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ name: 'processed_at', type: 'datetime', precision: 3, nullable: true })
  processedAt!: Date | null;
}
