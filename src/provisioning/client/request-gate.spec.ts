import { RequestGate } from './request-gate';

describe('RequestGate', () => {
  it('runs at most its limit at once, the others in the order they came, and a failure gives its place back', async () => {
    const gate = new RequestGate(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (n: number, fail = false) =>
      gate.run(async () => {
        started.push(n);
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 10));
        active -= 1;
        if (fail) throw new Error(`task ${n} failed`);
        return n;
      });
    const results = await Promise.allSettled([task(1), task(2, true), task(3), task(4), task(5)]);
    expect(peak).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    // Nothing is left holding a place: two more run side by side.
    peak = 0;
    await Promise.all([task(6), task(7)]);
    expect(peak).toBe(2);
    expect(started.slice(-2)).toEqual([6, 7]);
  });

  it('lets waiting exchanges go at once when the limit is raised, and reaches a lowered one as they finish', async () => {
    const gate = new RequestGate(1);
    let active = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const task = () =>
      gate.run(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise<void>((r) => release.push(r));
        active -= 1;
      });
    const tick = () => new Promise((r) => setImmediate(r));
    const all = [task(), task(), task(), task(), task()];
    await tick();
    expect(active).toBe(1);
    gate.setLimit(3);
    await tick();
    expect(active).toBe(3);
    gate.setLimit(1);
    // Two of the three finish: neither hands its place on, the limit is now 1.
    release.shift()!();
    release.shift()!();
    await tick();
    expect(active).toBe(1);
    release.shift()!();
    await tick();
    expect(active).toBe(1);
    while (release.length > 0) {
      release.shift()!();
      await tick();
    }
    await Promise.all(all);
    expect(peak).toBe(3);
    expect(active).toBe(0);
  });
});
