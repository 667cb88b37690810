import { InvalidRequestError } from '../../common/errors';
import type { Filter } from '../filter/filter.ast';
import { isPlainObject } from '../json-value.util';
import { normalizeMembers, type GroupMemberInput } from '../schema/resource.normalizer';
import type { UnknownAttributeOptions } from '../schema/unknown-attributes';
import type { MembershipDelta, PatchOperation } from './patch.types';

/** Folds member operations, in order, into one delta; a group's members are never loaded (peer-issues.md item 10). */
export class MembershipChanges {
  private removeAll = false;
  private readonly added = new Map<string, GroupMemberInput>();
  private readonly removed = new Set<string>();

  constructor(private readonly options?: UnknownAttributeOptions) {}

  apply(operation: PatchOperation, filter: Filter | undefined): void {
    if (operation.op === 'add' || operation.op === 'replace') {
      if (filter)
        throw new InvalidRequestError("'members' can only be added as a list of values", 'invalidPath');
      if (operation.op === 'replace') this.clear();
      for (const member of normalizeMembers(operation.value, this.options)) {
        this.removed.delete(member.value);
        this.added.set(member.value, { value: member.value, ...(member.type ? { type: member.type } : {}) });
      }
      return;
    }
    if (filter) return this.remove(memberIds(filter));
    // Entra removes members with `path: "members"` and a value list (entra-outbound-scim.md §2.14, §3).
    if (operation.value !== undefined && operation.value !== null)
      return this.remove(valueIds(operation.value));
    this.clear();
  }

  delta(): MembershipDelta | undefined {
    if (!this.removeAll && this.added.size === 0 && this.removed.size === 0) return undefined;
    return { add: [...this.added.values()], remove: [...this.removed], removeAll: this.removeAll };
  }

  private clear(): void {
    this.removeAll = true;
    this.added.clear();
    this.removed.clear();
  }

  private remove(ids: string[]): void {
    for (const id of ids) {
      this.added.delete(id);
      this.removed.add(id);
    }
  }
}

function valueIds(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map((item: unknown) => {
    const id = isPlainObject(item)
      ? item[Object.keys(item).find((k) => k.toLowerCase() === 'value') ?? 'value']
      : item;
    if (typeof id !== 'string' || id === '') {
      throw new InvalidRequestError(
        "Removing 'members' by value needs a 'value' id for each member",
        'invalidValue',
      );
    }
    return id;
  });
}

/**
 * The ids a member filter selects: `value eq "id"`, combined with `or`, or with `and` alongside tests on
 * attributes that are not stored per row (`$ref eq null`, as SCIMMY and Entra write it).
 */
function memberIds(filter: Filter): string[] {
  const ids = selectedIds(filter);
  if (!ids) throw new InvalidRequestError("A 'members' filter must select members by value", 'invalidPath');
  return ids;
}

function selectedIds(filter: Filter): string[] | undefined {
  switch (filter.type) {
    case 'compare':
      if (filter.path.toLowerCase() !== 'value') return undefined;
      if (filter.op !== 'eq' || filter.value === null) {
        throw new InvalidRequestError("A 'members' filter must compare value with eq", 'invalidPath');
      }
      return [filter.raw ?? String(filter.value)];
    case 'or': {
      const [left, right] = [memberIds(filter.left), memberIds(filter.right)];
      return [...left, ...right];
    }
    case 'and': {
      const [left, right] = [selectedIds(filter.left), selectedIds(filter.right)];
      if (left && right) return left.filter((id) => right.includes(id));
      const other = left ? filter.right : filter.left;
      if (!(left ?? right) || !isUnstoredTest(other)) return undefined;
      return left ?? right;
    }
    default:
      return undefined;
  }
}

function isUnstoredTest(filter: Filter): boolean {
  if (filter.type !== 'compare' && filter.type !== 'present') return false;
  return ['$ref', 'display', 'type'].includes(filter.path.toLowerCase());
}
