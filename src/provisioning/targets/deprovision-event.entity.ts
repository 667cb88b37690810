import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One disable or delete sent to a target, kept for the target's deletion window: the accidental-deletion threshold
 * counts them (rows older than the window are pruned as new ones arrive).
 */
@Entity('deprovision_event')
@Index('ix_deprovision_event_target', ['targetId', 'at'])
export class DeprovisionEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;
}
