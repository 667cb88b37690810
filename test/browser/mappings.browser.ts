import type { Page } from '@playwright/test';
import { dropRefusals, expect, seriousViolations, signIn, test } from './support/fixtures';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

async function noSidewaysScroll(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) {
    const wide = await page.evaluate(() =>
      Array.from(document.querySelectorAll('main *'))
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
        .slice(0, 10)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
    );
    console.log(`wider than the window: ${wide.join(', ')}`);
  }
  expect(overflow, `${what} scrolls sideways`).toBeLessThanOrEqual(0);
}

test('mappings editor: an expression checked as you type, test, preview, the impact of a scoping change, save', async ({
  page,
  gateway,
  fakeTarget,
  browserErrors,
}) => {
  const stamp = Date.now().toString(36);
  const targetName = `map-${stamp}`;
  const target = await gateway.admin<{ id: string }>('POST', '/targets', {
    name: targetName,
    baseUrl: fakeTarget.url,
    auth: { type: 'bearer', token: 'fake-target-token-0123' },
    scope: 'all',
  });
  expect(target.status).toBe(201);
  const targetId = target.body.id;
  const userName = `grace.${stamp}@example.com`;
  const created = await gateway.scim<{ id: string }>('POST', '/Users', {
    schemas: [USER, ENT],
    userName,
    displayName: 'Grace Hopper',
    active: true,
    name: { givenName: 'Grace', familyName: 'Hopper' },
    emails: [{ value: userName, type: 'work', primary: true }],
    [ENT]: { department: 'Engineering' },
  });
  expect(created.status).toBe(201);
  const userId = created.body.id;
  // Provisioned first, so that a scoping change that excludes her would disable her account.
  await expect
    .poll(
      async () => {
        const res = await gateway.admin<{ targets: { targetId: string; status: string | null }[] }>(
          'GET',
          `/directory/users/${userId}`,
        );
        return res.body.targets.find((t) => t.targetId === targetId)?.status;
      },
      { timeout: 20_000 },
    )
    .toBe('active');

  await signIn(page);
  const expression = page.getByLabel('Expression', { exact: true });

  await test.step('the target page leads to its attribute mappings: users and groups, actions, scoping', async () => {
    await page.goto(`/console/targets/${targetId}`);
    await page.getByRole('link', { name: 'Attribute mappings' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Attribute mappings' })).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/console/targets/${targetId}/mappings$`));
    await expect(page.getByRole('tab', { name: 'Users', selected: true })).toBeVisible();
    await expect(page.getByLabel('Create', { exact: true })).toBeChecked();
    const first = page.getByRole('region', { name: 'Attribute mappings for users' }).getByRole('row').nth(1);
    await expect(first).toContainText('userName');
    await expect(first).toContainText('userPrincipalName');
    await expect(first.getByRole('cell').nth(5)).toHaveText('1');
    await expect(page.getByText('No scoping filter: every user is in scope.')).toBeVisible();
    await expect(page.getByText('No unsaved changes')).toBeVisible();
    // The groups' mappings are a tab away; the arrow keys move between the tabs.
    await page.getByRole('tab', { name: 'Users' }).press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Groups', selected: true })).toBeFocused();
    await expect(page.getByRole('region', { name: 'Attribute mappings for groups' })).toContainText(
      'members',
    );
    await page.getByRole('tab', { name: 'Groups' }).press('ArrowLeft');
    await expect(page.getByRole('tab', { name: 'Users', selected: true })).toBeFocused();
  });

  await test.step('a wrong expression is marked at its line and column as you type', async () => {
    await page.getByRole('button', { name: 'Edit name.formatted' }).click();
    await expect(page.getByRole('heading', { name: 'Edit mapping 9: name.formatted' })).toBeFocused();
    await expect(expression).toHaveValue('Join(" ", [givenName], [surname])');
    await expect(page.getByText('The expression is valid.')).toBeVisible();
    await expression.fill('Join(" ", [givenName] [surname])');
    const error = page.locator('#' + (await expression.getAttribute('id')) + '-error');
    await expect(error).toContainText('line 1, column 23: expected');
    await expect(expression).toHaveAttribute('aria-invalid', 'true');
    await expect(expression).toHaveAttribute('aria-describedby', /-error/);
    // The caret stands under column 23: 22 characters before it on the line under the expression.
    // (textContent: toHaveText would collapse the spaces.)
    expect(await page.getByTestId('caret-line').textContent()).toBe(
      'Join(" ", [givenName] [surname])\n' + ' '.repeat(22) + '^',
    );
    await page.getByRole('button', { name: 'Go to the error' }).click();
    await expect(expression).toBeFocused();
    expect(await expression.evaluate((el: HTMLTextAreaElement) => el.selectionStart)).toBe(22);
    await expect(page.getByTestId('unsaved')).toHaveText('Unsaved changes');
    dropRefusals(browserErrors, 400);
  });

  await test.step('fixed, it is valid again; tested on a directory user it gives her value', async () => {
    await expression.fill('Join(" ", [givenName], ToUpper([surname]))');
    await expect(page.getByText('The expression is valid.')).toBeVisible();
    await expect(expression).not.toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('caret-line')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Test expression' })).toBeDisabled();
    await page.getByLabel('Search users').fill(userName);
    await page
      .getByRole('list', { name: 'Matching users' })
      .getByRole('button', { name: /Grace Hopper/ })
      .click();
    await expect(page.getByText('Selected user: Grace Hopper')).toBeVisible();
    await page.getByRole('button', { name: 'Test expression' }).click();
    await expect(page.getByTestId('test-result')).toContainText(`Result for ${userName}: "Grace HOPPER"`);
    dropRefusals(browserErrors, 400);
  });

  await test.step('preview: the SCIM payload she would be sent, with the unsaved change', async () => {
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = page.getByTestId('preview');
    await expect(preview).toContainText(`Preview for ${userName} (with the unsaved changes)`);
    await expect(preview).toContainText('In scope');
    const payload = JSON.parse((await page.getByTestId('payload').textContent()) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      userName,
      active: true,
      name: { givenName: 'Grace', familyName: 'Hopper', formatted: 'Grace HOPPER' },
    });
  });

  await test.step('reorder with the keyboard: the moved row keeps the focus', async () => {
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('button', { name: 'Edit name.formatted' })).toBeFocused();
    const down = page.getByRole('button', { name: 'Move title down' });
    await down.focus();
    await page.keyboard.press('Enter');
    await expect(down).toBeFocused();
    const rows = page.getByRole('region', { name: 'Attribute mappings for users' }).getByRole('row');
    await expect(rows.nth(4)).toContainText('emails[type eq "work"].value');
    await expect(rows.nth(5)).toContainText('jobTitle');
  });

  await test.step('a scoping clause that leaves her out: the impact shows the disable and asks to confirm', async () => {
    await page.getByRole('button', { name: 'Add scoping filter group' }).click();
    const group = page.getByRole('group', { name: 'Scoping filter group 1' });
    await expect(group.getByLabel('Attribute')).toBeFocused();
    await group.getByLabel('Attribute').fill('userName');
    await group.getByLabel('Operator').selectOption('NOT EQUALS');
    await group.getByLabel('Value').fill(userName);
    // A second clause, and a unary operator that takes no value; then removed again.
    await group.getByRole('button', { name: 'Add clause' }).click();
    await group.getByLabel('Operator').nth(1).selectOption('IS NOT NULL');
    await expect(group.getByLabel('Value')).toHaveCount(1);
    await group.getByRole('button', { name: 'Remove clause 2 of group 1' }).click();
    await expect(group.getByLabel('Attribute')).toHaveCount(1);

    expect(await seriousViolations(page), 'mappings page with a preview and a scoping clause').toEqual([]);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /^Save\? 1 account would be disabled or deleted$/ });
    await expect(dialog).toBeVisible({ timeout: 20_000 });
    const impact = dialog.getByTestId('impact');
    await expect(impact.getByRole('listitem').filter({ hasText: /disable/ })).toHaveText('1 disable');
    await expect(impact).toContainText(`Grace Hopper (User): `);
    expect(await seriousViolations(page), 'the impact dialog').toEqual([]);
    // Cancel saves nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    const stored = await gateway.admin<{ users: { scoping: unknown[] } }>(
      'GET',
      `/targets/${targetId}/mappings`,
    );
    expect(stored.body.users.scoping).toEqual([]);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog).toBeVisible({ timeout: 20_000 });
    await dialog.getByRole('button', { name: 'Save anyway' }).click();
    await expect(page.getByTestId('outcome')).toContainText('Saved at');
    await expect(page.getByText('No unsaved changes')).toBeVisible();
  });

  await test.step('reloaded, the page shows what was saved', async () => {
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Attribute mappings' })).toBeVisible();
    const group = page.getByRole('group', { name: 'Scoping filter group 1' });
    await expect(group.getByLabel('Attribute')).toHaveValue('userName');
    await expect(group.getByLabel('Operator')).toHaveValue('NOT EQUALS');
    await expect(group.getByLabel('Value')).toHaveValue(userName);
    const table = page.getByRole('region', { name: 'Attribute mappings for users' });
    await expect(table.getByRole('row').filter({ hasText: 'name.formatted' })).toContainText(
      'Join(" ", [givenName], ToUpper([surname]))',
    );
    await expect(table.getByRole('row').nth(5)).toContainText('jobTitle');
    const stored = await gateway.admin<{ users: { scoping: unknown[] } }>(
      'GET',
      `/targets/${targetId}/mappings`,
    );
    expect(stored.body.users.scoping).toEqual([
      { clauses: [{ attribute: 'userName', operator: 'NOT EQUALS', value: userName }] },
    ]);
  });

  await test.step('at phone width: no serious accessibility violation, no sideways scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Attribute mappings' })).toBeVisible();
    await page.getByRole('button', { name: 'Edit name.formatted' }).click();
    await expect(expression).toBeVisible();
    await noSidewaysScroll(page, 'mappings at 375 px');
    expect(await seriousViolations(page), 'mappings at 375 px').toEqual([]);
  });
});

test('mappings editor: save shows every problem next to its field; discard restores the saved set', async ({
  page,
  gateway,
  fakeTarget,
  browserErrors,
}) => {
  const target = await gateway.admin<{ id: string }>('POST', '/targets', {
    name: `map-bad-${Date.now().toString(36)}`,
    baseUrl: fakeTarget.url,
    auth: { type: 'bearer', token: 'fake-target-token-0123' },
    scope: 'all',
    enabled: false,
  });
  expect(target.status).toBe(201);
  await signIn(page);
  await page.goto(`/console/targets/${target.body.id}/mappings`);
  await expect(page.getByRole('heading', { level: 1, name: 'Attribute mappings' })).toBeVisible();

  await page.getByRole('button', { name: 'Edit title' }).click();
  await page.getByLabel('Source attribute').fill('jobTitel');
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Add scoping filter group' }).click();
  const clause = page.getByRole('group', { name: 'Group 1, clause 1' });
  await clause.getByLabel('Operator').selectOption('Greater_Than');
  await clause.getByLabel('Attribute').fill('department');
  await clause.getByLabel('Value').fill('many');
  await page.getByRole('tab', { name: 'Groups' }).click();
  await page.getByRole('button', { name: 'Add new mapping' }).click();
  await page.getByLabel('Mapping type').selectOption('Constant');
  await page.getByLabel('Constant value').fill('x');
  await page.getByLabel('Target attribute').fill('members');
  await page.getByRole('tab', { name: 'Users' }).click();

  // Leaving by a link with unsaved changes asks first; Cancel stays.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Overview' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await leave.getByRole('button', { name: 'Cancel' }).click();
  await expect(leave).toBeHidden();
  await expect(page.getByTestId('unsaved')).toBeVisible();

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('outcome')).toContainText('Not saved: the mappings have problems');
  await expect(page.getByTestId('problems')).toContainText('3 problems');
  // Next to each field: the Direct source in its row, the clause's value, the new group mapping's target (the
  // groups tab counts its problem).
  const title = page.getByRole('row').filter({ hasText: 'jobTitel' });
  await expect(title).toContainText('unknown attribute "jobTitel"');
  await expect(clause.getByLabel('Value')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('group', { name: 'Scoping filter group 1' })).toContainText(
    'compares whole numbers',
  );
  await expect(page.getByRole('tab', { name: 'Groups (1 problem)' })).toBeVisible();
  await page.getByRole('tab', { name: 'Groups (1 problem)' }).click();
  const groupRow = page
    .getByRole('region', { name: 'Attribute mappings for groups' })
    .getByRole('row')
    .nth(4);
  await expect(groupRow).toContainText('members is already mapped by mapping 3');
  await expect(page.getByLabel('Target attribute')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('heading', { name: 'Edit mapping 4: members' })).toBeVisible();
  await page.getByLabel('Target attribute').fill('nickName');
  await expect(page.getByLabel('Target attribute')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('tab', { name: 'Groups', exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByText('No unsaved changes')).toBeVisible();
  await expect(page.getByTestId('problems')).toHaveCount(0);
  await page.getByRole('tab', { name: 'Users' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'jobTitel' })).toHaveCount(0);
  await expect(page.getByText('No scoping filter: every user is in scope.')).toBeVisible();
  dropRefusals(browserErrors, 400);
});
