/** RFC 7644 §3.14 versions as weak entity tags (RFC 9110 §8.8.3), and If-Match / If-None-Match lists. */

/** `W/"<version>"`: weak, because the representation varies with attribute selection. */
export function formatETag(version: number): string {
  return `W/"${version}"`;
}

/** The version in `W/"7"` or `"7"`, or undefined for a tag this server did not issue. */
export function parseETag(tag: string): number | undefined {
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/i.exec(tag);
  return match ? Number(match[1]) : undefined;
}

/**
 * An If-Match / If-None-Match header: `'*'`, the versions it lists, or undefined when absent or empty. Tags this
 * server never issued are skipped, so a list of only foreign tags matches nothing (and If-Match then fails).
 */
export function parseETagList(header: string | undefined): '*' | number[] | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  const versions: number[] = [];
  for (const match of header.matchAll(/(?:W\/)?"([^"]*)"|([^\s,]+)/gi)) {
    const version =
      match[1] !== undefined
        ? parseETag(`"${match[1]}"`)
        : /^\d{1,15}$/.test(match[2])
          ? Number(match[2])
          : undefined;
    if (version !== undefined) versions.push(version);
  }
  return versions;
}

/** RFC 9110 §13.1.1/§13.1.2 with weak comparison: does the condition name the current version? */
export function etagMatches(condition: '*' | number[], version: number): boolean {
  return condition === '*' || condition.includes(version);
}
