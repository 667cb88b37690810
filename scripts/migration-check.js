#!/usr/bin/env node
// The drift gate (STYLE.md §6): both engines have the same migrations by name, and after running them
// on the configured database (DATABASE_URL, or SQLite in DATA_DIR) the entities need no further change.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const dir = path.join(__dirname, '..', 'src', 'database', 'migrations');
const names = (engine) =>
  fs
    .readdirSync(path.join(dir, engine))
    .filter((f) => /^\d+-.+\.ts$/.test(f))
    .sort();
const sqlite = names('sqlite');
const mysql = names('mysql');
const missing = [
  ...sqlite.filter((f) => !mysql.includes(f)).map((f) => `mysql/${f}`),
  ...mysql.filter((f) => !sqlite.includes(f)).map((f) => `sqlite/${f}`),
];
if (missing.length > 0) {
  console.error(`migrations missing their twin: ${missing.join(', ')}`);
  process.exit(1);
}
const cli = path.join(__dirname, '..', 'dist', 'src', 'migration.cli.js');
if (!fs.existsSync(cli)) {
  console.error('run `npm run build` first');
  process.exit(1);
}
const result = spawnSync(process.execPath, [cli, 'check'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
