import {
  addMonths,
  fileTimeToMs,
  formatEntraDate,
  formatWith,
  msToFileTime,
  parseDate,
  parseFormat,
  parserFor,
} from './dotnet-datetime';
import {
  intArg,
  mapValue,
  stringArg,
  type Arg,
  type CallSite,
  type Env,
  type FunctionDef,
} from './function-types';

const INTERVALS = ['yyyy', 'q', 'm', 'y', 'd', 'w', 'ww', 'h', 'n', 's'] as const;
type Interval = (typeof INTERVALS)[number];
const DOCUMENTED = 'yyyy, m, d, ww, h, n or s';

function intervalArg(arg: Arg, site: CallSite): (env: Env) => Interval {
  const check = (v: string | null): Interval | undefined =>
    INTERVALS.find((i) => i === v?.trim().toLowerCase());
  if (arg.literal !== undefined) {
    const i = check(arg.literal);
    if (!i) throw site.error(`interval must be ${DOCUMENTED}, not ${JSON.stringify(arg.literal)}`, arg);
    return () => i;
  }
  const read = stringArg(arg);
  return (env) => {
    const v = read(env);
    return check(v) ?? site.fail(`interval must be ${DOCUMENTED}, not ${JSON.stringify(v)}`);
  };
}

/** A date argument: a string any of `parseDate`'s forms; null stays null. */
function dateArg(arg: Arg, site: CallSite): (env: Env) => number | null {
  const read = stringArg(arg);
  if (arg.literal !== undefined && Number.isNaN(parseDate(arg.literal))) {
    throw site.error(`${JSON.stringify(arg.literal)} is not a date`, arg);
  }
  return (env) => {
    const v = read(env);
    if (v === null || v === '') return null;
    const ms = parseDate(v);
    return Number.isNaN(ms) ? site.fail(`${JSON.stringify(v)} is not a date`) : ms;
  };
}

const DAY = 86_400_000;

function dateAdd(interval: Interval, n: number, ms: number): number {
  switch (interval) {
    case 'yyyy':
      return addMonths(ms, n * 12);
    case 'q':
      return addMonths(ms, n * 3);
    case 'm':
      return addMonths(ms, n);
    case 'y':
    case 'd':
    case 'w':
      return ms + n * DAY;
    case 'ww':
      return ms + n * 7 * DAY;
    case 'h':
      return ms + n * 3_600_000;
    case 'n':
      return ms + n * 60_000;
    case 's':
      return ms + n * 1000;
  }
}

/** VB.NET DateAndTime.DateDiff: elapsed units truncated; m/yyyy/q count calendar boundaries; ww counts Sundays. */
function dateDiff(interval: Interval, a: number, b: number): number {
  const da = new Date(a);
  const db = new Date(b);
  const months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
  switch (interval) {
    case 'yyyy':
      return db.getUTCFullYear() - da.getUTCFullYear();
    case 'q':
      return (
        (db.getUTCFullYear() - da.getUTCFullYear()) * 4 +
        Math.floor(db.getUTCMonth() / 3) -
        Math.floor(da.getUTCMonth() / 3)
      );
    case 'm':
      return months;
    case 'y':
    case 'd':
      return Math.trunc((b - a) / DAY);
    case 'w':
      return Math.trunc((b - a) / (7 * DAY));
    case 'ww': {
      const weekStart = (ms: number, d: Date) => ms - d.getUTCDay() * DAY;
      return Math.trunc((weekStart(b, db) - weekStart(a, da)) / (7 * DAY));
    }
    case 'h':
      return Math.trunc((b - a) / 3_600_000);
    case 'n':
      return Math.trunc((b - a) / 60_000);
    case 's':
      return Math.trunc((b - a) / 1000);
  }
}

const now = (env: Env) => (env.ctx.now ? env.ctx.now() : new Date()).getTime();

export const DATE_FUNCTIONS: FunctionDef[] = [
  {
    name: 'CDate',
    params: ['expression'],
    minArgs: 1,
    maxArgs: 1,
    compile([arg], site) {
      const run = arg.run;
      if (arg.literal !== undefined && Number.isNaN(parseDate(arg.literal))) {
        throw site.error(`${JSON.stringify(arg.literal)} is not a date`, arg);
      }
      return (env) =>
        mapValue(run(env), (s) => {
          const ms = parseDate(s);
          return Number.isNaN(ms) ? site.fail(`${JSON.stringify(s)} is not a date`) : formatEntraDate(ms);
        });
    },
  },
  {
    name: 'Now',
    params: [],
    minArgs: 0,
    maxArgs: 0,
    compile: () => (env) => formatEntraDate(now(env)),
  },
  {
    name: 'DateAdd',
    params: ['interval', 'value', 'dateTime'],
    minArgs: 3,
    maxArgs: 3,
    compile([i, v, d], site) {
      const interval = intervalArg(i, site);
      const value = intArg(v, site, 'value');
      const date = dateArg(d, site);
      return (env) => {
        const ms = date(env);
        const n = value(env);
        return ms === null || n === null ? null : formatEntraDate(dateAdd(interval(env), n, ms));
      };
    },
  },
  {
    name: 'DateDiff',
    params: ['interval', 'date1', 'date2'],
    minArgs: 3,
    maxArgs: 3,
    compile([i, d1, d2], site) {
      const interval = intervalArg(i, site);
      const a = dateArg(d1, site);
      const b = dateArg(d2, site);
      return (env) => {
        const x = a(env);
        const y = b(env);
        return x === null || y === null ? null : String(dateDiff(interval(env), x, y));
      };
    },
  },
  {
    name: 'DateFromNum',
    params: ['value'],
    minArgs: 1,
    maxArgs: 1,
    compile([arg], site) {
      const read = stringArg(arg);
      return (env) => {
        const v = read(env)?.trim();
        if (!v) return null;
        if (!/^-?\d+$/.test(v)) site.fail(`${JSON.stringify(v)} is not a FILETIME number`);
        return formatEntraDate(fileTimeToMs(BigInt(v)));
      };
    },
  },
  {
    name: 'NumFromDate',
    params: ['value'],
    minArgs: 1,
    maxArgs: 1,
    compile([arg], site) {
      const date = dateArg(arg, site);
      return (env) => {
        const ms = date(env);
        return ms === null ? null : msToFileTime(ms).toString();
      };
    },
  },
  {
    name: 'FormatDateTime',
    // G-FUNCS' older form has no dateTimeStyles: FormatDateTime(source, inputFormat, outputFormat).
    params: ['source', 'dateTimeStyles', 'inputFormat', 'outputFormat'],
    optional: [1],
    minArgs: 3,
    maxArgs: 4,
    compile(args, site) {
      const [source, , input, output] = args.length === 3 ? [args[0], undefined, args[1], args[2]] : args;
      const format = (arg: Arg, what: string) => {
        if (arg.omitted) throw site.error(`${what} is required`, arg);
        try {
          return arg.literal !== undefined ? parseFormat(arg.literal) : undefined;
        } catch (e) {
          throw site.error((e as Error).message, arg);
        }
      };
      const inParts = format(input, 'inputFormat');
      const outParts = format(output, 'outputFormat');
      const staticParse = inParts && parserFor(inParts);
      const readIn = stringArg(input);
      const readOut = stringArg(output);
      const run = source.run;
      return (env) => {
        const v = run(env);
        if (v === null) return null;
        let parse: (s: string) => number;
        let out: ReturnType<typeof parseFormat>;
        try {
          parse = staticParse ?? parserFor(parseFormat(readIn(env) ?? ''));
          out = outParts ?? parseFormat(readOut(env) ?? '');
        } catch (e) {
          return site.fail((e as Error).message);
        }
        return mapValue(v, (s) => {
          const ms = parse(s);
          return Number.isNaN(ms)
            ? site.fail(`${JSON.stringify(s)} does not match the input format`)
            : formatWith(out, ms);
        });
      };
    },
  },
];
