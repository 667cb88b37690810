import type { RoleAssignment } from '../attribute-resolver';
import { FALSE, TRUE, bool } from '../value';
import {
  IGNORE_ATTRIBUTE,
  isNullOrEmpty,
  scalar,
  type Arg,
  type Env,
  type Evaluator,
  type FunctionDef,
  type Value,
} from './function-types';

/** CBool semantics for a condition value: "True"/"False" (any case), else a non-zero number. */
export function truthy(v: Value): boolean {
  const s = scalar(v);
  if (s === null) return false;
  if (s === TRUE) return true;
  if (s === FALSE) return false;
  const lower = s.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false' || lower === '') return false;
  const n = Number(lower);
  return !Number.isNaN(n) && n !== 0;
}

/** Conditions are compiled by the compiler (comparisons short-circuit to a boolean); see compiler.ts. */
export type ConditionCompiler = (arg: Arg) => (env: Env) => boolean;

const predicate = (name: string, test: (v: Value) => boolean): FunctionDef => ({
  name,
  params: ['expression'],
  minArgs: 1,
  maxArgs: 1,
  compile([arg]) {
    const run = arg.run;
    return (env) => bool(test(run(env)));
  },
});

export function logicFunctions(condition: ConditionCompiler): FunctionDef[] {
  return [
    {
      name: 'CBool',
      params: ['expression'],
      minArgs: 1,
      maxArgs: 1,
      compile([arg]) {
        const test = condition(arg);
        return (env) => bool(test(env));
      },
    },
    {
      name: 'IIF',
      params: ['condition', 'valueIfTrue', 'valueIfFalse'],
      minArgs: 3,
      maxArgs: 3,
      compile([cond, whenTrue, whenFalse]) {
        const test = condition(cond);
        const t = whenTrue.run;
        const f = whenFalse.run;
        return (env) => (test(env) ? t(env) : f(env));
      },
    },
    {
      name: 'Switch',
      params: ['source', 'defaultValue', 'key', 'value'],
      optional: [1],
      rest: 2,
      minArgs: 4,
      maxArgs: Infinity,
      checkArity: (n) =>
        (n - 2) % 2 === 0
          ? undefined
          : 'Switch takes a source, a default value, then key/value pairs: the count must be even',
      compile([source, fallback, ...pairs]) {
        const run = source.run;
        const otherwise = fallback.run;
        const keys = pairs.filter((_, i) => i % 2 === 0);
        const values = pairs.filter((_, i) => i % 2 === 1).map((a) => a.run);
        // A null source matches the key "" (§2, FX26 Switch); keys compare case-sensitively.
        if (keys.every((k) => k.literal !== undefined)) {
          const table = new Map<string, Evaluator>();
          keys.forEach((k, i) => {
            if (!table.has(k.literal!)) table.set(k.literal!, values[i]);
          });
          return (env) => {
            const hit = table.get(scalar(run(env)) ?? '');
            return hit ? hit(env) : otherwise(env);
          };
        }
        const keyRuns = keys.map((k) => k.run);
        return (env) => {
          const s = scalar(run(env)) ?? '';
          for (let i = 0; i < keyRuns.length; i++) {
            if ((scalar(keyRuns[i](env)) ?? '') === s) return values[i](env);
          }
          return otherwise(env);
        };
      },
    },
    {
      name: 'Not',
      params: ['source'],
      minArgs: 1,
      maxArgs: 1,
      compile([arg]) {
        const run = arg.run;
        // "If source value is True, returns False. Otherwise, returns True." (FX26), so null gives "True".
        return (env) => bool(scalar(run(env))?.trim().toLowerCase() !== 'true');
      },
    },
    predicate('IsNull', (v) => v === null),
    predicate('IsNullOrEmpty', isNullOrEmpty),
    predicate('IsPresent', (v) => !isNullOrEmpty(v)),
    predicate('IsString', (v) => typeof v === 'string'),
    {
      name: 'IgnoreFlowIfNullOrEmpty',
      params: ['expression'],
      minArgs: 1,
      maxArgs: 1,
      compile([arg]) {
        const run = arg.run;
        return (env) => {
          const v = run(env);
          if (isNullOrEmpty(v)) throw IGNORE_ATTRIBUTE;
          return v;
        };
      },
    },
    {
      name: 'SelectUniqueValue',
      params: ['uniqueValueRule'],
      rest: 0,
      minArgs: 2,
      maxArgs: Infinity,
      compile(args, site) {
        if (!site.topLevel)
          throw site.error('must be the whole expression, not nested in another function (FX26)');
        const runs = args.map((a) => a.run);
        return (env) => {
          for (const run of runs) {
            const v = scalar(run(env));
            if (v === null || v === '') continue;
            if (!env.ctx.isUnique || env.ctx.isUnique(v)) return v;
          }
          return site.fail('every candidate value is already taken in the target');
        };
      },
    },
    {
      // CAA: one role's value, for `roles[primary eq "True"].value`; "no guarantee which role" (we take the first
      // by display name). Without assignments (a document preview) the document's SCIM `roles` stand in.
      name: 'SingleAppRoleAssignment',
      params: ['appRoleAssignments'],
      minArgs: 1,
      maxArgs: 1,
      compile([arg]) {
        const run = arg.run;
        return (env) => {
          const roles = env.source.appRoleAssignments;
          return roles ? (roles[0]?.value ?? null) : scalar(run(env));
        };
      },
    },
    {
      // CAA: every role as a SCIM `roles` entry, primary false. Each entry is its JSON object text, which the
      // target writer of a multi-valued complex attribute (`roles`) writes as that object.
      name: 'AppRoleAssignmentsComplex',
      params: ['appRoleAssignments'],
      minArgs: 1,
      maxArgs: 1,
      compile([arg]) {
        const run = arg.run;
        return (env) => {
          const roles = env.source.appRoleAssignments;
          if (roles) return roles.map(roleEntry);
          const v = run(env);
          return v === null || Array.isArray(v) ? v : [v];
        };
      },
    },
  ];
}

/** A SCIM `roles` entry as Entra's AppRoleAssignmentsComplex sends it (entra-outbound-scim.md, Roles). */
function roleEntry(role: RoleAssignment): string {
  return JSON.stringify({
    primary: false,
    type: 'WindowsAzureActiveDirectoryRole',
    display: role.displayName,
    value: role.value,
  });
}
