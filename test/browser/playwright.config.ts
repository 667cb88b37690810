import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineConfig } from '@playwright/test';

// The console's browser tests (npm run test:browser): Debian's Chromium driven by Playwright (its own browser
// download is not used), against a real gateway (dist/, built by the npm script first) and a fake SCIM target.
// Screenshots of failures go to a temporary folder printed at the start; CHROMIUM_PATH names another browser.
if (!process.env.CONSOLE_TEST_OUTPUT) {
  process.env.CONSOLE_TEST_OUTPUT = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-console-browser-'));
  console.log(`browser tests: screenshots and traces of failures go to ${process.env.CONSOLE_TEST_OUTPUT}`);
}
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export default defineConfig({
  testDir: '.',
  testMatch: '*.browser.ts',
  outputDir: process.env.CONSOLE_TEST_OUTPUT,
  // One gateway per worker, two cores on the CI machine: one worker.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI
    ? [
        ['list'],
        [
          'json',
          {
            outputFile:
              process.env.BROWSER_RESULTS ?? path.join(process.env.CONSOLE_TEST_OUTPUT, 'results.json'),
          },
        ],
      ]
    : 'list',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath, args: asRoot ? ['--no-sandbox'] : [] },
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 10_000,
  },
});
