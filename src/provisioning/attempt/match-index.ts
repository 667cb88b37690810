/**
 * Matching by listing: the target's users read once (a page per request) instead of one `GET ?filter=` per joiner.
 * An index answers, per matching attribute and value, which accounts the target held when it was listed. Pure.
 *
 * Users only, and only `userName` and `externalId` are indexed; a matching attribute the
 * index does not hold (`emails[type eq "work"].value`) is looked up as before. `userName` compares without case (its
 * SCIM `caseExact` is false, so a target's `eq` filter would match so too); the others compare exactly.
 *
 * Compact, because twenty targets may each hold one of 100,000 accounts at once: a value is kept as a 32-bit hash
 * (no string), an account's id in a string shared by 1,024 ids: 60-95 bytes an account where a map of strings took
 * about 290 (twenty indexes of 87,000 accounts each held the gateway's RSS near 1 GB). So an answer is what the
 * listing may hold: at 100,000 accounts, a value absent from the listing shares a hash with one in it about once in
 * 40,000 lookups, and about one pair of the listing's own values share one. The planner therefore reads the one
 * account it is given and checks it against the value (`matchesValue`), and asks the target whenever the answer is
 * more than one account: a shared hash costs a request, never a wrong match or a wrong refusal.
 */

export const INDEXED_ATTRIBUTES = ['userName', 'externalId'] as const;
export type IndexedAttribute = (typeof INDEXED_ATTRIBUTES)[number];

const CASE_INSENSITIVE: ReadonlySet<string> = new Set(['username']);

/**
 * What the index knows about a value: the accounts that may hold it (none: certainly none did when listed), or that
 * it does not cover the attribute.
 */
export type IndexAnswer = { kind: 'ids'; ids: readonly string[] } | { kind: 'not_indexed' };

/** Ids sealed into one string per this many accounts. */
const ID_CHUNK = 1024;

export class MatchIndex {
  private readonly byAttribute = new Map<string, HashTable>();
  private count = 0;
  /** Sealed chunks of ids, each with the offset of every id in it (one more: the end). */
  private readonly idChunks: { text: string; offsets: Uint32Array }[] = [];
  private open: string[] = [];

  constructor(
    readonly listedAt: Date,
    attributes: readonly string[],
  ) {
    for (const a of attributes) if (isIndexable(a)) this.byAttribute.set(a.toLowerCase(), new HashTable());
  }

  get size(): number {
    return this.count;
  }

  add(account: { id: string } & Partial<Record<IndexedAttribute, unknown>>): void {
    const position = this.count++;
    this.open.push(account.id);
    if (this.open.length === ID_CHUNK) this.seal();
    for (const name of INDEXED_ATTRIBUTES) {
      const table = this.byAttribute.get(name.toLowerCase());
      const value = account[name];
      if (!table || typeof value !== 'string' || value === '') continue;
      table.insert(hash(keyOf(name, value)), position);
    }
  }

  lookup(attribute: string, value: string): IndexAnswer {
    const table = this.byAttribute.get(attribute.toLowerCase());
    if (!table) return { kind: 'not_indexed' };
    return { kind: 'ids', ids: table.find(hash(keyOf(attribute, value))).map((p) => this.idAt(p)) };
  }

  private seal(): void {
    const offsets = new Uint32Array(this.open.length + 1);
    for (let i = 0; i < this.open.length; i++) offsets[i + 1] = offsets[i] + this.open[i].length;
    // `join` makes one flat string: the ids' own strings (from the listing's JSON) are left to the collector.
    this.idChunks.push({ text: this.open.join(''), offsets });
    this.open = [];
  }

  private idAt(position: number): string {
    const chunk = this.idChunks[Math.floor(position / ID_CHUNK)];
    const i = position % ID_CHUNK;
    return chunk ? chunk.text.slice(chunk.offsets[i], chunk.offsets[i + 1]) : this.open[i];
  }
}

/** The indexed attribute a mapping's target attribute names (SCIM names compare without case); none: not indexed. */
function indexedName(attribute: string): IndexedAttribute | undefined {
  return INDEXED_ATTRIBUTES.find((a) => a.toLowerCase() === attribute.toLowerCase());
}

export function isIndexable(attribute: string): boolean {
  return indexedName(attribute) !== undefined;
}

/** True when a resource read by the id the index gave holds `value` in `attribute` (compared as the index does). */
export function matchesValue(resource: Record<string, unknown>, attribute: string, value: string): boolean {
  const name = indexedName(attribute);
  const held = name === undefined ? undefined : resource[name];
  return typeof held === 'string' && keyOf(attribute, held) === keyOf(attribute, value);
}

function keyOf(attribute: string, value: string): string {
  return CASE_INSENSITIVE.has(attribute.toLowerCase()) ? value.normalize('NFC').toLowerCase() : value;
}

/**
 * Open addressing, linear probing, at most three slots in four used: a slot holds a value's 32-bit hash and its
 * account's position (+1; 0: free).
 */
class HashTable {
  private hashes = new Uint32Array(16);
  private at = new Uint32Array(16);
  private used = 0;

  insert(h: number, position: number): void {
    if ((this.used + 1) * 4 > this.at.length * 3) this.grow();
    this.place(h, position + 1);
    this.used++;
  }

  find(h: number): number[] {
    const mask = this.at.length - 1;
    const found: number[] = [];
    for (let s = h & mask; this.at[s] !== 0; s = (s + 1) & mask)
      if (this.hashes[s] === h) found.push(this.at[s] - 1);
    return found;
  }

  private place(h: number, at: number): void {
    const mask = this.at.length - 1;
    let s = h & mask;
    while (this.at[s] !== 0) s = (s + 1) & mask;
    this.hashes[s] = h;
    this.at[s] = at;
  }

  private grow(): void {
    const [hashes, at] = [this.hashes, this.at];
    this.hashes = new Uint32Array(at.length * 2);
    this.at = new Uint32Array(at.length * 2);
    for (let s = 0; s < at.length; s++) if (at[s] !== 0) this.place(hashes[s], at[s]);
  }
}

/** A 32-bit string hash (cyrb53's two lanes and mixing, the first half kept). */
function hash(text: string): number {
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  return a >>> 0;
}
