import { startFakeScimTarget, type FakeScimTarget } from '../support/fake-scim-target';
import { startGateway, type Gateway } from './support/gateway';
import { checkPage, createUser, expect, signIn, test as base } from './support/fixtures';

/**
 * A requested full reconciliation waiting for its turn (`RECONCILE_MAX_CONCURRENT`): the target page says so, with
 * how many are ahead of it, instead of a bare "requested". A gateway of this file's own runs one at a time, and each
 * reconciliation starts with a listing of its target, which the fake targets answer after a few seconds.
 */
const LISTING_MS = 4000;
const test = base.extend<object, { gateway: Gateway; slowTargets: FakeScimTarget[] }>({
  gateway: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function names from its pattern
    async ({}, use) => {
      const gateway = await startGateway({
        RECONCILE_MAX_CONCURRENT: '1',
        RECONCILE_LISTING_MIN_OBJECTS: '0',
      });
      await use(gateway);
      await gateway.stop();
    },
    { scope: 'worker' },
  ],
  slowTargets: [
    // eslint-disable-next-line no-empty-pattern -- as above
    async ({}, use) => {
      const targets: FakeScimTarget[] = [];
      for (let i = 0; i < 3; i++)
        targets.push(await startFakeScimTarget({ bearerToken: 'fake-target-token-0123' }));
      await use(targets);
      await Promise.all(targets.map((t) => t.close()));
    },
    { scope: 'worker' },
  ],
});

type Turn = { state: 'running' } | { state: 'waiting'; ahead: number } | null;

test('a reconciliation waiting for its turn says so on the target page, and how many are ahead', async ({
  page,
  gateway,
  slowTargets,
}) => {
  await createUser(gateway, 'turns.ada@example.com', 'Ada Lovelace');
  for (const target of slowTargets) target.slow(LISTING_MS, { method: 'GET', path: '/Users' });
  const ids: string[] = [];
  for (const [i, target] of slowTargets.entries()) {
    const res = await gateway.admin<{ id: string }>('POST', '/targets', {
      name: `turns-${i}`,
      baseUrl: target.url,
      auth: { type: 'bearer', token: 'fake-target-token-0123' },
      scope: 'all',
      provisionGroups: false,
    });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  // The last one in line: two ahead of it once the engine has seen all three (the first is running).
  const turnOf = async (id: string) =>
    (await gateway.admin<{ reconciliation: { turn: Turn } }>('GET', `/targets/${id}/status`)).body
      .reconciliation.turn;
  await expect
    .poll(() => turnOf(ids[2]), { timeout: LISTING_MS })
    .toMatchObject({ state: 'waiting', ahead: 1 });

  await signIn(page);
  await page.goto(`/console/targets/${ids[2]}`);
  const fact = page.locator('[data-fact="reconcile-turn"]');
  await expect(fact).toHaveText(
    /^Waiting for a turn: [01] ahead of it, 1 of 1 running at once \(RECONCILE_MAX_CONCURRENT\)\.$/,
  );
  await checkPage(page, 'target page, a reconciliation waiting for its turn');
  // Its turn comes, it runs, and once it is over the line goes.
  await expect(fact).toHaveText('Running.', { timeout: 3 * LISTING_MS });
  await expect(fact).toHaveCount(0, { timeout: 3 * LISTING_MS });
  for (const target of slowTargets)
    await expect
      .poll(() => target.users().map((u) => u.userName), { timeout: 3 * LISTING_MS })
      .toEqual(['turns.ada@example.com']);
});
