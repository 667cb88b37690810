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

  /** Kind-specific detail: member ids for membership changes (on older rows also a patch's paths). */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  /** Who made the change (`token`, `import`, `system`); null on rows written before actors were recorded. */
  @Column({ name: 'actor_kind', type: 'varchar', length: 8, nullable: true })
  actorKind!: 'token' | 'import' | 'system' | null;

  /** The token's id, the import job's id, or the system job's id. */
  @Column({ name: 'actor_id', type: 'varchar', length: 64, nullable: true })
  actorId!: string | null;

  /** The token's name (for an import: the submitting token's), or the system job's name, as it was then. */
  @Column({ name: 'actor_name', type: 'varchar', length: 100, nullable: true })
  actorName!: string | null;

  /** For an import: the token that submitted the job. */
  @Column({ name: 'actor_token_id', type: 'varchar', length: 36, nullable: true })
  actorTokenId!: string | null;

  /**
   * JSON `[{path, value?}]`: the SCIM paths a create set or a replace or patch changed, with bounded values, none
   * for a secret attribute. Null for deletes, purges, membership rows and older rows.
   */
  @Column({ name: 'changed_attributes', type: 'text', nullable: true })
  changedAttributes!: string | null;

  @Column({ name: 'changed_at', type: 'datetime', precision: 3 })
  changedAt!: Date;
}
