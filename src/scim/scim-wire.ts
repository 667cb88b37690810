import { formatETag, parseETagList } from './protocol';
import type { GroupRef, StoredMember, StoredResource } from '../directory/directory.types';

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

/** The wire form of a user: `schemas`, `id` first, the document, the derived `groups`, `meta` last. */
export function toScimUser(
  stored: StoredResource,
  groups: GroupRef[] | undefined,
  baseUrl: string,
): Record<string, unknown> {
  const { schemas, ...attributes } = stored.doc;
  return {
    schemas,
    id: stored.id,
    ...attributes,
    ...(groups && groups.length > 0
      ? {
          groups: groups.map((g) => ({
            value: g.value,
            $ref: `${baseUrl}/Groups/${g.value}`,
            display: g.display,
            type: 'direct',
          })),
        }
      : {}),
    meta: metaOf('User', stored, baseUrl),
  };
}

export function toScimGroup(
  stored: StoredResource,
  members: StoredMember[] | undefined,
  baseUrl: string,
): Record<string, unknown> {
  const { schemas, ...attributes } = stored.doc;
  return {
    schemas,
    id: stored.id,
    ...attributes,
    ...(members
      ? {
          members: members.map((m) => ({
            value: m.value,
            $ref: `${baseUrl}/${m.type}s/${m.value}`,
            type: m.type,
          })),
        }
      : {}),
    meta: metaOf('Group', stored, baseUrl),
  };
}

/** If-Match versions for a write: undefined when absent or `*` (any current version will do). */
export function ifMatchVersions(header: string | undefined): number[] | undefined {
  const condition = parseETagList(header);
  return condition === '*' ? undefined : condition;
}
