import type { Page } from '@playwright/test';
import type { RecordedRequest } from '../support/fake-scim-target';
import { checkPage, createUser, dropRefusals, expect, signIn, testOnOwnGateway } from './support/fixtures';

/**
 * A gateway of this file's own (`testOnOwnGateway`): it fills the directory with users and a group, and the other
 * files count on a directory they alone fill.
 */
const test = testOnOwnGateway;

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const FAKE_TOKEN = 'fake-target-token-0123';

/** A statistics-to-date cell of the target page: the count of `action` entries with `status`. */
function statistic(page: Page, action: string, status: string) {
  const column = ['Success', 'Failure', 'Skipped', 'Warning'].indexOf(status);
  return page
    .getByRole('table', { name: /Log entries by action and status/ })
    .getByRole('row', { name: new RegExp(`^${action}\\b`) })
    .getByRole('cell')
    .nth(column);
}

const requestsFor = (requests: RecordedRequest[], method: string, path: string) =>
  requests.filter((r) => r.method === method && r.path === path);

test('users and groups: add a target, an app role, assign a group, unassign it, provision on demand', async ({
  page,
  gateway,
  fakeTarget,
  browserErrors,
}) => {
  const stamp = Date.now().toString(36);
  const name = `hr-app-${stamp}`;
  let targetId = '';
  await signIn(page);

  await test.step('add a target through the form; an API refusal shows next to its field', async () => {
    await page.getByRole('link', { name: 'Add a target' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Add a target' })).toBeVisible();
    await checkPage(page, 'add a target');
    await expect(page.getByLabel('Sync only assigned users and groups')).toBeChecked();
    await expect(page.getByLabel('Deprovision action')).toHaveValue('disable');
    await expect(page.getByLabel('Provision groups')).toBeChecked();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('SCIM base URL').fill('http://scim.example.com/scim/v2');
    await page.getByLabel('Token', { exact: true }).fill(FAKE_TOKEN);
    await page.getByRole('button', { name: 'Add target' }).click();
    const baseUrl = page.getByLabel('SCIM base URL');
    await expect(baseUrl).toHaveAttribute('aria-invalid', 'true');
    await expect(baseUrl).toBeFocused();
    await expect(baseUrl).toHaveAccessibleDescription(/baseUrl must use https/);
    await expect(page.getByTestId('add-target-problems')).toContainText('one problem');
    await expect(page.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true');
    dropRefusals(browserErrors, 400);
    // The typed token stays in its password field (for the retry) and nowhere else on the page.
    expect(await page.content()).not.toContain(FAKE_TOKEN);
    await checkPage(page, 'add a target with a refusal');
    const { body: before } = await gateway.admin<{ name: string }[]>('GET', '/targets');
    expect(before.map((t) => t.name)).not.toContain(name);

    await baseUrl.fill(fakeTarget.url);
    await page.getByRole('button', { name: 'Add target' }).click();
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(name) })).toBeVisible();
    targetId = /\/console\/targets\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? '';
    expect(targetId).not.toBe('');
    const { body: saved } = await gateway.admin<Record<string, unknown>>('GET', `/targets/${targetId}`);
    expect(saved).toMatchObject({
      name,
      baseUrl: fakeTarget.url,
      scope: 'assigned',
      deprovisionAction: 'disable',
      provisionGroups: true,
      auth: { type: 'bearer', secretSet: true },
    });
    expect(JSON.stringify(saved)).not.toContain(FAKE_TOKEN);
    await expect(page.getByText('Token: set')).toBeVisible();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('verdict')).toContainText('Connection works.');
    expect(await page.content()).not.toContain(FAKE_TOKEN);
  });

  await test.step('the new target is on the overview', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
    await expect(card).toBeVisible();
    await expect(card.getByText('Active', { exact: true })).toBeVisible();
    await card.getByRole('link', { name }).click();
    await page.getByRole('link', { name: 'Users and groups' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Users and groups' })).toBeVisible();
    await expect(page.getByTestId('scope-sentence')).toContainText('sync only assigned users and groups');
  });

  const roles = page.getByRole('region', { name: 'App roles table' });
  await test.step('app roles: add one, edit it; the default role cannot be deleted', async () => {
    await expect(roles.getByRole('row', { name: /^User Default/ })).toBeVisible();
    const add = page.getByRole('form', { name: 'Add an app role' });
    await add.getByLabel('Display name').fill('Approver');
    await add.getByLabel('Value').fill('approver');
    await add.getByLabel('Description').fill('Approves expenses');
    await add.getByRole('button', { name: 'Add role' }).click();
    await expect(page.getByTestId('roles-outcome')).toHaveText('Role Approver added.');
    await expect(roles.getByRole('row', { name: /^Approver/ })).toContainText('Approves expenses');

    await roles.getByRole('button', { name: 'Edit Approver' }).click();
    const edit = page.getByRole('form', { name: 'Edit role Approver' });
    await edit.getByLabel('Description').fill('Approves expenses and travel');
    await edit.getByRole('button', { name: 'Save role' }).click();
    await expect(roles.getByRole('row', { name: /^Approver/ })).toContainText('Approves expenses and travel');

    await roles.getByRole('button', { name: 'Delete User' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the role User?' });
    await dialog.getByRole('button', { name: 'Delete role' }).click();
    await expect(page.getByTestId('roles-outcome')).toHaveText(
      'Not done: The default role cannot be deleted',
    );
    await expect(roles.getByRole('row', { name: /^User Default/ })).toBeVisible();
    dropRefusals(browserErrors, 400);
  });

  const members = ['ada', 'grace', 'linus'].map((first) => ({
    userName: `${first}.${stamp}@example.com`,
    displayName: `${first[0].toUpperCase()}${first.slice(1)} ${stamp}`,
    id: '',
  }));
  const groupName = `Finance ${stamp}`;
  await test.step('a group with three members, through SCIM', async () => {
    for (const m of members) m.id = await createUser(gateway, m.userName, m.displayName);
    const group = await gateway.scim<{ id: string }>('POST', '/Groups', {
      schemas: [GROUP],
      displayName: groupName,
      members: members.map((m) => ({ value: m.id })),
    });
    expect(group.status).toBe(201);
    // Nobody is assigned yet: the engine has decided on each member (a Skip, not provisioned) and the app has none.
    const skips = async (objectId: string) =>
      (
        await gateway.admin<{ entries: { reason: string | null }[] }>(
          'GET',
          `/provisioning-logs?targetId=${targetId}&objectId=${objectId}&action=Skip&status=Skipped`,
        )
      ).body.entries.map((e) => e.reason);
    await expect
      .poll(
        async () => Promise.all(members.map(async (m) => (await skips(m.id)).includes('not_provisioned'))),
        {
          timeout: 15_000,
        },
      )
      .toEqual([true, true, true]);
    expect(fakeTarget.users().filter((u) => members.some((m) => m.userName === u.userName))).toEqual([]);
  });

  await test.step('assign the group with the role Approver: its members reach the app', async () => {
    const form = page.getByRole('region', { name: 'Add an assignment' });
    await form.getByRole('radio', { name: 'Groups' }).check();
    await form.getByLabel('Search groups').fill(`Finance ${stamp}`);
    await form
      .getByRole('list', { name: 'Matching groups' })
      .getByRole('button', { name: groupName })
      .click();
    await expect(form.getByText(`Selected group: ${groupName}`)).toBeVisible();
    await form.getByLabel('Role').selectOption({ label: 'Approver' });
    await form.getByRole('button', { name: 'Assign' }).click();
    // The app first (the page could say anything), then what the page says.
    await expect
      .poll(() =>
        members.map((m) => fakeTarget.users().find((u) => u.userName === m.userName)?.active ?? 'absent'),
      )
      .toEqual([true, true, true]);
    for (const m of members)
      expect(
        requestsFor(fakeTarget.requests, 'POST', '/Users').filter(
          (r) => (r.body as { userName?: string }).userName === m.userName,
        ),
        `one POST /Users for ${m.userName}`,
      ).toHaveLength(1);
    await expect
      .poll(() => {
        const g = fakeTarget.groups().find((x) => x.displayName === groupName);
        return (g?.members as unknown[] | undefined)?.length ?? -1;
      })
      .toBe(3);

    await expect(page.getByTestId('assign-outcome')).toContainText(
      `${groupName} is assigned with the role Approver: the group and its direct members are provisioned to ${name} now.`,
    );
    const row = page.getByRole('region', { name: 'Assignments table' }).getByRole('row', { name: groupName });
    await expect(row).toContainText('Group');
    await expect(row).toContainText('Approver');

    await row.getByRole('button', { name: `Show members of ${groupName}` }).click();
    const list = page.getByRole('list', { name: `Members of ${groupName}` });
    for (const m of members) await expect(list.getByRole('link', { name: m.displayName })).toBeVisible();
    await checkPage(page, 'users and groups with a group expanded');
  });

  const access = page.getByRole('region', { name: 'Check a user’s access' });
  await test.step('who is in scope through which assignment', async () => {
    await access.getByLabel('Search users').fill(members[0].userName);
    await access.getByRole('button', { name: members[0].displayName }).click();
    const result = page.getByTestId('access-result');
    await expect(result.getByRole('definition').first()).toHaveText('Yes');
    await expect(result).toContainText(`Through the group ${groupName}, role Approver`);
    await expect(result).toContainText('Approver (approver)');
  });

  await test.step('the target page counts the joiners', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name }).click();
    await expect(page.locator('[data-fact="pending"]')).toHaveText('0 objects');
    await expect(statistic(page, 'Create', 'Success')).toHaveText('4');
  });

  await test.step('remove the assignment: each member leaves the app (disabled)', async () => {
    await page.getByRole('link', { name: 'Users and groups' }).click();
    const row = page.getByRole('region', { name: 'Assignments table' }).getByRole('row', { name: groupName });
    await row.getByRole('button', { name: `Remove ${groupName} (Approver)` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${groupName}?` });
    await expect(dialog).toContainText('it is disabled in the app');
    await checkPage(page, 'users and groups asking to remove');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await expect
      .poll(() =>
        members.map((m) => fakeTarget.users().find((u) => u.userName === m.userName)?.active ?? 'absent'),
      )
      .toEqual([false, false, false]);
    for (const m of members) {
      const inApp = fakeTarget.users().find((u) => u.userName === m.userName)!;
      expect(requestsFor(fakeTarget.requests, 'PATCH', `/Users/${inApp.id as string}`).length).toBe(1);
    }

    await expect(page.getByTestId('assignments-outcome')).toHaveText(
      `${groupName} is no longer assigned with the role Approver.`,
    );
    await expect(row).toHaveCount(0);
    await expect(page.getByText('Nobody is assigned yet')).toBeVisible();

    await access.getByLabel('Search users').fill(members[0].userName);
    await access.getByRole('button', { name: members[0].displayName }).click();
    await expect(page.getByTestId('access-result').getByRole('definition').first()).toHaveText(
      'No: neither the user nor any of its groups is assigned.',
    );

    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name }).click();
    await expect(statistic(page, 'Disable', 'Success')).toHaveText('3');
  });

  const newcomer = { userName: `hedy.${stamp}@example.com`, displayName: `Hedy ${stamp}`, id: '' };
  await test.step('provision on demand: a user out of scope says why, step by step', async () => {
    newcomer.id = await createUser(gateway, newcomer.userName, newcomer.displayName);
    await page.getByRole('link', { name: 'Provision on demand' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Provision on demand' })).toBeVisible();
    await page.getByLabel('Search users').fill(newcomer.userName);
    await page.getByRole('button', { name: newcomer.displayName }).click();
    await page.getByRole('button', { name: 'Provision' }).click();
    await expect(page.getByTestId('provision-summary')).toHaveText(`${newcomer.displayName}: Skip, Skipped.`);
    const steps = page.getByRole('list', { name: `Steps for ${newcomer.displayName}` }).getByRole('listitem');
    await expect(steps.nth(0)).toContainText('SucceededImport from the directory');
    await expect(steps.nth(1)).toContainText(
      'SkippedDetermine if in scope (assignments)not assigned to this target',
    );
    await expect(steps.last()).toContainText('SkippedDetermine the action');
    expect(
      fakeTarget.requests.filter((r) => JSON.stringify(r.body ?? '').includes(newcomer.userName)),
    ).toEqual([]);
  });

  await test.step('provision on demand while paused: the user assigned directly is created, step by step', async () => {
    expect((await gateway.admin('POST', `/targets/${targetId}/pause`)).status).toBe(200);
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name }).click();
    await page.getByRole('link', { name: 'Users and groups' }).click();
    const form = page.getByRole('region', { name: 'Add an assignment' });
    await form.getByLabel('Search users').fill(newcomer.userName);
    await form.getByRole('button', { name: newcomer.displayName }).click();
    await form.getByRole('button', { name: 'Assign' }).click();
    await expect(page.getByTestId('assign-outcome')).toContainText(
      `${newcomer.displayName} is assigned with the role User: the user is provisioned to ${name} when provisioning resumes (the target is paused).`,
    );
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name }).click();
    await page.getByRole('link', { name: 'Provision on demand' }).click();
    await page.getByLabel('Search users').fill(newcomer.userName);
    await page.getByRole('button', { name: newcomer.displayName }).click();
    await page.getByRole('button', { name: 'Provision' }).click();
    await expect(page.getByTestId('provision-summary')).toHaveText(
      `${newcomer.displayName}: Create, Success.`,
    );
    const steps = page.getByRole('list', { name: `Steps for ${newcomer.displayName}` }).getByRole('listitem');
    await expect(steps.nth(0)).toContainText('SucceededImport from the directory');
    await expect(steps.nth(1)).toContainText(
      'SucceededDetermine if in scope (assignments)assigned directly; roles User',
    );
    await expect(steps.filter({ hasText: 'Determine the action' })).toContainText('joiner');
    const match = steps.filter({ hasText: 'Match between the directory and the app' });
    const lookup = match.filter({ hasText: 'GET /Users' });
    await expect(lookup).toContainText('SucceededMatch between the directory and the app');
    await expect(lookup).toContainText(`RequestGET /Users?filter=userName eq "${newcomer.userName}"`);
    await expect(lookup.getByLabel(/^Response to /)).toContainText('"totalResults": 0');
    await expect(match.filter({ hasText: 'no match' })).toContainText('Succeeded');
    const perform = steps.filter({ hasText: 'Perform the action' });
    await expect(perform).toContainText('SucceededPerform the actionPOST /Users → 201');
    await expect(perform.getByLabel(/^Payload of /)).toContainText(`"userName": "${newcomer.userName}"`);
    await expect(perform.getByLabel(/^Response to /)).toContainText(newcomer.userName);
    await expect(perform).toContainText('HTTP 201');
    expect(
      requestsFor(fakeTarget.requests, 'POST', '/Users').filter(
        (r) => (r.body as { userName?: string }).userName === newcomer.userName,
      ),
    ).toHaveLength(1);
    await checkPage(page, 'provision on demand with a result');
    await page.setViewportSize({ width: 375, height: 812 });
    await checkPage(page, 'provision on demand with a result at 375 px');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step('provision on demand a group: its result and its members’ results', async () => {
    await page.getByRole('button', { name: 'Change' }).click();
    await page.getByRole('radio', { name: 'Groups' }).check();
    await page.getByLabel('Search groups').fill(groupName);
    await page.getByRole('button', { name: groupName }).click();
    await expect(page.getByRole('group', { name: /Members to provision with the group/ })).toBeVisible();
    await page.getByLabel(members[1].displayName).check();
    await page.getByRole('button', { name: 'Provision' }).click();
    await expect(page.getByTestId('provision-summary')).toContainText(
      `${groupName}: Skip, Skipped. 1 member provisioned with it.`,
    );
    await expect(
      page.getByRole('heading', { level: 2, name: new RegExp(`^Group ${groupName}: Skip`) }),
    ).toBeVisible();
    const section = page.getByRole('region', { name: 'Members provisioned with the group' });
    await expect(section.getByRole('heading', { level: 3 })).toHaveCount(1);
    await expect(section.getByRole('heading', { level: 3 })).toContainText(`User ${members[1].displayName}:`);
    await expect(
      section
        .getByRole('list', { name: `Steps for ${members[1].displayName}` })
        .getByRole('listitem')
        .first(),
    ).toContainText('Import from the directory');
    expect((await gateway.admin('POST', `/targets/${targetId}/resume`)).status).toBe(200);
  });

  await test.step('every page: no serious axe violation, no sideways scrolling at phone width', async () => {
    const pages: [string, string][] = [
      ['overview', '/console'],
      ['add a target', '/console/targets/new'],
      ['users and groups', `/console/targets/${targetId}/assignments`],
      ['provision on demand', `/console/targets/${targetId}/provision`],
      ['target', `/console/targets/${targetId}`],
    ];
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 812 });
      for (const [what, url] of pages) {
        await page.goto(url);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await page.waitForLoadState('networkidle');
        await checkPage(page, `${what} at ${width} px`);
      }
    }
  });
});
