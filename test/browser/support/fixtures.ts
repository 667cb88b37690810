import * as fs from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';
import { startFakeScimTarget, type FakeScimTarget } from '../../support/fake-scim-target';
import { ADMIN_TOKEN, startGateway, type Gateway } from './gateway';

export { expect };

interface Worker {
  gateway: Gateway;
  fakeTarget: FakeScimTarget;
}

interface PerTest {
  /** Errors the page printed (console.error, uncaught exceptions, CSP violations); checked after each test. */
  browserErrors: string[];
}

/** A gateway for the worker's tests, stopped when the worker ends. */
// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function names from its pattern
const ownGateway = async ({}, use: (gateway: Gateway) => Promise<void>) => {
  const gateway = await startGateway();
  await use(gateway);
  await gateway.stop();
};

/** One gateway and one fake SCIM target per worker; each test gets a page whose browser errors are collected. */
export const test = base.extend<PerTest, Worker>({
  gateway: [ownGateway, { scope: 'worker' }],
  fakeTarget: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function names from its pattern
    async ({}, use) => {
      const target = await startFakeScimTarget({ bearerToken: 'fake-target-token-0123' });
      await use(target);
      await target.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ gateway }, use) => use(gateway.base),
  browserErrors: async ({ page }, use, testInfo) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await use(errors);
    if (testInfo.status !== testInfo.expectedStatus)
      console.log(`failed: ${testInfo.title}; screenshot and trace in ${testInfo.outputDir}`);
    // A test drops the errors it causes on purpose (`dropRefusals`); any other fails it.
    expect(errors, 'errors in the browser console').toEqual([]);
  },
});

/**
 * `test` with a gateway of the file's own (a worker fixture: Playwright runs the file in a worker of its own), for
 * files whose counts, logs and targets must not see the other files' users.
 */
export const testOnOwnGateway = test.extend<object, { gateway: Gateway }>({
  gateway: [ownGateway, { scope: 'worker' }],
});

/** Chromium reports every 4xx answer in the console: a test that causes them on purpose drops those lines. */
export function dropRefusals(errors: string[], status: number): void {
  const pattern = new RegExp(`status of ${status}`);
  errors.splice(0, errors.length, ...errors.filter((e) => !pattern.test(e)));
}

export async function signIn(page: Page, token = ADMIN_TOKEN): Promise<void> {
  await page.goto('/console');
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.1 A/AA rules on the page as it is; the serious and critical violations, described. Evaluated
 * through the DevTools protocol, so the page's CSP (no inline script) stays on.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(`${axeSource};undefined`);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } })
      .axe;
    return (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    })) as {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    };
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
}

/** A directory user made through the gateway's SCIM API; its id. */
export async function createUser(gateway: Gateway, userName: string, displayName: string): Promise<string> {
  const res = await gateway.scim<{ id: string }>('POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    displayName,
    active: true,
    emails: [{ value: userName, type: 'work', primary: true }],
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** The axe check and no sideways scrolling, at the page's current width. */
export async function checkPage(page: Page, what: string): Promise<void> {
  expect(await seriousViolations(page), what).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  // The elements reaching past the right edge (the innermost), to say what to fix.
  const wide =
    overflow > 0
      ? await page.evaluate(() =>
          Array.from(document.querySelectorAll('main *'))
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
            .filter(
              (e) => !Array.from(e.children).some((c) => c.getBoundingClientRect().right > window.innerWidth),
            )
            .slice(0, 5)
            .map(
              (e) =>
                `${e.tagName.toLowerCase()}.${Array.from(e.classList).join('.')} "${e.textContent?.slice(0, 40)}"`,
            ),
        )
      : [];
  expect(overflow, `${what} scrolls sideways: ${wide.join('; ')}`).toBeLessThanOrEqual(0);
}
