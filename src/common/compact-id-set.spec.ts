import { randomUUID } from 'node:crypto';
import { CompactIdSet } from './compact-id-set';

/** A deterministic generator: the time-ordered ids are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

/** A time-ordered UUID (version 7 layout): the leading words share most of their bits from one id to the next. */
function uuidV7(ms: number, next: () => number): string {
  const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);
  const time = hex(Math.floor(ms / 0x10000), 8) + hex(ms & 0xffff, 4);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(next(), 3)}-${hex(0x8000 | (next() & 0x3fff), 4)}-${hex(next(), 8)}${hex(next(), 4)}`;
}

describe('CompactIdSet', () => {
  it('answers exactly as a Set<string> for random, time-ordered, uppercase, nil and non-UUID ids through growth', () => {
    const next = lcg(7);
    const ids: string[] = [];
    for (let i = 0; i < 20_000; i++) ids.push(randomUUID());
    for (let i = 0; i < 20_000; i++) ids.push(uuidV7(1_780_000_000_000 + i, next));
    ids.push(
      '00000000-0000-0000-0000-000000000000',
      ids[0].toUpperCase(),
      'ext-42',
      '',
      `${ids[1].slice(0, 35)}g`,
      ids[2].replace(/-/g, '_'),
    );
    const compact = new CompactIdSet(4); // grows many times on the way
    const reference = new Set<string>();
    // Every other id is added, some twice.
    ids.forEach((id, i) => {
      if (i % 2 === 0 || id.length !== 36) {
        compact.add(id);
        reference.add(id);
      }
      if (i % 7 === 0) {
        compact.add(id);
        reference.add(id);
      }
    });
    expect(compact.size).toBe(reference.size);
    const wrong = ids.filter((id) => compact.has(id) !== reference.has(id));
    expect(wrong).toEqual([]);
    // Ids never added that differ from an added one only in their last character.
    const flipped = ids.slice(0, 1000).map((id) => id.slice(0, 35) + (id[35] === '0' ? '1' : '0'));
    expect(flipped.filter((id) => compact.has(id) !== reference.has(id))).toEqual([]);
  });

  it('tells apart ids that share their first 96 bits', () => {
    const set = new CompactIdSet();
    const id = (n: number) => `3f2504e0-4f89-41d3-9a0c-0305${n.toString(16).padStart(8, '0')}`;
    for (let n = 0; n < 10_000; n += 2) set.add(id(n));
    const wrong: string[] = [];
    for (let n = 0; n < 10_000; n++) if (set.has(id(n)) !== (n % 2 === 0)) wrong.push(id(n));
    expect(wrong).toEqual([]);
    expect(set.size).toBe(5_000);
  });

  it('keeps a lowercase id and its uppercase spelling apart, as string equality does', () => {
    const set = new CompactIdSet();
    const id = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    set.add(id.toUpperCase());
    expect(set.has(id)).toBe(false);
    expect(set.has(id.toUpperCase())).toBe(true);
    set.add(id);
    expect(set.size).toBe(2);
  });
});
