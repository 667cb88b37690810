/** Provision on demand: not built yet (placeholder so that the route table is complete). */
export function ProvisionOnDemandPage({ id }: { id: string }) {
  return <h1 tabIndex={-1}>Provision on demand ({id})</h1>;
}
