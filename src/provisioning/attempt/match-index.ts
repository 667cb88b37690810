/**
 * Matching by listing: the target's users read once (a page per request) instead of one `GET ?filter=` per joiner.
 * An index answers, per matching attribute and value, which accounts the target held when it was listed. Pure.
 *
 * Users only, and only `userName` and `externalId` are indexed; a matching attribute the
 * index does not hold (`emails[type eq "work"].value`) is looked up as before. `userName` compares without case (its
 * SCIM `caseExact` is false, so a target's `eq` filter would match so too); the others compare exactly.
 */

export const INDEXED_ATTRIBUTES = ['userName', 'externalId'] as const;
export type IndexedAttribute = (typeof INDEXED_ATTRIBUTES)[number];

const CASE_INSENSITIVE: ReadonlySet<string> = new Set(['username']);

/** What the index knows about a value: the accounts holding it, or that it does not cover the attribute. */
export type IndexAnswer = { kind: 'ids'; ids: readonly string[] } | { kind: 'not_indexed' };

export class MatchIndex {
  private readonly byAttribute = new Map<string, Map<string, string[]>>();
  private count = 0;

  constructor(
    readonly listedAt: Date,
    attributes: readonly string[],
  ) {
    for (const a of attributes) if (isIndexable(a)) this.byAttribute.set(a.toLowerCase(), new Map());
  }

  /** The attributes a listing must ask for to fill this index. */
  get attributes(): string[] {
    return INDEXED_ATTRIBUTES.filter((a) => this.byAttribute.has(a.toLowerCase()));
  }

  get size(): number {
    return this.count;
  }

  add(account: { id: string } & Partial<Record<IndexedAttribute, unknown>>): void {
    this.count++;
    for (const name of INDEXED_ATTRIBUTES) {
      const values = this.byAttribute.get(name.toLowerCase());
      const value = account[name];
      if (!values || typeof value !== 'string' || value === '') continue;
      const key = keyOf(name, value);
      const ids = values.get(key);
      if (ids) ids.push(account.id);
      else values.set(key, [account.id]);
    }
  }

  lookup(attribute: string, value: string): IndexAnswer {
    const values = this.byAttribute.get(attribute.toLowerCase());
    if (!values) return { kind: 'not_indexed' };
    return { kind: 'ids', ids: values.get(keyOf(attribute, value)) ?? [] };
  }
}

export function isIndexable(attribute: string): boolean {
  return INDEXED_ATTRIBUTES.some((a) => a.toLowerCase() === attribute.toLowerCase());
}

function keyOf(attribute: string, value: string): string {
  return CASE_INSENSITIVE.has(attribute.toLowerCase()) ? value.normalize('NFC').toLowerCase() : value;
}
