import { FakeScimTarget, startFakeScimTarget } from '../../../test/support/fake-scim-target';
import { AccountPage, accountPages } from './account-pages';
import { ScimClient } from './scim-client';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('accountPages: every user of a target, a page at a time', () => {
  let target: FakeScimTarget;
  let client: ScimClient;

  beforeAll(async () => {
    target = await startFakeScimTarget({ maxPageSize: 3 });
    client = new ScimClient({ baseUrl: target.url, auth: { type: 'bearer', token: 't' }, timeoutMs: 2000 });
  });
  beforeEach(() => {
    target.reset();
    for (let i = 1; i <= 7; i++)
      target.seed('Users', {
        schemas: [USER],
        userName: `u${i}@example.com`,
        externalId: `e${i}`,
        active: i !== 2,
      });
  });
  afterAll(async () => {
    client.close();
    await target.close();
  });

  const collect = async (options: { pageSize: number; maxAccounts: number }) => {
    const pages: AccountPage[] = [];
    for await (const page of accountPages(client, options)) pages.push(page);
    return pages;
  };

  it('follows the pages the target serves, shorter than asked, until totalResults', async () => {
    const pages = await collect({ pageSize: 500, maxAccounts: 1000 });
    expect(pages.map((p) => (p.kind === 'page' ? p.accounts.length : p.kind))).toEqual([3, 3, 1]);
    const accounts = pages.flatMap((p) => (p.kind === 'page' ? p.accounts : []));
    expect(accounts.map((a) => a.userName)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `u${i}@example.com`));
    expect(accounts[1]).toMatchObject({ externalId: 'e2', active: false });
    expect(target.requests.map((r) => r.query.startIndex)).toEqual(['1', '4', '7']);
  });

  it('stops at the bound and says the listing is incomplete', async () => {
    const pages = await collect({ pageSize: 2, maxAccounts: 5 });
    expect(pages.map((p) => (p.kind === 'page' ? p.accounts.length : p.kind))).toEqual([
      2,
      2,
      1,
      'truncated',
    ]);
    expect(target.requests.map((r) => r.query.count)).toEqual(['2', '2', '1']);
  });

  it('reports a refused page and lists no further', async () => {
    target.failNext(1, { status: 500 }, { path: '/Users' });
    const pages = await collect({ pageSize: 3, maxAccounts: 100 });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ kind: 'failed', startIndex: 1, failure: { status: 500 } });
  });

  it('an empty target is one request and no page', async () => {
    target.reset();
    const pages = await collect({ pageSize: 3, maxAccounts: 100 });
    expect(pages).toEqual([]);
    expect(target.requests.map((r) => [r.method, r.path, r.query.startIndex])).toEqual([
      ['GET', '/Users', '1'],
    ]);
  });
});
