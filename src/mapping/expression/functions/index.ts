import { DATE_FUNCTIONS } from './date-functions';
import type { FunctionDef } from './function-types';
import { logicFunctions, type ConditionCompiler } from './logic-functions';
import { REPLACE } from './replace-function';
import { TEXT_FUNCTIONS } from './text-functions';

/** The function library: the 45 functions of FX26 (entra-expressions.md §3), keyed by lower-case name. */
export function functionLibrary(condition: ConditionCompiler): ReadonlyMap<string, FunctionDef> {
  const all = [...TEXT_FUNCTIONS, ...DATE_FUNCTIONS, ...logicFunctions(condition), REPLACE];
  return new Map(all.map((f) => [f.name.toLowerCase(), f]));
}

export function signature(def: FunctionDef): string {
  const params = def.params.map((p, i) => (def.optional?.includes(i) ? `[${p}]` : p));
  if (def.rest !== undefined) params.push('…');
  return `${def.name}(${params.join(', ')})`;
}
