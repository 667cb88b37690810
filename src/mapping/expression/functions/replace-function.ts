import { cachedDotNetRegex, compileDotNetRegex, expandReplacement, parseReplacement } from './dotnet-regex';
import {
  isNullOrEmpty,
  mapValue,
  scalar,
  stringArg,
  type Arg,
  type CallSite,
  type Env,
  type FunctionDef,
} from './function-types';

const PARAMS = [
  'source',
  'oldValue',
  'regexPattern',
  'regexGroupName',
  'replacementValue',
  'replacementAttributeName',
  'template',
];

/** The pattern as a compiled regex: once at compile time for a literal, cached per pattern otherwise. */
function regexArg(arg: Arg, site: CallSite, flags: string): (env: Env) => RegExp | null {
  if (arg.literal !== undefined) {
    let re: RegExp;
    try {
      re = compileDotNetRegex(arg.literal, flags);
    } catch (e) {
      throw site.error(`regexPattern is not a valid regular expression: ${(e as Error).message}`, arg);
    }
    return () => re;
  }
  const read = stringArg(arg);
  return (env) => {
    const p = read(env);
    if (p === null) return null;
    try {
      return cachedDotNetRegex(p, flags);
    } catch (e) {
      return site.fail(`regexPattern is not a valid regular expression: ${(e as Error).message}`);
    }
  };
}

function groupNameArg(arg: Arg, regex: Arg, site: CallSite): (env: Env) => string {
  if (arg.literal !== undefined && regex.literal !== undefined) {
    const name = arg.literal;
    if (!regex.literal.includes(`(?<${name}>`) && !regex.literal.includes(`(?'${name}'`)) {
      throw site.error(`regexPattern has no group named ${JSON.stringify(name)}`, arg);
    }
  }
  const read = stringArg(arg);
  return (env) => read(env) ?? '';
}

/**
 * Replace's five modes (entra-expressions.md §3 Replace), chosen at compile time from which arguments are
 * given; an omitted argument is not the same as "" (§1.2). Case-sensitive; .NET regex with `${name}` groups.
 */
export const REPLACE: FunctionDef = {
  name: 'Replace',
  params: PARAMS,
  optional: [1, 2, 3, 4, 5, 6],
  minArgs: 3,
  maxArgs: 7,
  compile(args, site) {
    const given = (i: number) => args[i] !== undefined && !args[i].omitted;
    const [source, oldValue, pattern, groupName, replacement, replacementAttribute, template] = PARAMS.map(
      (_, i) => args[i],
    );
    const run = source.run;
    const MODES =
      'give oldValue with replacementValue or template, or regexPattern with replacementValue, or regexPattern and regexGroupName with replacementValue or replacementAttributeName';

    if (given(1) && given(2))
      throw site.error(`give either oldValue or regexPattern, not both (${MODES})`, pattern);
    if (given(1)) {
      const old = stringArg(oldValue);
      if (given(6)) {
        // Mode 2: every oldValue in the template becomes the source value.
        const tpl = stringArg(template);
        return (env) => {
          const o = old(env);
          const t = tpl(env);
          return mapValue(run(env), (s) => (o ? (t ?? '').split(o).join(s) : (t ?? '')));
        };
      }
      if (!given(4)) throw site.error(`oldValue needs a replacementValue or a template (${MODES})`, oldValue);
      // Mode 1: every oldValue in the source becomes replacementValue.
      const rep = stringArg(replacement);
      return (env) => {
        const o = old(env);
        const r = rep(env) ?? '';
        return mapValue(run(env), (s) => (o ? s.split(o).join(r) : s));
      };
    }
    if (!given(2)) throw site.error(`nothing to replace: ${MODES}`);

    if (given(3)) {
      const group = groupNameArg(groupName, pattern, site);
      if (given(4)) {
        // Mode 4: within every match, the named group's text becomes replacementValue.
        const regex = regexArg(pattern, site, 'gd');
        const rep = replacementArg(replacement);
        return (env) => {
          const re = regex(env);
          const name = group(env);
          const r = rep(env);
          return mapValue(run(env), (s) => (re ? replaceGroup(s, re, name, r) : s));
        };
      }
      if (!given(5))
        throw site.error(
          `regexGroupName needs a replacementValue or a replacementAttributeName (${MODES})`,
          groupName,
        );
      // Mode 5: the source if it has a value, else the named group of the pattern in replacementAttributeName.
      const regex = regexArg(pattern, site, '');
      const fallback = replacementAttribute.run;
      return (env) => {
        const v = run(env);
        if (!isNullOrEmpty(v)) return v;
        const other = scalar(fallback(env));
        const re = regex(env);
        if (other === null || !re) return null;
        return re.exec(other)?.groups?.[group(env)] ?? null;
      };
    }
    if (!given(4)) throw site.error(`regexPattern needs a replacementValue (${MODES})`, pattern);
    // Mode 3: every match becomes replacementValue, with ${group} substitutions.
    const regex = regexArg(pattern, site, 'g');
    const rep = replacementArg(replacement);
    return (env) => {
      const re = regex(env);
      const r = rep(env);
      return mapValue(run(env), (s) =>
        re ? s.replace(re, (...m: unknown[]) => expandFromReplaceArgs(r, m)) : s,
      );
    };
  },
};

function replacementArg(arg: Arg): (env: Env) => ReturnType<typeof parseReplacement> {
  if (arg.literal !== undefined) {
    const parts = parseReplacement(arg.literal);
    return () => parts;
  }
  const read = stringArg(arg);
  return (env) => parseReplacement(read(env) ?? '');
}

/** `String.replace` passes match, groups…, offset, input[, named groups]. */
function expandFromReplaceArgs(parts: ReturnType<typeof parseReplacement>, m: unknown[]): string {
  const last = m[m.length - 1];
  const named =
    typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
  const end = named ? m.length - 3 : m.length - 2;
  return expandReplacement(parts, m.slice(0, end) as string[], named);
}

function replaceGroup(
  s: string,
  re: RegExp,
  name: string,
  parts: ReturnType<typeof parseReplacement>,
): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(re)) {
    const span = m.indices?.groups?.[name];
    if (!span) continue;
    out += s.slice(last, span[0]) + expandReplacement(parts, m, m.groups);
    last = span[1];
  }
  return last === 0 && out === '' ? s : out + s.slice(last);
}
