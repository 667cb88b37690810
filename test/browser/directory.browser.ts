import type { Page } from '@playwright/test';
import { dropRefusals, expect, seriousViolations, signIn, testOnOwnGateway } from './support/fixtures';
import type { Gateway } from './support/gateway';

/**
 * A gateway of this file's own (`testOnOwnGateway`).
 * On the shared one, the target this file registers with scope "all" first syncs every user the other files made;
 * under load its own user could still be pending when the page is read (a failure seen once, after the other files).
 */
const test = testOnOwnGateway;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A SCIM call with `token` (not the fixture's bootstrap token), with a request id the history shows. */
async function scimAs(
  gateway: Gateway,
  token: string,
  method: string,
  url: string,
  body?: unknown,
  requestId?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gateway.base}/scim/v2${url}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/scim+json',
      ...(requestId ? { 'X-Request-Id': requestId } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function nav(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  await expect(page.getByRole('heading', { level: 1, name: label })).toBeVisible();
}

test('directory: search by filter and by name, a user with its groups, targets and history; soft-deleted on request', async ({
  page,
  gateway,
  fakeTarget,
  browserErrors,
}) => {
  const stamp = Date.now().toString(36);
  const hrName = `hr-${stamp}`;
  const hr = await gateway.admin<{ id: string; token: string }>('POST', '/tokens', {
    name: hrName,
    scopes: ['scim'],
  });
  expect(hr.status).toBe(201);
  const targetName = `dir-${stamp}`;
  const target = await gateway.admin<{ id: string }>('POST', '/targets', {
    name: targetName,
    baseUrl: fakeTarget.url,
    auth: { type: 'bearer', token: 'fake-target-token-0123' },
    scope: 'all',
  });
  expect(target.status).toBe(201);
  const user = async (first: string, last: string) => {
    const userName = `${first}.${stamp}@example.com`;
    const res = await scimAs(gateway, hr.body.token, 'POST', '/Users', {
      schemas: [USER],
      userName,
      displayName: `${first[0].toUpperCase()}${first.slice(1)} ${last}`,
      active: true,
      emails: [{ value: userName, type: 'work', primary: true }],
    });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, userName };
  };
  const ada = await user('ada', 'Lovelace');
  const alan = await user('alan', 'Turing');
  const grace = await user('grace', 'Hopper');
  const groupName = `Engineers ${stamp}`;
  const group = await scimAs(gateway, hr.body.token, 'POST', '/Groups', {
    schemas: [GROUP],
    displayName: groupName,
    members: [{ value: ada.id }],
  });
  expect(group.status).toBe(201);
  // Another group of the same stamp, which a search for the first must leave out.
  const otherGroupName = `Designers ${stamp}`;
  const other = await scimAs(gateway, hr.body.token, 'POST', '/Groups', {
    schemas: [GROUP],
    displayName: otherGroupName,
    members: [{ value: alan.id }],
  });
  expect(other.status).toBe(201);

  await signIn(page);
  await nav(page, 'Directory');
  const table = page.getByRole('region', { name: 'Users table' });

  await test.step('a plain search finds a user by the start of its name', async () => {
    await page.getByLabel('Search', { exact: true }).fill(`ada.${stamp}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`search=ada.${stamp}`));
    await expect(table.getByRole('link', { name: ada.userName })).toBeVisible();
    await expect(table.getByRole('row')).toHaveCount(2);
    await expect(table.getByRole('row').nth(1)).toContainText('Ada Lovelace');
  });

  await test.step('a SCIM filter finds a user; a filter that does not parse says why', async () => {
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('SCIM filter').fill(`userName sw "alan.${stamp}" or displayName eq "Grace Hopper"`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(table.getByRole('link', { name: alan.userName })).toBeVisible();
    await expect(table.getByRole('link', { name: ada.userName })).toHaveCount(0);
    await expect(table.getByRole('row').filter({ hasText: 'Grace Hopper' })).toHaveCount(1);

    await page.getByLabel('SCIM filter').fill('userName eq');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('The filter was refused');
    await expect(page.getByLabel('SCIM filter')).toHaveAttribute('aria-invalid', 'true');
    dropRefusals(browserErrors, 400);
  });

  await test.step('groups are a toggle kept in the URL, searched the same way', async () => {
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('navigation', { name: 'Object type' }).getByRole('link', { name: 'Groups' }).click();
    await expect(page).toHaveURL(/type=groups/);
    await page.getByLabel('Search', { exact: true }).fill(`engineers ${stamp}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const groups = page.getByRole('region', { name: 'Groups table' });
    await expect(groups.getByRole('link', { name: groupName })).toBeVisible();
    await expect(page).toHaveURL(/type=groups.*search=/);
    // The header and the one group found; the other group is not listed.
    await expect(groups.getByRole('row')).toHaveCount(2);
    await expect(groups.getByRole('link', { name: otherGroupName })).toHaveCount(0);
    // Without the search, both are there: the search is what left the other out.
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page).not.toHaveURL(/search=/);
    await expect(page).toHaveURL(/type=groups/);
    await expect(groups.getByRole('link', { name: otherGroupName })).toBeVisible();
    await expect(groups.getByRole('link', { name: groupName })).toBeVisible();
  });

  await test.step("a user's page: attributes, its groups, its state in the target with a link to its log", async () => {
    await page.goto(`/console/directory?search=${encodeURIComponent(ada.userName)}`);
    await page.getByRole('link', { name: ada.userName }).click();
    await expect(page.getByRole('heading', { level: 1, name: ada.userName })).toBeVisible();
    await expect(page.getByRole('region', { name: 'All attributes table' })).toContainText('Ada Lovelace');
    await expect(page.getByRole('link', { name: groupName })).toBeVisible();
    const row = page.getByRole('region', { name: 'State in each target table' }).getByRole('row', {
      name: new RegExp(targetName),
    });
    await expect(row).toContainText('Yes: the target syncs all users and groups');
    await expect(row.getByRole('cell').nth(1)).toHaveText(/^Yes/, { timeout: 15_000 });
    // The newest entry: the Create, or a later attempt that found nothing to change.
    await expect(row.getByRole('cell').nth(3)).toHaveText(/^(Create Success|Other Skipped)/);
    const logLink = row.getByRole('link', { name: 'Log entries' });
    await expect(logLink).toHaveAttribute(
      'href',
      new RegExp(`objectId=${ada.id}&targetId=${target.body.id}`),
    );
    await logLink.click();
    await expect(page.getByRole('heading', { level: 1, name: 'Provisioning logs' })).toBeVisible();
    await expect(page.getByLabel('Identity (object id)')).toHaveValue(ada.id);
    await expect(page.getByRole('row').filter({ hasText: ada.userName }).first()).toContainText('Create');
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1, name: ada.userName })).toBeVisible();
  });

  await test.step('the history: created by the HR token; a PATCH appears with its request id, without a reload', async () => {
    const history = page.getByRole('region', { name: 'History table' });
    await expect(history.getByRole('row').filter({ hasText: 'Created' })).toContainText(`${hrName} (token)`);
    await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
    const patched = await scimAs(
      gateway,
      hr.body.token,
      'PATCH',
      `/Users/${ada.id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Analyst' }] },
      `req-${stamp}`,
    );
    expect(patched.status).toBe(200);
    const row = history.getByRole('row').filter({ hasText: `req-${stamp}` });
    await expect(row).toBeVisible();
    await expect(row).toContainText('Changed (PATCH)');
    await expect(row).toContainText(`${hrName} (token)`);
    await expect(row).toContainText('title = Analyst');
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
  });

  await test.step('a soft-deleted user is found only with "Show soft-deleted"', async () => {
    expect((await scimAs(gateway, hr.body.token, 'DELETE', `/Users/${grace.id}`)).status).toBe(204);
    await nav(page, 'Directory');
    await page.getByLabel('Search', { exact: true }).fill(grace.userName);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByText('No user matches.')).toBeVisible();
    await page.getByLabel('Show soft-deleted').check();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page).toHaveURL(/deleted=1/);
    const row = table.getByRole('row').filter({ hasText: grace.userName });
    await expect(row).toContainText('Soft-deleted');
    await row.getByRole('link', { name: grace.userName }).click();
    await expect(page.getByRole('heading', { level: 1, name: grace.userName })).toContainText('Soft-deleted');
    await expect(page.getByRole('region', { name: 'History table' })).toContainText('Soft-deleted');
  });
});

test('tokens: the secret shown once, working, never listed; revoked with confirmation; both in the audit log', async ({
  page,
  gateway,
  browserErrors,
}) => {
  const name = `ci-${Date.now().toString(36)}`;
  // Another token's entries, which the audit filter must leave out.
  expect((await gateway.admin('POST', '/tokens', { name: `other-${name}`, scopes: ['scim'] })).status).toBe(
    201,
  );
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page);
  await nav(page, 'Tokens');

  let secret = '';
  await test.step('create: the secret once, with a copy button and the warning', async () => {
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('SCIM: HR pushes and SCIM reads').check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const box = page.getByRole('region', { name: `Secret of ${name}` });
    await expect(box).toContainText('you will not see it again');
    secret = await box.getByLabel(`Secret of ${name}`).inputValue();
    expect(secret).toMatch(/^scgw_/);
    expect(await seriousViolations(page), 'tokens with the secret shown').toEqual([]);
    await box.getByRole('button', { name: 'Copy' }).click();
    await expect(box).toContainText('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  });

  await test.step('the token works against the API', async () => {
    const res = await fetch(`${gateway.base}/scim/v2/Users?count=1`, {
      headers: { Authorization: `Bearer ${secret}` },
    });
    expect(res.status).toBe(200);
  });

  await test.step('the list shows the token, never its secret, again', async () => {
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('region', { name: `Secret of ${name}` })).toHaveCount(0);
    const row = page
      .getByRole('region', { name: 'Tokens table' })
      .getByRole('row', { name: new RegExp(`^${name} `) });
    await expect(row).toContainText('scim');
    await expect(row).toContainText('Never');
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await expect(row).toBeVisible();
    expect(await page.content()).not.toContain(secret);
    expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }))).not.toContain(
      secret,
    );
  });

  let tokenId = '';
  await test.step('revoke after confirming: the token stops working', async () => {
    const row = page
      .getByRole('region', { name: 'Tokens table' })
      .getByRole('row', { name: new RegExp(`^${name} `) });
    tokenId = (await row.getAttribute('data-token')) ?? '';
    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Revoke ${name}?` });
    await expect(dialog).toContainText('cannot be undone');
    expect(await seriousViolations(page), 'tokens with the confirmation open').toEqual([]);
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await expect(page.getByText(`${name} is revoked`)).toBeVisible();
    await expect(row).toHaveCount(0);
    const res = await fetch(`${gateway.base}/scim/v2/Users?count=1`, {
      headers: { Authorization: `Bearer ${secret}` },
    });
    expect(res.status).toBe(401);
  });

  await test.step('the audit log shows the creation and the revocation, filtered by the token', async () => {
    await nav(page, 'Audit log');
    await page.getByLabel('Object type').selectOption('token');
    await page.getByLabel('Object id').fill(tokenId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(new RegExp(`objectType=token&objectId=${tokenId}`));
    const rows = page.getByRole('region', { name: 'Audit log table' }).locator('tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('token.revoke');
    await expect(rows.nth(1)).toContainText('token.create');
    await rows
      .nth(1)
      .getByRole('button', { name: /Show before and after of token.create/ })
      .click();
    const detail = page.locator(`tr.expanded`);
    await expect(detail.getByRole('heading', { name: 'After' })).toBeVisible();
    await expect(detail).toContainText(`"name": "${name}"`);
    await expect(detail).not.toContainText(secret);
    expect(await seriousViolations(page), 'audit log with a row expanded').toEqual([]);
    // A filter the API refuses says so.
    await page.getByLabel('Action').fill('Not An Action');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByRole('alert')).toContainText('action must be');
    dropRefusals(browserErrors, 400);
  });

  // The admin token of the sign-in made the changes.
  const { body: tokens } = await gateway.admin<{ id: string; name: string }[]>('GET', '/tokens');
  expect(tokens.map((t) => t.id)).not.toContain(tokenId);
});

test('schema extensions: the API refuses a bad one with its reasons; a good one is registered and listed', async ({
  page,
  browserErrors,
}) => {
  const urn = `urn:ietf:params:scim:schemas:extension:ci${Date.now().toString(36)}:1.0:User`;
  await signIn(page);
  await nav(page, 'Schema extensions');

  await page.getByLabel('URN (id)').fill('not a urn');
  await page.getByLabel('Name', { exact: true }).first().fill('Contoso');
  const first = page.getByRole('group', { name: 'Attribute 1' });
  await first.getByLabel('Name').fill('cost center');
  await page.getByRole('button', { name: 'Register' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('id must be a URN');
  await expect(alert).toContainText('name must be a SCIM attribute name');
  dropRefusals(browserErrors, 400);

  await page.getByLabel('URN (id)').fill(urn);
  await first.getByLabel('Name').fill('costCenter');
  await page.getByRole('button', { name: 'Add an attribute' }).click();
  const second = page.getByRole('group', { name: 'Attribute 2' });
  await second.getByLabel('Name').fill('badgeIds');
  await second.getByLabel('Type').selectOption('integer');
  await second.getByLabel('Multi-valued').check();
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByText(`Registered ${urn}.`)).toBeVisible();
  const listed = page.getByRole('region', { name: `Attributes of Contoso` });
  await expect(listed.getByRole('row', { name: /costCenter/ })).toContainText('string');
  await expect(listed.getByRole('row', { name: /badgeIds/ })).toContainText('integer');
  await expect(
    listed
      .getByRole('row', { name: /badgeIds/ })
      .getByRole('cell')
      .nth(1),
  ).toHaveText('Yes');

  // The same URN again: 409, said in words.
  await page.getByLabel('URN (id)').fill(urn);
  await page.getByRole('group', { name: 'Attribute 1' }).getByLabel('Name').fill('other');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('alert')).toContainText('already registered');
  dropRefusals(browserErrors, 409);
});

test('directory, object, tokens, audit and schema pages: no serious accessibility violation, no sideways scrolling', async ({
  page,
  gateway,
}) => {
  const stamp = Date.now().toString(36);
  const created = await gateway.scim<{ id: string }>('POST', '/Users', {
    schemas: [USER],
    userName: `a11y.${stamp}-with-a-rather-long-name-for-a-phone@example.com`,
    displayName: 'Accessible Person',
  });
  const group = await gateway.scim<{ id: string }>('POST', '/Groups', {
    schemas: [GROUP],
    displayName: `Readers ${stamp}`,
    members: [{ value: created.body.id }],
  });
  await signIn(page);
  const pages: [string, string][] = [
    ['directory', '/console/directory'],
    ['directory groups', '/console/directory?type=groups&deleted=1'],
    ['user', `/console/directory/users/${created.body.id}`],
    ['group', `/console/directory/groups/${group.body.id}`],
    ['tokens', '/console/tokens'],
    ['audit', '/console/audit'],
    ['schemas', '/console/schemas'],
  ];
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 1280 ? 800 : 812 });
    for (const [what, url] of pages) {
      await page.goto(url);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await page.waitForLoadState('networkidle');
      if (what === 'audit' && (await page.locator('tbody tr').count()) > 0)
        await page.locator('tbody tr').first().getByRole('button').click();
      expect(await seriousViolations(page), `${what} at ${width} px`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${what} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
    }
  }
});
