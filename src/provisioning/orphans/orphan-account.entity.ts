import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const ORPHAN_STATES = ['open', 'disabled', 'deleted', 'linked'] as const;
export type OrphanState = (typeof ORPHAN_STATES)[number];

/**
 * Account discovery: a user the target holds that no directory object of this target is linked to (found by listing
 * the target after a full reconciliation). Recorded, never acted on automatically; an admin disables, deletes or
 * links it. A row goes when a complete listing no longer finds the account unlinked.
 */
@Entity('orphan_account')
@Index('ix_orphan_account_seen', ['targetId', 'lastSeenAt'])
export class OrphanAccount {
  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  /** The account's id in the target. */
  @PrimaryColumn({ name: 'target_object_id', type: 'varchar', length: 255 })
  targetObjectId!: string;

  @Column({ name: 'user_name', type: 'varchar', length: 255, nullable: true })
  userName!: string | null;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  /** As the target listed it; null when it did not say. */
  @Column({ type: 'boolean', nullable: true })
  active!: boolean | null;

  /**
   * A directory user whose userName or externalId equals the account's (a candidate for a link): the account then
   * matches a directory object that is not in this target's scope, or not provisioned yet.
   */
  @Column({ name: 'directory_user_id', type: 'varchar', length: 36, nullable: true })
  directoryUserId!: string | null;

  @Column({ type: 'varchar', length: 12 })
  state!: OrphanState;

  @Column({ name: 'first_seen_at', type: 'datetime', precision: 3 })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'datetime', precision: 3 })
  lastSeenAt!: Date;

  /** When an admin disabled, deleted or linked it. */
  @Column({ name: 'acted_at', type: 'datetime', precision: 3, nullable: true })
  actedAt!: Date | null;
}
