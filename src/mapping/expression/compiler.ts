import type { ComparisonNode, ComparisonOperator, ExpressionNode, FunctionNode } from './ast';
import { resolveAttribute, type AttributeCatalog, type MappingSource } from './attribute-resolver';
import { ExpressionError } from './expression-error';
import { parseDate } from './functions/dotnet-datetime';
import {
  CallSite,
  FlowSignal,
  IGNORE_ATTRIBUTE,
  IGNORE_OBJECT,
  NULL,
  constant,
  isNumeric,
  type Arg,
  type Env,
  type EvaluationContext,
  type Evaluator,
  type FunctionDef,
} from './functions/function-types';
import { functionLibrary, signature } from './functions';
import { truthy } from './functions/logic-functions';
import { parseExpression } from './parser';
import { bool, scalar, type Value } from './value';

export type CompileOptions = AttributeCatalog;

/** What a mapping sends: `value` is null exactly when nothing flows (§2: null never flows, "" does). */
export interface EvaluationResult {
  flows: boolean;
  value: string | string[] | null;
  /** IgnoreObjectFlow was reached: the object is not to be created or processed (WD). */
  ignoreObject?: boolean;
  /** Redact() was used: logs must show "[Redacted]" instead of the value. */
  sensitive?: boolean;
}

export interface CompiledExpression {
  readonly text: string;
  readonly tree: ExpressionNode;
  /** Attribute names as written in the expression. */
  readonly attributes: readonly string[];
  readonly sensitive: boolean;
  /** True when the whole expression is SelectUniqueValue(…). */
  readonly selectsUniqueValue: boolean;
  evaluate(source: MappingSource, ctx?: EvaluationContext): EvaluationResult;
  /** SelectUniqueValue's candidates in order (empty ones left out), for an asynchronous uniqueness check. */
  candidates(source: MappingSource, ctx?: EvaluationContext): string[];
  /** Hot path: the value, or a thrown FlowSignal. */
  readonly run: Evaluator;
}

let LIBRARY: ReadonlyMap<string, FunctionDef> | undefined;
const library = () => (LIBRARY ??= functionLibrary(compileCondition));

/** The canonical names of every function the language has. */
export const functionNames = (): string[] => [...library().values()].map((f) => f.name);

// ---- comparisons ----

const US_DATE = /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/;

/**
 * `=` `<>` `>` `>=` `<` `<=` (FX26): numbers compare as numbers, dates printed by CDate/Now/DateAdd as
 * dates, everything else ordinally and case-sensitively. A null or empty operand fails the check (§2 IIF).
 */
function compare(op: ComparisonOperator, l: Value, r: Value): boolean {
  const a = scalar(l);
  const b = scalar(r);
  if (a === null || b === null || a === '' || b === '') return false;
  let c: number;
  if (isNumeric(a) && isNumeric(b)) c = Number(a) - Number(b);
  else if (US_DATE.test(a) && US_DATE.test(b)) c = parseDate(a) - parseDate(b);
  else c = a < b ? -1 : a > b ? 1 : 0;
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
  }
}

interface ComparisonArg extends Arg {
  test?: (env: Env) => boolean;
}

function compileCondition(arg: Arg): (env: Env) => boolean {
  const test = (arg as ComparisonArg).test;
  if (test) return test;
  const run = arg.run;
  return (env) => truthy(run(env));
}

// ---- compilation ----

function suggest(name: string): string {
  const lower = name.toLowerCase();
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0];
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = d[j];
        d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return d[b.length];
  };
  const best = [...library().values()]
    .map((f) => ({ f, d: distance(lower, f.name.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 2 ? `; did you mean ${best.f.name}?` : '';
}

class Compiler {
  readonly attributes: string[] = [];
  sensitive = false;

  constructor(
    private readonly text: string,
    private readonly options: CompileOptions,
  ) {}

  private error(kind: ExpressionError['kind'], detail: string, node: ExpressionNode): ExpressionError {
    return new ExpressionError(kind, detail, this.text, node.start);
  }

  compile(node: ExpressionNode, topLevel: boolean): ComparisonArg {
    switch (node.kind) {
      case 'Empty':
        return { node, run: NULL, omitted: true };
      case 'Constant':
        return { node, run: constant(node.value), omitted: false, literal: node.value };
      case 'Attribute': {
        const resolution = resolveAttribute(node.name, this.options);
        if ('error' in resolution) throw this.error('unknownAttribute', resolution.error, node);
        this.attributes.push(node.name);
        const resolve = resolution.resolver;
        return { node, run: (env) => resolve(env.source), omitted: false };
      }
      case 'Token': {
        const signal =
          node.name === 'IgnoreAttributeFlow'
            ? IGNORE_ATTRIBUTE
            : node.name === 'IgnoreObjectFlow'
              ? IGNORE_OBJECT
              : undefined;
        const run: Evaluator = signal
          ? () => {
              throw signal;
            }
          : () => node.name;
        return { node, run, omitted: false, token: node.name };
      }
      case 'Comparison':
        return this.comparison(node);
      case 'Function':
        return this.call(node, topLevel);
    }
  }

  private comparison(node: ComparisonNode): ComparisonArg {
    const left = this.operand(node.left);
    const right = this.operand(node.right);
    const op = node.operator;
    const test = (env: Env) => compare(op, left(env), right(env));
    return { node, run: (env) => bool(test(env)), omitted: false, test };
  }

  private operand(node: ExpressionNode): Evaluator {
    const arg = this.compile(node, false);
    this.rejectCompareToken(arg);
    return arg.run;
  }

  private rejectCompareToken(arg: Arg): void {
    if (arg.token === 'vbTextCompare' || arg.token === 'vbBinaryCompare') {
      throw this.error('invalidArgument', `${arg.token} is only meaningful as InStr's compareType`, arg.node);
    }
  }

  private call(node: FunctionNode, topLevel: boolean): Arg {
    const def = library().get(node.name.toLowerCase());
    if (!def)
      throw this.error('unknownFunction', `unknown function "${node.name}"${suggest(node.name)}`, node);
    const n = node.args.length;
    const arityProblem =
      n < def.minArgs || n > def.maxArgs
        ? `${def.name} takes ${def.minArgs === def.maxArgs ? def.minArgs : def.maxArgs === Infinity ? `at least ${def.minArgs}` : `${def.minArgs} to ${def.maxArgs}`} argument${def.maxArgs === 1 ? '' : 's'} but got ${n}: ${signature(def)}`
        : def.checkArity?.(n);
    if (arityProblem) throw this.error('argumentCount', arityProblem, node);
    if (def.name === 'Redact') this.sensitive = true;

    const args = node.args.map((a) => this.compile(a, false));
    const fixed = def.rest ?? def.params.length;
    args.forEach((arg, i) => {
      if (arg.omitted && i < fixed && !def.optional?.includes(i)) {
        throw this.error(
          'invalidArgument',
          `${def.name}: ${def.params[i]} is required: ${signature(def)}`,
          arg.node,
        );
      }
      if (!(def.name === 'InStr' && i === 3)) this.rejectCompareToken(arg);
    });
    const site = new CallSite(def.name, node, this.text, topLevel);
    return { node, run: def.compile(args, site), omitted: false };
  }
}

function compileTree(text: string, tree: ExpressionNode, options: CompileOptions): CompiledExpression {
  const compiler = new Compiler(text, options);
  const root = compiler.compile(tree, true);
  if (root.token === 'vbTextCompare' || root.token === 'vbBinaryCompare') {
    throw new ExpressionError(
      'invalidArgument',
      `${root.token} is only meaningful as InStr's compareType`,
      text,
      tree.start,
    );
  }
  const run = root.run;
  const sensitive = compiler.sensitive;
  const selectsUniqueValue = tree.kind === 'Function' && tree.name.toLowerCase() === 'selectuniquevalue';
  const candidateRuns = selectsUniqueValue ? tree.args.map((a) => compiler.compile(a, false).run) : [];

  return {
    text,
    tree,
    attributes: [...new Set(compiler.attributes)],
    sensitive,
    selectsUniqueValue,
    run,
    evaluate(source, ctx = {}) {
      try {
        const value = run({ source, ctx });
        const flows = value !== null && !(Array.isArray(value) && value.length === 0);
        const result: EvaluationResult = { flows, value: flows ? value : null };
        if (sensitive) result.sensitive = true;
        return result;
      } catch (e) {
        if (e instanceof FlowSignal) {
          return e.kind === 'object'
            ? { flows: false, value: null, ignoreObject: true }
            : { flows: false, value: null };
        }
        throw e;
      }
    },
    candidates(source, ctx = {}) {
      const env = { source, ctx };
      const runs = selectsUniqueValue ? candidateRuns : [run];
      return runs.map((r) => scalar(r(env))).filter((v): v is string => v !== null && v !== '');
    },
  };
}

/**
 * Parses and checks an expression once, when it is saved: syntax, unknown functions, argument counts,
 * unknown attributes, literal arguments that can never work (bad regex, date format, interval). Throws
 * an `ExpressionError` with line and column; the result evaluates without re-parsing.
 */
export function compileExpression(text: string, options: CompileOptions = {}): CompiledExpression {
  return compileTree(text, parseExpression(text), options);
}

/** Compiles and evaluates in one go (the admin "evaluate" endpoint). */
export function evaluateExpression(
  text: string,
  source: MappingSource,
  ctx: EvaluationContext = {},
  options: CompileOptions = { allowUnknown: true },
): EvaluationResult {
  return compileExpression(text, options).evaluate(source, ctx);
}
