import { startTestApp, type TestApp } from '../support/test-app';

const onMySql = Boolean(process.env.TEST_DATABASE_URL);

/** SQLITE_MMAP_MB reaches the connection the gateway reads through; a server database takes no notice of it. */
describe('SQLITE_MMAP_MB', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { SQLITE_MMAP_MB: '64' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  if (!onMySql)
    it('maps that much of the SQLite file', async () => {
      const [{ mmap_size: size }] = await t.dataSource.query<{ mmap_size: number }[]>('PRAGMA mmap_size');
      expect(size).toBe(64 * 1024 * 1024);
    });
  else
    it('is ignored on MySQL and MariaDB', async () => {
      await t.scim('get', '/Users?count=1').expect(200);
    });

  it('leaves reads and writes as they were', async () => {
    const created = await t
      .scim('post', '/Users')
      .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'mmap@example.com' })
      .expect(201);
    const read = await t.scim('get', `/Users/${(created.body as { id: string }).id}`).expect(200);
    expect(read.body).toMatchObject({ userName: 'mmap@example.com' });
  });
});
