import { startTestApp, TestApp } from '../support/test-app';

/** A target's URL may not point the gateway at link-local, metadata or (unless allowed) internal addresses. */
describe('target network policy at registration', () => {
  let t: TestApp;
  let closed: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    // Nothing internal allowed: not even loopback.
    closed = await startTestApp({
      env: { TARGET_ALLOWED_NETWORKS: '10.0.0.0/8', ALLOW_INSECURE_TARGETS: 'true' },
    });
  });

  afterAll(async () => {
    await t?.close();
    await closed?.close();
  });

  const register = (
    app: TestApp,
    baseUrl: string,
    auth: Record<string, unknown> = { type: 'bearer', token: 'tok-0123456789' },
  ) =>
    app.admin('post', '/targets').send({ name: `t-${Math.random().toString(36).slice(2)}`, baseUrl, auth });

  it.each([
    [
      'https://169.254.169.254/scim/v2',
      /169\.254\.169\.254 is a link-local \(cloud metadata services\) address/,
    ],
    ['https://[fe80::1]/scim/v2', /fe80::1 is a link-local address/],
    ['https://[fd00:ec2::254]/scim', /cloud metadata address/],
    ['https://0.0.0.0/scim', /unspecified address/],
  ])('refuses %s with 400 naming the policy, and stores nothing', async (baseUrl, why) => {
    const before = (await t.admin('get', '/targets').expect(200)).body.length;
    const res = await register(t, baseUrl).expect(400);
    expect(res.body.message).toMatch(/baseUrl is refused by the gateway's network policy/);
    expect(res.body.message).toMatch(why);
    expect((await t.admin('get', '/targets').expect(200)).body).toHaveLength(before);
  });

  it('refuses a name that resolves to an address outside TARGET_ALLOWED_NETWORKS', async () => {
    const res = await register(closed, 'http://localhost:9/scim').expect(400);
    expect(res.body.message).toMatch(/loopback address outside TARGET_ALLOWED_NETWORKS/);
  });

  it('checks the OAuth token endpoint too', async () => {
    const res = await register(t, 'https://scim.example.com/v2', {
      type: 'oauth2',
      tokenUrl: 'https://169.254.169.254/token',
      clientId: 'c',
      clientSecret: 's',
    }).expect(400);
    expect(res.body.message).toMatch(/auth\.tokenUrl is refused by the gateway's network policy/);
  });

  it('accepts loopback by default (the demo and the tests)', async () => {
    await register(t, 'http://127.0.0.1:9/scim').expect(201);
  });
});
