/**
 * Who is in a target's scope by assignment, and with which roles (Entra's "Sync only assigned users and groups"):
 * a user assigned directly or as a direct member of an assigned group (nested groups' members are not, as in
 * Entra); a group assigned directly. A user assigned several times holds every role it got. Pure.
 */
import type { PrincipalType } from './app-role-assignment.entity';

export interface RoleGrant {
  id: string;
  value: string;
  displayName: string;
}

export interface AssignmentGrant {
  principalType: PrincipalType;
  principalId: string;
  roleId: string;
}

export interface AssignmentScope {
  assigned: boolean;
  /** Each role once, in display-name order. */
  roles: RoleGrant[];
  /** The assignments that put the object in scope: its own, then its groups'. */
  via: AssignmentGrant[];
}

/**
 * `assignments`: the target's assignments of the object itself and (users) of the groups it is a direct member of
 * (`groupIds`); other rows are ignored.
 */
export function resolveAssignmentScope(
  objectId: string,
  groupIds: readonly string[],
  assignments: readonly AssignmentGrant[],
  roles: ReadonlyMap<string, RoleGrant>,
): AssignmentScope {
  const groups = new Set(groupIds);
  const own = assignments.filter((a) => a.principalId === objectId);
  const inherited = assignments.filter((a) => a.principalType === 'Group' && groups.has(a.principalId));
  const via = [...own, ...inherited];
  const granted = new Map<string, RoleGrant>();
  for (const a of via) {
    const role = roles.get(a.roleId);
    if (role) granted.set(role.id, role);
  }
  return {
    assigned: via.length > 0,
    roles: [...granted.values()].sort((x, y) => x.displayName.localeCompare(y.displayName)),
    via,
  };
}
