import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGateway, freePort } from '../support/gateway-child';

const root = path.resolve(__dirname, '../..');

/** What a new user sees: a quiet start, one framed block with the URLs and the tokens, a database only they read. */
describe('first start', () => {
  let dataDir: string;

  beforeAll(() => {
    buildGateway();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-gw-first-start-'));
  }, 120_000);

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Runs the built gateway until its banner is printed; returns everything it wrote to stdout. */
  async function start(env: Record<string, string>): Promise<string> {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      for (const deadline = Date.now() + 20_000; !/\+-+\+\n$/.test(out) || out.split('+--').length < 3;) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no banner; stdout:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return out;
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  }

  it('prints the URLs and the generated tokens in one framed block, after no start-up chatter', async () => {
    const out = await start({ DATA_DIR: dataDir });
    const lines = out.trimEnd().split('\n');
    // Before the banner, only what the database did (the migrations of a first start): the route and module lines
    // are at debug level.
    const banner = lines.findIndex((l) => /^\+-+\+$/.test(l));
    expect(lines.slice(0, banner).map((l) => (JSON.parse(l) as { context: string }).context)).toEqual([
      'database',
    ]);
    expect(lines.at(-1)).toMatch(/^\+-+\+$/);
    expect(out).not.toMatch(/Mapped \{|InstanceLoader|RoutesResolver/);
    expect(out).toMatch(/\| +SCIM API +http:\/\/127\.0\.0\.1:\d+\/scim\/v2/);
    expect(out).toMatch(/OpenAPI: http:\/\/127\.0\.0\.1:\d+\/admin\/docs/);
    const admin = /export ADMIN_TOKEN=(scgw_\S+)/.exec(out)?.[1];
    const scim = /export SCIM_TOKEN=(scgw_\S+)/.exec(out)?.[1];
    expect(admin).toBeDefined();
    expect(scim).toBeDefined();
    expect(out).toContain(`admin token (scope admin): ${admin}`);

    // The tokens are shown once: a second start prints the URLs only, and the heap bound it was given (as
    // GATEWAY_HEAP_MB gives it through `npm start`; V8 adds its young generation, kept small here, to that bound).
    const again = await start({
      DATA_DIR: dataDir,
      NODE_OPTIONS: '--max-old-space-size=600 --max-semi-space-size=1',
    });
    expect(again).toMatch(/SCIM gateway is listening/);
    expect(again).not.toMatch(/scgw_/);
    const heapMb = Number(/Heap limit +([\d,]+) MB/.exec(again)?.[1].replace(/,/g, ''));
    expect(heapMb).toBeGreaterThanOrEqual(600);
    expect(heapMb).toBeLessThan(620);
  }, 60_000);

  it('creates the database readable by its owner only', () => {
    const mode = fs.statSync(path.join(dataDir, 'gateway.sqlite')).mode & 0o777;
    expect(mode.toString(8)).toBe('600');
  });
});
