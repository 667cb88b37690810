import { QueryRunner } from 'typeorm';
import { employmentDates } from '../../directory/employment-dates';
import { toDbDateText } from '../db-values';

const PAGE = 500;

/**
 * Fills directory_user.hire_at and leave_at from the stored documents, a page of rows at a time, with the parse
 * live writes use (in TypeScript, so the same on both engines). One UPDATE per page, not per row: 100,000 dated
 * users are 200 statements.
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
      const text = (d: Date | null) => (d === null ? null : toDbDateText(d));
      await queryRunner.query(
        `UPDATE directory_user SET hire_at = CASE id ${cases} END, leave_at = CASE id ${cases} END
          WHERE id IN (${dated.map(() => '?').join(', ')})`,
        [
          ...dated.flatMap((r) => [r.id, text(r.hireAt)]),
          ...dated.flatMap((r) => [r.id, text(r.leaveAt)]),
          ...dated.map((r) => r.id),
        ],
      );
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].id;
  }
}
