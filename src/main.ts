import 'reflect-metadata';
import { createApp } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  process.stdout.write(
    `SCIM gateway listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/scim/v2 ` +
      `(database: ${config.database.engine === 'sqlite' ? config.database.sqlitePath : config.database.flavor})\n`,
  );
}

main().catch((err: unknown) => {
  // A configuration error lists every problem; it never contains a secret's value.
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
