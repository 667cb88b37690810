import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type MemberType = 'User' | 'Group';

/** One row per (group, member): a group of 100,000 members is 100,000 rows, touched one at a time. */
@Entity('group_membership')
@Index('ix_group_membership_member', ['memberId'])
export class GroupMembership {
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 36 })
  groupId!: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId!: string;

  @Column({ name: 'member_type', type: 'varchar', length: 8 })
  memberType!: MemberType;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
