/** Users and groups: not built yet (placeholder so that the route table is complete). */
export function AssignmentsPage({ id }: { id: string }) {
  return <h1 tabIndex={-1}>Users and groups ({id})</h1>;
}
