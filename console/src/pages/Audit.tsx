import type { Location } from '../router';

/** Audit log: not built yet (placeholder so that the route table is complete). */
export function AuditPage({ loc }: { loc: Location }) {
  return <h1 tabIndex={-1}>Audit log ({loc.path})</h1>;
}
