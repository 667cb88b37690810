import { startFakeScimTarget, FakeScimTarget } from '../support/fake-scim-target';
import { createUser, registerTarget, USER_SCHEMAS, waitFor } from '../support/provisioning-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PASSWORD = 'Never-Shown-Secret-42';

interface Row {
  id: string;
  userName?: string;
  displayName: string | null;
  externalId: string | null;
  active?: boolean;
  deletedAt: string | null;
  updatedAt: string;
}

interface TargetState {
  targetId: string;
  targetName: string;
  scope: string;
  inScope: boolean;
  roles: string[];
  provisioned: boolean;
  status: string | null;
  targetObjectId: string | null;
  pending: boolean;
  lastEntry: { id: number; action: string; status: string } | null;
}

/** The admin API's directory browser: lists with filter, search, soft-deleted; one object with its target states. */
describe('admin API: directory users and groups', () => {
  let t: TestApp;
  let target: FakeScimTarget;
  let targetId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
    targetId = await registerTarget(t, target, { name: 'crm', scope: 'assigned' });
    ids.ada = await createUser(t, 'ada.lovelace@dir.test', {
      displayName: 'Ada Lovelace',
      externalId: 'E-100',
      password: PASSWORD,
    });
    ids.alan = await createUser(t, 'alan.turing@dir.test', {
      displayName: 'Alan Turing',
      externalId: 'E-200',
      emails: [{ value: 'enigma@bletchley.test', type: 'work', primary: true }],
    });
    ids.grace = await createUser(t, 'grace.hopper@dir.test', { displayName: 'Grace Hopper' });
    ids.linus = await createUser(t, 'linus_t@dir.test');
    const group = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: 'Analytical Engineers', members: [{ value: ids.ada }] })
      .expect(201);
    ids.engineers = group.body.id as string;
    ids.empty = (
      await t
        .scim('post', '/Groups')
        .send({ schemas: [GROUP], displayName: 'Nobody Yet' })
        .expect(201)
    ).body.id as string;
    // Only the groups are assigned: Ada is in scope through hers, the other users are not.
    for (const group of [ids.engineers, ids.empty])
      await t
        .admin('post', `/targets/${targetId}/assignments`)
        .send({ principalType: 'Group', principalId: group })
        .expect(201);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  const list = async (type: 'users' | 'groups', query: Record<string, string>) => {
    const res = await t
      .admin('get', `/directory/${type}`)
      .query(query)
      .expect((r) => {
        if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
      });
    return res.body as { entries: Row[]; nextCursor: string | null };
  };
  const names = (page: { entries: Row[] }) => page.entries.map((r) => r.userName ?? r.displayName).sort();

  it('pages through every user in id order with a cursor, each row with its columns', async () => {
    const seen: Row[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await list('users', { limit: '3', ...(cursor ? { cursor } : {}) });
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const users = [ids.ada, ids.alan, ids.grace, ids.linus];
    expect(seen.map((r) => r.id)).toEqual([...users].sort());
    expect(seen.find((r) => r.id === ids.ada)).toEqual({
      id: ids.ada,
      userName: 'ada.lovelace@dir.test',
      displayName: 'Ada Lovelace',
      externalId: 'E-100',
      active: true,
      deletedAt: null,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('filters with SCIM filters, as /scim/v2 does', async () => {
    expect(names(await list('users', { filter: 'userName sw "ADA"' }))).toEqual(['ada.lovelace@dir.test']);
    expect(names(await list('users', { filter: 'displayName co "ur" and externalId pr' }))).toEqual([
      'alan.turing@dir.test',
    ]);
    expect(names(await list('users', { filter: 'emails[value ew "bletchley.test"]' }))).toEqual([
      'alan.turing@dir.test',
    ]);
    expect(names(await list('groups', { filter: `members[value eq "${ids.ada}"]` }))).toEqual([
      'Analytical Engineers',
    ]);
  });

  it('searches by a prefix of userName, displayName, primary email or externalId, or by id', async () => {
    expect(names(await list('users', { search: 'Ada' }))).toEqual(['ada.lovelace@dir.test']);
    expect(names(await list('users', { search: 'grace H' }))).toEqual(['grace.hopper@dir.test']);
    expect(names(await list('users', { search: 'enigma@' }))).toEqual(['alan.turing@dir.test']);
    expect(names(await list('users', { search: 'E-' }))).toEqual([
      'ada.lovelace@dir.test',
      'alan.turing@dir.test',
    ]);
    // externalId is case-exact (RFC 7643 §3.1); a prefix is not a substring; LIKE's wildcards are literal.
    expect(names(await list('users', { search: 'e-1' }))).toEqual([]);
    expect(names(await list('users', { search: 'lovelace' }))).toEqual([]);
    expect(names(await list('users', { search: 'linus_' }))).toEqual(['linus_t@dir.test']);
    expect(names(await list('users', { search: 'l_nus' }))).toEqual([]);
    expect(names(await list('users', { search: ids.grace }))).toEqual(['grace.hopper@dir.test']);
    expect(names(await list('groups', { search: 'analytical' }))).toEqual(['Analytical Engineers']);
    // With a filter too: both must hold.
    expect(names(await list('users', { search: 'a', filter: 'displayName sw "Alan"' }))).toEqual([
      'alan.turing@dir.test',
    ]);
  });

  /**
   * The plans of the statements `read` runs whose text matches `pattern`: SQLite's EXPLAIN QUERY PLAN details, or a
   * line `table type key` for each row of MySQL's and MariaDB's EXPLAIN.
   */
  const plansOf = async (pattern: RegExp, read: () => Promise<unknown>): Promise<string[]> => {
    const plans: string[] = [];
    const query = t.dataSource.query.bind(t.dataSource);
    const spy = jest
      .spyOn(t.dataSource, 'query')
      .mockImplementation(async (sql: string, params?: unknown) => {
        if (pattern.test(sql)) {
          const explain = t.engine === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN';
          const rows = await query<Record<string, unknown>[]>(`${explain} ${sql}`, params as unknown[]);
          const line = (r: Record<string, unknown>) =>
            t.engine === 'sqlite'
              ? String(r.detail)
              : `${String(r.table)} ${String(r.type)} ${String(r.key)}`;
          plans.push(rows.map(line).join('\n'));
        }
        return query(sql, params as unknown[]);
      });
    try {
      await read();
    } finally {
      spy.mockRestore();
    }
    return plans;
  };

  it('reads indexes, never the whole table, for a search, a page and an object page (query plans)', async () => {
    if (t.engine !== 'sqlite') {
      // Each branch of the search reads its index's range. (How the matches join their rows cannot be judged on a
      // table of four users: MariaDB scans so small a table; on 200,000 it reads them by primary key, eq_ref.)
      const [search] = await plansOf(/FROM \(SELECT id FROM directory_user/, () =>
        list('users', { search: 'ada', includeDeleted: 'true' }),
      );
      for (const index of [
        'uq_directory_user_user_name',
        'ix_directory_user_display_name',
        'ix_directory_user_primary_email',
        'ix_directory_user_external_id',
        'ix_directory_user_deleted_at',
      ])
        expect(search).toContain(`directory_user range ${index}`);
      expect(search).not.toMatch(/^directory_user (ALL|index)/m);
      const [log] = await plansOf(/FROM provisioning_log FORCE/, () =>
        t.admin('get', `/directory/users/${ids.ada}`).expect(200),
      );
      expect(log).toMatch(/^provisioning_log (ref|range) ix_provisioning_log_object$/);
      return;
    }
    const [search] = await plansOf(/FROM \(SELECT id FROM directory_user/, () =>
      list('users', { search: 'ada', includeDeleted: 'true' }),
    );
    for (const index of [
      'uq_directory_user_user_name',
      'ix_directory_user_display_name',
      'ix_directory_user_primary_email',
      'ix_directory_user_external_id',
      'ix_directory_user_deleted_at',
    ])
      expect(search).toContain(index);
    // Any SCAN of the table (even through an index) walks every user; the matches (m) are scanned, not the table.
    expect(search).not.toMatch(/SCAN (directory_user|u)\b/);

    const [page] = await plansOf(/FROM directory_user u WHERE/, () =>
      list('users', { cursor: Buffer.from(`d${ids.ada}`).toString('base64url') }),
    );
    expect(page).toMatch(/SEARCH u USING INDEX sqlite_autoindex_directory_user_1 \(id>\?\)/);

    // (The delivery engine runs meanwhile: only the object page's own statements are looked at.)
    const [queue] = await plansOf(/FROM provisioned_object\s+WHERE target_id IN/, () =>
      t.admin('get', `/directory/users/${ids.ada}`).expect(200),
    );
    const [log] = await plansOf(/FROM provisioning_log\s+WHERE object_id = \?/, () =>
      t.admin('get', `/directory/users/${ids.ada}`).expect(200),
    );
    expect(queue).toMatch(/SEARCH provisioned_object USING INDEX sqlite_autoindex_provisioned_object_1/);
    expect(log).toContain('ix_provisioning_log_object');
  });

  it('answers 400 naming the parameter for a bad filter, cursor, limit or flag, and 404 for an unknown id', async () => {
    const bad = async (query: Record<string, string>, words: RegExp) => {
      const res = await t.admin('get', '/directory/users').query(query).expect(400);
      expect(res.body.message).toMatch(words);
    };
    await bad({ filter: 'userName eq' }, /^filter: /);
    await bad({ filter: 'nickName eq "x" and noSuchAttribute eq "y"' }, /^filter: .*noSuchAttribute/);
    await bad({ filter: 'userName zz "x"' }, /^filter: /);
    await bad({ cursor: 'bm90LWEtY3Vyc29y' }, /cursor/);
    await bad({ limit: '0' }, /limit/);
    await bad({ limit: '201' }, /limit/);
    await bad({ includeDeleted: 'yes' }, /includeDeleted/);
    await bad({ search: 'x'.repeat(256) }, /search/);
    await t.admin('get', '/directory/users/00000000-0000-4000-8000-000000000000').expect(404);
    await t.admin('get', `/directory/groups/${ids.ada}`).expect(404);
    await t.admin('get', `/directory/users/${ids.engineers}`).expect(404);
    await t.http.get('/admin/v1/directory/users').expect(401);
  });

  it("shows a user's SCIM representation (never a password), its groups and each target's state", async () => {
    await waitFor(
      'Ada created in the target, nothing pending',
      async () => {
        const body = (await t.admin('get', `/directory/users/${ids.ada}`).expect(200)).body;
        const [state] = body.targets as TargetState[];
        return state?.provisioned && !state.pending;
      },
      20_000,
    );
    // A change makes a newer entry: the state shows it, not the Create before it.
    await t
      .scim('patch', `/Users/${ids.ada}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'Analyst' }],
      })
      .expect(200);
    await waitFor(
      "Ada's update sent",
      async () => {
        const body = (await t.admin('get', `/directory/users/${ids.ada}`).expect(200)).body;
        const [state] = body.targets as TargetState[];
        return state?.lastEntry?.action === 'Update' && !state.pending;
      },
      20_000,
    );
    const res = await t.admin('get', `/directory/users/${ids.ada}`).expect(200);
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);
    expect(res.body).toMatchObject({
      id: ids.ada,
      type: 'User',
      userName: 'ada.lovelace@dir.test',
      displayName: 'Ada Lovelace',
      externalId: 'E-100',
      active: true,
      deletedAt: null,
      version: 2,
      resource: {
        schemas: [USER_SCHEMAS[0]],
        id: ids.ada,
        userName: 'ada.lovelace@dir.test',
        meta: { resourceType: 'User', location: `/scim/v2/Users/${ids.ada}`, version: 'W/"2"' },
      },
      groups: [{ id: ids.engineers, displayName: 'Analytical Engineers' }],
    });
    const [state] = res.body.targets as TargetState[];
    const sent = target.users().find((u) => u.userName === 'ada.lovelace@dir.test');
    expect(state).toMatchObject({
      targetId,
      targetName: 'crm',
      scope: 'assigned',
      inScope: true,
      roles: ['User'],
      provisioned: true,
      status: 'active',
      targetObjectId: sent?.id,
      pending: false,
    });
    // The newest entry of the provisioning log for this object and target.
    const logs = await t
      .admin('get', '/provisioning-logs')
      .query({ objectId: ids.ada, targetId, limit: '1' })
      .expect(200);
    expect(state.lastEntry).toMatchObject({
      id: logs.body.entries[0].id,
      action: logs.body.entries[0].action,
    });

    // Were a password ever stored (the gateway drops it on write), the page would still not show it.
    const [row] = await t.dataSource.query<{ doc: string }[]>('SELECT doc FROM directory_user WHERE id = ?', [
      ids.linus,
    ]);
    const doc = { ...(JSON.parse(row.doc) as object), password: PASSWORD };
    await t.dataSource.query('UPDATE directory_user SET doc = ? WHERE id = ?', [
      JSON.stringify(doc),
      ids.linus,
    ]);
    const linus = await t.admin('get', `/directory/users/${ids.linus}`).expect(200);
    expect(linus.body.resource.userName).toBe('linus_t@dir.test');
    expect(JSON.stringify(linus.body)).not.toContain(PASSWORD);

    // Alan is assigned nothing: out of scope, and never created in the target.
    const alan = (await t.admin('get', `/directory/users/${ids.alan}`).expect(200)).body;
    expect(alan.groups).toEqual([]);
    expect(alan.targets[0]).toMatchObject({ inScope: false, roles: [], provisioned: false });
  }, 30_000);

  it('shows a group with its member count, first members and target state', async () => {
    const res = await t.admin('get', `/directory/groups/${ids.engineers}`).expect(200);
    expect(res.body).toMatchObject({
      id: ids.engineers,
      type: 'Group',
      displayName: 'Analytical Engineers',
      deletedAt: null,
      resource: { schemas: [GROUP], displayName: 'Analytical Engineers' },
      members: { count: 1, first: [{ id: ids.ada, type: 'User', displayName: 'Ada Lovelace', live: true }] },
    });
    expect(res.body.resource.members).toBeUndefined();
    expect(res.body.targets[0]).toMatchObject({ targetId, inScope: true });
    const empty = (await t.admin('get', `/directory/groups/${ids.empty}`).expect(200)).body;
    expect(empty.members).toEqual({ count: 0, first: [] });
    expect(empty.targets[0]).toMatchObject({ inScope: true, roles: ['User'] });
  });

  it('lists and finds soft-deleted objects only when asked, by filter and by search', async () => {
    await t.scim('delete', `/Users/${ids.grace}`).expect(204);
    await t.scim('delete', `/Groups/${ids.empty}`).expect(204);

    expect((await list('users', {})).entries.map((r) => r.id)).not.toContain(ids.grace);
    expect(names(await list('users', { search: 'grace' }))).toEqual([]);
    expect(names(await list('users', { filter: 'userName eq "grace.hopper@dir.test"' }))).toEqual([]);

    const all = await list('users', { includeDeleted: 'true' });
    const grace = all.entries.find((r) => r.id === ids.grace);
    expect(grace).toMatchObject({ userName: 'grace.hopper@dir.test', deletedAt: expect.any(String) });
    expect(all.entries.filter((r) => r.deletedAt !== null)).toHaveLength(1);
    // Its userName column was cleared for a rehire: the search and the filter read it all the same.
    const search = await list('users', { search: 'GRACE.hop', includeDeleted: 'true' });
    expect(search.entries.map((r) => r.id)).toEqual([ids.grace]);
    const filtered = await list('users', {
      filter: 'userName eq "Grace.Hopper@dir.test"',
      includeDeleted: 'true',
    });
    expect(filtered.entries.map((r) => r.id)).toEqual([ids.grace]);
    expect(names(await list('users', { filter: 'userName sw "ada"', includeDeleted: 'true' }))).toEqual([
      'ada.lovelace@dir.test',
    ]);
    expect(names(await list('groups', { search: 'nobody' }))).toEqual([]);
    expect(names(await list('groups', { search: 'nobody', includeDeleted: 'true' }))).toEqual(['Nobody Yet']);
    // Its assignment is still there, but a soft-deleted object is in no scope.
    const deletedGroup = (await t.admin('get', `/directory/groups/${ids.empty}`).expect(200)).body;
    expect(deletedGroup).toMatchObject({ deletedAt: expect.any(String), targets: [{ inScope: false }] });
    const assignments = await t.admin('get', `/targets/${targetId}/assignments`).expect(200);
    expect(JSON.stringify(assignments.body)).toContain(ids.empty);

    const detail = (await t.admin('get', `/directory/users/${ids.grace}`).expect(200)).body;
    expect(detail).toMatchObject({ userName: 'grace.hopper@dir.test', deletedAt: grace!.deletedAt });
    expect(detail.targets[0]).toMatchObject({ inScope: false });
    // The SCIM surface does not show it.
    await t.scim('get', `/Users/${ids.grace}`).expect(404);
  });
});
