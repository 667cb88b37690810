import 'reflect-metadata';
import { createApp } from './app.setup';
import { TokenBootstrapService } from './auth/token-bootstrap.service';
import { ConfigError, loadConfig } from './config/app-config';
import { startBanner } from './start-banner';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  process.stdout.write(startBanner(config, app.get(TokenBootstrapService).takeFirstStartTokens()));
}

main().catch((err: unknown) => {
  // A configuration error lists every problem; it never contains a secret's value.
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
