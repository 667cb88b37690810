import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { changedFields } from '../audit/audit-fields';
import type { AdminActor, AuditEvent } from '../audit/audit.types';
import { AuditWriter } from '../audit/audit.writer';
import { CLOCK, Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ConflictError, InvalidRequestError } from '../common/errors';
import { isUniqueViolation } from '../database/db-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { SchemaRegistry } from '../scim-protocol';
import {
  compileExpression,
  ExpressionError,
  ExpressionEvaluationError,
  type EvaluationContext,
  type EvaluationResult,
  type MappingSource,
} from './expression';
import {
  applyMappingSet,
  compileMappingSet,
  defaultMappingSet,
  MappingSetInvalidError,
  type CompiledMappingSet,
  type MappingResult,
  type MappingSet,
  type MappingSetOptions,
} from './mapping-set';
import { MappingSetRejectedError, PositionedExpressionError } from './mapping.errors';
import { MappingsRepository } from './mappings.repository';
import type { TargetMapping } from './target-mapping.entity';

/** An expression to try on one user (the admin API's sandbox). */
export interface ExpressionTrial {
  expression: string;
  /** ISO 8601; the clock of Now(), DateDiff(…, Now()) and friends. */
  now?: string;
  /** Whose attributes the expression may name (a group mapping's are not a user's); `user` by default. */
  objectType?: 'user' | 'group';
}

export interface MappingPreview {
  scope: MappingResult['scope'];
  /** The SCIM document a create in the target would send. */
  payload: MappingResult['payload'];
  dropped: string[];
  errors: MappingResult['errors'];
  matching: MappingResult['matching'];
  /** In scope, create enabled and no IgnoreObjectFlow: the target would get this payload. */
  wouldCreate: boolean;
}

/** `text` holds 65,535 bytes on MySQL; a larger set would be cut, so it is refused. */
const MAX_DEFINITION_BYTES = 65_535;
const MAX_WRITE_ATTEMPTS = 3;

/** Mapping sets per target: stored, validated against the directory's schemas, compiled once per version. */
@Injectable()
export class MappingsService {
  private readonly compiled = new Map<string, { version: number; compiled: CompiledMappingSet }>();

  constructor(
    private readonly mappings: MappingsRepository,
    private readonly registry: SchemaRegistry,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditWriter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** What expressions see of the deployment: the clock and DEFAULT_DOMAIN (for `DefaultDomain()`). */
  evaluationContext(now: () => Date): EvaluationContext {
    return { now, defaultDomain: this.config.mapping.defaultDomain };
  }

  async getMappingSet(targetId: string): Promise<MappingSet> {
    const row = await this.mappings.find(targetId);
    return row ? (JSON.parse(row.definition) as MappingSet) : defaultMappingSet();
  }

  /**
   * Validates every expression, attribute and scoping clause first; on any problem nothing is written. The audit
   * log gets what changed, in the same transaction: `scoping.update` for the scoping filters, `mapping.update`
   * for the attribute mappings and object actions (and for a save that changed nothing).
   */
  async replaceMappingSet(targetId: string, input: MappingSet, actor: AdminActor): Promise<MappingSet> {
    // Through JSON: drops DTO prototypes and undefined keys, so the stored text is exactly what GET returns.
    const definition = JSON.stringify(input);
    const set = JSON.parse(definition) as MappingSet;
    const compiled = this.compile(set);
    if (Buffer.byteLength(definition) > MAX_DEFINITION_BYTES) {
      throw new InvalidRequestError(`The mapping set is larger than ${MAX_DEFINITION_BYTES} bytes as JSON`);
    }
    for (let attempt = 1; ; attempt++) {
      const current = await this.mappings.find(targetId);
      const row: TargetMapping = {
        targetId,
        definition,
        version: (current?.version ?? 0) + 1,
        updatedAt: this.clock.now(),
      };
      const written = await this.tx
        .run(async (m) => {
          if (!(await this.write(m, row, current))) return false;
          const previous = current ? (JSON.parse(current.definition) as MappingSet) : defaultMappingSet();
          for (const event of mappingChanges(targetId, previous, set))
            await this.audit.record(m, actor, event);
          return true;
        })
        // Another writer inserted the first set at the same time: read it and try again.
        .catch((e: unknown) => {
          if (isUniqueViolation(e)) return false;
          throw e;
        });
      if (written) {
        this.compiled.set(targetId, { version: row.version, compiled });
        return set;
      }
      if (attempt >= MAX_WRITE_ATTEMPTS) {
        throw new ConflictError(
          `The mappings of target ${targetId} are being changed by another request; retry`,
        );
      }
    }
  }

  /** A proposed set, validated and compiled as a save would, without saving it (the impact preview). */
  compileProposal(input: MappingSet): CompiledMappingSet {
    return this.compile(JSON.parse(JSON.stringify(input)) as MappingSet);
  }

  /** The provisioning engine's entry: compiled once per stored version, never re-parsed. */
  async compiledFor(targetId: string): Promise<CompiledMappingSet> {
    const version = (await this.mappings.versionOf(targetId)) ?? 0;
    const hit = this.compiled.get(targetId);
    if (hit?.version === version) return hit.compiled;
    const row = await this.mappings.find(targetId);
    const set = row ? (JSON.parse(row.definition) as MappingSet) : defaultMappingSet();
    const compiled = this.compile(set);
    this.compiled.set(targetId, { version: row?.version ?? 0, compiled });
    return compiled;
  }

  /** A removed target's mapping set, deleted in the caller's transaction (the target's own removal). */
  removeMappingSet(manager: EntityManager, targetId: string): Promise<void> {
    return this.mappings.remove(manager, targetId);
  }

  /** Drops a removed target's compiled set once its removal has committed. */
  forget(targetId: string): void {
    this.compiled.delete(targetId);
  }

  /**
   * Entra's "provision on demand" without sending: the scope verdict and the create payload for `source`, with the
   * saved set or a `proposed` one (checked as a save would be: 400 naming each problem).
   */
  async previewMapping(
    targetId: string,
    source: MappingSource,
    proposed?: MappingSet,
  ): Promise<MappingPreview> {
    const compiled = proposed ? this.compileProposal(proposed) : await this.compiledFor(targetId);
    const now = this.clock.now();
    const result = applyMappingSet(compiled, source, {
      phase: 'create',
      ctx: this.evaluationContext(() => now),
    });
    const { scope, payload, dropped, errors, matching, ignoreObject } = result;
    const wouldCreate = scope.inScope && compiled.set.users.actions.create && !ignoreObject;
    return { scope, payload, dropped, errors, matching, wouldCreate };
  }

  /** The expression sandbox: compiled with the same checks as a saved mapping, evaluated on one user. */
  evaluateExpression(trial: ExpressionTrial, source: MappingSource = { id: '', doc: {} }): EvaluationResult {
    const now = trial.now === undefined ? this.clock.now() : new Date(trial.now);
    const ctx = this.evaluationContext(() => now);
    try {
      return compileExpression(trial.expression, {
        objectType: trial.objectType ?? 'user',
        ...this.catalog(),
      }).evaluate(source, ctx);
    } catch (e) {
      if (e instanceof ExpressionError || e instanceof ExpressionEvaluationError) {
        throw new PositionedExpressionError(e);
      }
      throw e;
    }
  }

  private compile(set: MappingSet): CompiledMappingSet {
    try {
      return compileMappingSet(set, this.catalog());
    } catch (e) {
      if (e instanceof MappingSetInvalidError) throw new MappingSetRejectedError(e.problems);
      throw e;
    }
  }

  /** Registered (non built-in) user extensions; the enterprise and Entra extensions are always known. */
  private catalog(): MappingSetOptions {
    const extensions = this.registry
      .extensionSchemas('User')
      .filter((schema) => !this.registry.isBuiltIn(schema.id));
    return {
      extensionSchemas: extensions.map((schema) => schema.id),
      extensionAttributes: extensions.flatMap((schema) =>
        schema.attributes.map((a) => `${schema.id}:${a.name}`),
      ),
    };
  }

  private async write(
    manager: EntityManager,
    row: TargetMapping,
    current: TargetMapping | null,
  ): Promise<boolean> {
    if (current) return this.mappings.updateIfVersion(manager, row, current.version);
    await this.mappings.insert(manager, row);
    return true;
  }
}

/** The audit entries of a saved set: what changed in the scoping filters, and in the rest. */
function mappingChanges(targetId: string, before: MappingSet, after: MappingSet): AuditEvent[] {
  const scoping = (s: MappingSet) => ({ users: s.users.scoping, groups: s.groups.scoping });
  const rest = (s: MappingSet) => ({
    users: { actions: s.users.actions, attributes: s.users.attributes },
    groups: { actions: s.groups.actions, attributes: s.groups.attributes },
  });
  const object = { objectType: 'mapping', objectId: targetId, targetId } as const;
  const events: AuditEvent[] = [];
  const scopingDiff = changedFields(scoping(before), scoping(after));
  if (Object.keys(scopingDiff.after).length > 0)
    events.push({ action: 'scoping.update', ...object, ...scopingDiff });
  const mappingDiff = changedFields(rest(before), rest(after));
  if (Object.keys(mappingDiff.after).length > 0 || events.length === 0)
    events.push({ action: 'mapping.update', ...object, ...mappingDiff });
  return events;
}
