/**
 * The one table that maps storage errors of both engines to meanings (STYLE.md §3):
 * MySQL/MariaDB errno and SQLite extended result codes.
 */
interface DriverError {
  errno?: number;
  code?: string;
}

function driverErrorOf(err: unknown): DriverError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { driverError?: DriverError } & DriverError;
  return e.driverError ?? e;
}

export function isUniqueViolation(err: unknown): boolean {
  const e = driverErrorOf(err);
  return (
    e?.errno === 1062 || // ER_DUP_ENTRY
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

export function isDeadlock(err: unknown): boolean {
  const e = driverErrorOf(err);
  return e?.errno === 1213 || e?.errno === 1205; // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
}
