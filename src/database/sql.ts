import { EntityManager, QueryResult } from 'typeorm';
import { toDbDateText } from './db-values';

/**
 * Raw statements for the hot paths (one user write is a handful of them): the same `?` SQL on SQLite
 * and MySQL, without the query builder's per-call SQL generation.
 */
export async function execute(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result: QueryResult = await runner.query(sql, params.map(toSqlValue), true);
    return result.affected ?? 0;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

export function select<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return manager.query<T[]>(sql, params.map(toSqlValue));
}

/** `INSERT INTO table (a, b) VALUES (?, ?)` for a row given as column → value. */
export async function insertRow(
  manager: EntityManager,
  table: string,
  row: Record<string, unknown>,
): Promise<void> {
  const columns = Object.keys(row);
  await execute(
    manager,
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    Object.values(row),
  );
}

/** Dates as UTC text both engines store exactly in DATETIME(3); booleans as 1/0. */
function toSqlValue(value: unknown): unknown {
  if (value instanceof Date) return toDbDateText(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
