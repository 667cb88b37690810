import { startFakeScimTarget, FakeScimTarget, RecordedRequest } from '../support/fake-scim-target';
import { byUserName, createUser, ENTERPRISE, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const TOKEN = 'tok-0123456789';

interface Summary {
  startedAt: string;
  queued: { users: number; groups: number; goneFromDirectory: number };
  comparedByListing: { listed: number; pages: number; unchanged: number } | null;
}

/**
 * A full reconciliation compares the target's users with one listing of them (a page per request) instead of a
 * `GET` of each: the users the listing shows as they would be sent are settled without a request, and only those
 * that differ are queued and repaired the usual way.
 */
describe('reconciliation by listing', () => {
  let t: TestApp;
  const fakes: FakeScimTarget[] = [];

  beforeAll(async () => {
    // Small numbers here: a listing is made from the first object the target holds.
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50', RECONCILE_LISTING_MIN_OBJECTS: '1' } });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all(fakes.map((f) => f.close()));
  });

  const status = async (id: string) =>
    (await t.admin('get', `/targets/${id}/status`).expect(200)).body as {
      pending: { objects: number };
      reconciliation: { requested: boolean; summary: Summary | null };
    };

  const reconciled = (id: string, since: number) =>
    waitFor(
      'the reconciliation done',
      async () => {
        const s = await status(id);
        const summary = s.reconciliation.summary;
        const done =
          summary !== null &&
          Date.parse(summary.startedAt) >= since &&
          !s.reconciliation.requested &&
          s.pending.objects === 0;
        return done ? summary : null;
      },
      20_000,
    );

  const restart = async (id: string, fake: FakeScimTarget) => {
    const since = Date.now();
    const before = fake.requests.length;
    await t.admin('post', `/targets/${id}/restart`).expect(202);
    const summary = await reconciled(id, since);
    return { summary, requests: fake.requests.slice(before) };
  };

  /**
   * Account discovery's tests: joiners are looked up, never matched by a listing of their own (the match index), so
   * that every listing the target sees is the comparison's or discovery's; `env` adds settings of the test's own.
   */
  const discoveryApp = async (env: Record<string, string> = {}) => {
    t = await t.restart({ MATCH_INDEX_MAX_ACCOUNTS: '0', ...env });
  };

  /** Requests to the target's users, without the listings (of the comparison and of account discovery). */
  const byId = (requests: RecordedRequest[]) => requests.filter((r) => r.path.startsWith('/Users/'));
  const writes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');
  const listingPages = (requests: RecordedRequest[]) =>
    requests.filter(
      (r) => r.method === 'GET' && r.path === '/Users' && !r.query.filter && !r.query.attributes,
    );

  /** A target with `n` users in sync (one of them the others' manager, one disabled), its first cycle over. */
  async function inSync(prefix: string, n: number) {
    const fake = await startFakeScimTarget({ bearerToken: TOKEN, maxPageSize: 3, acceptDuplicates: true });
    fakes.push(fake);
    const boss = await createUser(t, `${prefix}.boss@example.com`, { title: 'Head' });
    const ids = [boss];
    for (let i = 1; i < n; i++)
      ids.push(
        await createUser(t, `${prefix}.${i}@example.com`, {
          title: 'Analyst',
          [ENTERPRISE]: { department: 'Sales', manager: { value: boss } },
        }),
      );
    const id = await registerTarget(t, fake, { scope: 'assigned' });
    for (const principal of ids)
      await t
        .admin('post', `/targets/${id}/assignments`)
        .send({ principalType: 'User', principalId: principal })
        .expect(201);
    await waitFor(`${n} users in the target`, () => fake.users().length === n, 20_000);
    // One leaver, disabled in the target.
    await t
      .scim('patch', `/Users/${ids[n - 1]}`)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })
      .expect(200);
    await waitFor(
      'the leaver disabled',
      () => byUserName(fake, `${prefix}.${n - 1}@example.com`)?.active === false,
    );
    await reconciled(id, 0);
    return { fake, id, ids };
  }

  it('settles every user the listing shows as it would be sent, with no request of its own', async () => {
    const { fake, id } = await inSync('calm', 8);
    const { summary, requests } = await restart(id, fake);
    expect(byId(requests)).toEqual([]);
    expect(writes(requests)).toEqual([]);
    // 8 users, 3 a page: read once.
    expect(listingPages(requests).map((r) => r.query.startIndex)).toEqual(['1', '4', '7']);
    expect(summary.comparedByListing).toMatchObject({ listed: 8, pages: 3, unchanged: 8 });
  });

  it('repairs only what drifted in the app: a changed value is patched back, a deleted account recreated', async () => {
    const { fake, id } = await inSync('drift', 6);
    const changed = byUserName(fake, 'drift.2@example.com')!;
    const deleted = byUserName(fake, 'drift.3@example.com')!;
    // Someone changes the app directly.
    const direct = (method: string, path: string, body?: unknown) =>
      fetch(`${fake.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect(
      (
        await direct('PATCH', `/Users/${changed.id as string}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'title', value: 'Changed in the app' }],
        })
      ).status,
    ).toBe(200);
    expect((await direct('DELETE', `/Users/${deleted.id as string}`)).status).toBe(204);

    const { summary, requests } = await restart(id, fake);
    expect(summary.comparedByListing).toMatchObject({ listed: 5, unchanged: 4 });
    // The changed one read by itself and patched back; the deleted one read (404) and created again; nobody else.
    const touched = new Set(byId(requests).map((r) => r.path));
    expect([...touched].sort()).toEqual(
      [`/Users/${changed.id as string}`, `/Users/${deleted.id as string}`].sort(),
    );
    expect(writes(requests).map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([`PATCH /Users/${changed.id as string}`, 'POST /Users']),
    );
    expect(writes(requests)).toHaveLength(2);
    expect(byUserName(fake, 'drift.2@example.com')!.title).toBe('Analyst');
    // Recreated once (the target takes duplicates, so a second create would show).
    expect(fake.users().filter((u) => u.userName === 'drift.3@example.com')).toHaveLength(1);
  });

  it('reads each user by itself when the target refuses the listing', async () => {
    const { fake, id } = await inSync('refused', 5);
    fake.failNext(1, { status: 403, body: { detail: 'listing not allowed' } }, { path: /^\/Users$/ });
    const { summary, requests } = await restart(id, fake);
    expect(summary.comparedByListing).toBeNull();
    expect(byId(requests).filter((r) => r.method === 'GET')).toHaveLength(5);
    expect(writes(requests)).toEqual([]);
  });
  it('serves account discovery from the same listing: no second listing, and a joiner its work adopted is no orphan', async () => {
    await discoveryApp();
    const { fake, id } = await inSync('found', 4);
    const seed = (userName: string) =>
      fake.seed('Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true });
    seed('found.ghost1@example.com');
    seed('found.ghost2@example.com');
    // A directory user whose account exists in the app already, assigned while the target is paused: the
    // reconciliation's listing finds the account held by no one, and its work then adopts it.
    seed('found.late@example.com');
    type Scan = {
      listed: number;
      linked: number;
      orphans: number;
      listing?: string;
      awaitingDrain?: boolean;
      linkedSince?: number;
    };
    const orphanPage = async () =>
      (await t.admin('get', `/targets/${id}/orphans`).expect(200)).body as {
        lastScan: Scan | null;
        orphans: { userName: string; directoryCandidate: { id: string } | null }[];
      };
    const late = await createUser(t, 'found.late@example.com', { title: 'Analyst' });
    // The first cycle held nothing to compare with a listing: discovery listed the target itself after it.
    await waitFor(
      "the first cycle's own discovery",
      async () => (await orphanPage()).lastScan?.listing === 'own',
    );
    await t.admin('post', `/targets/${id}/pause`).expect(200);
    await t
      .admin('post', `/targets/${id}/assignments`)
      .send({ principalType: 'User', principalId: late })
      .expect(201);
    const since = Date.now();
    const before = fake.requests.length;
    await t.admin('post', `/targets/${id}/restart`).expect(202);
    const listed = await waitFor('the listing recorded, the work not drained (paused)', async () => {
      const p = await orphanPage();
      return p.lastScan?.awaitingDrain &&
        Date.parse((await status(id)).reconciliation.summary!.startedAt) >= since
        ? p
        : null;
    });
    expect(listed.lastScan).toMatchObject({ listing: 'reconciliation', listed: 7, linked: 4, orphans: 3 });
    expect(listed.orphans.map((o) => o.userName).sort()).toEqual([
      'found.ghost1@example.com',
      'found.ghost2@example.com',
      'found.late@example.com',
    ]);
    expect(listed.orphans.find((o) => o.userName === 'found.late@example.com')!.directoryCandidate).toEqual(
      expect.objectContaining({ id: late }),
    );

    await t.admin('post', `/targets/${id}/resume`).expect(200);
    // Read from the target's runtime row: listing the orphans would itself drop the finding of the joiner adopted
    // meanwhile (the orphans spec checks that), and this checks that the settling does.
    const scanOf = async () => {
      const [row] = await t.dataSource.query<{ last_orphan_scan: string | null }[]>(
        'SELECT last_orphan_scan FROM target_runtime WHERE target_id = ?',
        [id],
      );
      return row?.last_orphan_scan ? (JSON.parse(row.last_orphan_scan) as Scan) : null;
    };
    const settledScan = await waitFor('the discovery settled after the drain', async () => {
      const scan = await scanOf();
      return scan && !scan.awaitingDrain ? scan : null;
    });
    const settled = await orphanPage();
    expect(settledScan).toMatchObject({
      listing: 'reconciliation',
      listed: 7,
      linked: 5,
      orphans: 2,
      linkedSince: 1,
    });
    expect(settled.orphans.map((o) => o.userName).sort()).toEqual([
      'found.ghost1@example.com',
      'found.ghost2@example.com',
    ]);
    const requests = fake.requests.slice(before);
    // One listing only (7 accounts, 3 a page), and none of discovery's own.
    expect(listingPages(requests).map((r) => r.query.startIndex)).toEqual(['1', '4', '7']);
    expect(requests.filter((r) => r.method === 'GET' && r.path === '/Users' && r.query.attributes)).toEqual(
      [],
    );
    // The late joiner was adopted, not created again.
    expect(fake.users().filter((u) => u.userName === 'found.late@example.com')).toHaveLength(1);
    expect(writes(requests).filter((r) => r.method === 'POST')).toEqual([]);
  });
  it('has discovery list the target itself when the last reconciliation made no listing (an older one waiting is not used)', async () => {
    await discoveryApp();
    const { fake, id } = await inSync('stale', 3);
    const lastScan = async () =>
      (await t.admin('get', `/targets/${id}/orphans`).expect(200)).body.lastScan as {
        startedAt: string;
        listing?: string;
        awaitingDrain?: boolean;
      } | null;
    await waitFor("the first cycle's own discovery", async () => (await lastScan())?.listing === 'own');
    // An earlier reconciliation listed the target and stopped before its work was queued (a crash, say).
    const stale = {
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      finishedAt: new Date().toISOString(),
    };
    await t.dataSource.query('UPDATE target_runtime SET last_orphan_scan = ? WHERE target_id = ?', [
      JSON.stringify({
        ...stale,
        complete: true,
        listed: 3,
        linked: 3,
        orphans: 0,
        withDirectoryCandidate: 0,
        listing: 'reconciliation',
        awaitingDrain: true,
      }),
      id,
    ]);
    // This one cannot list (refused): its summary must not be the older listing's.
    fake.failNext(1, { status: 403, body: { detail: 'listing not allowed' } }, { path: /^\/Users$/ });
    const since = Date.now();
    await t.admin('post', `/targets/${id}/restart`).expect(202);
    const scan = await waitFor('discovery after the reconciliation', async () => {
      const s = await lastScan();
      return s && Date.parse(s.startedAt) >= since ? s : null;
    });
    expect(scan).toMatchObject({ listing: 'own', complete: true, listed: 3 });
  });
  it("stops recording at ORPHAN_SCAN_MAX_ACCOUNTS from the reconciliation's listing too, and says so", async () => {
    await discoveryApp({ ORPHAN_SCAN_MAX_ACCOUNTS: '5' });
    const { fake, id } = await inSync('capped', 3);
    for (const name of ['ghost1', 'ghost2', 'ghost3', 'ghost4'])
      fake.seed('Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `capped.${name}@example.com`,
        active: true,
      });
    const lastScan = async () =>
      (await t.admin('get', `/targets/${id}/orphans`).expect(200)).body as {
        lastScan: { startedAt: string; awaitingDrain?: boolean } | null;
        orphans: { userName: string }[];
      };
    const since = Date.now();
    await t.admin('post', `/targets/${id}/restart`).expect(202);
    const page = await waitFor('discovery from the reconciliation, settled', async () => {
      const p = await lastScan();
      return p.lastScan && Date.parse(p.lastScan.startedAt) >= since && !p.lastScan.awaitingDrain ? p : null;
    });
    // 7 accounts, 3 a page: the bound falls inside the second page; what lies beyond it is not recorded.
    expect(page.lastScan).toMatchObject({
      listing: 'reconciliation',
      complete: false,
      listed: 5,
      linked: 3,
      orphans: 2,
      stoppedBecause: 'stopped after 5 accounts (ORPHAN_SCAN_MAX_ACCOUNTS)',
    });
    expect(page.orphans.map((o) => o.userName).sort()).toEqual([
      'capped.ghost1@example.com',
      'capped.ghost2@example.com',
    ]);
  });
});
