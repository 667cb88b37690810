/**
 * Joiner, mover or leaver: what one object needs in one target, from the directory, the scope verdict and what the
 * target already has. Every path ends in a request or in a skip with a reason code (reference §6, §8). Pure.
 */
export type SkipReason =
  | 'out_of_scope'
  | 'not_yet_hired'
  | 'not_provisioned'
  | 'not_active'
  | 'action_disabled'
  | 'skip_out_of_scope_deletions'
  | 'ignore_object_flow'
  | 'groups_not_provisioned'
  | 'no_change'
  | 'already_deleted';

export type Decision =
  | { kind: 'skip'; reason: SkipReason; detail: string }
  | { kind: 'create' }
  | { kind: 'update' }
  | { kind: 'disable'; why: string }
  | { kind: 'delete'; why: string };

export interface DecisionInput {
  objectType: 'User' | 'Group';
  /** False once purged from the directory. */
  exists: boolean;
  softDeleted: boolean;
  /** The directory's `active` (users). */
  active: boolean;
  scope: { inScope: boolean; reason?: string; failures?: { attribute: string }[] };
  ignoreObject: boolean;
  /** The target's id for the object and what the engine did last. */
  provisioned: { targetObjectId: string | null; status: 'none' | 'active' | 'disabled' | 'deleted' };
  actions: { create: boolean; update: boolean; delete: boolean };
  target: {
    deprovisionAction: 'disable' | 'delete';
    skipOutOfScopeDeletions: boolean;
    provisionGroups: boolean;
  };
}

const skip = (reason: SkipReason, detail: string): Decision => ({ kind: 'skip', reason, detail });

export function decideLifecycle(input: DecisionInput): Decision {
  const { provisioned: p, actions, target } = input;
  if (input.objectType === 'Group' && !target.provisionGroups)
    return skip('groups_not_provisioned', 'this target does not provision groups');
  const inTarget = p.targetObjectId !== null && p.status !== 'deleted' && p.status !== 'none';

  if (!input.exists) {
    if (!inTarget) return skip('not_provisioned', 'purged from the directory; the target never had it');
    if (!actions.delete)
      return skip(
        'action_disabled',
        'purged from the directory, but Delete is not enabled in the mapping actions',
      );
    return { kind: 'delete', why: 'purged from the directory after the retention window' };
  }

  const leaving = input.softDeleted ? 'deleted' : !input.scope.inScope ? 'out_of_scope' : null;
  if (leaving) {
    if (!inTarget) {
      if (leaving === 'deleted')
        return skip('not_provisioned', 'deleted in the directory; the target never had it');
      const hire = input.scope.failures?.some((f) => /employeehiredate/i.test(f.attribute));
      return skip(hire ? 'not_yet_hired' : 'out_of_scope', input.scope.reason ?? 'out of scope');
    }
    const why =
      leaving === 'deleted'
        ? 'deleted (soft) in the directory'
        : `moved out of scope: ${input.scope.reason ?? 'scoping filter'}`;
    if (leaving === 'out_of_scope' && target.skipOutOfScopeDeletions)
      return skip('skip_out_of_scope_deletions', `${why}; the target skips out-of-scope deletions`);
    if (target.deprovisionAction === 'delete' || input.objectType === 'Group') {
      if (!actions.delete)
        return skip('action_disabled', `${why}, but Delete is not enabled in the mapping actions`);
      return { kind: 'delete', why };
    }
    if (!actions.update) return skip('action_disabled', `${why}, but Update is not enabled to disable it`);
    return { kind: 'disable', why };
  }

  if (input.ignoreObject) return skip('ignore_object_flow', 'a mapping expression reached IgnoreObjectFlow');
  if (!inTarget) {
    if (input.objectType === 'User' && !input.active)
      return skip(
        'not_active',
        'disabled in the directory and never provisioned: created when it becomes active',
      );
    if (!actions.create) return skip('action_disabled', 'Create is not enabled in the mapping actions');
    return { kind: 'create' };
  }
  if (!actions.update) return skip('action_disabled', 'Update is not enabled in the mapping actions');
  return { kind: 'update' };
}
