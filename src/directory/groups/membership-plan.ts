import { InvalidRequestError } from '../../common/errors';
import { MemberRef, StoredMember } from '../directory.types';

/** What a change does to a group's members (RFC 7644 §3.5.2 on `members`). */
export interface MembershipChange {
  add: MemberRef[];
  remove: string[];
  removeAll: boolean;
}

/** The distinct member ids a change adds. */
export function addedIds(members: MemberRef[]): string[] {
  return [...new Set(members.map((m) => m.value))];
}

/**
 * The members to add, each with the type the store knows it by: every one must be a live user or group other
 * than the group itself (400 otherwise), and a stated `type` must be the right one.
 */
export function classifyMembers(
  groupId: string,
  members: MemberRef[],
  liveUserIds: ReadonlySet<string>,
  liveGroupIds: ReadonlySet<string>,
): StoredMember[] {
  const unique = [...new Map(members.map((m) => [m.value, m])).values()];
  if (unique.some((m) => m.value === groupId)) {
    throw new InvalidRequestError('Attribute members: a group cannot be a member of itself', 'invalidValue');
  }
  return unique.map((m) => {
    const type = liveUserIds.has(m.value) ? 'User' : liveGroupIds.has(m.value) ? 'Group' : undefined;
    // Named by attribute, never by value (the id may be anything a client sent).
    if (!type) {
      throw new InvalidRequestError(
        'Attribute members.value: a member is not an existing user or group',
        'invalidValue',
      );
    }
    if (m.type && m.type !== type) {
      throw new InvalidRequestError(
        `Attribute members.type: a member is a ${type}, not a ${m.type}`,
        'invalidValue',
      );
    }
    return { value: m.value, type };
  });
}

/**
 * What one change adds (validated and typed, see classifyMembers) and removes; a member both added and removed
 * stays. `removeAll` is the caller's: it needs the current member list.
 */
export function planChange(
  groupId: string,
  change: MembershipChange,
  liveUserIds: ReadonlySet<string>,
  liveGroupIds: ReadonlySet<string>,
): { add: StoredMember[]; remove: string[] } {
  const add = classifyMembers(groupId, change.add, liveUserIds, liveGroupIds);
  const keep = new Set(add.map((m) => m.value));
  return { add, remove: change.remove.filter((id) => !keep.has(id)) };
}
