import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../../common/clock';
import { BulkLimits, BulkSupport, readBulkSupport } from '../client';
import type { BulkSetting, ProvisioningTarget } from './provisioning-target.entity';
import { TargetClients } from './target-clients.service';

/** How long what a target advertises is trusted before its `/ServiceProviderConfig` is read again. */
export const BULK_CAPABILITIES_TTL_MS = 5 * 60_000;
/** After a target refused a `/Bulk` request as a whole, plain requests for this long before `/Bulk` is tried again. */
const REFUSED_HOLD_MS = 10 * 60_000;
/** Operations in one request at most, whatever the target advertises: bounds what one claimed batch holds. */
export const MAX_OPERATIONS_A_REQUEST = 1000;

/** How a target's writes go now, and why: the status shows it. */
export interface BulkMode {
  setting: BulkSetting;
  mode: 'bulk' | 'plain';
  reason: string;
  /** bulk: the limits each request is packed within (what the target advertises, or less). */
  limits?: BulkLimits;
  /** bulk: a lone write goes through `/Bulk` too (setting `on`); else it goes as a plain request. */
  alone?: boolean;
  /** What the target's `/ServiceProviderConfig` said of bulk when last read; null: never read, or unreadable. */
  advertised: BulkSupport | null;
  checkedAt: string | null;
}

interface Entry {
  /** The connection settings the reading is for: another base URL or credential is another reading. */
  key: string;
  support: BulkSupport | null;
  /** Why the last reading failed; null when it did not. */
  failure: string | null;
  /** 0 until the first reading ends. */
  readAt: number;
  reading: Promise<void> | null;
  refused: { until: number; reason: string } | null;
  /** Lowered after a 413 to a request within the advertised size. */
  payloadCap: number | null;
}

/**
 * Outbound `/Bulk` per target: what the target advertises (its `/ServiceProviderConfig`, RFC 7643 §5, read at Test
 * connection and before the engine's cycles, then trusted for BULK_CAPABILITIES_TTL_MS; never per request) combined
 * with the target's `bulk` setting. A target that does not advertise bulk, or advertises it without limits, never
 * gets a `/Bulk` request; one that refuses one as a whole gets plain requests for a while.
 */
@Injectable()
export class BulkCapabilities {
  private readonly logger = new Logger('provisioning');
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clients: TargetClients,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The mode to deliver with now; null while the target's `/ServiceProviderConfig` is read for the first time (the
   * engine waits for it rather than send its first batch one request per object). A stale reading is renewed in
   * the background, the last one standing meanwhile.
   */
  current(target: ProvisioningTarget): BulkMode | null {
    if (target.bulk === 'off') return this.modeOf(target, undefined);
    const e = this.entryFor(target);
    const now = this.clock.now().getTime();
    if (!e.reading && (e.readAt === 0 || now - e.readAt > BULK_CAPABILITIES_TTL_MS))
      void this.read(target, e);
    return e.readAt === 0 ? null : this.modeOf(target, e);
  }

  /** Reads the target's `/ServiceProviderConfig` now (Test connection) and says what follows. */
  async check(target: ProvisioningTarget): Promise<BulkMode> {
    const e = this.entryFor(target);
    await (e.reading ?? this.read(target, e));
    return this.modeOf(target, e);
  }

  /** What the status shows; no request. */
  describe(target: ProvisioningTarget): BulkMode {
    return this.modeOf(target, target.bulk === 'off' ? undefined : this.entries.get(target.id));
  }

  /** The target refused a `/Bulk` request as a whole (it does not serve it after all): plain requests for a while. */
  refuse(target: ProvisioningTarget, reason: string): void {
    const e = this.entryFor(target);
    e.refused = { until: this.clock.now().getTime() + REFUSED_HOLD_MS, reason };
    this.logger.warn({ msg: 'bulk refused; plain requests for a while', targetId: target.id, reason });
  }

  /** `413` to a request of `bytes` within the advertised size: later requests stay under half of it. */
  tooLarge(target: ProvisioningTarget, bytes: number): void {
    const e = this.entryFor(target);
    e.payloadCap = Math.max(1, Math.floor(Math.min(bytes, e.payloadCap ?? Infinity) / 2));
    this.logger.warn({ msg: 'bulk request too large for the target', targetId: target.id, bytes });
  }

  forget(targetId: string): void {
    this.entries.delete(targetId);
  }

  private entryFor(target: ProvisioningTarget): Entry {
    const key = [
      target.baseUrl,
      target.authType,
      target.tokenUrl,
      target.clientId,
      target.secretEnvelope,
    ].join('\n');
    let e = this.entries.get(target.id);
    if (e?.key !== key) {
      e = { key, support: null, failure: null, readAt: 0, reading: null, refused: null, payloadCap: null };
      this.entries.set(target.id, e);
    }
    return e;
  }

  private read(target: ProvisioningTarget, e: Entry): Promise<void> {
    const reading = (async () => {
      try {
        const { client, limiter } = this.clients.connectionFor(target);
        await limiter.take();
        const r = await client.serviceProviderConfig();
        e.support = r.ok ? readBulkSupport(r.body) : null;
        e.failure = r.ok ? null : r.error.message;
      } catch (err) {
        e.support = null;
        e.failure = err instanceof Error ? err.message : String(err);
      }
      const before = e.readAt === 0 ? null : this.modeOf(target, e).mode;
      e.readAt = this.clock.now().getTime();
      const after = this.modeOf(target, e);
      if (after.mode !== before)
        this.logger.log({
          msg: `writes go as ${after.mode} requests`,
          targetId: target.id,
          reason: after.reason,
        });
    })().finally(() => {
      e.reading = null;
    });
    e.reading = reading;
    return reading;
  }

  private modeOf(target: ProvisioningTarget, e: Entry | undefined): BulkMode {
    const setting = target.bulk;
    const advertised = e?.support ?? null;
    const checkedAt = e && e.readAt > 0 ? new Date(e.readAt).toISOString() : null;
    const plain = (reason: string): BulkMode => ({ setting, mode: 'plain', reason, advertised, checkedAt });
    const on = setting === 'on' ? 'bulk is on, but ' : '';
    if (setting === 'off') return plain('bulk is off for this target');
    if (!e || e.readAt === 0) return plain("the target's /ServiceProviderConfig has not been read yet");
    if (e.failure) return plain(`${on}its /ServiceProviderConfig could not be read: ${e.failure}`);
    if (!e.support?.supported)
      return plain(`${on}the target does not advertise /Bulk: ${e.support?.reason ?? 'unknown'}`);
    if (e.refused && e.refused.until > this.clock.now().getTime()) return plain(e.refused.reason);
    const { maxOperations, maxPayloadSize } = e.support;
    const limits = {
      maxOperations: Math.min(maxOperations, MAX_OPERATIONS_A_REQUEST),
      maxPayloadSize: Math.min(maxPayloadSize, e.payloadCap ?? Infinity),
    };
    const notes = [
      ...(limits.maxOperations < maxOperations
        ? [`${MAX_OPERATIONS_A_REQUEST} operations a request at most`]
        : []),
      ...(e.payloadCap !== null
        ? [`under ${limits.maxPayloadSize} bytes since it refused a larger request (413)`]
        : []),
      setting === 'on' ? 'a lone write too' : 'a lone write goes as a plain request',
    ];
    return {
      setting,
      mode: 'bulk',
      reason:
        `the target advertises /Bulk (${maxOperations} operations and ${maxPayloadSize} bytes a request); ` +
        notes.join('; '),
      limits,
      alone: setting === 'on',
      advertised,
      checkedAt,
    };
  }
}
