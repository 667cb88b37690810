// Starts the built gateway (dist/) as a child process on a fresh database and watches its peak RSS.
const { execSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const SCIM_TOKEN = 'bench-scim-token-0123456789abcdef';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in these

/** CPU seconds a process has used (utime + stime of /proc/<pid>/stat); 0 for no pid. */
function cpuSeconds(pid) {
  if (!pid) return 0;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** The local MariaDB/MySQL server's pid, when the engine is one and it runs here. */
function databasePid(engine) {
  if (engine === 'sqlite') return null;
  try {
    return Number(execSync('pgrep -x mariadbd || pgrep -x mysqld').toString().trim().split('\n')[0]) || null;
  } catch {
    return null;
  }
}

/** Peak resident set size of a process in MB (VmHWM: the high-water mark the kernel keeps). */
function peakRssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** Resets the kernel's peak RSS of a process to its current RSS (`5` > clear_refs, Linux 4.0+); false if refused. */
function resetPeakRss(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function createDatabase(serverUrl) {
  const { createConnection } = require('mysql2/promise');
  const u = new URL(serverUrl);
  // Two created in the same millisecond (gateways started at once) must not share a name.
  const name = `gw_bench_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const conn = await createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await conn.end();
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = await createConnection({
        host: u.hostname,
        port: Number(u.port || 3306),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
      });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/**
 * The gateway's node flags as `npm start` gives them (the heap bound of GATEWAY_HEAP_MB, default 1024 MB: figures are
 * measured as the product runs), then GATEWAY_NODE_ARGS (`--cpu-prof`, another `--max-old-space-size`).
 */
function nodeArgs() {
  const extra = process.env.GATEWAY_NODE_ARGS ? process.env.GATEWAY_NODE_ARGS.split(' ') : [];
  return [`--max-old-space-size=${process.env.GATEWAY_HEAP_MB || 1024}`, ...extra];
}

/** engine: 'sqlite' or a mysql:// / mariadb:// server URL (a fresh database is created on it). */
async function startGateway(engine, extraEnv = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-bench-'));
  const port = await freePort();
  let db = null;
  if (engine !== 'sqlite') db = await createDatabase(engine);
  const child = spawn(
    process.execPath,
    [...nodeArgs(), path.join(__dirname, '..', '..', 'dist', 'src', 'main.js')],
    {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'error',
        BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
        BOOTSTRAP_SCIM_TOKEN: SCIM_TOKEN,
        SCIM_MAX_PAGE_SIZE: '1000',
        BODY_LIMIT: '4mb',
        ...(db ? { DATABASE_URL: db.url } : {}),
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health/ready`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('gateway did not become ready within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    pid: child.pid,
    /** Where its SQLite file is (`gateway.sqlite`), and its database URL on MySQL/MariaDB: for figures read in place. */
    dataDir,
    databaseUrl: db?.url,
    scimToken: SCIM_TOKEN,
    adminToken: ADMIN_TOKEN,
    peakRssMb: () => peakRssMb(child.pid),
    /** Starts a new peak (for the peak of one phase); false where the kernel refuses. */
    resetPeakRss: () => resetPeakRss(child.pid),
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      let timer;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      // A pending timer would keep the benchmark alive for 10 s after the child has exited.
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      if (db) await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A database several gateway processes use one after the other (pass its `env` to startGateway('sqlite', env), which
 * then creates none of its own): a data directory for SQLite, else a new database on the server and a data directory
 * for the secret key.
 */
async function sharedDatabase(engine) {
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-shared-'));
    return { env: { DATA_DIR: dir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const { createConnection } = require('mysql2/promise');
  const u = new URL(engine);
  const name = `gw_bench_shared_${Date.now()}`;
  const admin = () =>
    createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    });
  const c = await admin();
  await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await c.end();
  u.pathname = `/${name}`;
  // The data directory too: it holds the key the targets' secrets are encrypted with.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-shared-'));
  return {
    env: { DATABASE_URL: u.toString(), DATA_DIR: dir },
    drop: async () => {
      const d = await admin();
      await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await d.end();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startGateway, sharedDatabase, cpuSeconds, databasePid };
