import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const LOG_ACTIONS = ['Create', 'Update', 'Disable', 'Delete', 'Skip', 'Other'] as const;
export type LogAction = (typeof LOG_ACTIONS)[number];
export const LOG_STATUSES = ['Success', 'Failure', 'Skipped', 'Warning'] as const;
export type LogStatus = (typeof LOG_STATUSES)[number];

/** One entry per object, target and attempt, written as the work happens (Graph provisioningObjectSummary). */
@Entity('provisioning_log')
@Index('ix_provisioning_log_target', ['targetId', 'id'])
@Index('ix_provisioning_log_object', ['objectId', 'id'])
@Index('ix_provisioning_log_created_at', ['createdAt'])
@Index('ix_provisioning_log_change', ['changeSeq', 'id'])
@Index('ix_provisioning_log_request', ['requestId', 'id'])
export class ProvisioningLog {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @Column({ name: 'object_type', type: 'varchar', length: 8 })
  objectType!: string;

  @Column({ name: 'object_id', type: 'varchar', length: 36 })
  objectId!: string;

  @Column({ name: 'target_object_id', type: 'varchar', length: 255, nullable: true })
  targetObjectId!: string | null;

  @Column({ name: 'change_seq', type: 'integer', nullable: true })
  changeSeq!: number | null;

  @Column({ type: 'varchar', length: 8 })
  action!: LogAction;

  @Column({ type: 'varchar', length: 8 })
  status!: LogStatus;

  /** Stable code: out_of_scope, no_change, action_disabled, not_provisioned, retry_scheduled, … */
  @Column({ type: 'varchar', length: 40, nullable: true })
  reason!: string | null;

  /** The reason in words (the failing scoping clause, the error). */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  detail!: string | null;

  /** JSON {method, path, query, body} exactly as sent: secrets and Redact()ed values masked. */
  @Column({ type: 'text', nullable: true })
  request!: string | null;

  /**
   * JSON [{name, oldValue, newValue}]: the attributes a write set (Entra's Modified properties), masked like the
   * request, at most 100 properties, values cut at 500 characters, 16,000 characters in all.
   */
  @Column({ name: 'modified_properties', type: 'text', nullable: true })
  modifiedProperties!: string | null;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'response_excerpt', type: 'varchar', length: 2000, nullable: true })
  responseExcerpt!: string | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
