#!/usr/bin/env node
// `npm run chaos`: the chaos scenarios of test/chaos/ (2,000 users through /Bulk, the gateway SIGKILLed during
// their delivery and restarted; on MySQL also two processes, one killed), too slow for every test run. Runs on
// SQLite, or on the MySQL/MariaDB server of TEST_DATABASE_URL, like `npm test`; builds the gateway first (the
// scenarios start dist/src/main.js). Prints each scenario's figures, and exits non-zero on any loss or duplicate.
// Extra arguments go to jest (CI: `-- --json --outputFile=…`). CHAOS_SEED replays a run.
const { runScenarios } = require('./lib/jest-scenarios');

const status = runScenarios({
  name: 'chaos',
  folder: 'chaos',
  figuresEnv: 'CHAOS_FIGURES',
  print: (f) => {
    console.log(
      `  ${f.scenario} on ${f.engine}, seed ${f.seed} (replay: CHAOS_SEED=${f.seed} npm run chaos)`,
    );
    for (const [key, value] of Object.entries(f))
      if (!['scenario', 'engine', 'seed'].includes(key))
        console.log(`    ${key.padEnd(28)} ${Array.isArray(value) ? value.join(', ') : value}`);
  },
});
process.exit(status);
