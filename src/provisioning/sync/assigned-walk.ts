import { CompactIdSet } from '../../common/compact-id-set';
import type { DirectoryReader } from '../../directory/readers/directory.reader';
import type { AssignmentGrant } from '../assignments/assignment-scope';
import type { AssignmentsRepository } from '../assignments/assignments.repository';
import type { WorkQueueRepository } from '../queue/work-queue.repository';
import type { WalkPage } from './directory-walk';

/**
 * The reconciliation walk of a target that syncs only assigned users and groups: what it can hold in scope (users
 * assigned directly or as direct members of an assigned group, groups assigned directly) and what it holds, instead
 * of every live object of the directory. An object neither assigned nor held would only be evaluated to be skipped,
 * so a big directory with a small app costs the app's size. Each id is yielded once: a live assigned object in
 * `live`; a held one in `live` or, when the directory no longer has it live, in `gone`. A non-live assigned object
 * the target does not hold has nothing to send and is left out. `skip`: ids already settled (the listing found them
 * as they would be sent); they are neither yielded nor counted. `also`: assignments proposed but not stored (the
 * impact preview's "what if"), walked as if they were.
 */
export async function* assignedAndHeld(
  reads: { directory: DirectoryReader; assignments: AssignmentsRepository; queue: WorkQueueRepository },
  targetId: string,
  type: 'User' | 'Group',
  pageSize: number,
  options: { skip?: { has(id: string): boolean }; also?: readonly AssignmentGrant[] } = {},
): AsyncGenerator<WalkPage> {
  const { directory, assignments, queue } = reads;
  const { skip, also = [] } = options;
  const yielded = new CompactIdSet();
  const fresh = (ids: string[]) => {
    const out = new Set<string>();
    for (const id of ids) if (!yielded.has(id) && !skip?.has(id)) out.add(id);
    return [...out];
  };
  async function* assigned(ids: string[]): AsyncGenerator<WalkPage> {
    const live = await directory.liveIdsAmong(type, fresh(ids));
    for (const id of live) yielded.add(id);
    if (live.length > 0) yield { kind: 'live', ids: live };
  }

  const direct = (t: 'User' | 'Group') => principals(assignments, targetId, t, pageSize, also);
  for await (const ids of direct(type)) yield* assigned(ids);
  if (type === 'User') {
    // Direct members of assigned groups; a group assigned with several roles is read once.
    const groupsRead = new CompactIdSet();
    for await (const groupIds of direct('Group')) {
      for (const groupId of groupIds) {
        if (groupsRead.has(groupId)) continue;
        groupsRead.add(groupId);
        for (let after = ''; ;) {
          const members = await directory.membersOf(groupId, { afterId: after, limit: pageSize });
          yield* assigned(members.filter((m) => m.type === 'User').map((m) => m.id));
          if (members.length < pageSize) break;
          after = members[members.length - 1].id;
        }
      }
    }
  }
  // What the target holds and was not yielded above: unassigned (a leaver to send) or gone from the directory.
  for (let after = ''; ;) {
    const held = await queue.heldIds(targetId, type, { after, upTo: null }, pageSize);
    const ids = fresh(held);
    const live = new Set(await directory.liveIdsAmong(type, ids));
    if (live.size > 0) yield { kind: 'live', ids: [...live] };
    const gone = ids.filter((id) => !live.has(id));
    if (gone.length > 0) yield { kind: 'gone', ids: gone };
    if (held.length < pageSize) return;
    after = held[held.length - 1];
  }
}

/** The principals of `type` assigned to the target: those of `also` (assignments proposed, not stored) first. */
async function* principals(
  assignments: AssignmentsRepository,
  targetId: string,
  type: 'User' | 'Group',
  pageSize: number,
  also: readonly AssignmentGrant[],
): AsyncGenerator<string[]> {
  const proposed = also.filter((a) => a.principalType === type).map((a) => a.principalId);
  if (proposed.length > 0) yield proposed;
  for (let afterId: string | undefined; ;) {
    // A principal assigned with several roles comes once per role.
    const page = await assignments.listPage(targetId, { principalType: type, afterId, limit: pageSize });
    if (page.length > 0) yield page.map((a) => a.principalId);
    if (page.length < pageSize) return;
    afterId = page[page.length - 1].id;
  }
}
