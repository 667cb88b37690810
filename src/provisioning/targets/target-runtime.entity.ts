import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the engine keeps per target, apart from its configuration so that an admin edit never races the engine:
 * the journal cursor, quarantine, and the reconciliation bookkeeping.
 */
@Entity('target_runtime')
export class TargetRuntime {
  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  /** Every journal row with `seq` ≤ this is queued in `provisioned_object` for this target. */
  @Column({ name: 'journal_cursor', type: 'integer' })
  journalCursor!: number;

  /** Quarantine state (policy TargetHealth.quarantine) as JSON; null when healthy. */
  @Column({ type: 'text', nullable: true })
  quarantine!: string | null;

  @Column({ name: 'reconcile_requested', type: 'boolean' })
  reconcileRequested!: boolean;

  @Column({ name: 'last_reconcile_at', type: 'datetime', precision: 3, nullable: true })
  lastReconcileAt!: Date | null;

  /** JSON: objects queued, deprovisions held by the threshold, etc. */
  @Column({ name: 'last_reconcile_summary', type: 'text', nullable: true })
  lastReconcileSummary!: string | null;

  /** Account discovery waits for the reconciliation's work to drain, then lists the target (orphans/). */
  @Column({ name: 'orphan_scan_requested', type: 'boolean', default: false })
  orphanScanRequested!: boolean;

  /** JSON: when the last listing ran, how far it got, what it found or why it stopped. */
  @Column({ name: 'last_orphan_scan', type: 'text', nullable: true })
  lastOrphanScan!: string | null;

  /** Set while the accidental-deletion threshold holds disables and deletes: what and why, in words. */
  @Column({ name: 'deletion_hold', type: 'varchar', length: 500, nullable: true })
  deletionHold!: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
