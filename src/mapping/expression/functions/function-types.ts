import type { BareToken, ExpressionNode, FunctionNode } from '../ast';
import type { MappingSource } from '../attribute-resolver';
import { ExpressionError, ExpressionEvaluationError, positionOf } from '../expression-error';
import { isNullOrEmpty, scalar, type Value } from '../value';

/**
 * Injected for everything that is not a pure function of the record: the clock (`Now`), the random source
 * (`Guid`, `RandomString`), the tenant's default domain (`DefaultDomain`) and the uniqueness check of
 * `SelectUniqueValue`.
 */
export interface EvaluationContext {
  now?: () => Date;
  /** Uniform in [0, 1). Defaults to a cryptographic source (RandomString makes passwords). */
  random?: () => number;
  defaultDomain?: string;
  /** `SelectUniqueValue`: is this candidate free in the target? Without it the first candidate wins. */
  isUnique?: (value: string) => boolean;
}

export interface Env {
  source: MappingSource;
  ctx: EvaluationContext;
}

export type Evaluator = (env: Env) => Value;

/**
 * Thrown by IgnoreAttributeFlow / IgnoreFlowIfNullOrEmpty and IgnoreObjectFlow to stop the whole
 * expression. Two singletons, built once, so throwing them costs no stack capture.
 */
export class FlowSignal extends Error {
  constructor(readonly kind: 'attribute' | 'object') {
    super(kind === 'attribute' ? 'IgnoreAttributeFlow' : 'IgnoreObjectFlow');
  }
}
export const IGNORE_ATTRIBUTE = new FlowSignal('attribute');
export const IGNORE_OBJECT = new FlowSignal('object');

export interface Arg {
  node: ExpressionNode;
  run: Evaluator;
  omitted: boolean;
  /** Set when the argument is a constant: its value, known at compile time. */
  literal?: string;
  token?: BareToken;
}

/** One call in the tree, for compile-time checks and run-time failures that point at it. */
export class CallSite {
  constructor(
    readonly name: string,
    readonly node: FunctionNode,
    private readonly text: string,
    readonly topLevel: boolean,
  ) {}

  /** A compile-time problem with the call or one of its arguments. */
  error(detail: string, arg?: Arg): ExpressionError {
    return new ExpressionError(
      'invalidArgument',
      `${this.name}: ${detail}`,
      this.text,
      arg ? arg.node.start : this.node.start,
    );
  }

  /** A run-time failure on one record. */
  fail(detail: string): never {
    const { line, column } = positionOf(this.text, this.node.start);
    throw new ExpressionEvaluationError(detail, this.name, line, column);
  }
}

export interface FunctionDef {
  name: string;
  /** Parameter names for messages and for the required-argument check. */
  params: readonly string[];
  /** Indices of `params` that may be omitted or left empty. */
  optional?: readonly number[];
  /** Arguments from this index on repeat (Coalesce, Join, Switch pairs…) and may be left empty. */
  rest?: number;
  minArgs: number;
  maxArgs: number;
  /** Extra arity rule, e.g. Switch's pairs; returns a message when broken. */
  checkArity?: (count: number) => string | undefined;
  compile(args: Arg[], site: CallSite): Evaluator;
}

// ---- helpers shared by the function library ----

export const NULL: Evaluator = () => null;
export const constant =
  (v: Value): Evaluator =>
  () =>
    v;

const INTEGER = /^\s*[-+]?\d+\s*$/;
const NUMBER = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
export const isNumeric = (s: string): boolean => NUMBER.test(s);

/** An integer argument: checked at compile time when literal, else parsed per record. `null` when absent. */
export function intArg(arg: Arg | undefined, site: CallSite, what: string): (env: Env) => number | null {
  if (!arg || arg.omitted) return () => null;
  if (arg.literal !== undefined) {
    if (!INTEGER.test(arg.literal))
      throw site.error(`${what} must be a whole number, not ${JSON.stringify(arg.literal)}`, arg);
    const n = Number(arg.literal);
    return () => n;
  }
  const run = arg.run;
  return (env) => {
    const v = scalar(run(env));
    if (v === null || v === '') return null;
    if (!isNumeric(v)) site.fail(`${what} must be a number, got ${JSON.stringify(v)}`);
    return Math.trunc(Number(v));
  };
}

/** A string argument evaluated per record; a literal is returned as a constant. */
export function stringArg(arg: Arg | undefined): (env: Env) => string | null {
  if (!arg || arg.omitted) return () => null;
  if (arg.literal !== undefined) {
    const s = arg.literal;
    return () => s;
  }
  const run = arg.run;
  return (env) => scalar(run(env));
}

/** Applies a string function to a value, element-wise for multi-valued ones; null stays null. */
export function mapValue(v: Value, fn: (s: string) => string): Value {
  if (v === null) return null;
  if (typeof v === 'string') return fn(v);
  return v.map(fn);
}

export { isNullOrEmpty, scalar };
export type { Value };
