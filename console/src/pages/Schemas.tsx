/** Schema extensions: not built yet (placeholder so that the route table is complete). */
export function SchemasPage() {
  return <h1 tabIndex={-1}>Schema extensions</h1>;
}
