import { startFakeScimTarget, FakeScimTarget, type FaultScope } from '../support/fake-scim-target';
import { byUserName, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

interface OrphanView {
  targetObjectId: string;
  userName: string | null;
  active: boolean | null;
  state: string;
  directoryCandidate: { id: string; displayName: string } | null;
}
interface OrphanPage {
  lastScan: {
    complete: boolean;
    listed: number;
    linked: number;
    orphans: number;
    stoppedBecause?: string;
  } | null;
  counts: { open: number; total: number };
  orphans: OrphanView[];
  next: string | null;
}

/**
 * Account discovery: after a full reconciliation has delivered its work, the target is listed page by page and the
 * accounts no directory object holds are recorded; an admin disables, deletes or links them. Nothing is sent to an
 * orphan unless an admin asks.
 */
describe('orphan accounts', () => {
  let t: TestApp;
  let app: FakeScimTarget;
  let targetId: string;
  const ids: Record<string, string> = {};
  const account = (userName: string) => byUserName(app, userName)!.id as string;

  beforeAll(async () => {
    // Two accounts a page at most, whatever the gateway asks: the listing must follow the target's own page size.
    app = await startFakeScimTarget({ maxPageSize: 2 });
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    for (const name of ['alice', 'dave', 'erin']) ids[name] = await createUser(t, `${name}@example.com`);
    for (const name of ['alice', 'dave', 'ghost1', 'ghost2', 'ghost3'])
      app.seed('Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `${name}@example.com`,
        emails: [{ type: 'work', value: `${name}@example.com`, primary: true }],
        active: true,
      });
    // Only alice is assigned: dave's account matches a directory user that is not in scope. Assigned before the
    // target starts, so that its initial reconciliation (which walks the assignments) already links her account.
    targetId = await registerTarget(t, app, { scope: 'assigned', enabled: false });
    await t
      .admin('post', `/targets/${targetId}/assignments`)
      .send({ principalType: 'User', principalId: ids.alice })
      .expect(201);
    await t.admin('patch', `/targets/${targetId}`).send({ enabled: true }).expect(200);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await app?.close();
  });

  const orphans = async (query = '') =>
    (await t.admin('get', `/targets/${targetId}/orphans${query}`).expect(200)).body as OrphanPage;

  it('lists the target after the initial reconciliation and records the accounts no directory object holds', async () => {
    const page = await waitFor('the listing after the reconciliation', async () => {
      const p = await orphans();
      return p.lastScan ? p : null;
    });
    expect(page.lastScan).toMatchObject({ complete: true, listed: 5, linked: 1, orphans: 4 });
    expect(page.orphans.map((o) => o.userName).sort()).toEqual([
      'dave@example.com',
      'ghost1@example.com',
      'ghost2@example.com',
      'ghost3@example.com',
    ]);
    const dave = page.orphans.find((o) => o.userName === 'dave@example.com')!;
    expect(dave).toMatchObject({ state: 'open', active: true, directoryCandidate: { id: ids.dave } });
    expect(page.orphans.filter((o) => o.directoryCandidate === null)).toHaveLength(3);
    expect((await orphans('?matched=true')).orphans.map((o) => o.userName)).toEqual(['dave@example.com']);

    // Paged at the target's size (2), asked without a filter, for the attributes discovery needs.
    const listing = app.requests.filter((r) => r.method === 'GET' && r.path === '/Users' && !r.query.filter);
    expect(listing.map((r) => r.query.startIndex)).toEqual(['1', '3', '5']);
    expect(listing[0].query.attributes).toBe('userName,externalId,active');
    // Alice was adopted by the reconciliation; no orphan received anything.
    const orphanIds = new Set(page.orphans.map((o) => o.targetObjectId));
    expect(app.requests.filter((r) => r.method !== 'GET' && orphanIds.has(r.path.split('/')[2]))).toEqual([]);
  });

  it('pages the orphans with a cursor', async () => {
    const first = await orphans('?limit=3');
    expect(first.orphans).toHaveLength(3);
    const second = await orphans(`?limit=3&cursor=${encodeURIComponent(first.next!)}`);
    expect(second.orphans).toHaveLength(1);
    expect(second.next).toBeNull();
    expect(first.counts).toEqual({ open: 4, total: 4 });
  });

  it('disables and deletes an orphan only when an admin asks', async () => {
    const ghost1 = account('ghost1@example.com');
    const disabled = await t.admin('post', `/targets/${targetId}/orphans/${ghost1}/disable`).expect(200);
    expect(disabled.body).toMatchObject({
      orphan: { state: 'disabled', active: false },
      target: { ok: true },
    });
    expect(byUserName(app, 'ghost1@example.com')!.active).toBe(false);
    const patch = app.requests.filter((r) => r.method === 'PATCH' && r.path === `/Users/${ghost1}`);
    expect(patch).toHaveLength(1);

    const ghost2 = account('ghost2@example.com');
    const deleted = await t.admin('post', `/targets/${targetId}/orphans/${ghost2}/delete`).expect(200);
    expect(deleted.body).toMatchObject({ orphan: { state: 'deleted' }, target: { ok: true, status: 204 } });
    expect(byUserName(app, 'ghost2@example.com')).toBeUndefined();
  });

  it('links an orphan to a directory user: adopted and updated, never created', async () => {
    const ghost3 = account('ghost3@example.com');
    // erin is not assigned: a linked account would be a leaver at once, so the link is refused.
    const refused = await t
      .admin('post', `/targets/${targetId}/orphans/${ghost3}/link`)
      .send({ userId: ids.erin })
      .expect(409);
    expect(refused.body.message).toMatch(/not in this target's scope \(not assigned/);

    // Paused, so that assigning erin does not provision her before the link.
    await t.admin('post', `/targets/${targetId}/pause`).expect(200);
    await t
      .admin('post', `/targets/${targetId}/assignments`)
      .send({ principalType: 'User', principalId: ids.erin })
      .expect(201);
    const before = app.requests.length;
    const linked = await t
      .admin('post', `/targets/${targetId}/orphans/${ghost3}/link`)
      .send({ userId: ids.erin })
      .expect(200);
    expect(linked.body).toMatchObject({ orphan: { state: 'linked' }, provisioning: { status: 'Success' } });
    const sent = app.requests.slice(before);
    expect(sent.filter((r) => r.method === 'POST')).toEqual([]);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /Users/${ghost3}`,
      `PATCH /Users/${ghost3}`,
    ]);
    expect(app.users().find((u) => u.id === ghost3)!.userName).toBe('erin@example.com');

    // Resumed: erin's queued assignment finds her account by its stored id; still no create.
    await t.admin('post', `/targets/${targetId}/resume`).expect(200);
    await waitFor('erin settled', async () => {
      const [row] = await t.dataSource.query<{ pending: number | boolean; target_object_id: string }[]>(
        "SELECT pending, target_object_id FROM provisioned_object WHERE target_id = ? AND object_type = 'User' AND object_id = ?",
        [targetId, ids.erin],
      );
      return row && !Number(row.pending) ? row : null;
    });
    expect(app.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(app.users().filter((u) => u.userName === 'erin@example.com')).toHaveLength(1);

    // The account is the user's now: linking it again, or linking erin to another account, is a conflict.
    await t
      .admin('post', `/targets/${targetId}/orphans/${ghost3}/link`)
      .send({ userId: ids.erin })
      .expect(409);
    const ghost1 = account('ghost1@example.com');
    const twice = await t
      .admin('post', `/targets/${targetId}/orphans/${ghost1}/link`)
      .send({ userId: ids.erin })
      .expect(409);
    expect(twice.body.message).toMatch(/already holds an account/);
  });

  it('a new listing drops what is gone or linked and keeps what is still there', async () => {
    const scan = await t.admin('post', `/targets/${targetId}/orphans/scan`).expect(200);
    expect(scan.body).toMatchObject({ complete: true, listed: 4, linked: 2, orphans: 2 });
    const page = await orphans();
    const found = page.orphans.map((o) => [o.userName, o.state, o.active]);
    expect(found.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['dave@example.com', 'open', true],
      ['ghost1@example.com', 'disabled', false],
    ]);
  });

  it('an incomplete listing keeps the earlier findings and says why it stopped', async () => {
    app.failNext(
      1,
      { status: 403, body: { detail: 'listing is not allowed' } },
      { path: '/Users', method: 'GET' },
    );
    const scan = await t.admin('post', `/targets/${targetId}/orphans/scan`).expect(200);
    expect(scan.body.complete).toBe(false);
    expect(scan.body.stoppedBecause).toMatch(/refused the listing at startIndex 1: 403/);
    expect((await orphans()).orphans).toHaveLength(2);
  });

  it('answers bad input with 4xx and changes nothing', async () => {
    await t.admin('get', '/targets/no-such-target/orphans').expect(404);
    await t.admin('get', `/targets/${targetId}/orphans?limit=0`).expect(400);
    const matched = await t.admin('get', `/targets/${targetId}/orphans?matched=maybe`).expect(400);
    expect(JSON.stringify(matched.body)).toMatch(/matched must be true or false/);
    await t.admin('post', `/targets/${targetId}/orphans/no-such-account/disable`).expect(404);
    const ghost1 = account('ghost1@example.com');
    await t.admin('post', `/targets/${targetId}/orphans/${ghost1}/link`).send({ userId: 'nope' }).expect(400);
    await t
      .admin('post', `/targets/${targetId}/orphans/${ghost1}/link`)
      .send({ userId: '00000000-0000-4000-8000-000000000000' })
      .expect(404);
    expect((await orphans()).orphans.map((o) => o.state).sort()).toEqual(['disabled', 'open']);
  });

  it('hides a finding whose account a directory user has taken since the listing, refuses to act on it, and changes nothing until the next listing', async () => {
    const dave = account('dave@example.com');
    expect((await orphans()).orphans.map((o) => o.targetObjectId)).toContain(dave);
    const findings = () =>
      t.dataSource.query<{ target_object_id: string; state: string }[]>(
        'SELECT target_object_id, state FROM orphan_account WHERE target_id = ? ORDER BY target_object_id',
        [targetId],
      );
    // dave is assigned: the engine matches his account by userName and adopts it, no listing in between.
    await t
      .admin('post', `/targets/${targetId}/assignments`)
      .send({ principalType: 'User', principalId: ids.dave })
      .expect(201);
    await waitFor('dave adopted', async () => {
      const [row] = await t.dataSource.query<{ target_object_id: string | null }[]>(
        "SELECT target_object_id FROM provisioned_object WHERE target_id = ? AND object_type = 'User' AND object_id = ?",
        [targetId, ids.dave],
      );
      return row?.target_object_id === dave;
    });
    const stored = await findings();
    expect(stored.map((f) => f.target_object_id)).toContain(dave);
    // Listed and counted no more, without a new listing of the target, and the read deleted nothing.
    const listed = await orphans();
    expect(listed.orphans.map((o) => o.targetObjectId)).not.toContain(dave);
    expect(listed.counts).toEqual({ open: 0, total: 1 });
    expect(await findings()).toEqual(stored);
    // A page read before the adoption still shows it: an action on it is refused, nothing is sent or stored.
    const before = app.requests.length;
    for (const action of ['disable', 'delete']) {
      const refused = await t.admin('post', `/targets/${targetId}/orphans/${dave}/${action}`);
      expect([action, refused.status]).toEqual([action, 409]);
      expect(refused.body.message).toMatch(/belongs to a directory user .* nothing was sent/);
    }
    expect(app.requests.slice(before)).toEqual([]);
    expect(byUserName(app, 'dave@example.com')!.active).toBe(true);
    expect(await findings()).toEqual(stored);
    // The next listing finds it held by dave and drops the finding.
    await t.admin('post', `/targets/${targetId}/orphans/scan`).expect(200);
    expect((await findings()).map((f) => f.target_object_id)).not.toContain(dave);
  });
});

/**
 * The check that an account is still an orphan runs before the disable or delete is sent, and is not a lock: the
 * engine may adopt the account for a joiner while the request is on its way. Then the account is that user's, and
 * the user is queued to be compared with the app again, which undoes what the admin's request did.
 */
describe('orphan accounts: an account adopted while an action is on its way', () => {
  let t: TestApp;
  let app: FakeScimTarget;
  let targetId: string;
  let frank: string;
  let account: string;
  let grace: string;
  let graceAccount: string;

  beforeAll(async () => {
    app = await startFakeScimTarget();
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    const seed = (userName: string) =>
      app.seed('Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName,
        emails: [{ type: 'work', value: userName, primary: true }],
        active: true,
      }).id as string;
    frank = await createUser(t, 'frank@example.com');
    grace = await createUser(t, 'grace@example.com');
    account = seed('frank@example.com');
    graceAccount = seed('grace@example.com');
    // Neither is assigned: their accounts are orphans, each with its user as directory candidate.
    targetId = await registerTarget(t, app, { scope: 'assigned' });
    await waitFor('the listing', async () => {
      const res = await t.admin('get', `/targets/${targetId}/orphans`).expect(200);
      return (res.body as OrphanPage).orphans.length === 2 || undefined;
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await app?.close();
  });

  const holder = async (userId = frank) => {
    const [row] = await t.dataSource.query<{ target_object_id: string | null }[]>(
      "SELECT target_object_id FROM provisioned_object WHERE target_id = ? AND object_type = 'User' AND object_id = ?",
      [targetId, userId],
    );
    return row?.target_object_id ?? null;
  };

  /**
   * The admin's action on the account, held 3 s by the app (`held`); meanwhile the user is assigned and the engine
   * matches the account by userName and adopts it. The action's answer, which must come after the adoption.
   */
  const actDuringAdoption = async (
    action: 'disable' | 'delete',
    accountId: string,
    userId: string,
    held: FaultScope & { method: string; path: string },
  ) => {
    app.slow(3000, held);
    let answered = false;
    const pending = t
      .admin('post', `/targets/${targetId}/orphans/${accountId}/${action}`)
      .then((res) => ((answered = true), res));
    await waitFor(`the ${action} at the app`, () =>
      app.requests.some((r) => r.method === held.method && r.path === held.path),
    );
    await t
      .admin('post', `/targets/${targetId}/assignments`)
      .send({ principalType: 'User', principalId: userId })
      .expect(201);
    await waitFor('the account adopted', async () => (await holder(userId)) === accountId);
    expect(answered).toBe(false);
    return pending;
  };

  it('a disable that lands after the engine adopted the account is undone, and the finding is not marked disabled', async () => {
    // The app holds the admin's PATCH for 3 s before applying it.
    const res = await actDuringAdoption('disable', account, frank, {
      method: 'PATCH',
      path: `/Users/${account}`,
      where: (body) => JSON.stringify(body).includes('"value":false'),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      target: { ok: true },
      takenBy: { userId: frank, requeued: true },
      orphan: { state: 'open' },
    });
    // The app applied the disable; the comparison it queued sends active back.
    app.clearFaults();
    await waitFor('frank active again', () => byUserName(app, 'frank@example.com')?.active === true);
    const patches = app.requests.filter((r) => r.method === 'PATCH' && r.path === `/Users/${account}`);
    // The admin's disable first, then the adoption's update of the attributes that differ, then active sent back.
    expect(patches[0].body).toMatchObject({ Operations: [{ path: 'active', value: false }] });
    expect(patches[patches.length - 1].body).toMatchObject({
      Operations: [{ op: 'Replace', path: 'active', value: true }],
    });
    // One account, never created again.
    expect(app.users().filter((u) => u.userName === 'frank@example.com')).toHaveLength(1);
    expect(app.requests.filter((r) => r.method === 'POST' && r.path === '/Users')).toEqual([]);
    app.clearFaults();
    // The audit says what happened to the admin's request.
    const audit = await t.admin('get', `/audit?action=orphan.disable`).expect(200);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'orphan.disable',
        objectId: account,
        after: { state: 'open', takenBy: frank, requeued: true },
      }),
    ]);
  });

  it('a delete that lands after the engine adopted the account is undone: the user gets an account again, once', async () => {
    const res = await actDuringAdoption('delete', graceAccount, grace, {
      method: 'DELETE',
      path: `/Users/${graceAccount}`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      target: { ok: true, status: 204 },
      takenBy: { userId: grace, requeued: true },
      orphan: { state: 'open' },
    });
    app.clearFaults();
    // The comparison finds the account gone and creates it again: one POST, one account, grace holding its new id.
    await waitFor('grace has an account again', async () => {
      const now = byUserName(app, 'grace@example.com');
      return now && (await holder(grace)) === now.id ? now : undefined;
    });
    const creates = app.requests.filter(
      (r) =>
        r.method === 'POST' && r.path === '/Users' && JSON.stringify(r.body).includes('grace@example.com'),
    );
    expect(creates).toHaveLength(1);
    expect(app.users().filter((u) => u.userName === 'grace@example.com')).toHaveLength(1);
    expect(byUserName(app, 'grace@example.com')!.id).not.toBe(graceAccount);
  });
});
