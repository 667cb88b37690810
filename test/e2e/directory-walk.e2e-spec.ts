import { DirectoryReader } from '../../src/directory/readers/directory.reader';
import { AssignmentsRepository } from '../../src/provisioning/assignments/assignments.repository';
import { WorkQueueRepository } from '../../src/provisioning/queue/work-queue.repository';
import { assignedAndHeld } from '../../src/provisioning/sync/assigned-walk';
import { liveAndGone, type WalkPage } from '../../src/provisioning/sync/directory-walk';
import { startFakeScimTarget, type FakeScimTarget } from '../support/fake-scim-target';
import { createGroup, createUser, enqueueUsers, registerTarget } from '../support/provisioning-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The walk a reconciliation (and a mapping's impact preview) makes: every live user once, and every user the
 * target holds that is no longer live, found from the live page of its stretch of ids, not by a read of its own.
 * Pages of 3 so that the stretches' edges are crossed: gone users before the first live one, between live ones,
 * after the last, and more of them in one stretch than a page holds.
 */
describe('reconciliation walk: live users and the held users no longer live', () => {
  let t: TestApp;
  let target: FakeScimTarget;
  let targetId: string;
  let live: string[];
  let gone: string[];

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: 'tok-0123456789' });
    t = await startTestApp();
    // Assigned-only with nothing assigned, and paused: the engine leaves the rows below to the test.
    targetId = await registerTarget(t, target, { scope: 'assigned' });
    await t.admin('post', `/targets/${targetId}/pause`).expect(200);
    const created: string[] = [];
    for (let i = 0; i < 11; i++) created.push(await createUser(t, `walk${i}@example.com`));
    created.sort();
    // Two leavers in the middle of the id order: one deleted over SCIM, one purged behind the gateway's back.
    await t.scim('delete', `/Users/${created[4]}`).expect(204);
    await t.dataSource.query('DELETE FROM directory_user WHERE id = ?', [created[8]]);
    live = created.filter((_, i) => i !== 4 && i !== 8);
    // Purged long ago: four before every live id, four after (more than a page in one stretch).
    const purged = [
      ...['0', '1', '2', '3'].map((c) => `0000000${c}-0000-4000-8000-000000000000`),
      ...['0', '1', '2', '3'].map((c) => `fffffff${c}-0000-4000-8000-000000000000`),
    ];
    gone = [created[4], created[8], ...purged].sort();
    // The target holds every live user but the first, and every gone one.
    const held = [...live.slice(1), ...gone];
    await enqueueUsers(t, targetId, held);
    await t.dataSource.query(
      `UPDATE provisioned_object SET status = 'active', pending = 0, target_object_id = object_id
        WHERE target_id = ?`,
      [targetId],
    );
  });

  const walk = async (pageSize: number, skip?: Set<string>): Promise<WalkPage[]> => {
    const pages: WalkPage[] = [];
    const queue = t.app.get(WorkQueueRepository);
    const reader = t.app.get(DirectoryReader);
    for await (const page of liveAndGone(reader, queue, targetId, 'User', pageSize, { skip }))
      pages.push(page);
    return pages;
  };

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  it('yields each live user once and exactly the held users that are gone, across pages', async () => {
    const pages = await walk(3);
    const of = (kind: WalkPage['kind']) => pages.filter((p) => p.kind === kind).flatMap((p) => p.ids);
    expect(of('live')).toEqual(live);
    expect(of('gone').sort()).toEqual(gone);
    expect(pages.every((p) => p.ids.length > 0 && p.ids.length <= 3)).toBe(true);
    // Each gone user comes right after the live page of its stretch: the first four before any live page.
    expect(pages.slice(0, 2).map((p) => p.kind)).toEqual(['live', 'gone']);
    expect(pages[1].ids).toEqual(gone.slice(0, 3));
  });

  it('finds the same with pages larger than the directory (one stretch, to the end)', async () => {
    const pages = await walk(1000);
    expect(pages.map((p) => p.kind)).toEqual(['live', 'gone']);
    expect(pages[0].ids).toEqual(live);
    expect(pages[1].ids).toEqual(gone);
  });
  it('leaves the settled users out of the live pages, and still finds every gone one from their stretches', async () => {
    // A whole page of three settled (its stretch still has gone users), and one more on another page.
    const settled = new Set([live[0], live[1], live[2], live[6]]);
    const pages = await walk(3, settled);
    const of = (kind: WalkPage['kind']) => pages.filter((p) => p.kind === kind).flatMap((p) => p.ids);
    expect(of('live')).toEqual(live.filter((id) => !settled.has(id)));
    expect(of('gone').sort()).toEqual(gone);
    expect(pages.every((p) => p.ids.length > 0)).toBe(true);
  });

  it('walks an assigned-only target by its assignments and what it holds: each id once, across pages', async () => {
    const id = await registerTarget(t, target, { name: 'assigned-walk', scope: 'assigned' });
    await t.admin('post', `/targets/${id}/pause`).expect(200);
    const inner = await createGroup(t, 'Walk inner', [live[8]]);
    const first = await createGroup(t, 'Walk one', [live[0], live[1], live[2], inner, live[3]]);
    const second = await createGroup(t, 'Walk two', [live[2], live[3], live[4]]);
    await createGroup(t, 'Walk unassigned', [live[7]]);
    const roles = (await t.admin('get', `/targets/${id}/app-roles`).expect(200)).body as { id: string }[];
    const role = (
      await t
        .admin('post', `/targets/${id}/app-roles`)
        .send({ value: 'Walker', displayName: 'Walker' })
        .expect(201)
    ).body.id as string;
    const assign = (principalType: string, principalId: string, roleId = roles[0].id) =>
      t.admin('post', `/targets/${id}/assignments`).send({ principalType, principalId, roleId }).expect(201);
    // The first group twice (two roles), a member of it also directly.
    for (const g of [first, second]) await assign('Group', g);
    await assign('Group', first, role);
    for (const u of [live[0], live[5]]) await assign('User', u);
    // It holds an assigned user, an unassigned one and two gone from the directory.
    const held = [live[1], live[6], gone[0], gone[1]];
    await enqueueUsers(t, id, held);
    await t.dataSource.query(
      `UPDATE provisioned_object SET status = 'active', pending = 0, target_object_id = object_id
        WHERE target_id = ? AND object_id IN (?, ?, ?, ?)`,
      [id, ...held],
    );
    const reads = {
      directory: t.app.get(DirectoryReader),
      assignments: t.app.get(AssignmentsRepository),
      queue: t.app.get(WorkQueueRepository),
    };
    const walkOf = async (type: 'User' | 'Group', skip?: Set<string>) => {
      const pages: WalkPage[] = [];
      for await (const page of assignedAndHeld(reads, id, type, 2, { skip })) pages.push(page);
      const of = (kind: WalkPage['kind']) => pages.filter((p) => p.kind === kind).flatMap((p) => p.ids);
      expect(pages.every((p) => p.ids.length > 0 && p.ids.length <= 2)).toBe(true);
      return { live: of('live'), gone: of('gone') };
    };

    const users = await walkOf('User');
    // Each once: direct, members of both groups (not the nested group's member), then held ones not yielded yet.
    expect(users.live).toHaveLength(new Set(users.live).size);
    expect(users.live.sort()).toEqual(live.slice(0, 7).sort());
    expect(users.gone.sort()).toEqual([gone[0], gone[1]].sort());
    // Ids already settled are left out (the live[3] that both groups give, and a held one).
    const skipped = await walkOf('User', new Set([live[3], live[6]]));
    expect(skipped.live.sort()).toEqual([0, 1, 2, 4, 5].map((i) => live[i]).sort());
    expect(await walkOf('Group')).toEqual({ live: [first, second].sort(), gone: [] });
    await t.admin('delete', `/targets/${id}`).expect(204);
  });

  it('relies on ids that sort alike in the directory and in the queue: both columns compare bytes', async () => {
    // The walk takes a stretch of the directory's ids and reads the queue's ids within it: were one column to sort
    // case-insensitively or by locale, the two orders could differ and a live user be taken for a gone one.
    const columns = [
      ['directory_user', 'id'],
      ['directory_group', 'id'],
      ['provisioned_object', 'object_id'],
    ];
    if (t.engine === 'mysql') {
      for (const [table, column] of columns) {
        const rows = await t.dataSource.query(
          `SELECT COLLATION_NAME AS c FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
          [table, column],
        );
        expect([table, column, rows[0]?.c]).toEqual([table, column, 'utf8mb4_bin']);
      }
    } else {
      // SQLite compares text with BINARY unless a column names another collation.
      for (const [table] of columns) {
        const [{ sql }] = await t.dataSource.query(
          `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`,
          [table],
        );
        expect([table, sql]).toEqual([table, expect.not.stringMatching(/COLLATE/i)]);
      }
    }
  });
});
