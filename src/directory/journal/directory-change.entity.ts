import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ChangeObjectType = 'User' | 'Group';
export const CHANGE_KINDS = [
  'created',
  'replaced',
  'patched',
  'deleted',
  'purged',
  'members_added',
  'members_removed',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * The change journal: one row per directory write, appended in the write's own transaction, so that the
 * provisioning engine (which keeps a cursor on `seq`) can never miss a change, even after a crash.
 */
@Entity('directory_change')
@Index('ix_directory_change_object', ['objectType', 'objectId'])
export class DirectoryChange {
  /** `integer`: SQLite only auto-increments an INTEGER PRIMARY KEY (64-bit there, 32-bit signed on MySQL). */
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'object_type', type: 'varchar', length: 8 })
  objectType!: ChangeObjectType;

  @Column({ name: 'object_id', type: 'varchar', length: 36 })
  objectId!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: ChangeKind;

  /** Version of the object after the change (0 for a purge). */
  @Column({ name: 'object_version', type: 'integer' })
  objectVersion!: number;

  /** Kind-specific detail: member ids for membership changes, changed paths for a patch. */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ name: 'changed_at', type: 'datetime', precision: 3 })
  changedAt!: Date;
}
