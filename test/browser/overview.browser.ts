import { startFakeScimTarget, type FakeScimTarget } from '../support/fake-scim-target';
import { SCIM_TOKEN } from './support/gateway';
import { expect, seriousViolations, signIn, test } from './support/fixtures';

const USER_SCHEMAS = ['urn:ietf:params:scim:schemas:core:2.0:User'];

/** A user created through SCIM with this request id (`X-Request-Id`), as an HR push would. */
async function createUser(base: string, userName: string, requestId?: string): Promise<string> {
  const res = await fetch(`${base}/scim/v2/Users`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${SCIM_TOKEN}`,
      'Content-Type': 'application/scim+json',
      ...(requestId ? { 'X-Request-Id': requestId } : {}),
    },
    body: JSON.stringify({ schemas: USER_SCHEMAS, userName, active: true, name: { givenName: 'Grace' } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

interface Entry {
  id: number;
  objectId: string;
  changeSeq: number | null;
  requestId: string | null;
  action: string;
}

test('the overview: every status in one request, and a chart of deliveries and failures per minute with its text', async ({
  page,
  gateway,
}) => {
  const perTarget: string[] = [];
  let allAtOnce = 0;
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (/^\/admin\/v1\/targets\/[^/]+\/status$/.test(path) && path !== '/admin/v1/targets/status')
      perTarget.push(path);
    if (path === '/admin/v1/targets/status') allAtOnce++;
  });
  const good = await startFakeScimTarget({ bearerToken: 'fake-target-token-0123' });
  const broken = await startFakeScimTarget({ bearerToken: 'fake-target-token-0123' });
  broken.failAlways({ status: 400, body: { detail: 'refused on purpose' } }, { method: 'POST' });
  const registered: string[] = [];
  try {
    await signIn(page);
    const register = async (name: string, target: FakeScimTarget) => {
      const res = await gateway.admin<{ id: string }>('POST', '/targets', {
        name,
        baseUrl: target.url,
        auth: { type: 'bearer', token: 'fake-target-token-0123' },
        scope: 'all',
      });
      expect(res.status).toBe(201);
      registered.push(res.body.id);
      return res.body.id;
    };
    const stamp = Date.now();
    await createUser(gateway.base, `chart.${stamp}@example.com`);
    const goodName = `chart-good-${stamp}`;
    const brokenName = `chart-broken-${stamp}`;
    const goodId = await register(goodName, good);
    const brokenId = await register(brokenName, broken);

    // Every user of the directory reaches the good target; the other specs' groups (and managers set after their
    // users) may add Success entries of their own: the chart counts what the log says was delivered.
    const users = (await gateway.scim<{ totalResults: number }>('GET', '/Users?count=0')).body.totalResults;
    expect(users).toBeGreaterThan(0);
    await expect.poll(() => good.users().length, { timeout: 20_000 }).toBe(users);
    const successes = async () =>
      (
        await gateway.admin<{ entries: unknown[] }>(
          'GET',
          `/provisioning-logs?targetId=${goodId}&status=Success&limit=1000`,
        )
      ).body.entries.length;
    const card = (name: string) =>
      page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
    const goodSummary = card(goodName).getByTestId('deliveries-summary');
    let delivered = 0;
    await expect
      .poll(
        async () => {
          delivered = await successes();
          return (await goodSummary.textContent())?.startsWith(
            `${delivered} delivered, 0 failed in the last hour`,
          );
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(delivered).toBeGreaterThanOrEqual(users);
    const table = card(goodName).getByRole('table', { name: /Deliveries and failures per minute/ });
    const cells = await table.locator('tbody td:nth-of-type(1)').allTextContents();
    expect(cells.reduce((sum, n) => sum + Number(n), 0)).toBe(delivered);

    // The broken target refuses every create: failures, and nothing delivered. Paused, its count stands still once
    // the work in flight at the pause is done: read until two reads a second apart agree.
    await expect(card(brokenName).getByTestId('deliveries-summary')).toHaveText(
      /^0 delivered, [1-9]\d* failed in the last hour/,
      { timeout: 15_000 },
    );
    expect((await gateway.admin('POST', `/targets/${brokenId}/pause`)).status).toBe(200);
    const failedSoFar = async () =>
      (
        await gateway.admin<{ targets: { targetId: string; total: { failed: number } }[] }>(
          'GET',
          '/targets/deliveries',
        )
      ).body.targets.find((s) => s.targetId === brokenId)!.total.failed;
    let failed = -1;
    await expect
      .poll(
        async () => {
          const previous = failed;
          failed = await failedSoFar();
          return failed === previous;
        },
        { timeout: 20_000, intervals: [1000] },
      )
      .toBe(true);
    expect(failed).toBeGreaterThan(0);
    await expect(card(brokenName).getByTestId('deliveries-summary')).toHaveText(
      new RegExp(`^0 delivered, ${failed} failed in the last hour`),
    );
    const failedCells = await card(brokenName)
      .getByRole('table', { name: /Deliveries and failures per minute/ })
      .locator('tbody td:nth-of-type(2)')
      .allTextContents();
    expect(failedCells.reduce((sum, n) => sum + Number(n), 0)).toBe(failed);

    expect(allAtOnce).toBeGreaterThan(1);
    expect(perTarget, 'the overview asks each target for its status').toEqual([]);
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 812 });
      expect(await seriousViolations(page), `overview at ${width} px`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `overview at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
    }
  } finally {
    // The other tests' users are not for these targets.
    for (const id of registered) await gateway.admin('DELETE', `/targets/${id}`);
    await good.close();
    await broken.close();
  }
});

test('the log filters by change id and by request id, and an entry has a URL that opens it', async ({
  page,
  gateway,
  fakeTarget,
  browserErrors,
}) => {
  const stamp = Date.now();
  const { body: existing } = await gateway.admin<{ baseUrl: string }[]>('GET', '/targets');
  if (!existing.some((t) => t.baseUrl === fakeTarget.url))
    await gateway.admin('POST', '/targets', {
      name: `logs-${stamp}`,
      baseUrl: fakeTarget.url,
      auth: { type: 'bearer', token: 'fake-target-token-0123' },
      scope: 'all',
    });
  const requestId = `console-req-${stamp}`;
  const userName = `filters.${stamp}@example.com`;
  const userId = await createUser(gateway.base, userName, requestId);
  const other = await createUser(gateway.base, `other.${stamp}@example.com`, `console-other-${stamp}`);
  const entriesOf = async (query: string) =>
    (await gateway.admin<{ entries: Entry[] }>('GET', `/provisioning-logs?limit=1000&${query}`)).body.entries;
  // Both users delivered (to every target that takes them; other specs' targets may be paused or scoped): wait
  // until their entries stand still, so that the page shows what the API answers.
  for (const id of [userId, other]) {
    let last = -1;
    await expect
      .poll(
        async () => {
          const n = (await entriesOf(`objectId=${id}`)).length;
          const still =
            n === last && (await entriesOf(`objectId=${id}&action=Create&status=Success`)).length > 0;
          last = n;
          return still;
        },
        { timeout: 20_000, intervals: [1000] },
      )
      .toBe(true);
  }
  const ofRequest = await entriesOf(`requestId=${requestId}`);
  expect(ofRequest.length).toBeGreaterThan(0);

  await signIn(page);
  await page.goto('/console/logs');
  const rows = page.getByRole('region', { name: 'Provisioning log table' }).locator('tbody tr');

  await test.step('request id', async () => {
    await page.getByLabel('Request id').fill(requestId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(new RegExp(`requestId=${requestId}`));
    await expect(rows).toHaveCount(ofRequest.length);
    // An entry that sent nothing (a Skipped one) names the user by its id.
    for (const text of await rows.allTextContents())
      expect(text.includes(userName) || text.includes(userId), text).toBe(true);
  });

  const change = ofRequest[ofRequest.length - 1].changeSeq!;
  const ofChange = await entriesOf(`changeSeq=${change}`);
  await test.step('change id', async () => {
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByLabel('Change id').fill(String(change));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(new RegExp(`changeSeq=${change}(&|$)`));
    await expect(page.getByLabel('Request id')).toHaveValue('');
    await expect(rows).toHaveCount(ofChange.length);
    for (const e of ofChange) await expect(page.locator(`tr[data-entry="${e.id}"]`)).toBeVisible();
  });

  await test.step('a change id that is not one: the API says why', async () => {
    await page.getByLabel('Change id').fill('twelve');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByRole('alert')).toContainText('changeSeq must be a change id');
    // Chromium reports the 400 answers in the console: they are the point of this step.
    await expect.poll(() => browserErrors.some((e) => /status of 400/.test(e))).toBe(true);
    browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !/status of 400/.test(e)));
  });

  const entry = ofRequest.find((e) => e.action === 'Create')!;
  await test.step('an entry opened from the list has its own URL', async () => {
    await page.goto(`/console/logs?requestId=${requestId}`);
    await page.locator(`tr[data-entry="${entry.id}"]`).getByRole('button').click();
    await expect(page).toHaveURL(new RegExp(`[?&]entry=${entry.id}(&|$)`));
    const detail = page.getByRole('region', { name: /Create/ });
    await expect(detail.getByRole('heading', { level: 2 })).toContainText(userName);
    await expect(detail.getByRole('link', { name: /Link to this entry/ })).toHaveAttribute(
      'href',
      new RegExp(`^/console/logs\\?.*entry=${entry.id}$`),
    );
    // The summary's request id leads to every entry of that request.
    await detail.getByRole('tab', { name: 'Summary' }).click();
    await expect(detail.getByRole('link', { name: /show every entry of this request/ })).toBeVisible();
  });

  await test.step('the URL opens the entry even when it is on no page the filters show', async () => {
    await page.goto(`/console/logs?action=Delete&requestId=nothing-${stamp}&entry=${entry.id}`);
    await expect(page.getByText('No entry matches these filters.')).toBeVisible();
    const detail = page.getByRole('region', { name: /Create/ });
    await expect(detail.getByRole('heading', { level: 2 })).toContainText(userName);
    await detail.getByRole('tab', { name: 'Summary' }).click();
    await expect(detail.getByRole('tabpanel')).toContainText(userId);
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 812 });
      expect(await seriousViolations(page), `log entry at ${width} px`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `log entry at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await detail.getByRole('button', { name: 'Close' }).click();
    await expect(page).not.toHaveURL(/entry=/);
    await expect(detail).toBeHidden();
  });

  await test.step('an entry the log does not hold: said, not a blank page', async () => {
    await page.goto('/console/logs?entry=987654321');
    await expect(page.getByRole('alert')).toContainText('Provisioning log entry 987654321 not found');
    await expect.poll(() => browserErrors.some((e) => /status of 404/.test(e))).toBe(true);
    browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((e) => !/status of 404/.test(e)));
  });
});
