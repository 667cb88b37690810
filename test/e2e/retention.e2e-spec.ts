import { Clock } from '../../src/common/clock';
import { JobLeaseRepository } from '../../src/database/job-lease.repository';
import { RetentionService } from '../../src/directory/lifecycle/retention.service';
import { journal, startTestApp, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

describe('Retention purge of soft-deleted users and groups', () => {
  let t: TestApp;
  let now = new Date('2027-01-01T09:00:00Z').getTime();
  const clock: Clock = { now: () => new Date(now) };

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { SOFT_DELETE_RETENTION_DAYS: '30' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps a soft-deleted user for the window, then hard-deletes it with a purged journal row', async () => {
    const leaver = await t
      .scim('post', '/Users')
      .send({ schemas: [USER], userName: 'leaver@retention.test' })
      .expect(201);
    const stayer = await t
      .scim('post', '/Users')
      .send({ schemas: [USER], userName: 'stayer@retention.test' })
      .expect(201);
    const group = await t
      .scim('post', '/Groups')
      .send({ schemas: [GROUP], displayName: 'Old team' })
      .expect(201);
    await t.scim('delete', `/Users/${leaver.body.id}`).expect(204);
    await t.scim('delete', `/Groups/${group.body.id}`).expect(204);
    const retention = t.app.get(RetentionService);

    now += 29 * DAY;
    expect(await retention.purgeExpired()).toEqual({ users: 0, groups: 0 });
    expect(
      await t.dataSource.query('SELECT id FROM directory_user WHERE id = ?', [leaver.body.id]),
    ).toHaveLength(1);

    now += 2 * DAY;
    expect(await retention.purgeExpired()).toEqual({ users: 1, groups: 1 });
    expect(await t.dataSource.query('SELECT id FROM directory_user WHERE id = ?', [leaver.body.id])).toEqual(
      [],
    );
    expect(await t.dataSource.query('SELECT id FROM directory_group WHERE id = ?', [group.body.id])).toEqual(
      [],
    );
    await t.scim('get', `/Users/${stayer.body.id}`).expect(200);
    const kinds = (await journal(t.dataSource))
      .filter((j) => j.object_id === leaver.body.id)
      .map((j) => j.kind);
    expect(kinds).toEqual(['created', 'deleted', 'purged']);
  });

  it('purges in one process at a time: while another process holds the lease, nothing is purged', async () => {
    const leaver = await t
      .scim('post', '/Users')
      .send({ schemas: [USER], userName: 'second-leaver@retention.test' })
      .expect(201);
    await t.scim('delete', `/Users/${leaver.body.id}`).expect(204);
    const retention = t.app.get(RetentionService);
    const stillStored = async () =>
      (await t.dataSource.query('SELECT id FROM directory_user WHERE id = ?', [leaver.body.id])).length;

    now += 31 * DAY;
    const other = await t.app
      .get(JobLeaseRepository)
      .acquire('retention-purge', 'other-gateway:1', new Date(now), new Date(now + HOUR));
    expect(other.acquired).toBe(true);
    now += HOUR / 2;
    expect(await retention.purgeExpired()).toEqual({ users: 0, groups: 0 });
    expect(await stillStored()).toBe(1);

    now += HOUR;
    expect(await retention.purgeExpired()).toEqual({ users: 1, groups: 0 });
    expect(await stillStored()).toBe(0);
  });

  it('stamps the injected clock on meta', async () => {
    const res = await t
      .scim('post', '/Users')
      .send({ schemas: [USER], userName: 'clock@retention.test' })
      .expect(201);
    expect(res.body.meta.created).toBe(new Date(now).toISOString());
  });
});
