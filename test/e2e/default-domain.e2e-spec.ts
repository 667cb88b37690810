import { startTestApp, TestApp } from '../support/test-app';

describe('DefaultDomain() takes DEFAULT_DOMAIN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { DEFAULT_DOMAIN: 'Contoso.com' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('builds a UPN on the configured domain (entra-inbound-api.md §4 pattern)', async () => {
    const res = await t
      .admin('post', '/expressions/evaluate')
      .send({
        expression: 'Join("@", NormalizeDiacritics(ToLower([givenName])), DefaultDomain())',
        user: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'x@hr.test',
          name: { givenName: 'Zoë' },
        },
      })
      .expect(200);
    expect(res.body).toEqual({ flows: true, value: 'zoe@contoso.com' });
  });
});
