import { Injectable } from '@nestjs/common';
import { DirectoryReader } from '../../directory/readers/directory.reader';
import { AssignmentGrant, AssignmentScope, resolveAssignmentScope } from './assignment-scope';
import { AssignmentsRepository } from './assignments.repository';

/** Reads what `resolveAssignmentScope` needs for a batch of objects of one target: groups, assignments, roles. */
@Injectable()
export class AssignmentScopes {
  constructor(
    private readonly repo: AssignmentsRepository,
    private readonly directory: DirectoryReader,
  ) {}

  /**
   * `proposed`: assignments to add and principals whose assignments to drop, applied in memory (the impact preview
   * asks "what if"); nothing is written.
   */
  async forObjects(
    targetId: string,
    objects: { type: 'User' | 'Group'; id: string }[],
    proposed?: { add: AssignmentGrant[]; removePrincipals: ReadonlySet<string> },
  ): Promise<Map<string, AssignmentScope>> {
    // Without any assignment (and none proposed), nobody's groups need reading.
    const none = !proposed?.add.length && !(await this.repo.hasAssignments(targetId));
    const userIds = none ? [] : objects.filter((o) => o.type === 'User').map((o) => o.id);
    const groupsOf =
      userIds.length > 0 ? await this.directory.groupsByMember(userIds) : new Map<string, string[]>();
    const principals = [...objects.map((o) => o.id), ...[...groupsOf.values()].flat()];
    const [stored, roles] = await Promise.all([
      none ? Promise.resolve([]) : this.repo.forPrincipals(targetId, principals),
      this.repo.listRoles(targetId),
    ]);
    const assignments: AssignmentGrant[] = proposed
      ? [...stored.filter((a) => !proposed.removePrincipals.has(a.principalId)), ...proposed.add]
      : stored;
    const roleMap = new Map(
      roles.map((r) => [r.id, { id: r.id, value: r.value, displayName: r.displayName }]),
    );
    return new Map(
      objects.map((o) => [
        o.id,
        resolveAssignmentScope(
          o.id,
          o.type === 'User' ? (groupsOf.get(o.id) ?? []) : [],
          assignments,
          roleMap,
        ),
      ]),
    );
  }
}
