import type { ScimDocument } from '../schema/schema.types';

/** One RFC 7644 §3.5.2 operation, after the request was checked and `op` lowercased. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

/**
 * Group membership changes, for the caller to turn into row deletes and inserts (members are rows, DESIGN.md §3).
 * Apply `removeAll` first, then `remove`, then `add`; `add` and `remove` never name the same id.
 */
export interface MembershipDelta {
  add: { value: string; type?: 'User' | 'Group' }[];
  remove: string[];
  removeAll: boolean;
}

export interface PatchResult {
  /** The new canonical document; the input is never mutated. */
  doc: ScimDocument;
  /** Groups only, when an operation touched `members`. */
  membership?: MembershipDelta;
  /** Canonical paths of the top-level attributes whose value changed (`members` for membership changes). */
  changedPaths: string[];
}
