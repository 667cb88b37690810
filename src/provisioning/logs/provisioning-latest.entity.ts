import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A target's latest entry of a kind, as the status shows it: `request`, the latest entry that sent a request (idle or
 * stuck?), and `success`, the latest success. Kept by the log's append in the same transaction, so the status reads
 * two rows instead of walking the target's entries back to one that qualifies: a target whose log is all skips (an
 * app few users are assigned to) walked every entry it had, 20,000 for each of 40 such targets on a 1,000,000-entry
 * log, and the console's overview took 0.9 s to refresh.
 */
@Entity('provisioning_latest')
export class ProvisioningLatest {
  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  kind!: 'request' | 'success';

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'object_id', type: 'varchar', length: 36 })
  objectId!: string;

  @Column({ type: 'varchar', length: 8 })
  action!: string;

  @Column({ type: 'varchar', length: 8 })
  status!: string;

  @Column({ type: 'text', nullable: true })
  request!: string | null;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;
}
