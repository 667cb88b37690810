import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every target has this role (Entra's default access role has the all-zero id too). */
export const DEFAULT_ROLE_ID = '00000000-0000-0000-0000-000000000000';

/** A role users and groups are assigned to a target with (Entra's `appRoles`). */
@Entity('app_role')
@Index('uq_app_role_value', ['targetId', 'value'], { unique: true })
export class AppRole {
  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName!: string;

  /** What the target receives (`roles[].value`); unique per target. */
  @Column({ type: 'varchar', length: 120 })
  value!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ name: 'is_default', type: 'boolean' })
  isDefault!: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
