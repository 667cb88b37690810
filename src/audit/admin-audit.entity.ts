import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One admin mutation, written in the transaction of the change itself (Entra's audit log for the admin API). */
@Entity('admin_audit')
@Index('ix_admin_audit_created_at', ['createdAt'])
@Index('ix_admin_audit_actor', ['actorTokenId', 'id'])
@Index('ix_admin_audit_object', ['objectType', 'objectId', 'id'])
@Index('ix_admin_audit_target', ['targetId', 'id'])
export class AdminAuditEntry {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'actor_token_id', type: 'varchar', length: 36 })
  actorTokenId!: string;

  /** The token's name then: a revoked token's entries still say who it was. */
  @Column({ name: 'actor_token_name', type: 'varchar', length: 100 })
  actorTokenName!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'object_type', type: 'varchar', length: 32 })
  objectType!: string;

  /** A UUID, or a schema extension's URN. */
  @Column({ name: 'object_id', type: 'varchar', length: 255 })
  objectId!: string;

  @Column({ name: 'target_id', type: 'varchar', length: 36, nullable: true })
  targetId!: string | null;

  /** JSON of the admin-visible fields before the change (only those that changed, for an update); secrets never. */
  @Column({ type: 'text', nullable: true })
  before!: string | null;

  @Column({ type: 'text', nullable: true })
  after!: string | null;
}
