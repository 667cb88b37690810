import type { Filter, SortOrder } from '../scim-protocol';
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

/** A page of users or groups: a parsed SCIM filter and sort (RFC 7644 §3.4.2), index or cursor paging. */
export interface ListQuery {
  filter?: Filter;
  sortBy?: string;
  sortOrder?: SortOrder;
  /** Rows skipped (startIndex - 1); ignored with a cursor. */
  offset: number;
  limit: number;
  /** RFC 9865 cursor paging in id order: `afterId` null for the first page. Replaces offset and sort. */
  cursor?: { afterId: string | null };
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
