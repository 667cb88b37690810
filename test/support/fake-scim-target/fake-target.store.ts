/**
 * In-memory Users and Groups for the fake target, with the uniqueness rules Entra expects of an app
 * (userName case-insensitively unique, group displayName unique: 409 uniqueness, RFC 7644 §3.3) and indexes on
 * the attributes Entra matches on, so that a 100,000-user benchmark does not scan on every lookup.
 * `acceptDuplicates`: no uniqueness at all, as in an app that does not check: a second create of the same userName
 * is a second resource, so a test sees every duplicate the gateway creates instead of a 409 that hides it.
 */
import { randomUUID } from 'node:crypto';
import {
  FakeScimError,
  FilterNode,
  JsonObject,
  getAttr,
  isObject,
  matchesFilter,
} from './fake-target.filter';
import { applyPatch, PatchQuirks } from './fake-target.patch';

export type ResourceKind = 'Users' | 'Groups';

const CORE_SCHEMA: Record<ResourceKind, string> = {
  Users: 'urn:ietf:params:scim:schemas:core:2.0:User',
  Groups: 'urn:ietf:params:scim:schemas:core:2.0:Group',
};
const UNIQUE_ATTR: Record<ResourceKind, string> = { Users: 'userName', Groups: 'displayName' };
const INDEXED = ['id', 'externalId', 'userName', 'displayName'];

export class FakeResourceStore {
  private readonly docs: Record<ResourceKind, Map<string, JsonObject>> = {
    Users: new Map(),
    Groups: new Map(),
  };
  /** kind → indexed attribute (lowercase) → value key → ids. */
  private readonly indexes: Record<ResourceKind, Map<string, Map<string, Set<string>>>> = {
    Users: new Map(),
    Groups: new Map(),
  };

  /** Every document of a kind in creation order, kept between writes: a listing of 1,000,000 users pages through
   * it instead of copying the map on every page. */
  private readonly listed: Record<ResourceKind, JsonObject[] | undefined> = {
    Users: undefined,
    Groups: undefined,
  };

  constructor(
    private readonly locationBase: () => string,
    private readonly acceptDuplicates = false,
    private readonly patchQuirks: PatchQuirks = {},
  ) {}

  size(kind: ResourceKind): number {
    return this.docs[kind].size;
  }

  all(kind: ResourceKind): JsonObject[] {
    return [...this.docs[kind].values()].map((d) => structuredClone(d));
  }

  get(kind: ResourceKind, id: string): JsonObject {
    const doc = this.docs[kind].get(id);
    if (!doc) throw new FakeScimError(404, undefined, `Resource ${id} not found`);
    return structuredClone(doc);
  }

  create(kind: ResourceKind, input: unknown): JsonObject {
    const doc = this.validated(kind, input);
    this.assertUnique(kind, doc);
    const id = randomUUID();
    const now = new Date().toISOString();
    const { id: _ignoredId, meta: _ignoredMeta, ...rest } = doc;
    const stored: JsonObject = { ...rest, id, meta: this.meta(kind, id, now, now, 1) };
    if (kind === 'Groups' && !Array.isArray(stored.members)) stored.members = [];
    this.put(kind, stored);
    return structuredClone(stored);
  }

  replace(kind: ResourceKind, id: string, input: unknown): JsonObject {
    const existing = this.get(kind, id);
    const doc = this.validated(kind, input);
    this.assertUnique(kind, doc, id);
    const { id: _ignoredId, meta: _ignoredMeta, ...rest } = doc;
    const previous = existing.meta as JsonObject;
    const stored: JsonObject = {
      ...rest,
      id,
      meta: this.meta(
        kind,
        id,
        previous.created as string,
        new Date().toISOString(),
        Number(previous.version) + 1,
      ),
    };
    this.put(kind, stored);
    return structuredClone(stored);
  }

  patch(kind: ResourceKind, id: string, body: unknown): JsonObject {
    const existing = this.get(kind, id);
    const patched = applyPatch(existing, body, this.patchQuirks);
    this.validated(kind, patched);
    this.assertUnique(kind, patched, id);
    const previous = existing.meta as JsonObject;
    patched.meta = this.meta(
      kind,
      id,
      previous.created as string,
      new Date().toISOString(),
      Number(previous.version) + 1,
    );
    this.put(kind, patched);
    return structuredClone(patched);
  }

  delete(kind: ResourceKind, id: string): void {
    const doc = this.docs[kind].get(id);
    if (!doc) throw new FakeScimError(404, undefined, `Resource ${id} not found`);
    this.unindex(kind, doc);
    this.docs[kind].delete(id);
    this.listed[kind] = undefined;
    if (kind === 'Users') {
      // Deleting a user removes it from every group, as real apps do.
      for (const group of this.docs.Groups.values()) {
        if (Array.isArray(group.members)) {
          group.members = group.members.filter((m) => !(isObject(m) && m.value === id));
        }
      }
    }
  }

  /** The stored documents themselves, in creation order: copy before handing them out. */
  query(kind: ResourceKind, filter: FilterNode | undefined): readonly JsonObject[] {
    const candidates = filter ? this.candidates(kind, filter) : undefined;
    const pool = candidates
      ? [...candidates].map((id) => this.docs[kind].get(id)!).filter(Boolean)
      : (this.listed[kind] ??= [...this.docs[kind].values()]);
    return filter ? pool.filter((d) => matchesFilter(d, filter)) : pool;
  }

  clear(): void {
    for (const kind of ['Users', 'Groups'] as const) {
      this.docs[kind].clear();
      this.indexes[kind].clear();
      this.listed[kind] = undefined;
    }
  }

  /** Narrows `attr eq "v"` (alone or inside `and`) to the index; the full filter is still applied after. */
  private candidates(kind: ResourceKind, filter: FilterNode): Set<string> | undefined {
    if (filter.kind === 'and')
      return this.candidates(kind, filter.left) ?? this.candidates(kind, filter.right);
    if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.urn || filter.path.filter)
      return undefined;
    if (filter.path.sub !== undefined || typeof filter.value !== 'string') return undefined;
    const attr = INDEXED.find((a) => a.toLowerCase() === filter.path.attr.toLowerCase());
    if (!attr) return undefined;
    return this.indexes[kind].get(attr.toLowerCase())?.get(filter.value.toLowerCase()) ?? new Set();
  }

  private validated(kind: ResourceKind, input: unknown): JsonObject {
    if (!isObject(input)) throw new FakeScimError(400, 'invalidSyntax', 'The body must be a JSON object');
    const unique = UNIQUE_ATTR[kind];
    const value = getAttr(input, unique);
    if (typeof value !== 'string' || value.trim() === '') {
      throw new FakeScimError(400, 'invalidValue', `"${unique}" is required`);
    }
    if (!Array.isArray(input.schemas) || !input.schemas.includes(CORE_SCHEMA[kind])) {
      throw new FakeScimError(400, 'invalidValue', `"schemas" must include ${CORE_SCHEMA[kind]}`);
    }
    return input;
  }

  private assertUnique(kind: ResourceKind, doc: JsonObject, selfId?: string): void {
    if (this.acceptDuplicates) return;
    const attr = UNIQUE_ATTR[kind];
    const value = getAttr(doc, attr) as string;
    const holders = this.indexes[kind].get(attr.toLowerCase())?.get(value.toLowerCase());
    if (holders && [...holders].some((id) => id !== selfId)) {
      throw new FakeScimError(409, 'uniqueness', `${attr} "${value}" is already taken`);
    }
  }

  private meta(kind: ResourceKind, id: string, created: string, lastModified: string, version: number) {
    return {
      resourceType: kind === 'Users' ? 'User' : 'Group',
      created,
      lastModified,
      version: String(version),
      location: `${this.locationBase()}/${kind}/${id}`,
    };
  }

  private put(kind: ResourceKind, doc: JsonObject): void {
    const previous = this.docs[kind].get(doc.id as string);
    if (previous) this.unindex(kind, previous);
    this.docs[kind].set(doc.id as string, doc);
    this.listed[kind] = undefined;
    this.forEachIndexed(doc, (index, value) => {
      const byValue = this.indexes[kind].get(index) ?? new Map<string, Set<string>>();
      this.indexes[kind].set(index, byValue);
      const ids = byValue.get(value) ?? new Set<string>();
      byValue.set(value, ids.add(doc.id as string));
    });
  }

  private unindex(kind: ResourceKind, doc: JsonObject): void {
    this.forEachIndexed(doc, (index, value) =>
      this.indexes[kind]
        .get(index)
        ?.get(value)
        ?.delete(doc.id as string),
    );
  }

  private forEachIndexed(doc: JsonObject, fn: (index: string, value: string) => void): void {
    for (const attr of INDEXED) {
      const value = getAttr(doc, attr);
      if (typeof value === 'string') fn(attr.toLowerCase(), value.toLowerCase());
    }
  }
}
