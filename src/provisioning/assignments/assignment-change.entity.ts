import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { PrincipalType } from './app-role-assignment.entity';

/**
 * An assignment made or removed, written in the same transaction: the engine turns it into work (the user, or the
 * group and its members, a page at a time) and deletes it, so no assignment change is lost on the way to the target.
 */
@Entity('assignment_change')
@Index('ix_assignment_change_target', ['targetId', 'seq'])
export class AssignmentChange {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @Column({ name: 'principal_type', type: 'varchar', length: 8 })
  principalType!: PrincipalType;

  @Column({ name: 'principal_id', type: 'varchar', length: 36 })
  principalId!: string;

  /** A group's members are queued a page at a time, in id order: the last member queued so far. */
  @Column({ name: 'member_cursor', type: 'varchar', length: 36, nullable: true })
  memberCursor!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
