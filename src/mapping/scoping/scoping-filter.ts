import { AppError } from '../../common/errors';
import {
  resolveAttribute,
  type AttributeCatalog,
  type AttributeResolver,
  type MappingSource,
} from '../expression/attribute-resolver';
import { compileDotNetRegex } from '../expression/functions/dotnet-regex';
import { scalar } from '../expression/value';

/** One condition on one attribute (Graph filterClause: sourceOperandName, operatorName, targetOperand). */
export interface ScopingClause {
  attribute: string;
  operator: string;
  value?: string;
}

/** Clauses of a group are AND-ed; groups are OR-ed; no groups puts everything in scope (SCOPE §6.1). */
export interface ScopingGroup {
  clauses: ScopingClause[];
}

type OperatorKind = 'unary' | 'string' | 'integer' | 'regex';

/** Entra's 14 operators (SCOPE §6.2 a–n) plus LESS_THAN, LESS_THAN_OR_EQUALS and STARTS_WITH, which Entra lacks. */
export const SCOPING_OPERATORS = [
  { name: 'EQUALS', kind: 'string', entra: true },
  { name: 'NOT EQUALS', kind: 'string', entra: true },
  { name: 'IS TRUE', kind: 'unary', entra: true },
  { name: 'IS FALSE', kind: 'unary', entra: true },
  { name: 'IS NULL', kind: 'unary', entra: true },
  { name: 'IS NOT NULL', kind: 'unary', entra: true },
  { name: 'REGEX MATCH', kind: 'regex', entra: true },
  { name: 'NOT REGEX MATCH', kind: 'regex', entra: true },
  { name: 'Greater_Than', kind: 'integer', entra: true },
  { name: 'Greater_Than_OR_EQUALS', kind: 'integer', entra: true },
  { name: 'LESS_THAN', kind: 'integer', entra: false },
  { name: 'LESS_THAN_OR_EQUALS', kind: 'integer', entra: false },
  { name: 'Includes', kind: 'string', entra: true },
  { name: 'ENDS_WITH', kind: 'string', entra: true },
  { name: 'STARTS_WITH', kind: 'string', entra: false },
  { name: '&', kind: 'string', entra: true },
  { name: '!&', kind: 'string', entra: true },
] as const satisfies readonly { name: string; kind: OperatorKind; entra: boolean }[];

export type ScopingOperator = (typeof SCOPING_OPERATORS)[number]['name'];

const squash = (s: string) => s.replace(/[\s_-]+/g, '').toUpperCase();
const BY_KEY = new Map(SCOPING_OPERATORS.map((o) => [squash(o.name), o]));

/** Case-insensitive, and spaces, underscores and hyphens do not matter: "not equals", "Not_Equals", "NotEquals". */
export function normalizeOperator(operator: string): ScopingOperator | undefined {
  return BY_KEY.get(squash(operator))?.name;
}

export interface ScopingProblem {
  /** 0-based indices. */
  group: number;
  clause: number;
  field: 'attribute' | 'operator' | 'value';
  message: string;
}

export interface ClauseFailure {
  /** 0-based indices. */
  group: number;
  clause: number;
  attribute: string;
  operator: ScopingOperator;
  expected?: string;
  /** The value the attribute had, shortened; null when absent. */
  actual: string | null;
}

export interface ScopeVerdict {
  inScope: boolean;
  /** When out of scope: the first failing clause of each group. */
  failures: ClauseFailure[];
  /** One line for logs, e.g. `group 1, clause 2: department EQUALS "Sales" failed (was "Ops")`. */
  reason?: string;
}

export class ScopingInvalidError extends AppError {
  readonly code = 'INVALID_SCOPING_FILTER';
  readonly status = 400;
  constructor(readonly problems: ScopingProblem[]) {
    super(problems.map((p) => `group ${p.group + 1}, clause ${p.clause + 1}: ${p.message}`).join('; '));
  }
}

const INTEGER = /^\s*[-+]?\d+\s*$/;

interface CompiledClause {
  clause: ScopingClause;
  operator: ScopingOperator;
  read: AttributeResolver;
  test: (v: string) => boolean;
}

function clauseTest(
  operator: ScopingOperator,
  expected: string,
  regex: RegExp | undefined,
): (v: string) => boolean {
  const n = Number(expected);
  switch (operator) {
    case 'EQUALS':
      return (v) => v === expected;
    case 'NOT EQUALS':
      return (v) => v !== expected;
    case 'IS TRUE':
      return (v) => v.trim().toLowerCase() === 'true';
    case 'IS FALSE':
      return (v) => v.trim().toLowerCase() === 'false';
    case 'IS NULL':
      return () => false;
    case 'IS NOT NULL':
      return () => true;
    case 'REGEX MATCH':
      return (v) => regex!.test(v);
    case 'NOT REGEX MATCH':
      return (v) => !regex!.test(v);
    case 'Greater_Than':
      return (v) => INTEGER.test(v) && Number(v) > n;
    case 'Greater_Than_OR_EQUALS':
      return (v) => INTEGER.test(v) && Number(v) >= n;
    case 'LESS_THAN':
      return (v) => INTEGER.test(v) && Number(v) < n;
    case 'LESS_THAN_OR_EQUALS':
      return (v) => INTEGER.test(v) && Number(v) <= n;
    case 'Includes':
      return (v) => v.includes(expected);
    case 'ENDS_WITH':
      return (v) => v.endsWith(expected);
    case 'STARTS_WITH':
      return (v) => v.startsWith(expected);
    case '&':
      // "the evaluated attribute exists in the input string value": the attribute is a substring of the value.
      return (v) => expected.includes(v);
    case '!&':
      return (v) => !expected.includes(v);
  }
}

function compileClause(
  clause: ScopingClause,
  group: number,
  index: number,
  catalog: AttributeCatalog,
  problems: ScopingProblem[],
): CompiledClause | undefined {
  const problem = (field: ScopingProblem['field'], message: string) =>
    problems.push({ group, clause: index, field, message });
  const before = problems.length;
  const attribute = typeof clause.attribute === 'string' ? clause.attribute.trim() : '';
  let read: AttributeResolver | undefined;
  if (!attribute) problem('attribute', 'an attribute is required');
  else {
    const resolution = resolveAttribute(attribute, catalog);
    if ('error' in resolution) problem('attribute', resolution.error);
    else if (resolution.multiValued)
      problem(
        'attribute',
        `"${attribute}" is multi-valued; scoping filters cannot test multi-valued attributes`,
      );
    else read = resolution.resolver;
  }
  const operator = typeof clause.operator === 'string' ? normalizeOperator(clause.operator) : undefined;
  if (!operator) {
    problem(
      'operator',
      `unknown operator ${JSON.stringify(clause.operator)}; use one of ${SCOPING_OPERATORS.map((o) => o.name).join(', ')}`,
    );
  }
  const kind = SCOPING_OPERATORS.find((o) => o.name === operator)?.kind;
  const value = clause.value;
  let regex: RegExp | undefined;
  if (value !== undefined && value !== null && typeof value !== 'string')
    problem('value', 'the value must be a string');
  else if (kind === 'unary') {
    if (value) problem('value', `${operator} takes no value`);
  } else if (kind && !value) {
    problem('value', `${operator} needs a value`);
  } else if (kind === 'integer' && !INTEGER.test(value!)) {
    problem('value', `${operator} compares whole numbers; ${JSON.stringify(value)} is not one`);
  } else if (kind === 'regex') {
    try {
      regex = compileDotNetRegex(value!);
    } catch (e) {
      problem('value', `not a valid regular expression: ${(e as Error).message}`);
    }
  }
  if (problems.length > before || !read || !operator) return undefined;
  return { clause, operator, read, test: clauseTest(operator, value ?? '', regex) };
}

export interface CompiledScoping {
  readonly groups: readonly ScopingGroup[];
  evaluate(source: MappingSource): ScopeVerdict;
}

/** Checks a scoping definition as the admin API saves it; an empty list means it compiles. */
export function validateScoping(
  groups: readonly ScopingGroup[],
  catalog: AttributeCatalog = {},
): ScopingProblem[] {
  const problems: ScopingProblem[] = [];
  compileGroups(groups, catalog, problems);
  return problems;
}

/** Input comes from JSON through the admin API: do not trust the declared types. */
const isList = (v: unknown): v is readonly unknown[] => Array.isArray(v);

function compileGroups(
  groups: readonly ScopingGroup[],
  catalog: AttributeCatalog,
  problems: ScopingProblem[],
): CompiledClause[][] {
  if (!isList(groups)) {
    problems.push({ group: 0, clause: 0, field: 'attribute', message: 'scoping must be a list of groups' });
    return [];
  }
  return groups.map((g, gi) => {
    const clauses: readonly ScopingClause[] = isList(g?.clauses) ? g.clauses : [];
    if (clauses.length === 0)
      problems.push({
        group: gi,
        clause: 0,
        field: 'attribute',
        message: 'a scoping group needs at least one clause',
      });
    return clauses
      .map((c, ci) => compileClause(c ?? ({} as ScopingClause), gi, ci, catalog, problems))
      .filter((c): c is CompiledClause => !!c);
  });
}

const shorten = (s: string) => (s.length > 80 ? s.slice(0, 77) + '...' : s);

/** Compiles once (regexes included); throws ScopingInvalidError listing every problem. */
export function compileScoping(
  groups: readonly ScopingGroup[],
  catalog: AttributeCatalog = {},
): CompiledScoping {
  const problems: ScopingProblem[] = [];
  const compiled = compileGroups(groups, catalog, problems);
  if (problems.length) throw new ScopingInvalidError(problems);
  return {
    groups,
    evaluate(source) {
      if (compiled.length === 0) return { inScope: true, failures: [] };
      const failures: ClauseFailure[] = [];
      for (let gi = 0; gi < compiled.length; gi++) {
        const failure = firstFailure(compiled[gi], gi, source);
        if (!failure) return { inScope: true, failures: [] };
        failures.push(failure);
      }
      const f = failures[0];
      const shown = `${f.attribute} ${f.operator}${f.expected !== undefined ? ` ${JSON.stringify(f.expected)}` : ''}`;
      const more =
        failures.length > 1
          ? ` (and ${failures.length - 1} more group${failures.length > 2 ? 's' : ''})`
          : '';
      return {
        inScope: false,
        failures,
        reason: `group ${f.group + 1}, clause ${f.clause + 1}: ${shown} failed (was ${f.actual === null ? 'empty' : JSON.stringify(f.actual)})${more}`,
      };
    },
  };
}

function firstFailure(
  clauses: CompiledClause[],
  group: number,
  source: MappingSource,
): ClauseFailure | undefined {
  for (let ci = 0; ci < clauses.length; ci++) {
    const c = clauses[ci];
    const v = scalar(c.read(source));
    // "Scoping filters will return false if the value is null / empty", except IS NULL and IS NOT NULL (SCOPE).
    const pass = v === null || v === '' ? c.operator === 'IS NULL' : c.test(v);
    if (!pass) {
      return {
        group,
        clause: ci,
        attribute: c.clause.attribute,
        operator: c.operator,
        ...(c.clause.value ? { expected: shorten(c.clause.value) } : {}),
        actual: v === null || v === '' ? null : shorten(v),
      };
    }
  }
  return undefined;
}
