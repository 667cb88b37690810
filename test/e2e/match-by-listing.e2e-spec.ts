import { defaultMappingSet } from '../../src/mapping/mapping-set';
import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { createGroup, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const USERS = 40;
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Match by listing: when many joiners wait for a target, its users are listed once and each joiner is decided from
 * that listing (create at once, or read the listed account by id and adopt it) instead of one `GET ?filter=` each.
 * The targets here take duplicates, so a wrong "no match" would show as a second account.
 */
describe('matching joiners by a listing of the target', () => {
  let t: TestApp;
  const targets: FakeScimTarget[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    for (let i = 0; i < USERS; i++) await createUser(t, `joiner${i}@example.com`);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all(targets.map((x) => x.close()));
  });

  const start = async (options = {}) => {
    const target = await startFakeScimTarget({ acceptDuplicates: true, maxPageSize: 3, ...options });
    targets.push(target);
    return target;
  };
  const allThere = (target: FakeScimTarget) =>
    waitFor(`${USERS} users in the target`, () => target.users().length >= USERS, 20_000);
  const lookups = (target: FakeScimTarget) =>
    target.requests.filter((r) => r.method === 'GET' && r.path === '/Users' && r.query.filter);
  const listings = (target: FakeScimTarget) =>
    target.requests.filter((r) => r.method === 'GET' && r.path === '/Users' && !r.query.filter);
  const creates = (target: FakeScimTarget) =>
    target.requests.filter((r) => r.method === 'POST' && r.path === '/Users' && r.status === 201);
  const pendingOf = async (id: string) => (await status(id)).pending.objects;
  const status = async (id: string) =>
    (await t.admin('get', `/targets/${id}/status`).expect(200)).body as {
      matching: { mode: string; accounts?: number; reason: string };
      pending: { objects: number };
    };

  it('creates the joiners the listing lacks and adopts the listed ones, without a lookup', async () => {
    const target = await start();
    const existing = [0, 1, 2, 3, 4].map(
      (i) =>
        target.seed('Users', {
          schemas: [CORE],
          userName: `JOINER${i}@example.com`,
          emails: [{ type: 'work', value: `joiner${i}@example.com`, primary: true }],
          active: true,
        }).id as string,
    );
    target.seed('Users', { schemas: [CORE], userName: 'someone-else@example.com', active: true });
    const id = await registerTarget(t, target, { profile: 'rfc' });
    await waitFor('every joiner in the target', () => target.users().length >= USERS + 1, 20_000);
    await waitFor('nothing pending', async () => (await status(id)).pending.objects === 0);

    expect(lookups(target)).toEqual([]);
    // 6 accounts, 3 a page: read once.
    expect(listings(target).map((r) => r.query.startIndex)).toEqual(['1', '4']);
    expect(creates(target)).toHaveLength(USERS - existing.length);
    for (const account of existing)
      expect(target.requests.filter((r) => r.path === `/Users/${account}`).map((r) => r.method)).toEqual([
        'GET',
        'PATCH',
      ]);
    const names = target.users().map((u) => (u.userName as string).toLowerCase());
    expect(new Set(names).size).toBe(USERS + 1);
    expect((await status(id)).matching).toMatchObject({ mode: 'listing', accounts: 6 });
  });

  it('never trusts the listing for a create that may have reached the target unrecorded', async () => {
    const target = await start();
    // The first create is carried out, and its answer lost: the gateway cannot know it worked.
    target.loseAnswers(1, { method: 'POST', path: '/Users' });
    const id = await registerTarget(t, target, { profile: 'rfc' });
    await allThere(target);
    await waitFor('the lost create settled', () => lookups(target).length > 0);
    // The retry looked the user up (the listing predates the create), found it, and did not create it again.
    expect(lookups(target)).toHaveLength(1);
    // A late duplicate would be a create still queued: once nothing is pending, none can come.
    await waitFor('nothing pending', async () => (await status(id)).pending.objects === 0);
    expect(target.users()).toHaveLength(USERS);
    expect(creates(target)).toHaveLength(USERS);
  });

  it('falls back to lookups when the target refuses the listing, and says why', async () => {
    const target = await start();
    target.failNext(
      1,
      { status: 403, body: { detail: 'a filter is required' } },
      { path: '/Users', method: 'GET' },
    );
    const id = await registerTarget(t, target, { profile: 'rfc' });
    await allThere(target);
    expect(lookups(target)).toHaveLength(USERS);
    expect(creates(target)).toHaveLength(USERS);
    expect((await status(id)).matching).toMatchObject({
      mode: 'lookup',
      reason: expect.stringMatching(/refused the listing: 403/),
    });
  });

  it('does not list a target whose matching attributes a listing cannot answer', async () => {
    const target = await start();
    const id = await registerTarget(t, target, { profile: 'rfc', enabled: false });
    // Matching on the work email alone (not indexed): every joiner must be looked up by it anyway.
    const set = defaultMappingSet();
    for (const a of set.users.attributes)
      a.matching = a.targetAttribute === 'emails[type eq "work"].value' ? { precedence: 1 } : undefined;
    await t.admin('put', `/targets/${id}/mappings`).send(set).expect(200);
    await t.admin('patch', `/targets/${id}`).send({ enabled: true }).expect(200);
    await allThere(target);
    expect(lookups(target).map((r) => r.query.filter)).toEqual(
      Array.from({ length: USERS }, () => expect.stringMatching(/^emails\[type eq "work"\]\.value eq /)),
    );
    expect(creates(target)).toHaveLength(USERS);
    expect((await status(id)).matching).toMatchObject({
      mode: 'lookup',
      reason: expect.stringMatching(
        /no matching attribute of the users' mapping is one a listing can answer/,
      ),
    });
  });

  it('looks up when listing would cost more requests than the joiners', async () => {
    // 40 joiners; 150 accounts at 3 a page would be 50 requests.
    const target = await start();
    for (let i = 0; i < 150; i++)
      target.seed('Users', { schemas: [CORE], userName: `other${i}@example.com` });
    const id = await registerTarget(t, target, { profile: 'rfc' });
    await allThere(target);
    await waitFor('all joiners created', () => creates(target).length >= USERS);
    expect(listings(target)).toHaveLength(1);
    expect(lookups(target)).toHaveLength(USERS);
    expect((await status(id)).matching.reason).toMatch(
      /joiners cost fewer lookups than listing 150 accounts/,
    );
  });

  // Last: it adds users to the directory, which the tests above count.
  it('lists at the next batch of joiners once the mapping matches on an attribute a listing answers', async () => {
    // Joiners come as a group's members assigned at once: one batch, with the target itself left untouched (an edit
    // of the target would end a hold at lookups by itself).
    const early: string[] = [];
    const later: string[] = [];
    for (let i = 0; i < 20; i++) early.push(await createUser(t, `early${i}@example.com`));
    for (let i = 0; i < 25; i++) later.push(await createUser(t, `later${i}@example.com`));
    const first = await createGroup(t, 'Early joiners', early);
    const second = await createGroup(t, 'Later joiners', later);
    const target = await start();
    const id = await registerTarget(t, target, {
      profile: 'rfc',
      scope: 'assigned',
      provisionGroups: false,
      enabled: false,
    });
    const byEmail = defaultMappingSet();
    for (const a of byEmail.users.attributes)
      a.matching = a.targetAttribute === 'emails[type eq "work"].value' ? { precedence: 1 } : undefined;
    await t.admin('put', `/targets/${id}/mappings`).send(byEmail).expect(200);
    const assign = (groupId: string) =>
      t
        .admin('post', `/targets/${id}/assignments`)
        .send({ principalType: 'Group', principalId: groupId })
        .expect(201);
    await assign(first);
    await t.admin('patch', `/targets/${id}`).send({ enabled: true }).expect(200);
    await waitFor('the early joiners created', () => creates(target).length >= early.length, 20_000);
    expect((await status(id)).matching).toMatchObject({
      mode: 'lookup',
      reason: expect.stringMatching(/no matching attribute of the users' mapping/),
    });
    expect(listings(target)).toHaveLength(0);
    // Back to matching on userName; once that is seen (its reconciliation over), the later joiners.
    await t.admin('put', `/targets/${id}/mappings`).send(defaultMappingSet()).expect(200);
    // Seen by the engine once the status says so, and its reconciliation is over.
    await waitFor('the mapping change seen', async () => {
      const s = (await t.admin('get', `/targets/${id}/status`).expect(200)).body as {
        reconciliation: { requested: boolean };
        pending: { objects: number };
        matching: { mode: string; reason: string };
      };
      return (
        s.matching.mode === 'lookup' &&
        /mapping changed its matching attributes/.test(s.matching.reason) &&
        !s.reconciliation.requested &&
        s.pending.objects === 0
      );
    });
    const lookupsBefore = lookups(target).length;
    await assign(second);
    await waitFor(
      'the later joiners created',
      () => creates(target).length >= early.length + later.length,
      20_000,
    );
    expect(listings(target).length).toBeGreaterThan(0);
    expect(lookups(target).slice(lookupsBefore)).toEqual([]);
    expect((await status(id)).matching).toMatchObject({ mode: 'listing' });
    const names = target.users().map((u) => u.userName as string);
    expect(names).toHaveLength(early.length + later.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it('never matches on a listing read under the attributes a mapping change replaced, nor lists twice at once', async () => {
    // Joiners matched on userName, then on externalId (the default mapping sends the userName's local part). Eight
    // accounts already hold the first eight joiners' externalIds under other userNames: adopted on externalId, they
    // would be duplicated by a match on userName. The listing's pages are slowed so that the change lands in it.
    const members: string[] = [];
    for (let i = 0; i < 25; i++) members.push(await createUser(t, `mid${i}@example.com`));
    const group = await createGroup(t, 'Mid joiners', members);
    const target = await start();
    for (let i = 0; i < 8; i++)
      target.seed('Users', {
        schemas: [CORE],
        userName: `elsewhere-mid${i}@other.example`,
        externalId: `mid${i}`,
        active: true,
      });
    const PAGE_MS = 1000;
    target.slow(PAGE_MS, { method: 'GET', path: /^\/Users$/ });
    const id = await registerTarget(t, target, { profile: 'rfc', scope: 'assigned', provisionGroups: false });
    await t
      .admin('post', `/targets/${id}/assignments`)
      .send({ principalType: 'Group', principalId: group })
      .expect(201);
    await waitFor('the listing under way', () => listings(target).length > 0, 20_000);
    const byExternalId = defaultMappingSet();
    for (const a of byExternalId.users.attributes)
      a.matching = a.targetAttribute === 'externalId' ? { precedence: 1 } : undefined;
    await t.admin('put', `/targets/${id}/mappings`).send(byExternalId).expect(200);
    await waitFor(
      'the joiners in the target',
      () => target.users().length >= 25 && pendingOf(id).then((n) => n === 0),
      30_000,
    );
    // Counted from every POST the target saw (it takes duplicates): 17 creates, and the 8 accounts adopted.
    expect(target.requests.filter((r) => r.method === 'POST')).toHaveLength(17);
    const accounts = target.users();
    expect(accounts).toHaveLength(25);
    expect(new Set(accounts.map((a) => a.externalId)).size).toBe(25);
    expect(lookups(target)).toEqual([]);
    expect((await status(id)).matching).toMatchObject({ mode: 'listing' });
    // One listing at a time: each page was asked for once the one before was answered (each answer took PAGE_MS),
    // so the listing on externalId started only after the one on userName had ended.
    const arrivals = listings(target).map((r) => r.time.getTime());
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < arrivals.length; i++)
      expect(arrivals[i] - arrivals[i - 1]).toBeGreaterThanOrEqual(PAGE_MS - 50);
  }, 60_000);
});
