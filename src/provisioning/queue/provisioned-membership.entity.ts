import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A member the target's group is known to have (directory ids), so membership diffs never load a whole group as JSON. */
@Entity('provisioned_membership')
export class ProvisionedMembership {
  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 36 })
  groupId!: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
