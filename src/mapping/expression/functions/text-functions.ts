import { randomBytes } from 'node:crypto';
import { normalizeDiacritics } from './normalize-diacritics';
import {
  intArg,
  mapValue,
  scalar,
  stringArg,
  type Arg,
  type CallSite,
  type Env,
  type FunctionDef,
  type Value,
} from './function-types';

const unary = (name: string, fn: (s: string) => string): FunctionDef => ({
  name,
  params: ['source'],
  minArgs: 1,
  maxArgs: 1,
  compile([arg]) {
    const run = arg.run;
    return (env) => mapValue(run(env), fn);
  },
});

function cultureArg(arg: Arg | undefined, site: CallSite): (env: Env) => string | undefined {
  const check = (c: string) => {
    try {
      return Intl.getCanonicalLocales(c)[0];
    } catch {
      return undefined;
    }
  };
  if (arg?.literal !== undefined && arg.literal !== '') {
    const locale = check(arg.literal);
    if (!locale)
      throw site.error(`${JSON.stringify(arg.literal)} is not a culture name (RFC 4646, e.g. en-US)`, arg);
    return () => locale;
  }
  const read = stringArg(arg);
  return (env) => {
    const c = read(env);
    return c ? (check(c) ?? site.fail(`${JSON.stringify(c)} is not a culture name`)) : undefined;
  };
}

const caseFunction = (name: string, upper: boolean): FunctionDef => ({
  name,
  params: ['source', 'culture'],
  optional: [1],
  minArgs: 1,
  maxArgs: 2,
  compile([source, culture], site) {
    const run = source.run;
    const readCulture = cultureArg(culture, site);
    return (env) => {
      const locale = readCulture(env);
      if (!locale) return mapValue(run(env), upper ? (s) => s.toUpperCase() : (s) => s.toLowerCase());
      return mapValue(
        run(env),
        upper ? (s) => s.toLocaleUpperCase(locale) : (s) => s.toLocaleLowerCase(locale),
      );
    };
  },
});

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
/** Without separators, .NET ToTitleCase's notion: anything but a letter, digit or mark starts a word (WD: "John'S"). */
function isDefaultSeparator(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128)
    return !((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122));
  return !WORD_CHAR.test(c);
}

export function pcase(s: string, separators?: string): string {
  const lower = s.toLowerCase();
  let out = '';
  let start = true;
  for (const c of lower) {
    if (separators !== undefined ? separators.includes(c) : isDefaultSeparator(c)) {
      out += c;
      start = true;
    } else {
      out += start ? c.toUpperCase() : c;
      start = false;
    }
  }
  return out;
}

const escapeClass = (s: string) => s.replace(/[\\\]^-]/g, '\\$&');
const delimiterRegex = (d: string) => new RegExp(`[${escapeClass(d)}]+`);

/** Guid(): RFC 4122 version 4 from the injected random source. */
function guid(random: () => number): string {
  const b: number[] = [];
  for (let i = 0; i < 16; i++) b.push(Math.floor(random() * 256) & 255);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function cryptoRandom(): number {
  return randomBytes(4).readUInt32BE(0) / 0x1_0000_0000;
}

const DIGITS = '0123456789';
const SPECIALS = '!@#$%^&*()-_=+[]{};:,.<>/?~';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

function randomString(random: () => number, length: number, mins: number[], avoid: string): string {
  const classes = [DIGITS, SPECIALS, UPPER, LOWER].map((set) =>
    [...set].filter((c) => !avoid.includes(c)).join(''),
  );
  const pickFrom = (set: string) => set[Math.floor(random() * set.length)];
  const chars: string[] = [];
  mins.forEach((min, i) => {
    for (let k = 0; k < min; k++) chars.push(pickFrom(classes[i]));
  });
  const all = classes.join('');
  while (chars.length < length) chars.push(pickFrom(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

export const TEXT_FUNCTIONS: FunctionDef[] = [
  {
    name: 'Append',
    params: ['source', 'suffix'],
    minArgs: 2,
    maxArgs: 2,
    compile([source, suffix]) {
      const run = source.run;
      const readSuffix = stringArg(suffix);
      return (env) => {
        const tail = readSuffix(env) ?? '';
        return mapValue(run(env), (s) => s + tail);
      };
    },
  },
  {
    name: 'BitAnd',
    params: ['value1', 'value2'],
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      const ints = args.map((arg) => {
        if (arg.literal !== undefined && !/^\s*-?\d+\s*$/.test(arg.literal))
          throw site.error(`${JSON.stringify(arg.literal)} is not an integer`, arg);
        return stringArg(arg);
      });
      return (env) => {
        const [a, b] = ints.map((read) => read(env)?.trim() ?? null);
        if (a === null || b === null || a === '' || b === '') return null;
        if (!/^-?\d+$/.test(a) || !/^-?\d+$/.test(b))
          site.fail(`BitAnd needs integers, got ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
        return (BigInt(a) & BigInt(b)).toString();
      };
    },
  },
  unary('ConvertToBase64', (s) => Buffer.from(s, 'utf16le').toString('base64')),
  unary('ConvertToUTF8Hex', (s) => Buffer.from(s, 'utf8').toString('hex').toUpperCase()),
  {
    name: 'Count',
    params: ['attribute'],
    minArgs: 1,
    maxArgs: 1,
    compile([arg]) {
      const run = arg.run;
      return (env) => {
        const v = run(env);
        return String(v === null ? 0 : Array.isArray(v) ? v.length : 1);
      };
    },
  },
  unary('CStr', (s) => s),
  {
    name: 'Coalesce',
    params: ['source', 'defaultValue'],
    rest: 0,
    minArgs: 1,
    maxArgs: Infinity,
    compile(args) {
      const runs = args.map((a) => a.run);
      return (env) => {
        for (const run of runs) {
          const v = run(env);
          if (v !== null && !(Array.isArray(v) && v.length === 0)) return v;
        }
        return null;
      };
    },
  },
  {
    name: 'DefaultDomain',
    params: [],
    minArgs: 0,
    maxArgs: 0,
    compile:
      (_args, site) =>
      (env): Value =>
        env.ctx.defaultDomain || site.fail('no default domain is configured'),
  },
  {
    name: 'Guid',
    params: [],
    minArgs: 0,
    maxArgs: 0,
    compile: () => (env) => guid(env.ctx.random ?? cryptoRandom),
  },
  {
    name: 'InStr',
    params: ['value1', 'value2', 'start', 'compareType'],
    optional: [2, 3],
    minArgs: 2,
    maxArgs: 4,
    compile([v1, v2, start, compare], site) {
      let textCompare = false;
      if (compare && !compare.omitted) {
        if (compare.token === 'vbTextCompare' || compare.literal === '1') textCompare = true;
        else if (compare.token !== 'vbBinaryCompare' && compare.literal !== '0') {
          throw site.error('compareType must be vbTextCompare or vbBinaryCompare', compare);
        }
      }
      const haystack = stringArg(v1);
      const needle = stringArg(v2);
      const from = intArg(start, site, 'start');
      return (env) => {
        let h = haystack(env);
        let n = needle(env);
        if (h === null) return null;
        const s = from(env) ?? 1;
        if (s < 1) site.fail('start is 1-based and must be at least 1');
        n ??= '';
        if (textCompare) {
          h = h.toLowerCase();
          n = n.toLowerCase();
        }
        return String(h.indexOf(n, s - 1) + 1);
      };
    },
  },
  {
    name: 'Item',
    params: ['attribute', 'index'],
    minArgs: 2,
    maxArgs: 2,
    compile([arg, index], site) {
      const run = arg.run;
      const at = intArg(index, site, 'index');
      return (env) => {
        const v = run(env);
        const i = at(env);
        if (v === null || i === null || i < 1) return null;
        return Array.isArray(v) ? (v[i - 1] ?? null) : i === 1 ? v : null;
      };
    },
  },
  {
    name: 'Join',
    params: ['separator', 'source'],
    rest: 1,
    minArgs: 2,
    maxArgs: Infinity,
    compile([separator, ...sources]) {
      const sep = stringArg(separator);
      const runs = sources.map((a) => a.run);
      // §3 Join: "Doe, John" from Join(", ", "", [surname], [givenName]): empty values are skipped.
      return (env) => {
        let out: string | null = null;
        const s = sep(env) ?? '';
        const add = (part: string) => {
          if (part === '') return;
          out = out === null || out === '' ? part : out + s + part;
        };
        for (const run of runs) {
          const v = run(env);
          if (v === null) continue;
          if (out === null) out = '';
          if (typeof v === 'string') add(v);
          else for (const part of v) add(part);
        }
        return out;
      };
    },
  },
  {
    name: 'Left',
    params: ['String', 'NumChars'],
    minArgs: 2,
    maxArgs: 2,
    compile([source, count], site) {
      const run = source.run;
      const n = intArg(count, site, 'NumChars');
      return (env) => {
        const s = scalar(run(env));
        const k = n(env);
        if (s === null) return '';
        return k === null || k < 0 ? s : s.slice(0, k);
      };
    },
  },
  {
    name: 'Len',
    params: ['String'],
    minArgs: 1,
    maxArgs: 1,
    compile([arg]) {
      const run = arg.run;
      return (env) => String(scalar(run(env))?.length ?? 0);
    },
  },
  {
    name: 'Mid',
    params: ['source', 'start', 'length'],
    minArgs: 3,
    maxArgs: 3,
    compile([source, start, length], site) {
      const run = source.run;
      const from = intArg(start, site, 'start');
      const len = intArg(length, site, 'length');
      if (start.literal !== undefined && Number(start.literal) < 1)
        throw site.error('start is 1-based and must be at least 1', start);
      if (length.literal !== undefined && Number(length.literal) < 0)
        throw site.error('length must not be negative', length);
      return (env) => {
        const s = from(env);
        const l = len(env);
        if (s !== null && s < 1) site.fail('start is 1-based and must be at least 1');
        if (l !== null && l < 0) site.fail('length must not be negative');
        return mapValue(run(env), (v) => v.substr((s ?? 1) - 1, l ?? v.length));
      };
    },
  },
  unary('NormalizeDiacritics', normalizeDiacritics),
  {
    name: 'PCase',
    params: ['source', 'wordSeparators'],
    optional: [1],
    minArgs: 1,
    maxArgs: 2,
    compile([source, separators]) {
      const run = source.run;
      if (!separators || separators.omitted) return (env) => mapValue(run(env), (s) => pcase(s));
      const seps = stringArg(separators);
      return (env) => {
        const sep = seps(env) ?? undefined;
        return mapValue(run(env), (s) => pcase(s, sep));
      };
    },
  },
  {
    name: 'RandomString',
    params: [
      'Length',
      'MinimumNumbers',
      'MinimumSpecialCharacters',
      'MinimumCapital',
      'MinimumLowerCase',
      'CharactersToAvoid',
    ],
    optional: [1, 2, 3, 4, 5],
    minArgs: 1,
    maxArgs: 6,
    compile(args, site) {
      const length = intArg(args[0], site, 'Length');
      const mins = [1, 2, 3, 4].map((i) =>
        intArg(
          args[i],
          site,
          ['MinimumNumbers', 'MinimumSpecialCharacters', 'MinimumCapital', 'MinimumLowerCase'][i - 1],
        ),
      );
      const avoid = stringArg(args[5]);
      if (args[0].literal !== undefined) {
        const n = Number(args[0].literal);
        if (n < 1 || n > 256) throw site.error('Length must be between 1 and 256', args[0]);
        const sum = [1, 2, 3, 4].reduce((acc, i) => acc + Number(args[i]?.literal ?? 0), 0);
        if (sum > n) throw site.error(`the minimums add up to ${sum}, more than Length ${n}`, args[0]);
      }
      return (env) => {
        const n = length(env) ?? 0;
        const counts = mins.map((m) => Math.max(0, m(env) ?? 0));
        if (n < 1 || n > 256) site.fail('Length must be between 1 and 256');
        if (counts.reduce((a, b) => a + b, 0) > n) site.fail('the minimums add up to more than Length');
        return randomString(env.ctx.random ?? cryptoRandom, n, counts, avoid(env) ?? '');
      };
    },
  },
  {
    name: 'RemoveDuplicates',
    params: ['attribute'],
    minArgs: 1,
    maxArgs: 1,
    compile([arg]) {
      const run = arg.run;
      return (env) => {
        const v = run(env);
        return Array.isArray(v) ? [...new Set(v)] : v;
      };
    },
  },
  {
    name: 'Split',
    params: ['source', 'delimiter'],
    minArgs: 2,
    maxArgs: 2,
    compile([source, delimiter]) {
      const run = source.run;
      const delim = stringArg(delimiter);
      // §3 Split: "PermissionSetOne, PermissionSetTwo" gives items without the space, so items are trimmed.
      return (env) => {
        const v = run(env);
        if (v === null) return null;
        const d = delim(env);
        const split = (s: string) => (d ? s.split(d).map((p) => p.trim()) : [s]);
        return typeof v === 'string' ? split(v) : v.flatMap(split);
      };
    },
  },
  unary('StripSpaces', (s) => s.replaceAll(' ', '')),
  caseFunction('ToLower', false),
  caseFunction('ToUpper', true),
  {
    name: 'Word',
    params: ['String', 'WordNumber', 'Delimiters'],
    minArgs: 3,
    maxArgs: 3,
    compile([source, number, delimiters], site) {
      const run = source.run;
      const at = intArg(number, site, 'WordNumber');
      const fixed = delimiters.literal !== undefined ? delimiterRegex(delimiters.literal) : undefined;
      const readDelims = stringArg(delimiters);
      return (env) => {
        const s = scalar(run(env));
        const n = at(env);
        if (s === null || n === null || n < 1) return '';
        const d = fixed ?? delimiterRegex(readDelims(env) ?? ' ');
        const words = s.split(d).filter((w) => w !== '');
        return words[n - 1] ?? '';
      };
    },
  },
  {
    name: 'Redact',
    params: ['value'],
    minArgs: 1,
    maxArgs: 1,
    // The target gets the real value; the compiled expression is marked sensitive so logs mask it.
    compile: ([arg]) => arg.run,
  },
];
