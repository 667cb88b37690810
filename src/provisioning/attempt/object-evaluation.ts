/**
 * What one object should be in one target, from what was read: scope by assignment, the mapping (scoping filter,
 * attributes), and the lifecycle decision. Pure: the attempt executor and the impact preview both call it, so a
 * preview predicts what an attempt does.
 */
import type { DirectoryObject } from '../../directory/readers/directory.reader';
import { employmentDates } from '../../directory/employment-dates';
import type { EvaluationContext, MappingSource } from '../../mapping/expression';
import { applyMappingSet, type CompiledMappingSet, type MappingResult } from '../../mapping/mapping-set';
import type { AssignmentScope } from '../assignments/assignment-scope';
import type { ProvisionedStatus } from '../queue/provisioned-object.entity';
import type { TargetScope } from '../targets/provisioning-target.entity';
import { decideLifecycle, type Decision, type DecisionInput } from './lifecycle-decision';

export interface EvaluationInput {
  compiled: CompiledMappingSet;
  objectType: 'User' | 'Group';
  /** Null once purged from the directory. */
  source: DirectoryObject | null;
  assignment?: AssignmentScope;
  target: DecisionInput['target'] & { scope: TargetScope };
  known: { targetObjectId: string | null; status: ProvisionedStatus };
  now: Date;
  ctx: EvaluationContext;
}

export interface Evaluation {
  /** In scope by assignment (always, for a target that syncs everyone). */
  assigned: boolean;
  mapped: MappingResult | null;
  decision: Decision;
  /** What the target should hold (manager as a directory id, members as directory ids); null for a delete or skip. */
  payload: Record<string, unknown> | null;
}

export function evaluateObject(input: EvaluationInput): Evaluation {
  const { compiled, source, known } = input;
  const kind = input.objectType === 'User' ? 'users' : 'groups';
  const inTarget =
    known.targetObjectId !== null && (known.status === 'active' || known.status === 'disabled');
  const assigned = input.target.scope === 'all' || input.assignment?.assigned === true;
  const mapped = source
    ? applyMappingSet(compiled, mappingSource(source, input.assignment, assigned), {
        phase: inTarget ? 'update' : 'create',
        ctx: input.ctx,
        objectType: kind,
      })
    : null;
  const decision = decideLifecycle({
    objectType: input.objectType,
    exists: source !== null,
    softDeleted: source?.deletedAt != null,
    active: source?.active ?? false,
    leaveDatePassed: source ? leaveDatePassed(source, input.now) : false,
    assigned,
    scope: mapped?.scope ?? { inScope: false },
    ignoreObject: mapped?.ignoreObject ?? false,
    provisioned: known,
    actions: compiled.set[kind].actions,
    target: input.target,
  });
  let payload: Record<string, unknown> | null = null;
  if (decision.kind === 'disable') {
    // Leaver: the mapping evaluated as out of scope ([IsSoftDeleted] true), and `active` false even if unmapped.
    payload = applyMappingSet(compiled, mappingSource(source!, input.assignment, false), {
      phase: 'update',
      ctx: input.ctx,
      objectType: kind,
    }).payload;
    payload.active = false;
  } else if (decision.kind === 'create' || decision.kind === 'update') payload = mapped!.payload;
  return { assigned, mapped, decision, payload };
}

/**
 * The object as expressions see it: unassigned in an assigned-only target is out of scope ([IsSoftDeleted]); its
 * roles are its assignments' (with no assignment, `[appRoleAssignments]` reads the document's SCIM `roles`).
 */
function mappingSource(
  o: DirectoryObject,
  assignment: AssignmentScope | undefined,
  inScope: boolean,
): MappingSource {
  return {
    id: o.id,
    doc: o.doc,
    deleted: o.deletedAt !== null,
    ...(inScope ? {} : { inScope: false }),
    ...(assignment?.assigned ? { appRoleAssignments: assignment.roles } : {}),
  };
}

function leaveDatePassed(o: DirectoryObject, now: Date): boolean {
  if (o.type !== 'User') return false;
  const { leaveAt } = employmentDates(o.doc);
  return leaveAt !== null && leaveAt.getTime() <= now.getTime();
}
