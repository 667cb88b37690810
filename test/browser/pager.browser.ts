import { expect, signIn, test } from './support/fixtures';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

// The list pages share one pager and one URL filter form (console/src/components/Pager.tsx, FilterForm.tsx);
// the directory's users, 50 a page, drive both here.
test('a list page: filters kept in the URL, the next page on request, the loaded pages dropped when the filters change', async ({
  page,
  gateway,
  browserErrors,
}) => {
  const stamp = `pg${Date.now().toString(36)}`;
  const names = Array.from({ length: 55 }, (_, i) => `${stamp}.u${i}@example.com`);
  for (let i = 0; i < names.length; i += 11) {
    const created = await Promise.all(
      names
        .slice(i, i + 11)
        .map((userName) => gateway.scim('POST', '/Users', { schemas: [USER], userName, active: true })),
    );
    expect(created.map((r) => r.status)).toEqual(created.map(() => 201));
  }

  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Directory' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Directory' })).toBeVisible();
  const rows = page.getByRole('region', { name: 'Users table' }).locator('tbody tr');
  const more = page.getByRole('button', { name: 'Load more users' });

  await test.step('the first page, then the next one on request, no row twice', async () => {
    // Enter in a field submits the filter form.
    await page.getByLabel('Search', { exact: true }).fill(`${stamp}.`);
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await expect(page).toHaveURL(new RegExp(`[?&]search=${stamp}\\.`));
    await expect(rows).toHaveCount(50);
    await more.click();
    await expect(rows).toHaveCount(55);
    await expect(more).toHaveCount(0);
    const shown = await rows.locator('td:first-child').allInnerTexts();
    expect(new Set(shown).size).toBe(55);
    expect([...shown].sort()).toEqual([...names].sort());
  });

  await test.step('new filters: the pages loaded before are dropped', async () => {
    await page.getByLabel('Search', { exact: true }).fill(`${stamp}.u1`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`[?&]search=${stamp}\\.u1(&|$)`));
    // u1 and u10 to u19.
    await expect(rows).toHaveCount(11);
    await expect(more).toHaveCount(0);
  });

  await test.step('the URL restores the filters; Reset clears them', async () => {
    await page.reload();
    await expect(page.getByLabel('Search', { exact: true })).toHaveValue(`${stamp}.u1`);
    await expect(rows).toHaveCount(11);
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page).not.toHaveURL(/search=/);
    await expect(page.getByLabel('Search', { exact: true })).toHaveValue('');
  });
  expect(browserErrors).toEqual([]);
});
