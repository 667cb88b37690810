import { Inject, Injectable } from '@nestjs/common';
import { DirectoryObject, DirectoryReader } from '../../directory/readers/directory.reader';
import { JournalFanOut } from '../queue/journal-fan-out.service';

/** How long a read may serve other batches (targets drift apart under load), and how many users are kept for them. */
const KEEP_MS = 10_000;
const KEEP_USERS = 20_000;

type Reader = (ids: string[]) => Promise<Map<string, DirectoryObject>>;

/**
 * A claimed user: its id, the newest journal change fanned out to its row (null: none, or not known), and whether a
 * reconciliation queued it.
 */
export interface ClaimedUser {
  objectId: string;
  changeSeq: number | null;
  reconcile: boolean;
}

interface Entry {
  /** `performance.now()` when the read began. */
  startedAt: number;
  /** Every journal change up to this seq was committed when the read began. */
  through: number;
  /**
   * The read while it runs. Once it is done, `user` alone is kept (null: gone from the directory), so that a kept id
   * does not hold its whole batch's map: targets drift apart and their batches overlap in part, and each user read
   * again used to leave the rest of its old batch held by the ids that were not, so the bound of KEEP_USERS ids did
   * not bound the users held.
   */
  read: Promise<Map<string, DirectoryObject>> | null;
  user: DirectoryObject | null;
}

/**
 * The users that the claimed batches of several targets read, shared between them for a moment: a change that goes
 * to twenty targets is read from the directory once, not twenty times.
 *
 * A read may serve a claimed row only when it holds at least the state the row was queued for:
 * - the row's newest change (`changeSeq`) was committed when the read began (the journal fan-out had read past it);
 *   a later change has a higher seq, and its own fan-out queues the row again;
 * - or the read began after the row's claim was committed: the claim follows whatever queued the row, which follows
 *   the directory write. This is the only way for a row queued by a reconciliation, which exists to find what the
 *   journal did not say (a row changed or lost outside the gateway's writes), and for rows with no journal change.
 * A change after the read bumps the row's generation and the object goes again, as with a read of its own. The
 * objects are shared: frozen at the top, and read only by the attempts (the mapping reads, never writes).
 */
@Injectable()
export class SharedUserReads {
  private readonly recent = new Map<string, Entry>();
  private readonly reader: Reader;

  constructor(
    directory: DirectoryReader,
    @Inject(JournalFanOut) private readonly fanOut: Pick<JournalFanOut, 'visibleThrough'>,
  ) {
    this.reader = (ids) => directory.users(ids);
  }

  /**
   * Users by id (a user missing is gone from the directory), for a batch whose claim was committed at `claimedAt`
   * (`performance.now()`).
   */
  async users(
    claimed: ClaimedUser[],
    claimedAt: number,
    read: Reader = this.reader,
  ): Promise<Map<string, DirectoryObject>> {
    const out = new Map<string, DirectoryObject>();
    const shared = new Map<Promise<Map<string, DirectoryObject>>, string[]>();
    const missing: string[] = [];
    for (const { objectId: id, changeSeq, reconcile } of claimed) {
      const entry = this.recent.get(id);
      const holds =
        entry &&
        (entry.startedAt >= claimedAt || (!reconcile && changeSeq !== null && changeSeq <= entry.through));
      if (!entry || !holds) missing.push(id);
      else if (entry.read) {
        const ids = shared.get(entry.read);
        if (ids) ids.push(id);
        else shared.set(entry.read, [id]);
      } else if (entry.user) out.set(id, entry.user);
    }
    if (missing.length > 0) {
      const through = this.fanOut.visibleThrough;
      const startedAt = performance.now();
      const pending = read(missing).then((found) => {
        for (const o of found.values()) Object.freeze(o);
        return found;
      });
      for (const id of missing) {
        this.recent.delete(id);
        this.recent.set(id, { startedAt, through, read: pending, user: null });
      }
      this.evict(startedAt);
      try {
        shared.set(pending, missing);
        const found = await pending;
        for (const id of missing) {
          const entry = this.recent.get(id);
          if (entry?.read !== pending) continue;
          entry.read = null;
          entry.user = found.get(id) ?? null;
        }
      } catch (err) {
        for (const id of missing) if (this.recent.get(id)?.read === pending) this.recent.delete(id);
        throw err;
      }
    }
    for (const [read, wanted] of shared) {
      const found = await read;
      for (const id of wanted) {
        const o = found.get(id);
        if (o) out.set(id, o);
      }
    }
    return out;
  }

  /** Oldest first (a read moves its users to the end): what is too old, or over the bound, goes. */
  private evict(now: number): void {
    for (const [id, entry] of this.recent) {
      if (this.recent.size <= KEEP_USERS && entry.startedAt >= now - KEEP_MS) break;
      this.recent.delete(id);
    }
  }
}
