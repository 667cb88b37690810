import { startFakeScimTarget, type FakeScimTarget } from '../support/fake-scim-target';
import { checkPage, createUser, dropRefusals, expect, signIn, testOnOwnGateway } from './support/fixtures';

/** A gateway of this file's own: its directory users and target are the only ones it sees. */
const test = testOnOwnGateway;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const FAKE_TOKEN = 'fake-target-token-0123';

/** The requests the app received since `from` other than reads, as "METHOD path". */
const writesSince = (app: FakeScimTarget, from: number) =>
  app.requests
    .slice(from)
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`);

test('orphan accounts: the listing, a filter, disable, delete, one adopted meanwhile, a refused link and a link', async ({
  page,
  gateway,
  browserErrors,
}) => {
  const stamp = Date.now().toString(36);
  const app = await startFakeScimTarget({ bearerToken: FAKE_TOKEN });
  try {
    // The directory has alice (assigned, so her account is hers) and dave (not assigned: his account is an orphan
    // with a directory candidate); the app also holds three accounts that match nobody.
    const aliceId = await createUser(gateway, `alice.${stamp}@example.com`, `Alice ${stamp}`);
    const daveId = await createUser(gateway, `dave.${stamp}@example.com`, `Dave ${stamp}`);
    const account: Record<string, string> = {};
    for (const name of ['alice', 'dave', 'ghost1', 'ghost2', 'ghost3']) {
      const userName = `${name}.${stamp}@example.com`;
      const seeded = app.seed('Users', {
        schemas: [USER],
        userName,
        emails: [{ value: userName, type: 'work', primary: true }],
        active: true,
      });
      account[name] = seeded.id as string;
    }
    const userName = (name: string) => `${name}.${stamp}@example.com`;
    // Disabled until alice is assigned, so that the first reconciliation already adopts her account.
    const created = await gateway.admin<{ id: string }>('POST', '/targets', {
      name: `hr-orphans-${stamp}`,
      baseUrl: app.url,
      auth: { type: 'bearer', token: FAKE_TOKEN },
      scope: 'assigned',
      enabled: false,
    });
    expect(created.status).toBe(201);
    const targetId = created.body.id;
    const assign = async (principalId: string) =>
      expect(
        (
          await gateway.admin('POST', `/targets/${targetId}/assignments`, {
            principalType: 'User',
            principalId,
          })
        ).status,
      ).toBe(201);
    await assign(aliceId);
    expect((await gateway.admin('PATCH', `/targets/${targetId}`, { enabled: true })).status).toBe(200);
    await expect
      .poll(
        async () =>
          (
            await gateway.admin<{ lastScan: { orphans: number } | null }>(
              'GET',
              `/targets/${targetId}/orphans`,
            )
          ).body.lastScan?.orphans ?? null,
        { timeout: 30_000 },
      )
      .toBe(4);

    const table = page.getByRole('region', { name: 'Orphan accounts table' });
    const rows = table.locator('tbody > tr');
    // An account's row by its row header (its userName, then its id); its link form's row names it too.
    const row = (name: string) =>
      rows.filter({
        has: page.getByRole('rowheader', { name: new RegExp(`^${userName(name).replace(/\./g, '\\.')}`) }),
      });

    await test.step('the last listing, Scan now, and the list', async () => {
      await signIn(page);
      await page.goto(`/console/targets/${targetId}`);
      await page.getByRole('link', { name: 'Orphan accounts' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Orphan accounts' })).toBeVisible();
      const found =
        '5 accounts listed: 1 held by a directory user or group, 4 orphans (1 with a directory candidate)';
      await expect(page.getByTestId('last-scan')).toContainText('4 open, 4 in all');
      await expect(page.getByTestId('last-scan')).toContainText(found);
      await expect(page.getByTestId('last-scan')).toContainText('Yes: accounts no longer found were removed');

      const listings = () => app.requests.filter((r) => r.method === 'GET' && r.path === '/Users').length;
      const before = app.requests.length;
      const listedBefore = listings();
      await page.getByRole('button', { name: 'Scan now' }).click();
      await expect(page.getByTestId('scan-outcome')).toHaveText(`Listing done: ${found}.`);
      expect(listings()).toBeGreaterThan(listedBefore);
      expect(writesSince(app, before)).toEqual([]);

      await expect(rows).toHaveCount(4);
      for (const name of ['dave', 'ghost1', 'ghost2', 'ghost3']) {
        await expect(row(name)).toContainText(account[name]);
        await expect(row(name)).toContainText('Open');
        await expect(row(name).getByRole('button', { name: `Disable ${userName(name)}` })).toBeEnabled();
      }
      await expect(row('alice')).toHaveCount(0);
      const candidate = row('dave').getByRole('link', { name: `Dave ${stamp}` });
      await expect(candidate).toHaveAttribute('href', `/console/directory/users/${daveId}`);
      await expect(row('ghost1')).toContainText('none');
    });

    await test.step('a filter is kept in the URL', async () => {
      await page.getByLabel('Directory candidate').selectOption({ label: 'With a candidate (matched)' });
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect(page).toHaveURL(/\/orphans\?matched=true$/);
      await expect(rows).toHaveCount(1);
      await expect(row('dave')).toBeVisible();
      await page.reload();
      await expect(page.getByLabel('Directory candidate')).toHaveValue('true');
      await expect(rows).toHaveCount(1);
      await page.getByRole('button', { name: 'Reset' }).click();
      await expect(page).toHaveURL(/\/orphans$/);
      await expect(rows).toHaveCount(4);
    });

    await test.step('disable one orphan after confirming: one PATCH active false to it, nothing to the others', async () => {
      const before = app.requests.length;
      await row('ghost1')
        .getByRole('button', { name: `Disable ${userName('ghost1')}` })
        .click();
      const dialog = page.getByRole('dialog', { name: `Disable ${userName('ghost1')}?` });
      await expect(dialog).toContainText(account.ghost1);
      await checkPage(page, 'orphan accounts asking to disable');
      expect(app.requests.length, 'nothing is sent before the confirmation').toBe(before);
      await dialog.getByRole('button', { name: 'Disable in the app' }).click();
      // The app first (the page could say anything), then what the page says.
      const outcome = row('ghost1').getByTestId('orphan-outcome');
      await expect(outcome).toBeVisible();
      expect(writesSince(app, before)).toEqual([`PATCH /Users/${account.ghost1}`]);
      const patch = app.requests.slice(before).find((r) => r.method === 'PATCH')!;
      expect((patch.body as { Operations: unknown[] }).Operations).toEqual([
        { op: 'replace', path: 'active', value: false },
      ]);
      const active = (name: string) => app.users().find((u) => u.id === account[name])?.active;
      expect(['ghost1', 'ghost2', 'ghost3', 'dave'].map(active)).toEqual([false, true, true, true]);

      await expect(outcome).toHaveText('Disabled in the app (HTTP 200).');
      await expect(outcome).toBeFocused();
      await expect(row('ghost1')).toContainText('Disabled');
      await expect(row('ghost1').getByRole('cell').nth(1)).toHaveText('No');
      await expect(row('ghost1').getByRole('button')).toHaveCount(0);
    });

    await test.step('delete one orphan after confirming; it stays in the open ones’ list with its outcome', async () => {
      await page.getByLabel('State').selectOption({ label: 'Open' });
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect(page).toHaveURL(/\/orphans\?state=open$/);
      await expect(rows).toHaveCount(3);
      await expect(row('ghost1')).toHaveCount(0);

      const before = app.requests.length;
      await row('ghost2')
        .getByRole('button', { name: `Delete ${userName('ghost2')}` })
        .click();
      const dialog = page.getByRole('dialog', { name: `Delete ${userName('ghost2')}?` });
      await expect(dialog).toContainText(account.ghost2);
      const answered = page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().endsWith(`/orphans/${account.ghost2}/delete`),
      );
      await dialog.getByRole('button', { name: 'Delete from the app' }).click();
      await answered;
      expect(writesSince(app, before)).toEqual([`DELETE /Users/${account.ghost2}`]);
      expect(app.users().map((u) => u.id)).not.toContain(account.ghost2);
      // The list read after the answer no longer has it (the filter selects open ones): the row stays, with its outcome.
      const reread = await page.waitForRequest(
        (r) => r.method() === 'GET' && /\/orphans\?state=open&/.test(r.url()),
      );
      await reread.response();
      await expect(rows).toHaveCount(3);
      await expect(row('ghost2').getByTestId('orphan-outcome')).toHaveText('Deleted in the app (HTTP 204).');
      await expect(row('ghost2')).toContainText('Deleted');

      await page.getByLabel('State').selectOption({ label: 'Disabled' });
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect(page).toHaveURL(/\/orphans\?state=disabled$/);
      await expect(rows).toHaveCount(1);
      await expect(row('ghost1')).toBeVisible();
      await page.getByRole('button', { name: 'Reset' }).click();
      await expect(rows).toHaveCount(4);
    });

    await test.step('a disable the app holds while the engine adopts the account: the page says whose it is now', async () => {
      // ghost3 joins the directory and is assigned while the app holds the admin's PATCH (5 s): the engine matches
      // the account by userName and adopts it before the disable is answered.
      const ghostId = await createUser(gateway, userName('ghost3'), `Ghost ${stamp}`);
      const disableOf = { method: 'PATCH', path: `/Users/${account.ghost3}` };
      app.slow(5000, { ...disableOf, where: (body) => JSON.stringify(body).includes('"value":false') });
      const before = app.requests.length;
      await row('ghost3')
        .getByRole('button', { name: `Disable ${userName('ghost3')}` })
        .click();
      await page
        .getByRole('dialog', { name: `Disable ${userName('ghost3')}?` })
        .getByRole('button', { name: 'Disable in the app' })
        .click();
      await expect
        .poll(() => app.requests.slice(before).some((r) => r.method === 'PATCH' && r.path === disableOf.path))
        .toBe(true);
      await assign(ghostId);
      const outcome = row('ghost3').getByTestId('orphan-outcome');
      await expect(outcome).toContainText(
        'The app disabled the account, but meanwhile the gateway matched it to the directory user',
        { timeout: 15_000 },
      );
      await expect(outcome).toContainText('which sets the account active again.');
      await expect(outcome.getByRole('link', { name: ghostId })).toHaveAttribute(
        'href',
        `/console/directory/users/${ghostId}`,
      );
      await expect(outcome).toHaveClass(/warn-box/);
      await checkPage(page, 'orphan accounts with an account adopted meanwhile');
      // The comparison it queued sends active back, to the one account: nothing created.
      app.clearFaults();
      await expect
        .poll(() => app.users().find((u) => u.id === account.ghost3)?.active, { timeout: 15_000 })
        .toBe(true);
      expect(app.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
    });

    const linkForm = page.getByRole('form', { name: `Link ${userName('dave')}` });
    await test.step('a link to a user out of scope is refused with the API’s reason; nothing is sent', async () => {
      await row('dave')
        .getByRole('button', { name: `Link ${userName('dave')} to a directory user` })
        .click();
      const field = linkForm.getByLabel('Directory user id');
      await expect(field).toBeFocused();
      await expect(field).toHaveValue(daveId);
      await checkPage(page, 'orphan accounts with the link form open');
      const before = app.requests.length;
      await linkForm.getByRole('button', { name: 'Link' }).click();
      await expect(row('dave').getByTestId('orphan-outcome')).toHaveText(
        `Not linked: User ${daveId} is not in this target's scope (not assigned to the app): ` +
          'a linked account would be a leaver at once',
      );
      dropRefusals(browserErrors, 409);
      expect(app.requests.length).toBe(before);
      await expect(row('dave')).toContainText('Open');
    });

    await test.step('dave assigned (the target paused, so that the engine does not adopt it first): linked', async () => {
      expect((await gateway.admin('POST', `/targets/${targetId}/pause`)).status).toBe(200);
      await assign(daveId);
      const before = app.requests.length;
      await linkForm.getByRole('button', { name: 'Link' }).click();
      const outcome = row('dave').getByTestId('orphan-outcome');
      await expect(outcome).toContainText(`Linked to Dave ${stamp}: compared with the user,`);
      await expect(outcome.getByRole('link', { name: `Dave ${stamp}` })).toHaveAttribute(
        'href',
        `/console/directory/users/${daveId}`,
      );
      await expect(row('dave')).toContainText('Linked');
      await expect(linkForm).toHaveCount(0);
      // Adopted: read and updated in place, never created.
      const sent = app.requests.slice(before);
      expect(sent.filter((r) => r.method === 'POST')).toEqual([]);
      expect(sent.every((r) => r.path === `/Users/${account.dave}`)).toBe(true);
      const { body } = await gateway.admin<{ orphans: { targetObjectId: string; state: string }[] }>(
        'GET',
        `/targets/${targetId}/orphans?state=linked`,
      );
      expect(body.orphans.map((o) => o.targetObjectId)).toEqual([account.dave]);
    });

    await test.step('no serious axe violation, no sideways scrolling at phone width', async () => {
      await checkPage(page, 'orphan accounts with outcomes');
      await page.setViewportSize({ width: 375, height: 812 });
      await checkPage(page, 'orphan accounts with outcomes at 375 px');
      // None is open now (ghost3 is a user's account): the disabled one.
      await page.goto(`/console/targets/${targetId}/orphans?state=disabled`);
      await expect(rows).toHaveCount(1);
      await expect(row('ghost1')).toBeVisible();
      await checkPage(page, 'orphan accounts filtered at 375 px');
    });
  } finally {
    await app.close();
  }
});
