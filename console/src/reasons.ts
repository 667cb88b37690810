/**
 * The reason codes the gateway writes into provisioning log entries (src/provisioning: lifecycle-decision.ts,
 * attempt-plan.ts, attempt-executor.ts, target-exchange.ts), in words, with what to do about each.
 */
export interface ReasonAdvice {
  meaning: string;
  action: string;
}

export const REASONS: Record<string, ReasonAdvice> = {
  out_of_scope: {
    meaning:
      'The object is outside this target’s scope: not assigned, or the scoping filter does not select it.',
    action:
      'Assign the user or group to the target, or change the scoping filter, if it should be provisioned.',
  },
  not_yet_hired: {
    meaning: 'The user’s hire date is in the future, so the user is not provisioned yet.',
    action:
      'Nothing: the date job provisions the user on the hire date. Correct the hire date if it is wrong.',
  },
  not_provisioned: {
    meaning: 'Nothing to remove: the object is gone or out of scope, and the target never had it.',
    action: 'Nothing to do.',
  },
  not_active: {
    meaning:
      'The user is inactive in the directory and the target has no account for it, so none is created.',
    action: 'Set the user active if the account should exist.',
  },
  action_disabled: {
    meaning:
      'The mapping does not allow this action (Create, Update or Delete is switched off in its actions).',
    action: 'Enable the action in the target’s mapping if the gateway should perform it.',
  },
  skip_out_of_scope_deletions: {
    meaning: 'The object left the scope, but the target is set to skip out-of-scope deletions.',
    action:
      'Turn off "skip out-of-scope deletions" in the target’s settings if such accounts should be disabled.',
  },
  ignore_object_flow: {
    meaning: 'A mapping expression returned IgnoreObjectFlow for this object.',
    action: 'Check the mapping expression that calls IgnoreObjectFlow if the object should be provisioned.',
  },
  groups_not_provisioned: {
    meaning: 'The object is a group and this target does not provision groups.',
    action: 'Turn on "provision groups" in the target’s settings if the target should receive groups.',
  },
  no_change: {
    meaning: 'The target already holds what the gateway would send: nothing was sent.',
    action: 'Nothing to do.',
  },
  already_deleted: {
    meaning: 'The object was already removed from the target.',
    action: 'Nothing to do.',
  },
  deleted: {
    meaning: 'The object was deleted in the directory, so it is disabled or deleted in the target.',
    action: 'Restore the object in the directory if the deletion was a mistake.',
  },
  purged: {
    meaning: 'The object was purged from the directory, so it is removed from the target.',
    action: 'Nothing to do, unless the purge was a mistake: then create the object again.',
  },
  disabled: {
    meaning: 'The user was set inactive in the directory, so the account is disabled in the target.',
    action: 'Set the user active again if that was a mistake.',
  },
  leave_date_reached: {
    meaning:
      'The user’s leave date (employeeLeaveDateTime) has passed, so the account is disabled or deleted.',
    action: 'Correct the leave date in the directory if it is wrong.',
  },
  unassigned: {
    meaning: 'The user or group is no longer assigned to this target, so it is removed from it.',
    action: 'Assign it again if it should keep its account.',
  },
  deletion_threshold: {
    meaning: 'The accidental-deletion threshold held this disable or delete: too many within the window.',
    action: 'Check the held deletions on the target’s page, then release them or discard them.',
  },
  conflict: {
    meaning: 'The target already has a different account that matches this object (a 409 conflict).',
    action:
      'Link or remove the other account in the target, or change the matching attributes in the mapping.',
  },
  multiple_matches: {
    meaning:
      'More than one account in the target matches this object, so the gateway cannot tell which is its.',
    action: 'Remove the duplicate accounts in the target, or make the matching attribute unique.',
  },
  target_ignored_change: {
    meaning:
      'The target answered success but did not keep some of the values sent (seen by reading them back).',
    action: 'Check the target’s schema and compatibility profile; the target status lists the attributes.',
  },
  ignored_change_not_resent: {
    meaning: 'Only values the target did not keep before would be sent again, so nothing was sent.',
    action: 'Nothing, unless the value or the compatibility profile changes. Check the target’s schema.',
  },
  invalid_anchor: {
    meaning: 'The target no longer has the account the gateway recorded for this object.',
    action: 'Run Restart provisioning (a full reconciliation) to match or create the account again.',
  },
  transient_failure: {
    meaning:
      'The target did not answer, timed out, throttled (429) or failed (5xx); the gateway retries with backoff.',
    action:
      'Usually nothing: it is retried. If it persists, test the connection and check the target’s health.',
  },
  target_rejected: {
    meaning:
      'The target refused the request (4xx): a value it does not accept, a missing attribute, or permissions.',
    action: 'Read the response on the Summary tab, correct the mapping or the data, then press Retry now.',
  },
};

export function adviceFor(reason: string | null): ReasonAdvice | null {
  if (!reason) return null;
  return REASONS[reason] ?? null;
}
