import { CostlyRead } from './costly-read';

describe('CostlyRead', () => {
  let clock = 0;
  const now = () => clock;
  /** A computation that advances the clock by `ms` and answers `value`. */
  const costing = (ms: number, value: number) => () => {
    clock += ms;
    return Promise.resolve(value);
  };
  const settle = () => new Promise((r) => setImmediate(r));

  beforeEach(() => (clock = 0));

  it('asks again at once when the read was cheap', async () => {
    const read = new CostlyRead<number>(10, 10, now);
    expect(await read.get('t', costing(2, 1))).toBe(1);
    await settle();
    expect(await read.get('t', costing(2, 2))).toBe(2);
  });

  it('reuses a costly answer for ten times what it cost, then asks again', async () => {
    const read = new CostlyRead<number>(10, 10, now);
    expect(await read.get('t', costing(100, 1))).toBe(1);
    await settle();
    clock += 999;
    expect(await read.get('t', costing(100, 2))).toBe(1);
    clock += 2;
    expect(await read.get('t', costing(100, 3))).toBe(3);
    // Another key is its own.
    expect(await read.get('u', costing(0, 4))).toBe(4);
  });

  it('shares a computation in progress, and forgets one that failed', async () => {
    const read = new CostlyRead<number>(10, 10, now);
    let calls = 0;
    let finish!: (v: number) => void;
    const slow = () => {
      calls++;
      return new Promise<number>((r) => (finish = r));
    };
    const a = read.get('t', slow);
    const b = read.get('t', slow);
    finish(7);
    expect([await a, await b]).toEqual([7, 7]);
    expect(calls).toBe(1);

    const failing = new CostlyRead<number>(10, 10, now);
    await expect(failing.get('t', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await settle();
    expect(await failing.get('t', costing(0, 5))).toBe(5);
  });
});
