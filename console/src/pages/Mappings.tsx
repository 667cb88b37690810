/** Attribute mappings: not built yet (placeholder so that the route table is complete). */
export function MappingsPage({ id }: { id: string }) {
  return <h1 tabIndex={-1}>Attribute mappings ({id})</h1>;
}
