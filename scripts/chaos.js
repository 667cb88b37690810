#!/usr/bin/env node
// `npm run chaos`: the chaos scenarios of test/chaos/ (2,000 users through /Bulk, the gateway SIGKILLed during
// their delivery and restarted; on MySQL also two processes, one killed), too slow for every test run. Runs on
// SQLite, or on the MySQL/MariaDB server of TEST_DATABASE_URL, like `npm test`; builds the gateway first (the
// scenarios start dist/src/main.js). Prints each scenario's figures, and exits non-zero on any loss or duplicate.
// Extra arguments go to jest (CI: `-- --json --outputFile=…`). CHAOS_SEED replays a run.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const config = {
  rootDir: root,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  roots: ['<rootDir>/test/chaos'],
  testMatch: ['**/*.chaos-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
const figures = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-chaos-')), 'figures.jsonl');
const engine = process.env.TEST_DATABASE_URL ? 'MySQL/MariaDB (TEST_DATABASE_URL)' : 'SQLite';
console.log(`chaos on ${engine}`);

const run = spawnSync(
  process.execPath,
  [
    path.join(root, 'node_modules/jest/bin/jest.js'),
    '--config',
    JSON.stringify(config),
    '--runInBand',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CHAOS_FIGURES: figures } },
);

const lines = fs.existsSync(figures) ? fs.readFileSync(figures, 'utf8').split('\n').filter(Boolean) : [];
console.log(`\nchaos figures (${engine}):`);
if (lines.length === 0) console.log('  none: a scenario failed before it could measure');
for (const line of lines) {
  const f = JSON.parse(line);
  console.log(`  ${f.scenario} on ${f.engine}, seed ${f.seed}`);
  for (const [key, value] of Object.entries(f))
    if (!['scenario', 'engine', 'seed'].includes(key))
      console.log(`    ${key.padEnd(28)} ${Array.isArray(value) ? value.join(', ') : value}`);
}
fs.rmSync(path.dirname(figures), { recursive: true, force: true });
process.exit(run.status ?? 1);
