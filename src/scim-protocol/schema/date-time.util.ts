import { daysInMonth } from '../../common/calendar';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;

/**
 * Parses an xsd:dateTime (RFC 7643 §2.3.5) and returns it in `toISOString()` form, or undefined if it is not one.
 * Tolerated, because HR sources send them: a bare date, missing seconds, no zone (taken as UTC).
 */
export function normalizeDateTime(text: string): string | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] ? m[7].slice(0, 4) : '';
  const zone = m[8] ? m[8].toUpperCase() : 'Z';
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${fraction}${zone}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const out = date.toISOString();
  // Years outside 0000-9999 print as ±YYYYYY and would break string ordering in storage.
  return /^\d{4}-/.test(out) ? out : undefined;
}

/** `2021-09-08T23:02:28.986Z` → `2021-09-08 23:02:28.986`, the DATETIME(3) text both engines store. */
export function isoToSqlDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
