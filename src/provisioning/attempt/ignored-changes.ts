/**
 * Changes a target acknowledged (2xx) but did not keep: found by reading the resource back after an update (the
 * target's `verifyUpdates`) or by the comparison of a full reconciliation, remembered per object so that the same
 * value is not sent again every cycle, and explained with the setting that avoids it. Framework-free.
 */
import { createHash } from 'node:crypto';
import { AttributeDiff, diffAttributes, FlatAttributes } from './scim-diff';

/**
 * - capitalised_ops: Entra's `"Add"`/`"Replace"` ops answered 200 and dropped (RFC 7644 §3.5.2 ops are
 *   case-insensitive, but not every server reads them so).
 * - extension_path: a PATCH path into an extension (`urn:…:User:department`) stored somewhere else.
 * - not_kept: accepted, not kept, no pattern recognised.
 */
export type IgnoredCause = 'capitalised_ops' | 'extension_path' | 'not_kept';

export interface IgnoredAttribute {
  /** Hash of the value the target did not keep: a new value in the directory is sent again. */
  hash: string;
  cause: IgnoredCause;
  /** `profile/updateStyle` it was sent with: under other settings it is tried once more. */
  sentWith: string;
  /** When it was last found not kept (ISO 8601). */
  seenAt: string;
}

/** Per object: target attribute path → what the target ignored there. Stored as JSON, null when empty. */
export type IgnoredChanges = Record<string, IgnoredAttribute>;

export const ADVICE: Record<IgnoredCause, string> = {
  capitalised_ops:
    'the target answers 2xx to capitalised PATCH ops ("Add", "Replace") without applying them: set the target\'s ' +
    'profile to "rfc" (lowercase ops) or its updateStyle to "PUT"',
  extension_path:
    'the target does not store PATCH paths into an extension (urn:…:attribute) where it reads them: set the ' +
    'target\'s updateStyle to "PUT"',
  not_kept:
    'the target accepts these attributes but does not keep them: check that it supports them, or try the ' +
    'target\'s updateStyle "PUT"',
};

export const settingsKey = (target: { profile: string; updateStyle: string }): string =>
  `${target.profile}/${target.updateStyle}`;

export const valueHash = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

export function parseIgnored(json: string | null | undefined): IgnoredChanges {
  return json ? (JSON.parse(json) as IgnoredChanges) : {};
}

export const serializeIgnored = (ignored: IgnoredChanges): string | null =>
  Object.keys(ignored).length === 0 ? null : JSON.stringify(ignored);

const isExtensionPath = (path: string) => /^urn:/i.test(path);

/** The paths of `desired` that `held` (flattened) does not have with the desired value. */
export function notHeld(held: FlatAttributes, desired: FlatAttributes, paths: string[]): string[] {
  const wanted = Object.fromEntries(paths.filter((p) => p in desired).map((p) => [p, desired[p]]));
  return diffAttributes(held, wanted, { onlyDesired: true }).changed.map(([p]) => p);
}

/**
 * Of the paths that differ from the target's resource: `unkept`, sent successfully before with this same value (drift,
 * or a change the target did not keep: sent again and read back); `heldBack`, those the target did not keep under
 * the same settings already (not sent again).
 */
export function sortUnkept(
  diff: AttributeDiff,
  desired: FlatAttributes,
  sentBefore: FlatAttributes | null,
  ignored: IgnoredChanges,
  target: { profile: string; updateStyle: string },
): { unkept: string[]; heldBack: string[] } {
  if (!sentBefore) return { unkept: [], heldBack: [] };
  const differing = diff.changed.map(([p]) => p);
  const fresh = new Set(notHeld(sentBefore, desired, differing));
  const sentWith = settingsKey(target);
  const heldBack: string[] = [];
  const unkept: string[] = [];
  for (const p of differing) {
    if (fresh.has(p)) continue;
    const entry = ignored[p];
    if (entry?.hash === valueHash(desired[p]) && entry.sentWith === sentWith) heldBack.push(p);
    else unkept.push(p);
  }
  return { unkept, heldBack };
}

/**
 * What an object's record keeps after an attempt: entries still mapped and not sent again now; when the attempt read
 * the target's resource (`stillDiffering` given), only those it still does not hold. Held-back ones were seen again.
 */
export function carryIgnored(
  ignored: IgnoredChanges,
  a: {
    desired: FlatAttributes;
    stillDiffering?: string[];
    sentNow: string[];
    heldBack: string[];
    now: string;
  },
): IgnoredChanges {
  const out: IgnoredChanges = {};
  for (const [p, entry] of Object.entries(ignored)) {
    if (!(p in a.desired) || (a.stillDiffering && !a.stillDiffering.includes(p))) continue;
    if (a.heldBack.includes(p)) out[p] = { ...entry, seenAt: a.now };
    else if (!a.sentNow.includes(p)) out[p] = entry;
  }
  return out;
}

/**
 * Why the target did not keep `path`, from what else happened to the same request: a core attribute kept beside
 * an extension path that was not, the extension path found as a top-level attribute of its own name, or
 * capitalised ops of which nothing was kept.
 */
export function causeOf(
  path: string,
  context: {
    method: 'PATCH' | 'PUT';
    profile: string;
    /** Paths checked in the same read-back that the target kept. */
    kept: string[];
    /** Top-level keys of the resource read back. */
    resourceKeys: string[];
  },
): IgnoredCause {
  if (context.method === 'PUT') return 'not_kept';
  if (isExtensionPath(path)) {
    const storedAsIs = context.resourceKeys.some((k) => k.toLowerCase() === path.toLowerCase());
    if (storedAsIs || context.profile === 'rfc' || context.kept.some((p) => !isExtensionPath(p)))
      return 'extension_path';
  }
  return context.profile === 'rfc' ? 'not_kept' : 'capitalised_ops';
}

/** The Warning's detail: each cause with the attributes it concerns and its advice. */
export function describeIgnored(found: Record<string, IgnoredCause>): string {
  const byCause = new Map<IgnoredCause, string[]>();
  for (const [path, cause] of Object.entries(found))
    byCause.set(cause, [...(byCause.get(cause) ?? []), path]);
  const parts = [...byCause].map(([cause, paths]) => `${paths.join(', ')}: ${ADVICE[cause]}`);
  return (
    `the target answered 2xx but did not keep ${parts.join('; ')}. ` +
    "Not sent again until the value or the target's profile or updateStyle changes"
  );
}

export interface IgnoredSummary {
  /** Objects with at least one change the target did not keep. */
  objects: number;
  lastSeenAt: string | null;
  attributes: { attribute: string; cause: IgnoredCause; objects: number; advice: string }[];
}

/** The target status's view of every object's record. */
export function summarizeIgnored(records: IgnoredChanges[]): IgnoredSummary {
  const byAttribute = new Map<string, { attribute: string; cause: IgnoredCause; objects: number }>();
  let lastSeenAt: string | null = null;
  for (const record of records) {
    for (const [attribute, entry] of Object.entries(record)) {
      const key = `${attribute.toLowerCase()}|${entry.cause}`;
      const row = byAttribute.get(key) ?? { attribute, cause: entry.cause, objects: 0 };
      row.objects++;
      byAttribute.set(key, row);
      if (lastSeenAt === null || entry.seenAt > lastSeenAt) lastSeenAt = entry.seenAt;
    }
  }
  return {
    objects: records.filter((r) => Object.keys(r).length > 0).length,
    lastSeenAt,
    attributes: [...byAttribute.values()]
      .sort((a, b) => b.objects - a.objects || a.attribute.localeCompare(b.attribute))
      .map((row) => ({ ...row, advice: ADVICE[row.cause] })),
  };
}
