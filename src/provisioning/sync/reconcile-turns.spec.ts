import { loadConfig } from '../../config/app-config';
import { ReconcileTurns } from './reconcile-turns';

const turns = (max: number) => new ReconcileTurns(loadConfig({ RECONCILE_MAX_CONCURRENT: String(max) }));

describe('ReconcileTurns', () => {
  it('starts at most the bound at once, in the order the targets asked', () => {
    const t = turns(2);
    expect(t.offer(['a', 'b', 'c', 'd'])).toEqual(['a', 'b']);
    // Asked again on the next pass (still requested), in another order: the order of the first asking holds.
    expect(t.offer(['d', 'c', 'b', 'a'])).toEqual([]);
    expect(t.turnOf('a')).toEqual({ state: 'running' });
    expect(t.turnOf('c')).toEqual({ state: 'waiting', ahead: 0, running: 2, maxConcurrent: 2 });
    expect(t.turnOf('d')).toEqual({ state: 'waiting', ahead: 1, running: 2, maxConcurrent: 2 });
    t.done('b');
    expect(t.offer(['a', 'd', 'c'])).toEqual(['c']);
    t.done('a');
    t.done('c');
    expect(t.offer(['d'])).toEqual(['d']);
    expect(t.turnOf('a')).toBeNull();
  });

  it('puts a target asked for again as soon as its own is done behind those that were waiting', () => {
    const t = turns(1);
    expect(t.offer(['busy', 'x', 'y'])).toEqual(['busy']);
    t.done('busy');
    // Its next reconciliation is requested at once; x and y have waited since the first pass.
    expect(t.offer(['busy', 'x', 'y'])).toEqual(['x']);
    expect(t.turnOf('y')).toEqual({ state: 'waiting', ahead: 0, running: 1, maxConcurrent: 1 });
    expect(t.turnOf('busy')).toEqual({ state: 'waiting', ahead: 1, running: 1, maxConcurrent: 1 });
    t.done('x');
    expect(t.offer(['busy', 'y'])).toEqual(['y']);
    t.done('y');
    expect(t.offer(['busy'])).toEqual(['busy']);
  });

  it('drops a request that was withdrawn before its turn, and the ones behind move up', () => {
    const t = turns(1);
    expect(t.offer(['a', 'b', 'c'])).toEqual(['a']);
    expect(t.turnOf('c')).toMatchObject({ state: 'waiting', ahead: 1 });
    // b's target was disabled or deleted: no longer requested.
    t.offer(['c']);
    expect(t.turnOf('b')).toBeNull();
    expect(t.turnOf('c')).toMatchObject({ state: 'waiting', ahead: 0 });
    // A running reconciliation is not dropped by the request's flag going down (it clears it itself as it starts).
    expect(t.turnOf('a')).toEqual({ state: 'running' });
    t.done('a');
    expect(t.offer(['c'])).toEqual(['c']);
  });
});
