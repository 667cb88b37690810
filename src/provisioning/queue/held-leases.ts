/**
 * How long a claim on a work-queue row lasts unless renewed, and how often the process holding it renews it. A
 * process that dies stops renewing: its claims are free for the others (or for its own restart) within LEASE_MS.
 * A live process that cannot renew for LEASE_MS - RENEW_EVERY_MS (a stalled event loop, an unreachable database)
 * loses its claims; its completions are then refused, since they are written only while the lease is ours.
 */
export const LEASE_MS = 12_000;
export const RENEW_EVERY_MS = 3_000;
/**
 * A safety belt: an attempt never takes this long (its requests time out well before), so a row held longer was lost
 * by a bug on its way to a completion; it is no longer renewed, and its lease runs out like a dead process's.
 */
export const MAX_HOLD_MS = 30 * 60_000;

export interface HeldRow {
  objectType: 'User' | 'Group';
  objectId: string;
  /** The claim's token, written in `lease_owner`. */
  token: string;
}

interface Held extends HeldRow {
  since: number;
}

type Renew = (targetId: string, objectIds: string[], tokens: string[]) => Promise<void>;

/**
 * The rows this process holds a lease on, from the claim until the completion is written: waiting in a lane or being
 * sent. Every RENEW_EVERY_MS while any is held, their leases are extended by `renew` (one statement per target).
 */
export class HeldLeases {
  /** targetId → `type:id` → the row. */
  private readonly byTarget = new Map<string, Map<string, Held>>();
  private timer: NodeJS.Timeout | null = null;
  private renewing = false;

  constructor(
    private readonly renew: Renew,
    private readonly onError: (err: unknown) => void,
    private readonly onAbandoned: (targetId: string, objectIds: string[]) => void = () => undefined,
  ) {}

  hold(targetId: string, rows: HeldRow[]): void {
    if (rows.length === 0) return;
    const held = this.byTarget.get(targetId) ?? new Map<string, Held>();
    this.byTarget.set(targetId, held);
    const since = Date.now();
    for (const row of rows) held.set(`${row.objectType}:${row.objectId}`, { ...row, since });
    // unref: a held row never keeps a stopping process alive; the engine waits for its deliveries itself.
    this.timer ??= setInterval(() => void this.renewAll(), RENEW_EVERY_MS).unref();
  }

  /** True while this process holds the object, under any claim: it must not claim it again meanwhile. */
  holds(targetId: string, objectType: 'User' | 'Group', objectId: string): boolean {
    return this.byTarget.get(targetId)?.has(`${objectType}:${objectId}`) ?? false;
  }

  release(targetId: string, objectType: 'User' | 'Group', objectId: string, token: string): void {
    const held = this.byTarget.get(targetId);
    const key = `${objectType}:${objectId}`;
    if (held?.get(key)?.token !== token) return;
    held.delete(key);
    if (held.size === 0) this.byTarget.delete(targetId);
    if (this.byTarget.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private async renewAll(): Promise<void> {
    // A renewal slower than the interval is not stacked with the next one.
    if (this.renewing) return;
    this.renewing = true;
    try {
      const oldest = Date.now() - MAX_HOLD_MS;
      for (const [targetId, held] of [...this.byTarget]) {
        const stale = [...held.values()].filter((r) => r.since < oldest);
        for (const r of stale) this.release(targetId, r.objectType, r.objectId, r.token);
        if (stale.length > 0)
          this.onAbandoned(
            targetId,
            stale.map((r) => r.objectId),
          );
        const rows = [...held.values()];
        if (rows.length === 0) continue;
        await this.renew(
          targetId,
          rows.map((r) => r.objectId),
          [...new Set(rows.map((r) => r.token))],
        ).catch(this.onError);
      }
    } finally {
      this.renewing = false;
    }
  }
}
