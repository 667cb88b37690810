import type { MemberType } from './memberships/group-membership.entity';

/** A SCIM document in canonical form: core attributes at the top, extensions under their URN. */
export type ScimDocument = Record<string, unknown>;

/** A user or group as the directory hands it out: the document plus what the store derives. */
export interface StoredResource {
  id: string;
  doc: ScimDocument;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface MemberRef {
  value: string;
  type?: MemberType;
}

export interface StoredMember {
  value: string;
  type: MemberType;
}

export interface GroupRef {
  value: string;
  display: string;
}

/** Paging and filtering already compiled to SQL by the caller (see scim/protocol/filter). */
export interface ListQuery {
  where?: { sql: string; params: unknown[] };
  orderBy?: { sql: string; params: unknown[] };
  offset: number;
  limit: number;
  /** RFC 9865 cursor paging in id order: `afterId` null for the first page. Replaces offset and orderBy. */
  cursor?: { afterId: string | null };
  /**
   * Set when the query is the first page of `userName eq "…"` (what provisioning clients send before every
   * write): at most one user, found by a lookup that is batched with the others of the same moment. `where`
   * says the same.
   */
  lookup?: { userNameNormalized: string };
}

export interface ListResult {
  total: number;
  resources: StoredResource[];
  hasMore: boolean;
  /** The groups of each user, when the list was asked for them. */
  groups?: Map<string, GroupRef[]>;
}

/** Conditions a write must meet (RFC 7644 §3.14): the version the client last saw. */
export interface WritePreconditions {
  /** Versions from If-Match; undefined when the header is absent or `*`. */
  ifMatch?: number[];
}
