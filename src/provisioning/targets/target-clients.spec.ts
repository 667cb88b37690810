import { FakeScimTarget, startFakeScimTarget } from '../../../test/support/fake-scim-target';
import type { AppConfig } from '../../config/app-config';
import { NetworkPolicy } from '../client';
import { SecretBox } from '../secrets/secret-box';
import type { ProvisioningTarget } from './provisioning-target.entity';
import { secretContext, TargetClients } from './target-clients.service';

const TOKEN = 'bearer-token-0123456789';

/**
 * The cached client per target version, against a fake target that answers slowly: a request in flight is never cut
 * off because another caller asked for the target's connection (CI once saw a test connection fail with "socket
 * hang up" when the engine, holding the target as read before an edit, replaced the newer client with an older one).
 */
describe('TargetClients', () => {
  let target: FakeScimTarget;
  let clients: TargetClients;
  let secrets: SecretBox;

  beforeAll(async () => {
    target = await startFakeScimTarget({ bearerToken: TOKEN });
    secrets = SecretBox.fromKey(SecretBox.generateKey());
    clients = new TargetClients(secrets, new NetworkPolicy(['127.0.0.0/8']), {
      provisioning: { allowInsecureTargets: true },
    } as AppConfig);
  });
  beforeEach(() => target.reset());
  afterAll(async () => {
    clients.onApplicationShutdown();
    await target.close();
  });

  const version = (n: number) =>
    ({
      id: 'target-1',
      version: n,
      baseUrl: target.url,
      authType: 'bearer',
      secretEnvelope: secrets.encrypt(TOKEN, secretContext('target-1')),
      timeoutMs: 5000,
      concurrency: 2,
      requestsPerSecond: null,
    }) as unknown as ProvisioningTarget;

  it('gives a caller holding an older read the newer connection, and leaves its requests in flight alone', async () => {
    target.slow(300);
    const newer = clients.connectionFor(version(2));
    const inFlight = newer.client.testConnection();
    await new Promise((r) => setTimeout(r, 50));
    expect(clients.connectionFor(version(1))).toBe(newer);
    expect(await inFlight).toMatchObject({ ok: true, code: 'ok' });
  });

  it('lets the requests sent on a replaced client finish, then serves the new version', async () => {
    target.slow(300);
    const older = clients.connectionFor(version(3));
    // Six at once with concurrency 2: four wait their turn, and go out on the retired client's connections.
    const inFlight = Promise.all(Array.from({ length: 6 }, () => older.client.testConnection()));
    await new Promise((r) => setTimeout(r, 50));
    const newer = clients.connectionFor(version(4));
    expect(newer).not.toBe(older);
    expect((await inFlight).map((v) => v.code)).toEqual(Array(6).fill('ok'));
    expect(await newer.client.testConnection()).toMatchObject({ ok: true, code: 'ok' });
    // The retired client still works; its connection closes when its answer is in.
    expect(await older.client.testConnection()).toMatchObject({ ok: true, code: 'ok' });
  });

  it("holds concurrency across a settings change: the replaced client's requests in flight count against it", async () => {
    target.slow(200);
    const older = clients.connectionFor(version(10));
    const first = Array.from({ length: 4 }, () => older.client.testConnection());
    await new Promise((r) => setTimeout(r, 50));
    // Edited while two requests are out and two wait: the new client's four join the same line.
    const newer = clients.connectionFor(version(11));
    expect(newer).not.toBe(older);
    const second = Array.from({ length: 4 }, () => newer.client.testConnection());
    const verdicts = await Promise.all([...first, ...second]);
    expect(verdicts.map((v) => v.code)).toEqual(Array(8).fill('ok'));
    expect(target.peakInFlight()).toBe(2);
  });

  it('applies a new concurrency as places come free', async () => {
    target.slow(200);
    const two = clients.connectionFor(version(12));
    const first = Array.from({ length: 2 }, () => two.client.testConnection());
    await new Promise((r) => setTimeout(r, 50));
    const one = clients.connectionFor({ ...version(13), concurrency: 1 });
    const second = Array.from({ length: 3 }, () => one.client.testConnection());
    expect((await Promise.all(first)).map((v) => v.code)).toEqual(['ok', 'ok']);
    // The two in flight end together; from then on one at a time.
    const ends: number[] = [];
    await Promise.all(second.map((p) => p.then(() => ends.push(Date.now()))));
    expect(target.peakInFlight()).toBe(2);
    expect(ends[1] - ends[0]).toBeGreaterThanOrEqual(150);
    expect(ends[2] - ends[1]).toBeGreaterThanOrEqual(150);
  });

  it('keeps one rate budget across a settings change: the newer connection does not start a fresh one', async () => {
    // A target of its own, whose bucket starts with one request's budget.
    const paced = (n: number) => ({
      ...version(n),
      id: 'target-2',
      secretEnvelope: secrets.encrypt(TOKEN, secretContext('target-2')),
      requestsPerSecond: 2,
    });
    const older = clients.connectionFor(paced(1));
    await older.limiter.take();
    const newer = clients.connectionFor(paced(2));
    const started = Date.now();
    await newer.limiter.take();
    // Two a second: the second request waits half a second, whichever connection takes it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});
