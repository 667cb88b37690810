import type { DirectoryReader } from '../../directory/readers/directory.reader';
import type { WorkQueueRepository } from '../queue/work-queue.repository';

/** One step of the walk: a page of live objects, or objects the target holds that are no longer live. */
export type WalkPage = { kind: 'live'; ids: string[] } | { kind: 'gone'; ids: string[] };

/**
 * Every live object of `type` in id order, a page at a time, and, with each page, the objects the target holds in
 * the same stretch of ids that are no longer live (soft-deleted or purged: leavers no one told the target about).
 * Each live id appears once, in `live` only. Both tables order their ids the same way (binary), so a page's stretch
 * (after the previous page's last id, up to its own; the last page, to the end) holds the same ids in both: a held
 * id is gone exactly when its stretch's live page lacks it, with no read of its own. `skip`: live ids already
 * settled (the listing found them as they would be sent), left out of the live pages.
 */
export async function* liveAndGone(
  directory: DirectoryReader,
  queue: WorkQueueRepository,
  targetId: string,
  type: 'User' | 'Group',
  pageSize: number,
  options: { skip?: { has(id: string): boolean } } = {},
): AsyncGenerator<WalkPage> {
  const { skip } = options;
  for (let after = ''; ;) {
    const ids = await directory.liveIds(type, after, pageSize);
    const unsettled = skip ? ids.filter((id) => !skip.has(id)) : ids;
    if (unsettled.length > 0) yield { kind: 'live', ids: unsettled };
    const upTo = ids.length === pageSize ? ids[ids.length - 1] : null;
    const live = new Set(ids);
    for (let from = after; ;) {
      const held = await queue.heldIds(targetId, type, { after: from, upTo }, pageSize);
      const gone = held.filter((id) => !live.has(id));
      if (gone.length > 0) yield { kind: 'gone', ids: gone };
      if (held.length < pageSize) break;
      from = held[held.length - 1];
    }
    if (upTo === null) return;
    after = upTo;
  }
}
