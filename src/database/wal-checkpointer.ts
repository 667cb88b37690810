import { Worker } from 'node:worker_threads';

/** Pages the WAL may hold before the writer checkpoints itself: only when the background checkpoints fall behind. */
export const WRITER_AUTOCHECKPOINT_PAGES = 20_000;

/** How often the background connection copies the WAL back into the database file. */
const INTERVAL_MS = 250;

/**
 * The worker: its own connection to the database file, running a PASSIVE checkpoint every INTERVAL_MS (it
 * copies what no reader still needs and waits for nobody), and a TRUNCATE one when told to stop.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err) }); }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(TRUNCATE)'); } catch {}
  db.close();
  parentPort.postMessage('stopped');
});
parentPort.postMessage('ready');
`;

/**
 * SQLite copies the write-ahead log back into the database file (a checkpoint) in whichever connection commits
 * when the log reaches its threshold: on the gateway's one connection, that is a synchronous stall of the event
 * loop. At 100,000 users 1% of commits took 25-30 ms this way (the rest 0.3 ms), and every request in flight
 * waited. So the writer's own threshold is set high (WRITER_AUTOCHECKPOINT_PAGES, a fallback), and a worker
 * thread with a connection of its own checkpoints in the background; SQLite lets it run beside the writer.
 */
export class WalCheckpointer {
  private constructor(private readonly worker: Worker) {}

  static async start(file: string, onError: (message: string) => void): Promise<WalCheckpointer> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver: require.resolve('better-sqlite3'), intervalMs: INTERVAL_MS },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => resolve());
    });
    worker.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'error' in message)
        onError(String(message.error));
    });
    worker.on('error', (err) => onError(String(err)));
    worker.unref(); // never what keeps the process alive
    return new WalCheckpointer(worker);
  }

  /** A last full checkpoint (the log emptied), then the worker ends. */
  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      const done = () => resolve();
      this.worker.once('exit', done);
      this.worker.on('message', (message) => {
        if (message === 'stopped') done();
      });
    });
    this.worker.postMessage('stop');
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    await this.worker.terminate();
  }
}
