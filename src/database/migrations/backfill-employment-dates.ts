import { QueryRunner } from 'typeorm';

const PAGE = 500;
const ENTRA_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';

/**
 * Fills directory_user.hire_at and leave_at from the stored documents, a page of rows at a time, with the parse
 * live writes used when this migration was written (in TypeScript, so the same on both engines). One UPDATE per
 * page, not per row: 100,000 dated users are 200 statements.
 *
 * Frozen: an applied migration must keep its meaning, so it imports no application code; the parse below is a
 * copy of `employmentDates` and `normalizeDateTime` as they were, not a call to them.
 */
export async function backfillEmploymentDates(queryRunner: QueryRunner): Promise<void> {
  for (let after = ''; ; ) {
    const rows = (await queryRunner.query(
      `SELECT id, doc FROM directory_user WHERE id > ? AND doc LIKE '%"employee%' ORDER BY id LIMIT ?`,
      [after, PAGE],
    )) as { id: string; doc: string }[];
    const dated = rows
      .map((r) => ({ id: r.id, ...employmentDates(JSON.parse(r.doc) as Record<string, unknown>) }))
      .filter((r) => r.hireAt !== null || r.leaveAt !== null);
    if (dated.length > 0) {
      const cases = dated.map(() => 'WHEN ? THEN ?').join(' ');
      await queryRunner.query(
        `UPDATE directory_user SET hire_at = CASE id ${cases} END, leave_at = CASE id ${cases} END
          WHERE id IN (${dated.map(() => '?').join(', ')})`,
        [
          ...dated.flatMap((r) => [r.id, r.hireAt]),
          ...dated.flatMap((r) => [r.id, r.leaveAt]),
          ...dated.map((r) => r.id),
        ],
      );
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].id;
  }
}

/** The Entra extension's two dates as DATETIME(3) text (`2021-09-08 23:02:28.986`), null when absent or unparseable. */
function employmentDates(doc: Record<string, unknown>): { hireAt: string | null; leaveAt: string | null } {
  const entra = doc[ENTRA_USER_SCHEMA] as Record<string, unknown> | undefined;
  return { hireAt: dbDateTime(entra?.employeeHireDate), leaveAt: dbDateTime(entra?.employeeLeaveDateTime) };
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;

/** xsd:dateTime, leniently: a bare date, missing seconds, no zone (taken as UTC). */
function dbDateTime(value: unknown): string | null {
  const m = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const fraction = m[7] ? m[7].slice(0, 4) : '';
  const zone = m[8] ? m[8].toUpperCase() : 'Z';
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${fraction}${zone}`);
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  if (!/^\d{4}-/.test(iso)) return null;
  return iso.replace('T', ' ').replace('Z', '');
}
