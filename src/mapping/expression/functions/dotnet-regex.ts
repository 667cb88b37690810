/**
 * .NET regular expressions (Replace, REGEX MATCH scoping) on JavaScript's engine. Named groups
 * `(?<name>…)` are the same; translated: `(?'name'…)`, a leading `(?i)` / `(?m)` / `(?s)` inline option,
 * `\A`, `\Z`, `\z`. Compiled without the `u` flag so that identity escapes like `\@` (SCOPE's
 * `.*\@domain.com`) keep working.
 */
export function translateDotNetRegex(pattern: string): { source: string; flags: string } {
  let flags = '';
  let src = pattern;
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    if (inline[1].includes('x')) throw new Error('the (?x) option is not supported');
    flags = [...new Set(inline[1])].join('');
    src = src.slice(inline[0].length);
  }
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length) {
      const n = src[i + 1];
      out += n === 'A' ? '^' : n === 'Z' ? '(?=\\n?$)' : n === 'z' ? '$' : c + n;
      i++;
    } else if (c === '(' && src.startsWith("?'", i + 1)) {
      const close = src.indexOf("'", i + 3);
      if (close < 0) throw new Error('unterminated group name');
      out += `(?<${src.slice(i + 3, close)}>`;
      i = close;
    } else {
      out += c;
    }
  }
  return { source: out, flags };
}

/** Compiles a .NET pattern; throws an Error with the engine's message when it is not a valid regex. */
export function compileDotNetRegex(pattern: string, extraFlags = ''): RegExp {
  const { source, flags } = translateDotNetRegex(pattern);
  return new RegExp(source, [...new Set(flags + extraFlags)].join(''));
}

const cache = new Map<string, RegExp>();
/** For patterns only known at run time: compiled once per distinct pattern (bounded). */
export function cachedDotNetRegex(pattern: string, extraFlags = ''): RegExp {
  const key = extraFlags + '\u0000' + pattern;
  let re = cache.get(key);
  if (!re) {
    if (cache.size >= 500) cache.clear();
    re = compileDotNetRegex(pattern, extraFlags);
    cache.set(key, re);
  }
  return re;
}

type TemplatePart = string | { group: string };

/** A .NET replacement string: `${name}`, `$1`, `${1}`, `$$`, `$&`; parsed once. */
export function parseReplacement(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  const re = /\$(?:\{([^}]+)\}|(\d+)|(\$)|(&))/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    text += template.slice(last, m.index);
    last = re.lastIndex;
    if (m[3]) text += '$';
    else {
      if (text) parts.push(text);
      text = '';
      parts.push({ group: m[1] ?? m[2] ?? '0' });
    }
  }
  text += template.slice(last);
  if (text) parts.push(text);
  return parts;
}

/** Builds the replacement for one match; a group that did not take part gives "" as in .NET. */
export function expandReplacement(
  parts: TemplatePart[],
  match: RegExpMatchArray | string[],
  groups?: Record<string, string | undefined>,
): string {
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if (/^\d+$/.test(p.group)) out += match[Number(p.group)] ?? '';
    else out += groups?.[p.group] ?? '';
  }
  return out;
}
