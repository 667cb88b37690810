import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A group as pushed by HR. Its members are `GroupMembership` rows, never part of `doc`. */
// Led by deleted_at for the retention purge; then the list order, so that an unfiltered page deep in the list
// reads index entries only (listPage).
@Index('ix_directory_group_deleted_at', ['deletedAt', 'createdAt', 'id'])
@Entity('directory_group')
export class DirectoryGroup {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName!: string;

  @Index('ix_directory_group_display_name')
  @Column({ name: 'display_name_normalized', type: 'varchar', length: 255 })
  displayNameNormalized!: string;

  @Index('ix_directory_group_external_id')
  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  @Column({ type: 'text' })
  doc!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Index('ix_directory_group_created_at')
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Index('ix_directory_group_updated_at')
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;
}
