import type { Logger as TypeOrmLogger } from 'typeorm';
import type { TestApp } from './test-app';

export interface SentStatement {
  sql: string;
  params: unknown[];
}

/**
 * Starts recording the statements the app sends through TypeORM, with their parameters (every statement on SQLite;
 * on MariaDB a transaction's statements may travel as one text, `START TRANSACTION; UPDATE …; COMMIT`). `stop`
 * puts the app's logger back and gives what was sent, in order.
 */
export function recordStatements(t: TestApp): { stop(): SentStatement[] } {
  const seen: SentStatement[] = [];
  const original = t.dataSource.logger;
  const recorder: TypeOrmLogger = {
    logQuery: (sql, params) => void seen.push({ sql, params: Array.isArray(params) ? params : [] }),
    logQueryError: (...a) => original.logQueryError(...a),
    logQuerySlow: (...a) => original.logQuerySlow(...a),
    logSchemaBuild: (...a) => original.logSchemaBuild(...a),
    logMigration: (...a) => original.logMigration(...a),
    log: (...a) => original.log(...a),
  };
  Object.defineProperty(t.dataSource, 'logger', { value: recorder, configurable: true });
  return {
    stop: () => {
      Object.defineProperty(t.dataSource, 'logger', { value: original, configurable: true });
      return seen;
    },
  };
}

/** The statements the app sends through TypeORM while `run` runs. */
export async function statementsSent(t: TestApp, run: () => Promise<unknown>): Promise<SentStatement[]> {
  const recording = recordStatements(t);
  let sent: SentStatement[] = [];
  try {
    await run();
  } finally {
    sent = recording.stop();
  }
  return sent;
}

/**
 * Each statement of what was sent, with its own parameters: MariaDB's transactions and the list's page with its
 * groups travel as one text of several statements (`START TRANSACTION; UPDATE …; COMMIT`), their parameters one
 * list, of which each statement takes as many as it has placeholders.
 */
export function singleStatements(sent: SentStatement[]): SentStatement[] {
  const out: SentStatement[] = [];
  for (const { sql, params } of sent) {
    let rest = params;
    for (const one of sql.split(/;\s*/)) {
      const n = (one.match(/\?/g) ?? []).length;
      out.push({ sql: one, params: rest.slice(0, n) });
      rest = rest.slice(n);
    }
  }
  return out;
}
