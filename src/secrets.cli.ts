import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config/app-config';
import { TargetsService } from './provisioning/targets/targets.service';

/**
 * `npm run secrets:reencrypt`: after adding a new key in front of SECRET_KEY (`new:<key>,old:<key>`), rewrites every
 * stored target secret with it, so that the old key can then be removed. Runs beside live gateways: a rewritten
 * target gets a new version, and each process rebuilds its client from the new value.
 */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, PROVISIONING_ENABLED: 'false', JOBS_ENABLED: 'false' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  try {
    const { reencrypted, alreadyCurrent, keyId } = await app.get(TargetsService).reencryptSecrets();
    process.stdout.write(
      `${reencrypted} target secret(s) re-encrypted with key ${keyId ?? '(the single key)'}; ` +
        `${alreadyCurrent} already used it\n`,
    );
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
