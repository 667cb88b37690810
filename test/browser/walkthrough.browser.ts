import * as fs from 'node:fs';
import { startFakeScimTarget, type FakeScimTarget } from '../support/fake-scim-target';
import { parseCsv } from '../support/csv';
import { dropRefusals, expect, seriousViolations, signIn, testOnOwnGateway } from './support/fixtures';

/**
 * The issue's walk-through as one operator's session, in its order: sign in, register a target, test the connection,
 * assign a group, watch the progress bar, see a SCIM change in the logs live and read its old and new value, fix a
 * wrong mapping expression, preview and save, provision on demand, pause and resume, download the CSV.
 *
 * A gateway and a fake target of this file's own (`testOnOwnGateway`, and a worker fixture here): the other files' users and targets do not show up in its counts, logs and download. The fake
 * target serves and advertises /Bulk, so that the target's Bulk requests setting has something to decide.
 */
const test = testOnOwnGateway.extend<object, { fakeTarget: FakeScimTarget }>({
  fakeTarget: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function names from its pattern
    async ({}, use) => {
      const target = await startFakeScimTarget({
        bearerToken: FAKE_TOKEN,
        bulk: { maxOperations: 50, maxPayloadSize: 1_048_576 },
      });
      await use(target);
      await target.close();
    },
    { scope: 'worker' },
  ],
});

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FAKE_TOKEN = 'fake-target-token-0123';
/** The download's columns (src/provisioning/logs/log-export.format.ts). */
const CSV_HEADER =
  'id,time,targetId,targetName,objectType,objectId,changeSeq,action,status,reason,detail,requestId,attempt,' +
  'responseStatus,durationMs,modifiedProperties';

test('the walk-through: from sign-in to the CSV of the logs, as one operator', async ({
  page,
  gateway,
  fakeTarget,
  browserErrors,
}) => {
  const stamp = Date.now().toString(36);
  const name = `walk-${stamp}`;
  const groupName = `Payroll ${stamp}`;
  const members = [
    { first: 'Ada', last: 'Lovelace' },
    { first: 'Grace', last: 'Hopper' },
    { first: 'Hedy', last: 'Lamarr' },
  ].map((m) => ({
    ...m,
    userName: `${m.first.toLowerCase()}.${stamp}@example.com`,
    displayName: `${m.first} ${m.last}`,
    id: '',
  }));
  const ada = members[0];
  let targetId = '';
  let groupId = '';

  await test.step('sign in with the admin token', async () => {
    await signIn(page);
  });

  await test.step('register a target on the Add a target page, Bulk requests off', async () => {
    await page.getByRole('link', { name: 'Add a target' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Add a target' })).toBeVisible();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('SCIM base URL').fill(fakeTarget.url);
    await page.getByLabel('Token', { exact: true }).fill(FAKE_TOKEN);
    await page.getByText('Advanced settings').click();
    const bulk = page.getByLabel('Bulk requests');
    await expect(bulk).toHaveValue('auto');
    await expect(bulk).toHaveAccessibleDescription(/\/Bulk endpoint/);
    await bulk.selectOption({ label: 'Off (plain requests only)' });
    expect(await seriousViolations(page), 'add a target, advanced settings open').toEqual([]);
    await page.getByRole('button', { name: 'Add target' }).click();
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(name) })).toBeVisible();
    targetId = /\/console\/targets\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? '';
    expect(targetId).not.toBe('');
    const { body: saved } = await gateway.admin<Record<string, unknown>>('GET', `/targets/${targetId}`);
    expect(saved).toMatchObject({ name, baseUrl: fakeTarget.url, scope: 'assigned', bulk: 'off' });
    await expect(page.locator('[data-fact="bulk"]')).toHaveText(
      'Plain requests (setting Off): bulk is off for this target.',
    );
    await expect(page.getByLabel('Bulk requests')).toHaveValue('off');
  });

  await test.step('test connection: the verdict in words', async () => {
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('verdict')).toContainText('Connection works.');
    expect(await page.content()).not.toContain(FAKE_TOKEN);
  });

  await test.step('Bulk requests back to automatic in the settings: the target page says /Bulk is used', async () => {
    await page.getByLabel('Bulk requests').selectOption('auto');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Saved the change.')).toBeVisible();
    const { body: saved } = await gateway.admin<{ bulk: string }>('GET', `/targets/${targetId}`);
    expect(saved.bulk).toBe('auto');
    const { body: status } = await gateway.admin<{ bulk: { setting: string; mode: string } }>(
      'GET',
      `/targets/${targetId}/status`,
    );
    expect(status.bulk).toMatchObject({ setting: 'auto', mode: 'bulk' });
    // Test connection read what the target advertises.
    await expect(page.locator('[data-fact="bulk"]')).toHaveText(
      'Through /Bulk (setting Automatic): the target advertises /Bulk (50 operations and 1048576 bytes a request); a lone write goes as a plain request.',
    );
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 812 });
      expect(await seriousViolations(page), `target page at ${width} px`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `target page at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step('assign a group with a role on the Users and groups page: its members reach the app', async () => {
    for (const m of members) {
      const res = await gateway.scim<{ id: string }>('POST', '/Users', {
        schemas: [USER],
        userName: m.userName,
        displayName: m.displayName,
        title: 'Analyst',
        active: true,
        name: { givenName: m.first, familyName: m.last },
        emails: [{ value: m.userName, type: 'work', primary: true }],
      });
      expect(res.status).toBe(201);
      m.id = res.body.id;
    }
    const group = await gateway.scim<{ id: string }>('POST', '/Groups', {
      schemas: [GROUP],
      displayName: groupName,
      members: members.map((m) => ({ value: m.id })),
    });
    expect(group.status).toBe(201);
    groupId = group.body.id;

    await page.getByRole('link', { name: 'Users and groups' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Users and groups' })).toBeVisible();
    const form = page.getByRole('region', { name: 'Add an assignment' });
    await form.getByRole('radio', { name: 'Groups' }).check();
    await form.getByLabel('Search groups').fill(groupName);
    await form
      .getByRole('list', { name: 'Matching groups' })
      .getByRole('button', { name: groupName })
      .click();
    await expect(form.getByText(`Selected group: ${groupName}`)).toBeVisible();
    await form.getByLabel('Role').selectOption({ label: 'User (default)' });
    await form.getByRole('button', { name: 'Assign' }).click();
    await expect(page.getByTestId('assign-outcome')).toContainText(
      `${groupName} is assigned with the role User: the group and its direct members are provisioned to ${name} now.`,
    );
    await expect
      .poll(() => members.map((m) => fakeTarget.users().find((u) => u.userName === m.userName)?.active))
      .toEqual([true, true, true]);
    // Several writes at once, Bulk requests automatic: they went through the app's /Bulk.
    expect(
      fakeTarget.requests.filter((r) => r.method === 'POST' && r.path === '/Bulk').length,
    ).toBeGreaterThan(0);
  });

  await test.step('restart provisioning: the progress bar reaches 100% on the target page and the overview', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
    const label = page.locator('#target-progress-label');
    const before = (await label.count()) > 0 ? await label.textContent() : null;
    await page.getByRole('button', { name: 'Restart provisioning' }).click();
    await page
      .getByRole('dialog', { name: 'Restart provisioning?' })
      .getByRole('button', { name: 'Restart' })
      .click();
    await expect(page.getByText('A full reconciliation is requested')).toBeVisible();
    await expect(label).not.toHaveText(before ?? '', { timeout: 15_000 });
    // The three members and their group.
    const done = /^4 of 4 objects \(100%\)$/;
    await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuetext', done, { timeout: 15_000 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
    await expect(card.getByRole('progressbar')).toHaveAttribute('aria-valuetext', done);
  });

  /** The log row of the user's update (the identity of a PATCH is the object, its body naming no user). */
  const updateRow = page.getByRole('row').filter({
    has: page.getByRole('button', { name: new RegExp(`^Open the Update Success entry of User ${ada.id} `) }),
  });
  await test.step('change a user through SCIM: its entry appears in the logs without a reload', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Provisioning logs' })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: 'Provisioning logs' })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: groupName }).first()).toBeVisible();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
    await expect(updateRow).toHaveCount(0);
    const changed = await gateway.scim('PATCH', `/Users/${ada.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'title', value: 'Controller' }],
    });
    expect(changed.status).toBe(200);
    await expect(updateRow).toBeVisible({ timeout: 15_000 });
    await expect(updateRow).toContainText(name);
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
  });

  await test.step('open the entry: the old and new value on the Modified properties tab', async () => {
    await updateRow.getByRole('button').click();
    const detail = page.getByRole('region', { name: /Update/ });
    await detail.getByRole('tab', { name: 'Modified properties' }).click();
    const title = detail.getByRole('tabpanel').getByRole('row', { name: /^title\b/ });
    await expect(title.getByRole('cell').nth(0)).toHaveText('Analyst');
    await expect(title.getByRole('cell').nth(1)).toHaveText('Controller');
    expect(fakeTarget.users().find((u) => u.userName === ada.userName)?.title).toBe('Controller');
  });

  const expression = page.getByLabel('Expression', { exact: true });
  await test.step('the mappings editor marks a wrong expression at its column', async () => {
    await page.goto(`/console/targets/${targetId}`);
    await page.getByRole('link', { name: 'Attribute mappings' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Attribute mappings' })).toBeVisible();
    await page.getByRole('button', { name: 'Edit name.formatted' }).click();
    await expression.fill('Join(" ", [givenName] [surname])');
    const error = page.locator('#' + (await expression.getAttribute('id')) + '-error');
    await expect(error).toContainText('line 1, column 23: expected');
    await expect(expression).toHaveAttribute('aria-invalid', 'true');
    expect(await page.getByTestId('caret-line').textContent()).toBe(
      'Join(" ", [givenName] [surname])\n' + ' '.repeat(22) + '^',
    );
    dropRefusals(browserErrors, 400);
  });

  await test.step('fix it, preview what a member would be sent, save', async () => {
    await expression.fill('Join(" ", [givenName], ToUpper([surname]))');
    await expect(page.getByText('The expression is valid.')).toBeVisible();
    await expect(expression).not.toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Search users').fill(ada.userName);
    await page
      .getByRole('list', { name: 'Matching users' })
      .getByRole('button', { name: new RegExp(ada.displayName) })
      .click();
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await expect(page.getByTestId('preview')).toContainText(
      `Preview for ${ada.userName} (with the unsaved changes)`,
    );
    const payload = JSON.parse((await page.getByTestId('payload').textContent()) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      userName: ada.userName,
      title: 'Controller',
      name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada LOVELACE' },
    });
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Save the attribute mappings?' });
    await expect(dialog).toBeVisible({ timeout: 20_000 });
    await expect(
      dialog
        .getByTestId('impact')
        .getByRole('listitem')
        .filter({ hasText: /^\d+ updates?$/ }),
    ).toHaveText('3 updates');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('outcome')).toContainText('Saved at');
    await expect(page.getByText('No unsaved changes')).toBeVisible();
    dropRefusals(browserErrors, 400);
    // The reconciliation the save starts sends the new formatted names.
    await expect
      .poll(
        () =>
          members.map(
            (m) =>
              (fakeTarget.users().find((u) => u.userName === m.userName)?.name as { formatted?: string })
                ?.formatted,
          ),
        { timeout: 20_000 },
      )
      .toEqual(['Ada LOVELACE', 'Grace HOPPER', 'Hedy LAMARR']);
  });

  await test.step('provision on demand a user: every step, and nothing to send', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name }).click();
    await page.getByRole('link', { name: 'Provision on demand' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Provision on demand' })).toBeVisible();
    await page.getByLabel('Search users').fill(ada.userName);
    await page.getByRole('button', { name: ada.displayName }).click();
    const sent = fakeTarget.requests.length;
    await page.getByRole('button', { name: 'Provision' }).click();
    // The save's reconciliation already sent her everything: on demand says so, and sends nothing.
    await expect(page.getByTestId('provision-summary')).toHaveText(`${ada.displayName}: Other, Skipped.`);
    await expect(page.locator('main')).toContainText(
      'no_change · The target already holds what the gateway would send: nothing was sent.',
    );
    const steps = page.getByRole('list', { name: `Steps for ${ada.displayName}` }).getByRole('listitem');
    await expect(steps.nth(0)).toContainText('SucceededImport from the directory');
    await expect(steps.nth(1)).toContainText(
      `SucceededDetermine if in scope (assignments)assigned through group ${groupId}; roles User`,
    );
    await expect(steps.filter({ hasText: 'Determine the action' })).toContainText(
      'update: send what changed',
    );
    expect(fakeTarget.requests.slice(sent)).toEqual([]);
  });

  await test.step('pause, then resume after confirming', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name }).click();
    const heading = page.getByRole('heading', { level: 1 });
    await expect(heading).toContainText('Active');
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(heading).toContainText('Paused');
    await expect(page.getByText('Paused by an operator')).toBeVisible();
    expect((await gateway.admin<{ paused: boolean }>('GET', `/targets/${targetId}`)).body.paused).toBe(true);
    await page.getByRole('button', { name: 'Resume' }).click();
    const dialog = page.getByRole('dialog', { name: `Resume ${name}?` });
    await dialog.getByRole('button', { name: 'Resume' }).click();
    await expect(dialog).toBeHidden();
    await expect(heading).toContainText('Active');
    expect((await gateway.admin<{ paused: boolean }>('GET', `/targets/${targetId}`)).body.paused).toBe(false);
  });

  await test.step("download the CSV of the current filter: the user's updates", async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Provisioning logs' })
      .click();
    await page.getByLabel('Identity (object id)').fill(ada.id);
    await page.getByLabel('Action').selectOption('Update');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/action=Update/);
    // The title's change and the new formatted name the saved mapping sent.
    await expect(updateRow).toHaveCount(2);
    const shown = await page
      .getByRole('region', { name: 'Provisioning log table' })
      .locator('tbody')
      .getByRole('row')
      .count();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const [header, ...rows] = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
    expect(header.join(',')).toBe(CSV_HEADER);
    const col = (c: string) => header.indexOf(c);
    expect(rows.length, 'one row per entry on the page').toBe(shown);
    for (const r of rows) {
      expect(r).toHaveLength(header.length);
      expect(r[col('objectId')]).toBe(ada.id);
      expect(r[col('action')]).toBe('Update');
    }
    const propertiesOf = (r: string[]) => JSON.parse(r[col('modifiedProperties')]) as { name: string }[];
    const titleChange = rows.filter((r) => propertiesOf(r).some((p) => p.name === 'title'));
    expect(titleChange).toHaveLength(1);
    const [change] = titleChange;
    expect(change[col('status')]).toBe('Success');
    expect(change[col('targetName')]).toBe(name);
    expect(change[col('targetId')]).toBe(targetId);
    expect(propertiesOf(change)).toContainEqual(
      expect.objectContaining({ name: 'title', oldValue: 'Analyst', newValue: 'Controller' }),
    );
  });
});
