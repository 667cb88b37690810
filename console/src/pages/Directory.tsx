import type { Location } from '../router';

/** Directory: not built yet (placeholder so that the route table is complete). */
export function DirectoryPage({ loc }: { loc: Location }) {
  return <h1 tabIndex={-1}>Directory ({loc.path})</h1>;
}
