/**
 * Raw-query values differ by driver: better-sqlite3 returns DATETIME columns as 'YYYY-MM-DD HH:MM:SS.SSS'
 * text (UTC, as TypeORM wrote it), mysql2 returns Date objects (the connection runs in UTC).
 */
export function fromDbDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string') return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
  throw new TypeError('not a date column value');
}

/** The text form both engines compare correctly against DATETIME(3) columns. */
export function toDbDateText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
