import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOCK, Clock } from '../../common/clock';
import {
  initialHealth,
  isProbeDue,
  QuarantineState,
  recordOutcome,
  releaseQuarantine,
  sampleFromResult,
  TargetHealth,
} from '../policy/quarantine-policy';
import { TargetsRepository } from './targets.repository';

/**
 * Quarantine per target: samples are judged in memory by each process (pure policy), transitions are written to
 * `target_runtime` so that every process and the status page see them.
 */
@Injectable()
export class TargetHealthService {
  private readonly logger = new Logger('provisioning');
  private readonly health = new Map<string, TargetHealth>();

  constructor(
    private readonly targets: TargetsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Adopts the quarantine another process (or a previous run) recorded. */
  sync(targetId: string, stored: string | null): void {
    const current = this.health.get(targetId) ?? initialHealth();
    const quarantine = stored ? (JSON.parse(stored) as QuarantineState) : undefined;
    if (JSON.stringify(quarantine) !== JSON.stringify(current.quarantine)) {
      this.health.set(targetId, quarantine ? { ...current, quarantine } : { samples: current.samples });
    }
  }

  async record(
    targetId: string,
    result: {
      ok: boolean;
      status: number;
      error?: { kind: string; stage: 'token' | 'request'; code?: string };
    },
  ): Promise<void> {
    const before = this.health.get(targetId) ?? initialHealth();
    const sample = sampleFromResult(
      result as Parameters<typeof sampleFromResult>[0],
      this.clock.now().getTime(),
    );
    const { health, transition } = recordOutcome(before, sample);
    this.health.set(targetId, health);
    if (transition) {
      this.logger.warn({
        msg: `target quarantine ${transition}`,
        targetId,
        reason: health.quarantine?.reason,
      });
      await this.targets.updateRuntime(targetId, {
        quarantine: health.quarantine ? JSON.stringify(health.quarantine) : null,
        updatedAt: this.clock.now(),
      });
    }
  }

  quarantine(targetId: string): QuarantineState | undefined {
    return this.health.get(targetId)?.quarantine;
  }

  /** While quarantined only one probe goes out when due; otherwise everything may. */
  mayDeliver(targetId: string): 'all' | 'probe' | 'none' {
    const h = this.health.get(targetId);
    if (!h?.quarantine) return 'all';
    return isProbeDue(h, this.clock.now().getTime()) ? 'probe' : 'none';
  }

  /** Holds the next probe back while one is in flight. */
  deferProbe(targetId: string, ms: number): void {
    const h = this.health.get(targetId);
    if (h?.quarantine)
      this.health.set(targetId, {
        ...h,
        quarantine: { ...h.quarantine, nextProbeAtMs: this.clock.now().getTime() + ms },
      });
  }

  /** `manager`: the caller's transaction (an operator's retry, with its audit entry). */
  async release(targetId: string, manager?: EntityManager): Promise<void> {
    this.health.set(targetId, releaseQuarantine(this.health.get(targetId) ?? initialHealth()));
    await this.targets.updateRuntime(targetId, { quarantine: null, updatedAt: this.clock.now() }, manager);
  }
}
