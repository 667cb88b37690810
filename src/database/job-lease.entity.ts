import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per scheduled job: the process holding the lease runs it, so each job runs once across processes. */
@Entity('job_lease')
export class JobLease {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  owner!: string | null;

  @Column({ name: 'lease_until', type: 'datetime', precision: 3, nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'last_run_at', type: 'datetime', precision: 3, nullable: true })
  lastRunAt!: Date | null;
}
