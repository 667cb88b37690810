import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DirectoryObject, DirectoryReader } from '../../directory/readers/directory.reader';
import { SharedUserReads } from './shared-user-reads';

function user(id: string, title: string): DirectoryObject {
  return { id, type: 'User', doc: { userName: `${id}@example.com`, title }, active: true, deletedAt: null };
}

/** A directory of users whose reads are counted, with the ids each read asked for. */
function directory(titles: Record<string, string>) {
  const reads: string[][] = [];
  const read = (ids: string[]) => {
    reads.push([...ids]);
    return Promise.resolve(new Map(ids.filter((id) => titles[id]).map((id) => [id, user(id, titles[id])])));
  };
  return { reads, read, titles };
}

/** Claimed rows queued by no journal change (a reconciliation, an assignment), or by the change `seq`. */
const rows = (ids: string[], changeSeq: number | null = null, reconcile = false) =>
  ids.map((objectId) => ({ objectId, changeSeq, reconcile }));

describe('SharedUserReads', () => {
  /** What the journal fan-out of this process has read up to. */
  const journal = { visibleThrough: 0 };
  const shared = () => new SharedUserReads({} as DirectoryReader, journal);
  beforeEach(() => (journal.visibleThrough = 0));

  it('serves a batch claimed before another batch read the same users, without reading them again', async () => {
    const reads = shared();
    const dir = directory({ a: 'Analyst', b: 'Buyer', c: 'Clerk' });
    const claimedFirst = performance.now();
    const claimedSecond = performance.now();
    const first = await reads.users(rows(['a', 'b']), claimedFirst, dir.read);
    const second = await reads.users(rows(['a', 'b', 'c']), claimedSecond, dir.read);
    expect(dir.reads).toEqual([['a', 'b'], ['c']]);
    expect(second.get('a')).toBe(first.get('a'));
    expect([...second.keys()].sort()).toEqual(['a', 'b', 'c']);
  });

  it('reads again for a batch claimed after the read began: that read may predate the change it was claimed for', async () => {
    const reads = shared();
    const dir = directory({ a: 'Analyst' });
    await reads.users(rows(['a']), performance.now(), dir.read);
    dir.titles.a = 'Architect';
    const later = await reads.users(rows(['a']), performance.now(), dir.read);
    expect(dir.reads).toEqual([['a'], ['a']]);
    expect(later.get('a')?.doc.title).toBe('Architect');
  });

  it('serves a batch claimed after the read began when the change it was claimed for was already committed', async () => {
    const reads = shared();
    const dir = directory({ a: 'Analyst', b: 'Buyer' });
    journal.visibleThrough = 41;
    await reads.users(rows(['a', 'b']), performance.now(), dir.read);
    // Claimed later, for changes 41 (fanned out before the read began) and 42 (after): b is read again.
    const later = performance.now();
    const [a] = await Promise.all([
      reads.users(rows(['a'], 41), later, dir.read),
      reads.users(rows(['b'], 42), later, dir.read),
    ]);
    expect(a.get('a')?.doc.title).toBe('Analyst');
    expect(dir.reads).toEqual([['a', 'b'], ['b']]);
  });

  it('reads again for a row a reconciliation queued, whatever its change seq: it looks for what the journal missed', async () => {
    const reads = shared();
    const dir = directory({ a: 'Analyst' });
    journal.visibleThrough = 41;
    await reads.users(rows(['a']), performance.now(), dir.read);
    // Changed outside the gateway's writes: no journal row says so.
    dir.titles.a = 'Architect';
    const later = performance.now();
    const found = await reads.users(rows(['a'], 41, true), later, dir.read);
    expect(found.get('a')?.doc.title).toBe('Architect');
    expect(dir.reads).toEqual([['a'], ['a']]);
  });

  it('shares a read still in flight, and leaves out a user the directory no longer has', async () => {
    const reads = shared();
    const dir = directory({ a: 'Analyst' });
    const claimed = performance.now();
    const [one, two] = await Promise.all([
      reads.users(rows(['a', 'gone']), claimed, dir.read),
      reads.users(rows(['a', 'gone']), claimed, dir.read),
    ]);
    expect(dir.reads).toEqual([['a', 'gone']]);
    expect([...one.keys()]).toEqual(['a']);
    expect([...two.keys()]).toEqual(['a']);
  });

  it('keeps no failed read: the batches that shared it fail, and the next one reads again', async () => {
    const reads = shared();
    const claimed = performance.now();
    const failing = () => Promise.reject(new Error('database gone'));
    await expect(reads.users(rows(['a']), claimed, failing)).rejects.toThrow('database gone');
    const dir = directory({ a: 'Analyst' });
    expect((await reads.users(rows(['a']), claimed, dir.read)).get('a')?.doc.title).toBe('Analyst');
    expect(dir.reads).toEqual([['a']]);
  });

  it('hands out objects frozen at the top, so one attempt cannot change what another is sent', async () => {
    const reads = shared();
    const dir = directory({ a: 'Analyst' });
    const a = (await reads.users(rows(['a']), performance.now(), dir.read)).get('a')!;
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('once a read is done, a kept user holds its own object, not the map of the batch it was read with', async () => {
    // A full collection on demand: the test asks whether the batch's map can still be reached.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const reads = shared();
    let batch: WeakRef<Map<string, DirectoryObject>> | undefined;
    const titles: Record<string, string> = { a: 'Analyst', b: 'Buyer', c: 'Clerk' };
    const readOnce = (ids: string[]) => {
      const found = new Map(ids.map((id) => [id, user(id, titles[id])]));
      batch ??= new WeakRef(found);
      return Promise.resolve(found);
    };
    const claimed = performance.now();
    await reads.users(rows(['a', 'b', 'c']), claimed, readOnce);
    // Another target's batch, claimed later, reads b again; a and c stay kept from the first read.
    const dir = directory(titles);
    await reads.users(rows(['b'], null, true), performance.now(), dir.read);
    await new Promise((r) => setImmediate(r));
    gc();
    expect(batch?.deref()).toBeUndefined();
    // What is kept still serves: a batch claimed before the first read gets a and c without a read.
    const kept = await reads.users(rows(['a', 'c']), claimed, dir.read);
    expect(kept.get('a')?.doc.title).toBe('Analyst');
    expect([...kept.keys()]).toEqual(['a', 'c']);
    expect(dir.reads).toEqual([['b']]);
  });

  it('keeps a bounded number of users: the oldest go first', async () => {
    const reads = shared();
    const titles: Record<string, string> = {};
    const ids = Array.from({ length: 20_001 }, (_, i) => `u${i}`);
    for (const id of ids) titles[id] = 'Analyst';
    const dir = directory(titles);
    const claimed = performance.now();
    await reads.users(rows(ids), claimed, dir.read);
    await reads.users(rows(['u0', 'u20000']), claimed, dir.read);
    expect(dir.reads.slice(1)).toEqual([['u0']]);
  });
});
