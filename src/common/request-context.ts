/**
 * Who made a directory write: an API token (a SCIM push), a `/bulkUpload` job (with the token that submitted it),
 * or a job of the gateway itself (the soft-delete retention purge). Recorded with every journal row.
 */
export type Actor =
  | { kind: 'token'; id: string; name: string }
  | { kind: 'import'; id: string; token: { id: string | null; name: string | null } }
  | { kind: 'system'; id: SystemJob; name: string };

/** The gateway's own jobs that write the directory, by the id the journal records. */
export const SYSTEM_JOBS = {
  'retention-purge': 'Soft-delete retention purge',
} as const;
export type SystemJob = keyof typeof SYSTEM_JOBS;

export function systemActor(id: SystemJob): Actor {
  return { kind: 'system', id, name: SYSTEM_JOBS[id] };
}

/** What a write carries into the directory journal about the request that caused it. */
export interface RequestContext {
  requestId: string | null;
  actor: Actor;
}
