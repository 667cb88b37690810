import { AppError } from '../../common/errors';
import {
  resolveAttribute,
  type AttributeCatalog,
  type MappingSource,
} from '../expression/attribute-resolver';
import { compileExpression } from '../expression/compiler';
import { ExpressionError, ExpressionEvaluationError } from '../expression/expression-error';
import {
  FlowSignal,
  type Env,
  type EvaluationContext,
  type Evaluator,
} from '../expression/functions/function-types';
import {
  compileScoping,
  validateScoping,
  type CompiledScoping,
  type ScopeVerdict,
} from '../scoping/scoping-filter';
import type {
  AttributeMapping,
  MappingProblem,
  MappingSet,
  ObjectKind,
  ObjectMapping,
} from './mapping-set.types';
import { coreSchemaOf, compileTargetWriter, type Payload, type TargetWriter } from './target-writer';

/** Registered extensions the expressions, Direct mappings and scoping clauses may read. */
export interface MappingSetOptions {
  extensionSchemas?: readonly string[];
  extensionAttributes?: readonly string[];
  /** Accept attribute names that are neither SCIM, Entra aliases nor registered (not recommended). */
  allowUnknownAttributes?: boolean;
}

export class MappingSetInvalidError extends AppError {
  readonly code = 'INVALID_MAPPING_SET';
  readonly status = 400;
  constructor(readonly problems: MappingProblem[]) {
    super(
      `The mapping set has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map(describeProblem).join('; ')}`,
    );
  }
}

export function describeProblem(p: MappingProblem): string {
  const where =
    p.section === 'scoping'
      ? `${p.objectType} scoping group ${p.index + 1}${p.clause !== undefined ? `, clause ${p.clause + 1}` : ''}`
      : p.section === 'actions'
        ? `${p.objectType} actions`
        : `${p.objectType} mapping ${p.index + 1} (${p.targetAttribute ?? '?'})`;
  const pos = p.line !== undefined ? ` at line ${p.line}, column ${p.column}` : '';
  return `${where}, ${p.field}${pos}: ${p.message}`;
}

interface CompiledAttribute {
  index: number;
  mapping: AttributeMapping;
  /** Null for None mappings. */
  run: Evaluator | null;
  write: TargetWriter;
  sensitive: boolean;
}

interface CompiledObjectMapping {
  kind: ObjectKind;
  scoping: CompiledScoping;
  attributes: CompiledAttribute[];
}

export interface CompiledMappingSet {
  readonly set: MappingSet;
  readonly users: CompiledObjectMapping;
  readonly groups: CompiledObjectMapping;
}

export interface MappingResult {
  scope: ScopeVerdict;
  /** The SCIM document the target gets (RFC 7643 layout, `schemas` listing the extensions used). */
  payload: Payload;
  /** Target attributes that did not flow: null, IgnoreFlowIfNullOrEmpty, OnCreate on update, failed. */
  dropped: string[];
  /** Matching attributes that have a value, by precedence: the engine looks the object up with these. */
  matching: { targetAttribute: string; value: string; precedence: number }[];
  /** Expressions that failed on this record (e.g. a date that does not parse). */
  errors: { index: number; targetAttribute: string; message: string }[];
  /** Target attributes whose value came through Redact(): mask them in logs. */
  sensitive: string[];
  /** IgnoreObjectFlow was reached: do not create or process this object (WD). */
  ignoreObject: boolean;
}

export interface ApplyOptions {
  phase: 'create' | 'update';
  ctx?: EvaluationContext;
  objectType?: ObjectKind;
}

const MAPPING_TYPES = ['Direct', 'Constant', 'Expression', 'None'];
const APPLY_MODES = ['Always', 'OnCreate'];

function catalogFor(kind: ObjectKind, options: MappingSetOptions): AttributeCatalog {
  return {
    objectType: kind === 'users' ? 'user' : 'group',
    extensionSchemas: options.extensionSchemas,
    extensionAttributes: options.extensionAttributes,
    allowUnknown: options.allowUnknownAttributes,
  };
}

function compileObjectMapping(
  kind: ObjectKind,
  om: ObjectMapping | undefined,
  options: MappingSetOptions,
  problems: MappingProblem[],
): CompiledObjectMapping | undefined {
  const catalog = catalogFor(kind, options);
  const before = problems.length;
  if (!om || typeof om !== 'object') {
    problems.push({
      objectType: kind,
      section: 'attributes',
      index: 0,
      field: kind,
      message: `${kind} mapping is missing`,
    });
    return undefined;
  }
  const actions = om.actions as unknown as Partial<Record<string, unknown>> | undefined;
  for (const action of ['create', 'update', 'delete']) {
    if (typeof actions?.[action] !== 'boolean') {
      problems.push({
        objectType: kind,
        section: 'actions',
        index: 0,
        field: action,
        message: `actions.${action} must be true or false`,
      });
    }
  }
  for (const p of validateScoping(om.scoping ?? [], catalog)) {
    problems.push({
      objectType: kind,
      section: 'scoping',
      index: p.group,
      clause: p.clause,
      field: p.field,
      message: p.message,
    });
  }
  const list: AttributeMapping[] = Array.isArray(om.attributes) ? om.attributes : [];
  if (!Array.isArray(om.attributes))
    problems.push({
      objectType: kind,
      section: 'attributes',
      index: 0,
      field: 'attributes',
      message: 'attributes must be a list',
    });

  const seenTargets = new Map<string, number>();
  const seenPrecedence = new Map<number, number>();
  const compiled: CompiledAttribute[] = [];
  list.forEach((m, index) => {
    const targetAttribute = typeof m?.targetAttribute === 'string' ? m.targetAttribute.trim() : '';
    const problem = (field: string, message: string, at?: { line: number; column: number }) =>
      problems.push({
        objectType: kind,
        section: 'attributes',
        index,
        targetAttribute: targetAttribute || undefined,
        field,
        message,
        ...at,
      });
    const mark = problems.length;

    let write: TargetWriter | undefined;
    if (!targetAttribute) problem('targetAttribute', 'a target attribute is required');
    else {
      const w = compileTargetWriter(targetAttribute, kind);
      if ('error' in w) problem('targetAttribute', w.error);
      else write = w;
      const key = targetAttribute.toLowerCase();
      if (seenTargets.has(key))
        problem(
          'targetAttribute',
          `${targetAttribute} is already mapped by mapping ${seenTargets.get(key)! + 1}`,
        );
      else seenTargets.set(key, index);
    }
    if (!MAPPING_TYPES.includes(m?.type)) problem('type', `type must be one of ${MAPPING_TYPES.join(', ')}`);
    if (!APPLY_MODES.includes(m?.apply)) problem('apply', `apply must be Always or OnCreate`);
    if (m?.defaultValue !== undefined && m.defaultValue !== null && typeof m.defaultValue !== 'string')
      problem('defaultValue', 'the default value must be a string');

    let run: Evaluator | null = null;
    let sensitive = false;
    let selectsUnique = false;
    const source = m?.source;
    if (m?.type === 'Direct') {
      if (typeof source !== 'string' || !source.trim())
        problem('source', 'a Direct mapping needs a source attribute');
      else {
        const r = resolveAttribute(source, catalog);
        if ('error' in r) problem('source', r.error);
        else {
          const resolve = r.resolver;
          run = (env) => resolve(env.source);
        }
      }
    } else if (m?.type === 'Constant') {
      if (typeof source !== 'string')
        problem('source', 'a Constant mapping needs its value in source ("" is allowed)');
      else run = () => source;
    } else if (m?.type === 'Expression') {
      if (typeof source !== 'string' || !source.trim())
        problem('source', 'an Expression mapping needs an expression');
      else {
        try {
          const c = compileExpression(source, catalog);
          run = c.run;
          sensitive = c.sensitive;
          selectsUnique = c.selectsUniqueValue;
        } catch (e) {
          if (!(e instanceof ExpressionError)) throw e;
          problem('source', e.detail, { line: e.line, column: e.column });
        }
      }
    } else if (m?.type === 'None' && typeof m.defaultValue !== 'string') {
      problem('defaultValue', 'a None mapping only sends its default value, so it needs one');
    }

    if (m?.matching !== undefined && m.matching !== null) {
      const p = m.matching.precedence;
      if (!Number.isInteger(p) || p < 1)
        problem('matching', 'matching precedence must be a whole number from 1');
      else if (seenPrecedence.has(p))
        problem('matching', `precedence ${p} is already used by mapping ${seenPrecedence.get(p)! + 1}`);
      else seenPrecedence.set(p, index);
      if (m.type === 'None') problem('matching', 'a matching attribute needs a source value');
      if (selectsUnique)
        problem('matching', 'SelectUniqueValue cannot be used on a matching attribute (FX26)');
    }
    if (selectsUnique && m.apply !== 'OnCreate')
      problem('apply', 'SelectUniqueValue must be applied OnCreate only (FX26)');

    if (problems.length === mark && write) compiled.push({ index, mapping: m, run, write, sensitive });
  });

  const anyAction = actions?.create === true || actions?.update === true || actions?.delete === true;
  if (anyAction && seenPrecedence.size === 0) {
    problems.push({
      objectType: kind,
      section: 'attributes',
      index: 0,
      field: 'matching',
      message: 'at least one mapping must be a matching attribute (CAA §5.3)',
    });
  }
  if (problems.length > before) return undefined;
  compiled.sort((a, b) => a.index - b.index);
  return { kind, scoping: compileScoping(om.scoping ?? [], catalog), attributes: compiled };
}

/** Every problem of a mapping set, each naming the mapping, the field and (for expressions) line and column. */
export function validateMappingSet(set: MappingSet, options: MappingSetOptions = {}): MappingProblem[] {
  const problems: MappingProblem[] = [];
  compileObjectMapping('users', set?.users, options, problems);
  compileObjectMapping('groups', set?.groups, options, problems);
  return problems;
}

/** Compiles once, when the set is saved or loaded; throws MappingSetInvalidError listing every problem. */
export function compileMappingSet(set: MappingSet, options: MappingSetOptions = {}): CompiledMappingSet {
  const problems: MappingProblem[] = [];
  const users = compileObjectMapping('users', set?.users, options, problems);
  const groups = compileObjectMapping('groups', set?.groups, options, problems);
  if (problems.length || !users || !groups) throw new MappingSetInvalidError(problems);
  return { set, users, groups };
}

/**
 * Computes the desired state of one object in the target: scope first (its verdict feeds
 * `[IsSoftDeleted]`), then every mapping against the full current record (never a delta: FX24 Switch
 * caution). OnCreate mappings and default values apply only when `phase` is `create`.
 */
export function applyMappingSet(
  compiled: CompiledMappingSet,
  source: MappingSource,
  options: ApplyOptions,
): MappingResult {
  const om = options.objectType === 'groups' ? compiled.groups : compiled.users;
  const create = options.phase === 'create';
  const scope = om.scoping.evaluate(source);
  const env: Env = {
    source: scope.inScope || source.inScope === false ? source : { ...source, inScope: false },
    ctx: options.ctx ?? {},
  };
  const payload: Payload = { schemas: [coreSchemaOf(om.kind)] };
  const result: MappingResult = {
    scope,
    payload,
    dropped: [],
    matching: [],
    errors: [],
    sensitive: [],
    ignoreObject: false,
  };

  for (const a of om.attributes) {
    const m = a.mapping;
    if (!create && m.apply === 'OnCreate') {
      result.dropped.push(m.targetAttribute);
      continue;
    }
    let value: string | string[] | null = null;
    if (a.run) {
      try {
        value = a.run(env);
      } catch (e) {
        result.dropped.push(m.targetAttribute);
        if (e instanceof FlowSignal) {
          if (e.kind === 'object') result.ignoreObject = true;
        } else if (e instanceof ExpressionEvaluationError) {
          result.errors.push({ index: a.index, targetAttribute: m.targetAttribute, message: e.message });
        } else throw e;
        continue;
      }
    }
    if (value === null || (Array.isArray(value) && value.length === 0)) {
      // "Default value if null" is only provisioned when the object is created (CAA §5.2).
      if (create && typeof m.defaultValue === 'string') value = m.defaultValue;
      else {
        result.dropped.push(m.targetAttribute);
        continue;
      }
    }
    a.write(payload, value);
    if (a.sensitive) result.sensitive.push(m.targetAttribute);
    if (m.matching) {
      const v = typeof value === 'string' ? value : value[0];
      if (v)
        result.matching.push({
          targetAttribute: m.targetAttribute,
          value: v,
          precedence: m.matching.precedence,
        });
    }
  }
  result.matching.sort((x, y) => x.precedence - y.precedence);
  return result;
}
