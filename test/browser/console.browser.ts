import * as fs from 'node:fs';
import { startFakeScimTarget } from '../support/fake-scim-target';
import { parseCsv } from '../support/csv';
import { ADMIN_TOKEN, type Gateway } from './support/gateway';
import { expect, seriousViolations, signIn, test } from './support/fixtures';

const USER_SCHEMAS = [
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
];
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The log entries of one object in one target with this action and status (the admin API, newest first). */
async function entriesOf(
  gateway: Gateway,
  targetId: string,
  objectId: string,
  action: string,
  status = 'Success',
): Promise<unknown[]> {
  const res = await gateway.admin<{ entries: unknown[] }>(
    'GET',
    `/provisioning-logs?targetId=${targetId}&objectId=${objectId}&action=${action}&status=${status}`,
  );
  expect(res.status).toBe(200);
  return res.body.entries;
}

test('the console is served by the gateway: SPA fallback, cache headers, CSP, no token needed', async ({
  request,
}) => {
  const deep = await request.get('/console/targets/some-id');
  expect(deep.status()).toBe(200);
  expect(deep.headers()['content-type']).toContain('text/html');
  expect(deep.headers()['cache-control']).toBe('no-cache');
  const csp = deep.headers()['content-security-policy'];
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  const html = await deep.text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeTruthy();
  const asset = await request.get(script!);
  expect(asset.status()).toBe(200);
  expect(asset.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  expect((await request.get('/console/assets/missing-0000.js')).status()).toBe(404);
  // The API behind it still wants its token.
  expect((await request.get('/admin/v1/targets')).status()).toBe(401);
});

test("an operator's tour: sign in, a target's state, test connection, live logs, pause and resume, sign out", async ({
  page,
  gateway,
  fakeTarget,
}) => {
  await test.step('sign in with the admin token', async () => {
    await signIn(page);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await expect(page.getByText(ADMIN_TOKEN)).toHaveCount(0);
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
  });

  const name = `app-${fakeTarget.port}`;
  let targetId = '';
  await test.step('a target registered through the API appears on the overview with its state', async () => {
    const res = await gateway.admin<{ id: string }>('POST', '/targets', {
      name,
      baseUrl: fakeTarget.url,
      auth: { type: 'bearer', token: 'fake-target-token-0123' },
      scope: 'all',
    });
    expect(res.status).toBe(201);
    targetId = res.body.id;
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
    await expect(card).toBeVisible();
    await expect(card.getByText('Active', { exact: true })).toBeVisible();
    await expect(card.getByText('Pending')).toBeVisible();
    await expect(card.getByText('Held deletions')).toBeVisible();
  });

  await test.step('test connection from the target page and read the verdict', async () => {
    await page.getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(name) })).toBeVisible();
    expect(page.url()).toContain(`/console/targets/${targetId}`);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('verdict')).toContainText('Connection works.');
    await expect(page.getByRole('heading', { name: 'Statistics to date' })).toBeVisible();
    await expect(page.getByText('Token: set')).toBeVisible();
  });

  const userName = `ada.${Date.now()}@example.com`;
  let userId = '';
  await test.step('a user created through SCIM appears on the logs page without a reload', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Provisioning logs' })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: 'Provisioning logs' })).toBeVisible();
    const created = await gateway.scim<{ id: string }>('POST', '/Users', {
      schemas: USER_SCHEMAS,
      userName,
      active: true,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: userName, type: 'work', primary: true }],
    });
    expect(created.status).toBe(201);
    userId = created.body.id;
    const row = page.getByRole('row').filter({ hasText: userName }).filter({ hasText: 'Create' });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row).toContainText('Success');
    await expect(row).toContainText(name);
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
  });

  await test.step('open the entry: Steps, Modified properties, Summary, Troubleshooting', async () => {
    const row = page.getByRole('row').filter({ hasText: userName }).filter({ hasText: 'Create' });
    await row.getByRole('button').click();
    const detail = page.getByRole('region', { name: /Create/ });
    await expect(detail.getByRole('tab', { name: 'Steps', selected: true })).toBeVisible();
    const panel = detail.getByRole('tabpanel');
    await expect(panel).toContainText('Import from the directory');
    await expect(panel).toContainText('Send the request to the target');
    await expect(panel).toContainText('POST /Users');
    await expect(panel).toContainText('HTTP 201');
    // Arrow keys move between the tabs.
    await detail.getByRole('tab', { name: 'Steps' }).press('ArrowRight');
    await expect(detail.getByRole('tab', { name: 'Modified properties', selected: true })).toBeFocused();
    await expect(panel.getByRole('row').filter({ hasText: 'userName' })).toContainText(userName);
    await detail.getByRole('tab', { name: 'Summary' }).click();
    await expect(panel).toContainText('Request id');
    await expect(panel).toContainText(userName);
    await expect(panel.getByRole('definition').filter({ hasText: /^Create$/ })).toBeVisible();
    await detail.getByRole('tab', { name: 'Troubleshooting' }).click();
    await expect(panel).toContainText('nothing to troubleshoot');
  });

  await test.step('download the current filter as CSV: the Creates, not the Update of the same user', async () => {
    // An entry of another action in the log, for the filter to leave out.
    const patched = await gateway.scim('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'name.givenName', value: 'Augusta' }],
    });
    expect(patched.status).toBe(200);
    await expect
      .poll(async () => (await entriesOf(gateway, targetId, userId, 'Update')).length, { timeout: 15_000 })
      .toBeGreaterThan(0);
    await page.getByLabel('Action').selectOption('Create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/action=Create/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const [header, ...rows] = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
    const col = (name: string) => {
      expect(header).toContain(name);
      return header.indexOf(name);
    };
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r[col('action')] !== 'Create')).toEqual([]);
    // The user's Create is there; its Update, which the log holds, is not (no row but Creates).
    const ofUser = rows.filter((r) => r[col('targetId')] === targetId && r[col('objectId')] === userId);
    expect(ofUser.length).toBeGreaterThan(0);
  });

  await test.step('restart provisioning: the progress bar counts the new cycle to 100%', async () => {
    await page.goto(`/console/targets/${targetId}`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
    const label = page.locator('#target-progress-label');
    const before = (await label.count()) > 0 ? await label.textContent() : null;
    await page.getByRole('button', { name: 'Restart provisioning' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restart provisioning?' });
    await dialog.getByRole('button', { name: 'Restart' }).click();
    await expect(page.getByText('A full reconciliation is requested')).toBeVisible();
    await expect(label).not.toHaveText(before ?? '', { timeout: 15_000 });
    await expect(page.getByRole('progressbar')).toHaveAttribute(
      'aria-valuetext',
      /^1 of 1 objects \(100%\)$/,
      {
        timeout: 15_000,
      },
    );
  });

  await test.step('pause, then resume after confirming', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    const heading = page.getByRole('heading', { level: 1 });
    await expect(heading).toContainText('Paused');
    await expect(page.getByText('Paused by an operator')).toBeVisible();
    await page.getByRole('button', { name: 'Resume' }).click();
    const dialog = page.getByRole('dialog', { name: /Resume/ });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Resume' }).click();
    await expect(dialog).toBeHidden();
    await expect(heading).toContainText('Active');
  });

  await test.step('sign out clears the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByLabel('Admin token')).toBeVisible();
    await expect(page.getByText('You have signed out.')).toBeVisible();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});

test('a token the API refuses sends back to sign-in with the reason', async ({ page, browserErrors }) => {
  await page.goto('/console');
  await page.getByLabel('Admin token').fill('not-a-token-of-this-gateway');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('does not know this token');
  await signIn(page);
  // The token stops working (revoked, expired): the next call returns to sign-in and says why.
  await page.evaluate(() => sessionStorage.setItem('scim-gateway.console.token', 'revoked-token-0123456789'));
  await expect(page.getByLabel('Admin token')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByRole('status')).toContainText('The gateway refused the token');
  // Chromium reports each 401 answer in the console: those are the point of this test.
  browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !/status of 401/.test(e)));
});

test('no serious accessibility violation, and no sideways scrolling at phone width', async ({
  page,
  gateway,
}) => {
  // What the pages show when they have something: a target (a fake app of its own, so that no other test's target
  // sees its user) and a user delivered to it, whose log row opens.
  const app = await startFakeScimTarget({ bearerToken: 'fake-target-token-0123' });
  const stamp = Date.now();
  let targetId = '';
  try {
    const target = await gateway.admin<{ id: string }>('POST', '/targets', {
      name: `a11y-${stamp}`,
      baseUrl: app.url,
      auth: { type: 'bearer', token: 'fake-target-token-0123' },
      scope: 'all',
    });
    expect(target.status).toBe(201);
    targetId = target.body.id;
    const user = await gateway.scim<{ id: string }>('POST', '/Users', {
      schemas: USER_SCHEMAS,
      userName: `a11y.${stamp}@example.com`,
      active: true,
      name: { givenName: 'Alan', familyName: 'Kay' },
    });
    expect(user.status).toBe(201);
    await expect
      .poll(async () => (await entriesOf(gateway, targetId, user.body.id, 'Create')).length, {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);

    await page.goto('/console');
    expect(await seriousViolations(page), 'sign-in').toEqual([]);
    await signIn(page);
    const pages: [string, string][] = [
      ['overview', '/console'],
      ['logs', '/console/logs'],
      ['target', `/console/targets/${targetId}`],
      ['orphan accounts', `/console/targets/${targetId}/orphans`],
    ];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 844 });
      for (const [what, url] of pages) {
        await page.goto(url);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await page.waitForLoadState('networkidle');
        if (what === 'logs') {
          // The log with an entry open (its tabs), the one of the user delivered above.
          await page
            .getByRole('row')
            .filter({ hasText: `a11y.${stamp}@example.com` })
            .first()
            .getByRole('button')
            .click();
          await expect(page.getByRole('tablist')).toBeVisible();
        }
        if (what === 'target')
          await expect(page.getByRole('heading', { level: 1 })).toContainText(`a11y-${stamp}`);
        expect(await seriousViolations(page), `${what} at ${width} px`).toEqual([]);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${what} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
      }
    }
  } finally {
    // The other tests' users are not for this target.
    if (targetId) await gateway.admin('DELETE', `/targets/${targetId}`);
    await app.close();
  }
});
