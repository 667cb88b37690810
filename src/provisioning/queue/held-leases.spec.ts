import { HeldLeases, MAX_HOLD_MS, RENEW_EVERY_MS } from './held-leases';

describe('HeldLeases', () => {
  let renewed: { targetId: string; objectIds: string[]; tokens: string[] }[];
  let abandoned: string[];
  let leases: HeldLeases;

  beforeEach(() => {
    jest.useFakeTimers();
    renewed = [];
    abandoned = [];
    leases = new HeldLeases(
      (targetId, objectIds, tokens) => {
        renewed.push({ targetId, objectIds, tokens });
        return Promise.resolve();
      },
      () => undefined,
      (_targetId, objectIds) => abandoned.push(...objectIds),
    );
  });
  afterEach(() => jest.useRealTimers());

  it('renews what is held, per target, until it is released', async () => {
    leases.hold('t1', [
      { objectType: 'User', objectId: 'a', token: 'p:1' },
      { objectType: 'User', objectId: 'b', token: 'p:2' },
    ]);
    expect(leases.holds('t1', 'User', 'a')).toBe(true);
    expect(leases.holds('t1', 'Group', 'a')).toBe(false);
    await jest.advanceTimersByTimeAsync(RENEW_EVERY_MS);
    expect(renewed).toEqual([{ targetId: 't1', objectIds: ['a', 'b'], tokens: ['p:1', 'p:2'] }]);

    leases.release('t1', 'User', 'a', 'p:other');
    expect(leases.holds('t1', 'User', 'a')).toBe(true);
    leases.release('t1', 'User', 'a', 'p:1');
    leases.release('t1', 'User', 'b', 'p:2');
    renewed = [];
    await jest.advanceTimersByTimeAsync(RENEW_EVERY_MS * 3);
    expect(renewed).toEqual([]);
  });

  it('stops renewing a row held longer than any attempt lasts, so its lease runs out', async () => {
    leases.hold('t1', [{ objectType: 'User', objectId: 'lost', token: 'p:1' }]);
    await jest.advanceTimersByTimeAsync(MAX_HOLD_MS - RENEW_EVERY_MS);
    leases.hold('t1', [{ objectType: 'User', objectId: 'fresh', token: 'p:2' }]);
    renewed = [];
    await jest.advanceTimersByTimeAsync(RENEW_EVERY_MS * 2);
    expect(abandoned).toEqual(['lost']);
    expect(leases.holds('t1', 'User', 'lost')).toBe(false);
    expect(renewed.at(-1)).toEqual({ targetId: 't1', objectIds: ['fresh'], tokens: ['p:2'] });
  });
});
