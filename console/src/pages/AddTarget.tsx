/** Add a target: not built yet (placeholder so that the route table is complete). */
export function AddTargetPage() {
  return <h1 tabIndex={-1}>Add a target</h1>;
}
