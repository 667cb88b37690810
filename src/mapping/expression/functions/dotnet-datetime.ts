/**
 * Dates as Entra's functions see them: instants in UTC (Entra's servers run in UTC, so a parsed offset is
 * converted to UTC), printed by default as `M/d/yyyy h:mm:ss tt` (entra-expressions.md §1.5), and .NET
 * custom date and time format strings for FormatDateTime.
 */
import { daysInMonth } from '../../../common/calendar';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `M/d/yyyy h:mm:ss tt`, in UTC. */
export function formatEntraDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0, offsetMinutes = 0): number {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return t - offsetMinutes * 60_000;
}

function offsetMinutes(z: string | undefined): number {
  if (!z || z === 'Z' || z === 'z') return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(z);
  if (!m) return NaN;
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -v : v;
}

const fraction = (f: string | undefined) => (f ? Math.round(Number('0.' + f) * 1000) : 0);

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?(?:\.(\d+))?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses what HR systems and the functions themselves produce: ISO 8601 with or without time and offset,
 * including Workday's date-plus-offset `2020-03-16-07:00` (§3 CDate); `M/d/yyyy h:mm:ss tt`; and the
 * compact `yyyyMMdd[HHmmss[.f]][Z]`. No offset means UTC. Returns NaN when it is none of these.
 */
export function parseDate(text: string): number {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    return utc(
      +m[1],
      +m[2],
      +m[3],
      +(m[4] ?? 0),
      +(m[5] ?? 0),
      +(m[6] ?? 0),
      fraction(m[7]),
      offsetMinutes(m[8]),
    );
  }
  m = US.exec(s);
  if (m) {
    let h = +(m[4] ?? 0);
    const tt = m[7]?.toUpperCase();
    if (tt && (h < 1 || h > 12)) return NaN;
    if (tt === 'PM' && h < 12) h += 12;
    if (tt === 'AM' && h === 12) h = 0;
    return utc(+m[3], +m[1], +m[2], h, +(m[5] ?? 0), +(m[6] ?? 0));
  }
  m = COMPACT.exec(s);
  if (m)
    return utc(
      +m[1],
      +m[2],
      +m[3],
      +(m[4] ?? 0),
      +(m[5] ?? 0),
      +(m[6] ?? 0),
      fraction(m[7]),
      offsetMinutes(m[8]),
    );
  return NaN;
}

/** .NET DateTime.AddMonths: the day is clamped to the end of the target month. */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month0 = total - year * 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month0 + 1));
  return Date.UTC(
    year,
    month0,
    day,
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

// ---- .NET custom date and time format strings ----

type Part = { spec: string; count: number } | { literal: string };

const SPEC_CHARS = new Set(['y', 'M', 'd', 'H', 'h', 'm', 's', 'f', 'F', 't', 'z', 'K', 'g']);
const STANDARD: Record<string, string> = {
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
};

/** Splits a .NET custom format (or one of the standard formats o, s, u) into parts; throws on what it cannot read. */
export function parseFormat(format: string): Part[] {
  if (format.length === 1) {
    const standard = STANDARD[format];
    if (standard) return parseFormat(standard);
    if (!SPEC_CHARS.has(format)) return [{ literal: format }];
    throw new Error(
      `"${format}" alone is a .NET standard format; only o, s and u are supported (write %${format} for the custom specifier)`,
    );
  }
  const parts: Part[] = [];
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c === "'" || c === '"') {
      const close = format.indexOf(c, i + 1);
      if (close < 0) throw new Error(`unterminated quoted text in date format "${format}"`);
      parts.push({ literal: format.slice(i + 1, close) });
      i = close + 1;
    } else if (c === '\\') {
      parts.push({ literal: format[i + 1] ?? '' });
      i += 2;
    } else if (c === '%') {
      i++;
    } else if (SPEC_CHARS.has(c)) {
      let j = i;
      while (format[j] === c) j++;
      const count = j - i;
      if ((c === 'f' || c === 'F') && count > 7)
        throw new Error(`too many "${c}" in date format "${format}"`);
      parts.push({ spec: c, count });
      i = j;
    } else {
      parts.push({ literal: c });
      i++;
    }
  }
  return parts;
}

export function formatWith(parts: Part[], ms: number): string {
  const d = new Date(ms);
  let out = '';
  for (const p of parts) {
    if ('literal' in p) {
      out += p.literal;
      continue;
    }
    const n = p.count;
    switch (p.spec) {
      case 'y': {
        const y = d.getUTCFullYear();
        out += n === 1 ? String(y % 100) : n === 2 ? pad(y % 100) : pad(y, n);
        break;
      }
      case 'M': {
        const m = d.getUTCMonth();
        out += n === 1 ? String(m + 1) : n === 2 ? pad(m + 1) : n === 3 ? MONTHS[m].slice(0, 3) : MONTHS[m];
        break;
      }
      case 'd': {
        const day = d.getUTCDate();
        out +=
          n === 1
            ? String(day)
            : n === 2
              ? pad(day)
              : n === 3
                ? DAYS[d.getUTCDay()].slice(0, 3)
                : DAYS[d.getUTCDay()];
        break;
      }
      case 'H':
        out += n === 1 ? String(d.getUTCHours()) : pad(d.getUTCHours());
        break;
      case 'h':
        out += n === 1 ? String(d.getUTCHours() % 12 || 12) : pad(d.getUTCHours() % 12 || 12);
        break;
      case 'm':
        out += n === 1 ? String(d.getUTCMinutes()) : pad(d.getUTCMinutes());
        break;
      case 's':
        out += n === 1 ? String(d.getUTCSeconds()) : pad(d.getUTCSeconds());
        break;
      case 'f':
      case 'F': {
        const digits = pad(d.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, n);
        out += p.spec === 'F' ? digits.replace(/0+$/, '') : digits;
        break;
      }
      case 't':
        out += (d.getUTCHours() < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2);
        break;
      case 'z':
        out += n === 1 ? '+0' : n === 2 ? '+00' : '+00:00';
        break;
      case 'K':
        out += 'Z';
        break;
      case 'g':
        out += 'A.D.';
        break;
    }
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A parser for one input format, built once: DateTime.ParseExact with leading/trailing white allowed. */
export function parserFor(parts: Part[]): (text: string) => number {
  const fields: string[] = [];
  let re = '';
  for (const p of parts) {
    if ('literal' in p) {
      re += escapeRe(p.literal);
      continue;
    }
    const n = p.count;
    const field = (pattern: string, name: string) => {
      fields.push(name);
      re += `(${pattern})`;
    };
    switch (p.spec) {
      case 'y':
        field(n <= 2 ? '\\d{1,2}' : `\\d{${n}}`, n <= 2 ? 'yy' : 'yyyy');
        break;
      case 'M':
        field(n === 1 ? '\\d{1,2}' : n === 2 ? '\\d{2}' : '[A-Za-z]+', n <= 2 ? 'M' : 'MMM');
        break;
      case 'd':
        field(n === 1 ? '\\d{1,2}' : n === 2 ? '\\d{2}' : '[A-Za-z]+', n <= 2 ? 'd' : 'ddd');
        break;
      case 'H':
      case 'h':
      case 'm':
      case 's':
        field(n === 1 ? '\\d{1,2}' : '\\d{2}', p.spec);
        break;
      case 'f':
        field(`\\d{${n}}`, 'f');
        break;
      case 'F':
        field(`\\d{0,${n}}`, 'f');
        break;
      case 't':
        field(n === 1 ? '[AaPp]' : '[AaPp][Mm]', 't');
        break;
      case 'z':
      case 'K':
        field(
          p.spec === 'K' ? '[Zz]|[+-]\\d{2}:\\d{2}|' : n === 3 ? '[Zz]|[+-]\\d{2}:\\d{2}' : '[+-]\\d{1,2}',
          'z',
        );
        break;
      case 'g':
        field('A\\.?D\\.?', 'g');
        break;
    }
  }
  const regex = new RegExp(`^\\s*${re}\\s*$`, 'i');
  return (text) => {
    const m = regex.exec(text);
    if (!m) return NaN;
    let y = 1,
      mo = 1,
      d = 1,
      h = 0,
      mi = 0,
      s = 0,
      ms = 0,
      off = 0;
    let pm: boolean | undefined;
    for (let i = 0; i < fields.length; i++) {
      const v = m[i + 1];
      switch (fields[i]) {
        case 'yyyy':
          y = +v;
          break;
        case 'yy':
          y = 2000 + +v;
          if (y > 2049) y -= 100;
          break;
        case 'M':
          mo = +v;
          break;
        case 'MMM': {
          const lower = v.toLowerCase();
          mo =
            MONTHS.findIndex(
              (name) => name.toLowerCase() === lower || name.slice(0, 3).toLowerCase() === lower,
            ) + 1;
          if (mo === 0) return NaN;
          break;
        }
        case 'd':
          d = +v;
          break;
        case 'H':
        case 'h':
          h = +v;
          break;
        case 'm':
          mi = +v;
          break;
        case 's':
          s = +v;
          break;
        case 'f':
          ms = fraction(v);
          break;
        case 't':
          pm = v[0].toLowerCase() === 'p';
          break;
        case 'z':
          off = offsetMinutes(v || undefined);
          break;
      }
    }
    if (pm !== undefined) {
      if (h < 1 || h > 12) return NaN;
      h = (h % 12) + (pm ? 12 : 0);
    }
    return utc(y, mo, d, h, mi, s, ms, off);
  };
}

/** Windows FILETIME (100 ns since 1601-01-01 UTC), as AD stores dates (DateFromNum, NumFromDate). */
const FILETIME_EPOCH_MS = 11_644_473_600_000n;
export const fileTimeToMs = (ticks: bigint): number => Number(ticks / 10_000n - FILETIME_EPOCH_MS);
export const msToFileTime = (ms: number): bigint => (BigInt(ms) + FILETIME_EPOCH_MS) * 10_000n;
