#!/usr/bin/env node
// `npm run fuzz`: the fuzz of the inbound SCIM surface in test/fuzz/ (5,000 generated malformed requests over
// Users, Groups, Bulk and bulkUpload), too slow for every test run. Runs on SQLite, or on the MySQL/MariaDB server
// of TEST_DATABASE_URL, like `npm test`. Prints the run's figures (requests, 5xx, dropped connections, non-SCIM
// error bodies, store changes, seed), and exits non-zero on any of them. The seed is FUZZ_SEED when set, fixed
// under CI, random otherwise; FUZZ_RUNS changes the number of requests. Extra arguments go to jest.
const { runScenarios } = require('./lib/jest-scenarios');

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
const status = runScenarios({
  name: 'fuzz',
  folder: 'fuzz',
  figuresEnv: 'FUZZ_FIGURES',
  print: (f) => {
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
  },
});
process.exit(status);
