import { EntityManager, QueryResult } from 'typeorm';
import { toDbDateText } from './db-values';
import { StatementPipeline } from './statement-pipeline';

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

/**
 * A write whose result the caller does not need. In a MySQL transaction it is sent with the next statement or
 * the COMMIT (`StatementPipeline`), so its error, if any, fails the unit there; elsewhere it runs now.
 */
export async function executeDeferred(manager: EntityManager, sql: string, params: unknown[]): Promise<void> {
  const pipeline = StatementPipeline.of(manager.queryRunner);
  if (pipeline) pipeline.defer(sql, params.map(toSqlValue));
  else await execute(manager, sql, params);
}

/**
 * A read whose rows are needed only once the transaction has committed (what a write answers with): in a
 * MySQL transaction it goes out with the COMMIT instead of in a round trip of its own; elsewhere it runs now.
 */
export function selectDeferred<T, R>(
  manager: EntityManager,
  sql: string,
  params: unknown[],
  shape: (rows: T[]) => R,
): PromiseLike<R> {
  const pipeline = StatementPipeline.of(manager.queryRunner);
  if (pipeline) return pipeline.read(sql, params.map(toSqlValue), shape);
  const answer = select<T>(manager, sql, params).then(shape);
  answer.catch(() => undefined); // awaited after the commit, or never when the unit fails: not unhandled
  return answer;
}

export function select<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return manager.query<T[]>(sql, params.map(toSqlValue));
}

/** ` FOR UPDATE` where the engine has row locks (MySQL); nothing on SQLite, whose writer is alone anyway. */
export function forUpdate(manager: EntityManager): string {
  return manager.connection.options.type === 'better-sqlite3' ? '' : ' FOR UPDATE';
}

/** `INSERT INTO table (a, b) VALUES (?, ?)` for a row given as column → value (deferred: see executeDeferred). */
export async function insertRow(
  manager: EntityManager,
  table: string,
  row: Record<string, unknown>,
): Promise<void> {
  const columns = Object.keys(row);
  await executeDeferred(
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
