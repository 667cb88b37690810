import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A manager reference that could not be resolved yet: the user's manager is known only by the manager's
 * matching key (Entra's /bulkUpload sends the manager's externalId). Resolved when that worker arrives,
 * in the same request or a later one.
 */
@Entity('pending_manager_reference')
export class PendingManagerReference {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Index('ix_pending_manager_key')
  @Column({ name: 'manager_key', type: 'varchar', length: 255 })
  managerKey!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
