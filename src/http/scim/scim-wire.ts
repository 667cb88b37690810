import { formatETag, parseETagList } from '../../scim-protocol';
import type { GroupRef, StoredMember, StoredResource } from '../../directory/directory.types';

/** RFC 7643 §3.1 meta, derived from the stored row: never stored in the document. */
export function metaOf(resourceType: 'User' | 'Group', stored: StoredResource, baseUrl: string) {
  return {
    resourceType,
    created: stored.createdAt.toISOString(),
    lastModified: stored.updatedAt.toISOString(),
    location: `${baseUrl}/${resourceType}s/${stored.id}`,
    version: formatETag(stored.version),
  };
}

/** The wire form of a resource: `schemas` and `id` first, the document, the derived attributes, `meta` last. */
function toWire(
  resourceType: 'User' | 'Group',
  stored: StoredResource,
  derived: Record<string, unknown>,
  baseUrl: string,
): Record<string, unknown> {
  const { schemas, ...attributes } = stored.doc;
  return { schemas, id: stored.id, ...attributes, ...derived, meta: metaOf(resourceType, stored, baseUrl) };
}

/** A user with its direct `groups` (RFC 7643 §4.1.2; readOnly, derived from the membership rows). */
export function toScimUser(
  stored: StoredResource,
  groups: GroupRef[] | undefined,
  baseUrl: string,
): Record<string, unknown> {
  const derived = groups?.length
    ? {
        groups: groups.map((g) => ({
          value: g.value,
          $ref: `${baseUrl}/Groups/${g.value}`,
          display: g.display,
          type: 'direct',
        })),
      }
    : {};
  return toWire('User', stored, derived, baseUrl);
}

/**
 * A group with its `members` when they were read (undefined: left out, e.g. excludedAttributes=members), each with
 * its `display` name when the read had it (RFC 7643 §4.2; most clients show it).
 */
export function toScimGroup(
  stored: StoredResource,
  members: (StoredMember & { display?: string })[] | undefined,
  baseUrl: string,
): Record<string, unknown> {
  const derived = members
    ? {
        members: members.map((m) => ({
          value: m.value,
          $ref: `${baseUrl}/${m.type}s/${m.value}`,
          type: m.type,
          ...(m.display === undefined ? {} : { display: m.display }),
        })),
      }
    : {};
  return toWire('Group', stored, derived, baseUrl);
}

/** If-Match versions for a write: undefined when absent or `*` (any current version will do). */
export function ifMatchVersions(header: string | undefined): number[] | undefined {
  const condition = parseETagList(header);
  return condition === '*' ? undefined : condition;
}
