// The runner behind `npm run chaos` and `npm run fuzz`: runs the specs of one folder of test/ with jest (in band,
// with the suite's global setup), on SQLite or on the MySQL/MariaDB server of TEST_DATABASE_URL like `npm test`,
// hands the specs a JSONL file for their figures (in the environment variable `figuresEnv`), prints each figure
// line through `print`, and returns jest's exit status. Extra command-line arguments go to jest.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');

/** @param {{ name: string, folder: string, figuresEnv: string, print: (figures: object) => void }} run */
function runScenarios({ name, folder, figuresEnv, print }) {
  const config = {
    rootDir: root,
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['@swc/jest'] },
    roots: [`<rootDir>/test/${folder}`],
    testMatch: [`**/*.${folder}-spec.ts`],
    globalSetup: '<rootDir>/test/support/global-setup.ts',
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `scim-gw-${folder}-`));
  const figures = path.join(dir, 'figures.jsonl');
  const engine = process.env.TEST_DATABASE_URL ? 'MySQL/MariaDB (TEST_DATABASE_URL)' : 'SQLite';
  console.log(`${name} on ${engine}`);
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/jest/bin/jest.js'),
      '--config',
      JSON.stringify(config),
      '--runInBand',
      ...process.argv.slice(2),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, [figuresEnv]: figures } },
  );
  const lines = fs.existsSync(figures) ? fs.readFileSync(figures, 'utf8').split('\n').filter(Boolean) : [];
  console.log(`\n${name} figures (${engine}):`);
  if (lines.length === 0) console.log('  none: the run failed before it could measure');
  for (const line of lines) print(JSON.parse(line));
  fs.rmSync(dir, { recursive: true, force: true });
  return run.status ?? 1;
}

module.exports = { runScenarios };
