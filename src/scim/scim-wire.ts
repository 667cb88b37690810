import type { GroupRef, StoredMember, StoredResource } from '../directory/directory.types';

/** RFC 7643 §3.1 meta, derived from the stored row: never stored in the document. */
export function metaOf(resourceType: 'User' | 'Group', stored: StoredResource, baseUrl: string) {
  return {
    resourceType,
    created: stored.createdAt.toISOString(),
    lastModified: stored.updatedAt.toISOString(),
    location: `${baseUrl}/${resourceType}s/${stored.id}`,
    version: weakEtag(stored.version),
  };
}

export function weakEtag(version: number): string {
  return `W/"${version}"`;
}

/** The wire form of a user: `schemas`, `id` first, the document, the derived `groups`, `meta` last. */
export function toScimUser(stored: StoredResource, groups: GroupRef[] | undefined, baseUrl: string): Record<string, unknown> {
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

export function toScimGroup(stored: StoredResource, members: StoredMember[] | undefined, baseUrl: string): Record<string, unknown> {
  const { schemas, ...attributes } = stored.doc;
  return {
    schemas,
    id: stored.id,
    ...attributes,
    ...(members
      ? { members: members.map((m) => ({ value: m.value, $ref: `${baseUrl}/${m.type}s/${m.value}`, type: m.type })) }
      : {}),
    meta: metaOf('Group', stored, baseUrl),
  };
}

/**
 * If-Match / If-None-Match entity tags to resource versions (RFC 7232 §3.1, weak comparison):
 * undefined for an absent header or `*`; tags that are not ours match nothing.
 */
export function versionsOf(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const tag of header.split(',')) {
    const m = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(tag);
    if (m) versions.push(Number(m[1]));
  }
  return versions;
}
