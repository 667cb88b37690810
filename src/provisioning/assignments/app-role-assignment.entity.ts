import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type PrincipalType = 'User' | 'Group';

/**
 * A user or a group assigned to a target with a role (Entra's appRoleAssignment). A principal may hold several
 * roles on one target, one row each.
 */
@Entity('app_role_assignment')
@Index('uq_app_role_assignment', ['targetId', 'principalId', 'roleId'], { unique: true })
@Index('ix_app_role_assignment_role', ['targetId', 'roleId'])
@Index('ix_app_role_assignment_type', ['targetId', 'principalType', 'id'])
export class AppRoleAssignment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @Column({ name: 'principal_type', type: 'varchar', length: 8 })
  principalType!: PrincipalType;

  @Column({ name: 'principal_id', type: 'varchar', length: 36 })
  principalId!: string;

  @Column({ name: 'role_id', type: 'varchar', length: 36 })
  roleId!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
