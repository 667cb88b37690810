/** Tokens: not built yet (placeholder so that the route table is complete). */
export function TokensPage() {
  return <h1 tabIndex={-1}>Tokens</h1>;
}
