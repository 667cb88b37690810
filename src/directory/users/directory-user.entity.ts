import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A worker as pushed by HR. Attributes that are filtered, sorted or unique are columns; the full SCIM
 * document (core + extensions, canonical attribute names) is `doc`.
 */
// Led by deleted_at for the retention purge; then the list order, so that an unfiltered page deep in the list
// reads index entries only (listPage).
@Index('ix_directory_user_deleted_at', ['deletedAt', 'createdAt', 'id'])
@Entity('directory_user')
export class DirectoryUser {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_name', type: 'varchar', length: 255 })
  userName!: string;

  /**
   * RFC 7643 §4.1: userName is case-insensitively unique. Lowercased in app code so that the same unique
   * index means the same on SQLite (binary) and MySQL; NULL once soft-deleted so that HR may rehire the name.
   */
  @Index('uq_directory_user_user_name', { unique: true })
  @Column({ name: 'user_name_normalized', type: 'varchar', length: 255, nullable: true })
  userNameNormalized!: string | null;

  @Index('ix_directory_user_external_id')
  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  @Index('ix_directory_user_display_name')
  @Column({ name: 'display_name_normalized', type: 'varchar', length: 255, nullable: true })
  displayNameNormalized!: string | null;

  @Index('ix_directory_user_primary_email')
  @Column({ name: 'primary_email_normalized', type: 'varchar', length: 255, nullable: true })
  primaryEmailNormalized!: string | null;

  @Index('ix_directory_user_active')
  @Column({ type: 'boolean' })
  active!: boolean;

  /** Entra extension employeeHireDate, indexed so that the date job finds the hires of the last minute. */
  @Index('ix_directory_user_hire_at')
  @Column({ name: 'hire_at', type: 'datetime', precision: 3, nullable: true })
  hireAt!: Date | null;

  /** Entra extension employeeLeaveDateTime, for the same reason. */
  @Index('ix_directory_user_leave_at')
  @Column({ name: 'leave_at', type: 'datetime', precision: 3, nullable: true })
  leaveAt!: Date | null;

  /** The SCIM document as JSON text, without id, meta and groups (those are derived). */
  @Column({ type: 'text' })
  doc!: string;

  /** Incremented on every write; the weak ETag and the optimistic-concurrency check (RFC 7644 §3.14). */
  @Column({ type: 'integer' })
  version!: number;

  @Index('ix_directory_user_created_at')
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Index('ix_directory_user_updated_at')
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  /** Soft delete from HR (DELETE): gone from SCIM reads, kept for deprovisioning until the retention purge. */
  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;
}
