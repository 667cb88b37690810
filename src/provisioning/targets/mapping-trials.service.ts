import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../../common/errors';
import { UsersService } from '../../directory/users/users.service';
import type { EvaluationResult, MappingSource } from '../../mapping/expression';
import type { MappingSet } from '../../mapping/mapping-set';
import { MappingsService, type ExpressionTrial, type MappingPreview } from '../../mapping/mappings.service';
import { normalizeResource, SchemaRegistry } from '../../scim-protocol';
import { AssignmentScopes } from '../assignments/assignment-scopes.service';
import { TargetsService } from './targets.service';

/** A user to map: a stored one by id, or a SCIM user document sent with the request. */
export interface UserReference {
  userId?: string;
  user?: Record<string, unknown>;
}

/** A preview that also says whether, and how, the user is in the target's scope by assignment. */
export interface AssignedPreview extends MappingPreview {
  assignment: {
    /** The target syncs only assigned users and groups. */
    required: boolean;
    assigned: boolean;
    /** The assignments that put the user in scope: its own (`User`) and its groups' (`Group`). */
    via: { principalType: 'User' | 'Group'; principalId: string; roleId: string }[];
    roles: { id: string; value: string; displayName: string }[];
  };
}

/**
 * The admin's dry runs of a mapping on one user, stored or sent along (Entra's "provision on demand" preview and
 * the expression builder's test): the user is read here, the mapping module evaluates. Nothing is sent.
 */
@Injectable()
export class MappingTrialsService {
  constructor(
    private readonly mappings: MappingsService,
    private readonly users: UsersService,
    private readonly registry: SchemaRegistry,
    private readonly targets: TargetsService,
    private readonly scopes: AssignmentScopes,
  ) {}

  /**
   * The scope verdict by assignment and scoping filter, and the payload a create would send, with the saved mapping
   * set or a proposed one; nothing is sent or saved.
   */
  async previewForUser(
    targetId: string,
    ref: UserReference & { mappings?: MappingSet },
  ): Promise<AssignedPreview> {
    const target = await this.targets.requireTarget(targetId);
    const source = await this.sourceOf(ref);
    const scope = source.id
      ? (await this.scopes.forObjects(targetId, [{ type: 'User', id: source.id }])).get(source.id)!
      : { assigned: false, roles: [], via: [] };
    const required = target.scope === 'assigned';
    const inScope = !required || scope.assigned;
    const preview = await this.mappings.previewMapping(
      targetId,
      {
        ...source,
        ...(inScope ? {} : { inScope: false }),
        ...(scope.assigned ? { appRoleAssignments: scope.roles } : {}),
      },
      ref.mappings,
    );
    return {
      ...preview,
      wouldCreate: preview.wouldCreate && inScope,
      assignment: { required, assigned: scope.assigned, via: scope.via, roles: scope.roles },
    };
  }

  /** With `targetId`, a stored user's roles on that target are its `[appRoleAssignments]`. */
  async evaluateExpression(
    trial: ExpressionTrial & UserReference & { targetId?: string },
  ): Promise<EvaluationResult> {
    const source = trial.user || trial.userId ? await this.sourceOf(trial) : undefined;
    if (source?.id && trial.targetId) {
      await this.targets.requireTarget(trial.targetId);
      const scope = (await this.scopes.forObjects(trial.targetId, [{ type: 'User', id: source.id }])).get(
        source.id,
      )!;
      if (scope.assigned)
        return this.mappings.evaluateExpression(trial, { ...source, appRoleAssignments: scope.roles });
    }
    return this.mappings.evaluateExpression(trial, source);
  }

  /** A stored user (404 when unknown or deleted), or a document read as POST /Users would store it. */
  private async sourceOf(ref: UserReference): Promise<MappingSource> {
    if ((ref.userId === undefined) === (ref.user === undefined)) {
      throw new InvalidRequestError('Give either userId (a stored user) or user (a SCIM user document)');
    }
    if (ref.userId !== undefined) {
      const stored = await this.users.getUser(ref.userId);
      return { id: stored.id, doc: stored.doc };
    }
    const { doc } = normalizeResource(this.registry, 'User', ref.user, { mode: 'create' });
    // A document that is not stored has no directory id unless it carries one: [objectId] reads "".
    return { id: typeof ref.user?.id === 'string' ? ref.user.id : '', doc };
  }
}
