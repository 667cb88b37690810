import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Deliveries and failures per target and minute, kept in step with the log in the same transaction, for the
 * overview's chart of the last hour: a read of 60 rows per target, however many entries the hour wrote. Rows older
 * than a day are purged with the log's retention job.
 */
@Entity('provisioning_minute')
export class ProvisioningMinute {
  /** The minute's start (UTC); first in the key, so that "the last hour" and the purge are ranges of it. */
  @PrimaryColumn({ type: 'datetime', precision: 3 })
  minute!: Date;

  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  /** Entries with the status Success: a request the target accepted. */
  @Column({ type: 'integer' })
  delivered!: number;

  /** Entries with the status Failure. */
  @Column({ type: 'integer' })
  failed!: number;
}
