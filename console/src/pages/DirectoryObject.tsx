/** Directory object: not built yet (placeholder so that the route table is complete). */
export function DirectoryObjectPage({ kind, id }: { kind: 'users' | 'groups'; id: string }) {
  return (
    <h1 tabIndex={-1}>
      Directory object ({kind}/{id})
    </h1>
  );
}
