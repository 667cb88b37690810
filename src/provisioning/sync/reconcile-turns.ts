import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/** Where a target's requested reconciliation stands in this process: running, or waiting with this many ahead. */
export type ReconcileTurn =
  { state: 'running' } | { state: 'waiting'; ahead: number; running: number; maxConcurrent: number };

/**
 * Full reconciliations take turns: at most `RECONCILE_MAX_CONCURRENT` at once per process, the longest waiting first.
 * Twenty new targets walking the directory together (their queueing shares one database anyway) held the RSS at
 * 1.1 GB for their first 50 s. A target asked for again as soon as its own is done goes behind every target that was
 * waiting then, so one busy target cannot keep the others waiting.
 */
@Injectable()
export class ReconcileTurns {
  private readonly running = new Set<string>();
  /** In the order they asked: a set iterates in insertion order. */
  private readonly waiting = new Set<string>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private get max(): number {
    return this.config.provisioning.reconcileMaxConcurrent;
  }

  /**
   * The targets whose reconciliation is requested now (a running one is ignored; one no longer requested leaves the
   * queue): returns those to start now, in the order to start them, each counted as running until `done`.
   */
  offer(requested: Iterable<string>): string[] {
    const wanted = new Set([...requested].filter((id) => !this.running.has(id)));
    for (const id of this.waiting) if (!wanted.has(id)) this.waiting.delete(id);
    for (const id of wanted) this.waiting.add(id);
    const start: string[] = [];
    for (const id of this.waiting) {
      if (this.running.size >= this.max) break;
      this.waiting.delete(id);
      this.running.add(id);
      start.push(id);
    }
    return start;
  }

  done(targetId: string): void {
    this.running.delete(targetId);
  }

  /** Null: this process neither runs nor holds a request for the target's reconciliation. */
  turnOf(targetId: string): ReconcileTurn | null {
    if (this.running.has(targetId)) return { state: 'running' };
    let ahead = 0;
    for (const id of this.waiting) {
      if (id === targetId)
        return { state: 'waiting', ahead, running: this.running.size, maxConcurrent: this.max };
      ahead++;
    }
    return null;
  }
}
