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

/** Why an object leaves a target: each leaver path has its own reason code in the provisioning log. */
export type LeaverReason =
  'deleted' | 'purged' | 'disabled' | 'leave_date_reached' | 'unassigned' | 'out_of_scope';

export type Decision =
  | { kind: 'skip'; reason: SkipReason; detail: string }
  | { kind: 'create' }
  | { kind: 'update' }
  | ({ kind: 'disable' | 'delete'; reason: LeaverReason; why: string } & LookUpFirst);

/**
 * A leaver with no id in the target whose earlier attempt may have created it unrecorded (its process died, or a
 * create failed after it may have reached the target): look it up first; `ifAbsent` is the skip when it is not there.
 */
interface LookUpFirst {
  ifAbsent?: { reason: SkipReason; detail: string };
}

export interface DecisionInput {
  objectType: 'User' | 'Group';
  /** False once purged from the directory. */
  exists: boolean;
  softDeleted: boolean;
  /** The directory's `active` (users). */
  active: boolean;
  /** The user's employeeLeaveDateTime has passed. */
  leaveDatePassed?: boolean;
  /** In the target's scope by assignment (always true for a target that syncs all users and groups). */
  assigned?: boolean;
  scope: { inScope: boolean; reason?: string; failures?: { attribute: string }[] };
  ignoreObject: boolean;
  /**
   * The target's id for the object and what the engine did last. `inDoubt`: no id, but an earlier attempt may have
   * created the object without its answer being recorded (a process killed mid-attempt, a create that failed).
   */
  provisioned: {
    targetObjectId: string | null;
    status: 'none' | 'active' | 'disabled' | 'deleted';
    inDoubt?: boolean;
  };
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
  // Maybe in the target: the leaver path runs, after a lookup that may find nothing.
  const maybe = !inTarget && p.targetObjectId === null && p.inDoubt === true;

  if (!input.exists) {
    const absent = skip('not_provisioned', 'purged from the directory; the target never had it');
    if (!inTarget && !maybe) return absent;
    if (!actions.delete)
      return skip(
        'action_disabled',
        'purged from the directory, but Delete is not enabled in the mapping actions',
      );
    const why = 'purged from the directory after the retention window';
    return { kind: 'delete', reason: 'purged', why, ...lookUpFirst(maybe, absent) };
  }

  const leaving = leaverReason(input);
  if (leaving) {
    if (!inTarget && !maybe) return neverProvisioned(input, leaving);
    const lookUp = lookUpFirst(maybe, neverProvisioned(input, leaving));
    const why = describeLeaver(input, leaving);
    if ((leaving === 'out_of_scope' || leaving === 'unassigned') && target.skipOutOfScopeDeletions)
      return skip('skip_out_of_scope_deletions', `${why}; the target skips out-of-scope deletions`);
    if (target.deprovisionAction === 'delete' || input.objectType === 'Group') {
      if (!actions.delete)
        return skip('action_disabled', `${why}, but Delete is not enabled in the mapping actions`);
      return { kind: 'delete', reason: leaving, why, ...lookUp };
    }
    if (!actions.update) return skip('action_disabled', `${why}, but Update is not enabled to disable it`);
    return { kind: 'disable', reason: leaving, why, ...lookUp };
  }

  if (input.ignoreObject) return skip('ignore_object_flow', 'a mapping expression reached IgnoreObjectFlow');
  if (!inTarget) {
    if (!actions.create) return skip('action_disabled', 'Create is not enabled in the mapping actions');
    return { kind: 'create' };
  }
  if (!actions.update) return skip('action_disabled', 'Update is not enabled in the mapping actions');
  return { kind: 'update' };
}

function lookUpFirst(maybe: boolean, absent: Decision): LookUpFirst {
  return maybe && absent.kind === 'skip'
    ? { ifAbsent: { reason: absent.reason, detail: absent.detail } }
    : {};
}

/** The first leaver path that applies, most definite first. */
function leaverReason(input: DecisionInput): Exclude<LeaverReason, 'purged'> | null {
  if (input.softDeleted) return 'deleted';
  if (input.assigned === false) return 'unassigned';
  if (!input.scope.inScope) return 'out_of_scope';
  if (input.objectType === 'User' && input.leaveDatePassed) return 'leave_date_reached';
  if (input.objectType === 'User' && !input.active) return 'disabled';
  return null;
}

function describeLeaver(input: DecisionInput, reason: LeaverReason): string {
  switch (reason) {
    case 'deleted':
      return 'deleted (soft) in the directory';
    case 'unassigned':
      return 'no longer assigned to this target';
    case 'out_of_scope':
      return `moved out of scope: ${input.scope.reason ?? 'scoping filter'}`;
    case 'leave_date_reached':
      return 'employeeLeaveDateTime has passed';
    case 'disabled':
      return 'disabled in the directory (active false)';
    case 'purged':
      return 'purged from the directory after the retention window';
  }
}

/** A leaver the target never had: nothing to send, and the log says why. */
function neverProvisioned(input: DecisionInput, reason: LeaverReason): Decision {
  switch (reason) {
    case 'out_of_scope': {
      const hire = input.scope.failures?.some((f) => /employeehiredate/i.test(f.attribute));
      return skip(hire ? 'not_yet_hired' : 'out_of_scope', input.scope.reason ?? 'out of scope');
    }
    case 'disabled':
      return skip(
        'not_active',
        'disabled in the directory and never provisioned: created when it becomes active',
      );
    case 'unassigned':
      return skip('not_provisioned', 'not assigned to this target, and the target never had it');
    case 'leave_date_reached':
      return skip('not_provisioned', 'employeeLeaveDateTime has passed; the target never had it');
    default:
      return skip('not_provisioned', 'deleted in the directory; the target never had it');
  }
}
