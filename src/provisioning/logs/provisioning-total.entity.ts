import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Entra's "statistics to date": provisioning log entries counted per target, action and status since the target
 * was registered, kept in step with the log in the same transaction (the log itself is purged after its retention).
 */
@Entity('provisioning_total')
export class ProvisioningTotal {
  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  action!: string;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  status!: string;

  @Column({ type: 'integer' })
  count!: number;
}
