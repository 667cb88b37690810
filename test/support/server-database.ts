import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export interface ServerDatabase {
  /** TEST_DATABASE_URL with the new database's name as its path. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A new, empty database on the MySQL/MariaDB server of TEST_DATABASE_URL (the MariaDB pass of the suite), named
 * `<prefix>_<random>`; null when the suite runs on SQLite.
 */
export async function createServerDatabase(prefix: string): Promise<ServerDatabase | null> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return null;
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const server = new URL(serverUrl);
  const admin = async (sql: string) => {
    const conn = await createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username),
      password: decodeURIComponent(server.password),
    });
    try {
      await conn.query(sql);
    } finally {
      await conn.end();
    }
  };
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``) };
}
