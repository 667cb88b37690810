import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../../common/errors';
import { UsersService } from '../../directory/users/users.service';
import type { EvaluationResult, MappingSource } from '../../mapping/expression';
import { MappingsService, type ExpressionTrial, type MappingPreview } from '../../mapping/mappings.service';
import { normalizeResource, SchemaRegistry } from '../../scim-protocol';

/** A user to map: a stored one by id, or a SCIM user document sent with the request. */
export interface UserReference {
  userId?: string;
  user?: Record<string, unknown>;
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
  ) {}

  async previewForUser(targetId: string, ref: UserReference): Promise<MappingPreview> {
    return this.mappings.previewMapping(targetId, await this.sourceOf(ref));
  }

  async evaluateExpression(trial: ExpressionTrial & UserReference): Promise<EvaluationResult> {
    const source = trial.user || trial.userId ? await this.sourceOf(trial) : undefined;
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
