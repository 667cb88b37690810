#!/usr/bin/env node
// `npm run fuzz`: the fuzz of the inbound SCIM surface in test/fuzz/ (5,000 generated malformed requests over
// Users, Groups, Bulk and bulkUpload), too slow for every test run. Runs on SQLite, or on the MySQL/MariaDB server
// of TEST_DATABASE_URL, like `npm test`. Prints the run's figures (requests, 5xx, dropped connections, non-SCIM
// error bodies, store changes, seed), and exits non-zero on any of them. The seed is FUZZ_SEED when set, fixed
// under CI, random otherwise; FUZZ_RUNS changes the number of requests. Extra arguments go to jest.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const config = {
  rootDir: root,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  roots: ['<rootDir>/test/fuzz'],
  testMatch: ['**/*.fuzz-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
const figures = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-fuzz-')), 'figures.jsonl');
const engine = process.env.TEST_DATABASE_URL ? 'MySQL/MariaDB (TEST_DATABASE_URL)' : 'SQLite';
console.log(`fuzz on ${engine}`);

const run = spawnSync(
  process.execPath,
  [
    path.join(root, 'node_modules/jest/bin/jest.js'),
    '--config',
    JSON.stringify(config),
    '--runInBand',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FUZZ_FIGURES: figures } },
);

const LABELS = {
  requestsFuzzed: 'requests fuzzed',
  accepted: 'accepted (2xx writes)',
  refused: 'refused (4xx)',
  serverErrors: '5xx found',
  droppedConnections: 'dropped connections',
  nonScimErrorBodies: 'non-SCIM error bodies',
  storeChanges: 'store changes found',
  shrinkRuns: 'shrink runs',
  byStatus: 'by status',
  bySurface: 'by surface',
  byCategory: 'by category',
  failure: 'failure',
};
const lines = fs.existsSync(figures) ? fs.readFileSync(figures, 'utf8').split('\n').filter(Boolean) : [];
console.log(`\nfuzz figures (${engine}):`);
if (lines.length === 0) console.log('  none: the run failed before it could measure');
for (const line of lines) {
  const f = JSON.parse(line);
  console.log(`  ${f.scenario} on ${f.engine}, seed ${f.seed} (replay: FUZZ_SEED=${f.seed} npm run fuzz)`);
  for (const [key, value] of Object.entries(f)) {
    if (['scenario', 'engine', 'seed'].includes(key)) continue;
    const shown =
      typeof value === 'object' && value !== null
        ? Object.entries(value)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')
        : String(value).split('\n')[0];
    console.log(`    ${(LABELS[key] ?? key).padEnd(24)} ${shown}`);
  }
}
fs.rmSync(path.dirname(figures), { recursive: true, force: true });
process.exit(run.status ?? 1);
