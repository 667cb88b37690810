import type { JSX } from 'preact';
import { match, type Location } from './router';
import { AddTargetPage } from './pages/AddTarget';
import { AssignmentsPage } from './pages/Assignments';
import { AuditPage } from './pages/Audit';
import { DirectoryPage } from './pages/Directory';
import { DirectoryObjectPage } from './pages/DirectoryObject';
import { Logs } from './pages/Logs';
import { MappingsPage } from './pages/Mappings';
import { OrphanAccountsPage } from './pages/OrphanAccounts';
import { Overview } from './pages/Overview';
import { ProvisionOnDemandPage } from './pages/ProvisionOnDemand';
import { SchemasPage } from './pages/Schemas';
import { TargetPage } from './pages/Target';
import { TokensPage } from './pages/Tokens';

interface Route {
  /** A path under /console; `:name` segments are parameters. The first route that matches renders. */
  pattern: string;
  render: (params: Record<string, string>, loc: Location) => JSX.Element;
}

/** Every page of the console. Pages of one target share `/targets/:id/…`, so its breadcrumb leads back. */
export const ROUTES: Route[] = [
  { pattern: '/', render: () => <Overview /> },
  { pattern: '/targets/new', render: () => <AddTargetPage /> },
  { pattern: '/targets/:id', render: (p) => <TargetPage key={p.id} id={p.id} /> },
  { pattern: '/targets/:id/mappings', render: (p) => <MappingsPage key={p.id} id={p.id} /> },
  { pattern: '/targets/:id/assignments', render: (p) => <AssignmentsPage key={p.id} id={p.id} /> },
  { pattern: '/targets/:id/provision', render: (p) => <ProvisionOnDemandPage key={p.id} id={p.id} /> },
  {
    pattern: '/targets/:id/orphans',
    render: (p, loc) => <OrphanAccountsPage key={p.id} id={p.id} loc={loc} />,
  },
  { pattern: '/logs', render: (_, loc) => <Logs loc={loc} /> },
  { pattern: '/directory', render: (_, loc) => <DirectoryPage loc={loc} /> },
  {
    pattern: '/directory/users/:id',
    render: (p) => <DirectoryObjectPage key={p.id} kind="users" id={p.id} />,
  },
  {
    pattern: '/directory/groups/:id',
    render: (p) => <DirectoryObjectPage key={p.id} kind="groups" id={p.id} />,
  },
  { pattern: '/tokens', render: () => <TokensPage /> },
  { pattern: '/audit', render: (_, loc) => <AuditPage loc={loc} /> },
  { pattern: '/schemas', render: () => <SchemasPage /> },
];

/** The page for a path, or null when no route matches. */
export function pageFor(loc: Location): JSX.Element | null {
  for (const route of ROUTES) {
    const params = match(route.pattern, loc.path);
    if (params) return route.render(params, loc);
  }
  return null;
}

/** The main navigation; `active` marks the entry of the current path. */
export const NAV = [
  { href: '/', label: 'Overview', active: (p: string) => p === '/' || p.startsWith('/targets') },
  { href: '/logs', label: 'Provisioning logs', active: (p: string) => p.startsWith('/logs') },
  { href: '/directory', label: 'Directory', active: (p: string) => p.startsWith('/directory') },
  { href: '/audit', label: 'Audit log', active: (p: string) => p.startsWith('/audit') },
  { href: '/tokens', label: 'Tokens', active: (p: string) => p.startsWith('/tokens') },
  { href: '/schemas', label: 'Schema extensions', active: (p: string) => p.startsWith('/schemas') },
];
