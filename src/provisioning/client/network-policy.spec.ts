import { FakeScimTarget, startFakeScimTarget } from '../../../test/support/fake-scim-target';
import { classifyOutcome } from '../policy/retry-policy';
import { judgeConnection } from './connection.tester';
import { NetworkPolicy } from './network-policy';
import { ScimClient } from './scim-client';

describe('NetworkPolicy', () => {
  const loopbackOnly = new NetworkPolicy(['127.0.0.0/8', '::1/128']);

  it.each([
    ['169.254.169.254', /link-local \(cloud metadata services\)/],
    ['::ffff:169.254.169.254', /link-local/],
    ['fe80::1', /link-local/],
    ['fd00:ec2::254', /cloud metadata/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /broadcast/],
  ])('never lets a target be at %s', (address, why) => {
    expect(loopbackOnly.refusal(address)).toMatch(why);
    // Not even when an operator lists everything.
    expect(new NetworkPolicy(['0.0.0.0/0', '::/0']).refusal(address)).toMatch(why);
  });

  it.each([
    ['10.1.2.3', 'private'],
    ['172.20.0.5', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['fd12:3456::1', 'unique-local'],
  ])('refuses %s (%s) outside TARGET_ALLOWED_NETWORKS, allows it inside', (address, what) => {
    expect(loopbackOnly.refusal(address)).toBe(
      `${address} is a ${what} address outside TARGET_ALLOWED_NETWORKS`,
    );
    expect(
      new NetworkPolicy([
        '10.0.0.0/8',
        '172.16.0.0/12',
        '192.168.0.0/16',
        '100.64.0.0/10',
        'fc00::/7',
      ]).refusal(address),
    ).toBeNull();
  });

  it('allows loopback only when listed, and public addresses always', () => {
    expect(loopbackOnly.refusal('127.0.0.1')).toBeNull();
    expect(loopbackOnly.refusal('::1')).toBeNull();
    expect(new NetworkPolicy([]).refusal('127.0.0.1')).toMatch(
      /loopback address outside TARGET_ALLOWED_NETWORKS/,
    );
    expect(new NetworkPolicy([]).refusal('93.184.216.34')).toBeNull();
    expect(new NetworkPolicy([]).refusal('2606:2800:220:1::')).toBeNull();
  });
});

describe('ScimClient under a network policy', () => {
  let target: FakeScimTarget;
  beforeAll(async () => {
    target = await startFakeScimTarget();
  });
  afterAll(() => target.close());

  const client = (baseUrl: string, policy: NetworkPolicy) =>
    new ScimClient({ baseUrl, auth: { type: 'bearer', token: 't' }, timeoutMs: 2000, networkPolicy: policy });

  it('refuses an IP literal before connecting: nothing reaches the host, nothing of it is kept', async () => {
    target.reset();
    const c = client(target.url, new NetworkPolicy([]));
    const result = await c.request({ method: 'GET', path: '/Users' });
    c.close();
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ status: 0, text: '', error: { kind: 'policy' } });
    expect(result.error?.message).toMatch(/network policy: 127\.0\.0\.1 is a loopback address/);
    expect(classifyOutcome(result)).toBe('permanent');
    expect(target.requests).toHaveLength(0);
  });

  it('refuses a name at connect time by the address it resolves to, and Test connection says so', async () => {
    target.reset();
    const c = client(target.url.replace('127.0.0.1', 'localhost'), new NetworkPolicy([]));
    const result = await c.request({ method: 'GET', path: '/Users' });
    expect(result.error).toMatchObject({ kind: 'policy' });
    expect(result.error?.message).toMatch(
      /localhost resolves to .* loopback address outside TARGET_ALLOWED_NETWORKS/,
    );
    const verdict = judgeConnection(result, target.url);
    c.close();
    expect(verdict).toMatchObject({ ok: false, code: 'network-policy' });
    expect(target.requests).toHaveLength(0);
  });

  it('connects where the policy allows', async () => {
    target.reset();
    const c = client(
      target.url.replace('127.0.0.1', 'localhost'),
      new NetworkPolicy(['127.0.0.0/8', '::1/128']),
    );
    const result = await c.request({ method: 'GET', path: '/Users' });
    c.close();
    expect(result.ok).toBe(true);
    expect(target.requests).toHaveLength(1);
  });
});
