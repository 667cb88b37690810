/**
 * Fails fast with a readable message when TEST_DATABASE_URL points at a server that does not answer,
 * instead of every test file timing out.
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const { createConnection } = await import('mysql2/promise');
  const u = new URL(url);
  try {
    const conn = await createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      connectTimeout: 5000,
    });
    await conn.end();
  } catch (err) {
    throw new Error(
      `TEST_DATABASE_URL: cannot connect to ${u.hostname}:${u.port || 3306} (${(err as Error).message})`,
    );
  }
}
