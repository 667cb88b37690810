import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ProvisionedStatus = 'none' | 'active' | 'disabled' | 'deleted';

/**
 * Per (target, directory object): the target's id for it, what was last sent, and the work queue entry
 * (`pending` with a lease). The journal cursor only moves once rows here are durably pending.
 */
@Entity('provisioned_object')
@Index('ix_provisioned_object_queue', [
  'targetId',
  'pending',
  'leaseUntil',
  'nextAttemptAt',
  'pendingSince',
  'reconcile',
])
@Index('ix_provisioned_object_waiting', ['targetId', 'waitingFor'])
@Index('ix_provisioned_object_object', ['targetId', 'objectId'])
@Index('ix_provisioned_object_hold', ['targetId', 'deprovisionHold'])
@Index('ix_provisioned_object_ignored', ['targetId', 'hasIgnoredChanges'])
@Index('ix_provisioned_object_target_object', ['targetId', 'targetObjectId'])
export class ProvisionedObject {
  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @PrimaryColumn({ name: 'object_type', type: 'varchar', length: 8 })
  objectType!: 'User' | 'Group';

  @PrimaryColumn({ name: 'object_id', type: 'varchar', length: 36 })
  objectId!: string;

  @Column({ name: 'target_object_id', type: 'varchar', length: 255, nullable: true })
  targetObjectId!: string | null;

  @Column({ type: 'varchar', length: 8 })
  status!: ProvisionedStatus;

  /** The attributes last sent, flattened (`name.givenName` → value), JSON; members are in provisioned_membership. */
  @Column({ name: 'last_sent', type: 'text', nullable: true })
  lastSent!: string | null;

  @Column({ name: 'last_sent_hash', type: 'varchar', length: 64, nullable: true })
  lastSentHash!: string | null;

  /**
   * Changes the target answered 2xx to but did not keep, per target attribute (`IgnoredChanges` as JSON): the same
   * value is not sent again until it changes or the target's profile or updateStyle does.
   */
  @Column({ name: 'ignored_changes', type: 'text', nullable: true })
  ignoredChanges!: string | null;

  /** `ignored_changes` is set: indexed, so the status finds those rows without reading every object of the target. */
  @Column({ name: 'has_ignored_changes', type: 'boolean', default: false })
  hasIgnoredChanges!: boolean;

  @Column({ name: 'last_result', type: 'varchar', length: 8, nullable: true })
  lastResult!: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ type: 'boolean' })
  pending!: boolean;

  /** +1 on every enqueue; a completion clears `pending` only if no newer work arrived meanwhile. */
  @Column({ type: 'integer' })
  generation!: number;

  /** The latest journal seq that queued this object, for the log. */
  @Column({ name: 'change_seq', type: 'integer', nullable: true })
  changeSeq!: number | null;

  @Column({ name: 'pending_since', type: 'datetime', precision: 3, nullable: true })
  pendingSince!: Date | null;

  /** Compare with the target's actual resource instead of what was last sent (reconciliation). */
  @Column({ type: 'boolean' })
  reconcile!: boolean;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ type: 'integer' })
  attempts!: number;

  /**
   * Claims of the row while it had no id in the target, since the last attempt that ended in a success or a skip.
   * Above 1 while claimed, an earlier attempt may have created the object without its answer being recorded (its
   * process was killed, or the create failed after it reached the target): a leaver then looks it up first.
   */
  @Column({ name: 'unsettled_claims', type: 'integer', default: 0 })
  unsettledClaims!: number;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3, nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'datetime', precision: 3, nullable: true })
  leaseUntil!: Date | null;

  /**
   * `held`: a disable or delete stopped by the accidental-deletion threshold, waiting for an admin to release or
   * discard it; `released`: released, sent at the next attempt whatever the threshold says.
   */
  @Column({ name: 'deprovision_hold', type: 'varchar', length: 8, nullable: true })
  deprovisionHold!: 'held' | 'released' | null;

  /** A directory object this one references but the target does not have yet (the manager). */
  @Column({ name: 'waiting_for', type: 'varchar', length: 36, nullable: true })
  waitingFor!: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
