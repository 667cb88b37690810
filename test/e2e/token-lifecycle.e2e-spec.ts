import type { Clock } from '../../src/common/clock';
import { startTestApp, TestApp } from '../support/test-app';

/** A clock the test moves. */
class MovableClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  set(at: Date): void {
    this.at = at;
  }
}

const USERS = '/scim/v2/Users?count=1';

/** Tokens that expire, rotate with a grace period, say when they were last used, and may be rate limited. */
describe('token lifecycle', () => {
  let t: TestApp;
  const clock = new MovableClock(new Date('2026-12-04T10:00:00Z'));

  beforeAll(async () => {
    t = await startTestApp({ clock });
  });

  afterAll(() => t?.close());

  const issue = async (body: Record<string, unknown>) =>
    (
      await t
        .admin('post', '/tokens')
        .send({ name: `t-${Math.random()}`, scopes: ['scim'], ...body })
        .expect(201)
    ).body as { id: string; token: string; expiresAt: string | null; rateLimitPerMinute: number | null };
  const call = (secret: string) => t.http.get(USERS).set('Authorization', `Bearer ${secret}`);

  it('refuses an expired token, and lets an admin move the expiry', async () => {
    const expiring = await issue({ expiresAt: '2026-12-04T11:00:00Z' });
    expect(expiring.expiresAt).toBe('2026-12-04T11:00:00.000Z');
    await call(expiring.token).expect(200);
    clock.set(new Date('2026-12-04T11:00:06Z')); // past expiry and the verification cache
    await call(expiring.token).expect(401);
    const changed = await t.admin('patch', `/tokens/${expiring.id}`).send({ expiresAt: null }).expect(200);
    expect(changed.body.expiresAt).toBeNull();
    await call(expiring.token).expect(200);
    await t
      .admin('post', '/tokens')
      .send({ name: 'past', scopes: ['scim'], expiresAt: '2020-01-01T00:00:00Z' })
      .expect(400);
  });

  it('rotates a secret: the new one works at once, the old one only through the grace period', async () => {
    const token = await issue({});
    await call(token.token).expect(200);
    const rotated = await t
      .admin('post', `/tokens/${token.id}/rotate`)
      .send({ graceSeconds: 60 })
      .expect(200);
    expect(rotated.body.id).toBe(token.id);
    expect(rotated.body.token).not.toBe(token.token);
    // The clock stands still: the old secret is valid for exactly the 60 s grace from now.
    expect(rotated.body.previousSecretValidUntil).toBe(
      new Date(clock.now().getTime() + 60_000).toISOString(),
    );
    await call(rotated.body.token).expect(200);
    await call(token.token).expect(200);
    clock.set(new Date(clock.now().getTime() + 61_000));
    await call(token.token).expect(401);
    await call(rotated.body.token).expect(200);
    // Without a grace period the old secret stops at once.
    const again = await t.admin('post', `/tokens/${token.id}/rotate`).send({}).expect(200);
    expect(again.body.previousSecretValidUntil).toBeNull();
    await call(rotated.body.token).expect(401);
    await call(again.body.token).expect(200);
  });

  it('records when a token was last used, at most once a minute', async () => {
    const token = await issue({});
    const lastUsed = async () =>
      (
        (await t.admin('get', '/tokens').expect(200)).body as { id: string; lastUsedAt: string | null }[]
      ).find((x) => x.id === token.id)!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await call(token.token).expect(200);
    const first = await lastUsed();
    expect(first).toBe(clock.now().toISOString());
    clock.set(new Date(clock.now().getTime() + 10_000));
    await call(token.token).expect(200);
    expect(await lastUsed()).toBe(first);
  });

  it('answers 429 with Retry-After, as a SCIM error, beyond a token rate limit; other tokens are not counted', async () => {
    const limited = await issue({ rateLimitPerMinute: 3 });
    const free = await issue({});
    for (let i = 0; i < 3; i++) await call(limited.token).expect(200);
    const refused = await call(limited.token).expect(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.headers['content-type']).toMatch(/application\/scim\+json/);
    expect(refused.body).toMatchObject({
      status: '429',
      detail: expect.stringMatching(/3 requests a minute/),
    });
    for (let i = 0; i < 5; i++) await call(free.token).expect(200);
    // Lifting the limit lets it through (within the verification cache's 5 s).
    await t.admin('patch', `/tokens/${limited.id}`).send({ rateLimitPerMinute: null }).expect(200);
    await call(limited.token).expect(200);
  });
});
