import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENTITIES } from './app.entities';
import { loadConfig } from './config/app-config';
import { createDataSource } from './database/data-source';

/**
 * Migration tool on the app's own DataSource (no ts-node needed):
 *   run               apply pending migrations
 *   check             exit 1 when the entities and the migrated schema differ (the drift gate)
 *   generate <Name>   write a migration for the current engine from that difference
 */
async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  const dataSource = createDataSource(config.database, ENTITIES);
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      console.log(`${config.database.engine}: ${applied.length} migration(s) applied`);
    } else if (command === 'check') {
      await dataSource.runMigrations({ transaction: 'each' });
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (sql.upQueries.length > 0) {
        console.error(`${config.database.engine}: entities and migrations drift:`);
        for (const q of sql.upQueries) console.error(`  ${q.query}`);
        process.exitCode = 1;
      } else {
        console.log(`${config.database.engine}: no drift between entities and migrations`);
      }
    } else if (command === 'generate' && name) {
      await dataSource.runMigrations({ transaction: 'each' });
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (sql.upQueries.length === 0) {
        console.log('nothing to generate');
        return;
      }
      const stamp = Date.now();
      const className = `${name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}${stamp}`;
      const esc = (q: string) =>
        '`' + q.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
      const up = sql.upQueries.map((q) => `    await queryRunner.query(${esc(q.query)});`).join('\n');
      const down = [...sql.downQueries]
        .reverse()
        .map((q) => `    await queryRunner.query(${esc(q.query)});`)
        .join('\n');
      const file = path.join('src/database/migrations', config.database.engine, `${stamp}-${name}.ts`);
      fs.writeFileSync(
        file,
        `import { MigrationInterface, QueryRunner } from 'typeorm';\n\n` +
          `export class ${className} implements MigrationInterface {\n` +
          `  name = '${className}';\n\n` +
          `  async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n` +
          `  async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
      );
      console.log(`wrote ${file}; add it to the index.ts of that folder`);
    } else {
      console.error('usage: migration.cli.js run | check | generate <kebab-name>');
      process.exitCode = 2;
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
