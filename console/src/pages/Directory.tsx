import { get, query } from '../api';
import { formatTime } from '../format';
import { usePoll } from '../poll';
import { Link, navigate, type Location } from '../router';
import { FilterForm, useUrlFilters } from '../components/FilterForm';
import { Pager, useCursorPages } from '../components/Pager';
import type { DirectoryPage as Page, DirectoryRow } from '../types';

const PAGE = 50;
const POLL_MS = 10_000;

type Kind = 'users' | 'groups';

interface Search {
  kind: Kind;
  search: string;
  filter: string;
  deleted: boolean;
}

function searchOf(q: URLSearchParams): Search {
  return {
    kind: q.get('type') === 'groups' ? 'groups' : 'users',
    search: q.get('search') ?? '',
    filter: q.get('filter') ?? '',
    deleted: q.get('deleted') === '1',
  };
}

/** The page's own address for a search (what the URL keeps). */
function pageUrl(s: Search): string {
  return `/directory${query({
    type: s.kind === 'groups' ? 'groups' : undefined,
    search: s.search.trim(),
    filter: s.filter.trim(),
    deleted: s.deleted ? '1' : undefined,
  })}`;
}

function apiPath(s: Search, cursor?: string): string {
  return `/directory/${s.kind}${query({
    search: s.search.trim(),
    filter: s.filter.trim(),
    includeDeleted: s.deleted ? 'true' : undefined,
    limit: PAGE,
    cursor,
  })}`;
}

function StateCell({ row }: { row: DirectoryRow }) {
  if (row.deletedAt) return <span class="badge state-deleted">Soft-deleted {formatTime(row.deletedAt)}</span>;
  if (row.active === false) return <span class="badge state-paused">Inactive</span>;
  return <span class="badge state-active">Active</span>;
}

/** Users and groups of the directory: a SCIM filter, a plain search, soft-deleted ones on request. */
export function DirectoryPage({ loc }: { loc: Location }) {
  const { applied, key, draft, field } = useUrlFilters(searchOf, loc.query);
  const first = usePoll(() => get<Page>(apiPath(applied)), POLL_MS, key);
  const pages = useCursorPages<DirectoryRow>(
    first.data && { items: first.data.entries, nextCursor: first.data.nextCursor },
    async (cursor) => {
      const page = await get<Page>(apiPath(applied, cursor));
      return { items: page.entries, nextCursor: page.nextCursor };
    },
    (r) => r.id,
    key,
  );
  const rows = pages.rows;
  const users = applied.kind === 'users';
  const noun = users ? 'user' : 'group';
  const filterRefused = first.error?.startsWith('filter:') ?? false;

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Directory</h1>
        <p class="muted">The users and groups HR pushed to the gateway, soft-deleted ones on request.</p>
      </div>
      <nav class="segmented" aria-label="Object type">
        <Link href={pageUrl({ ...applied, kind: 'users' })} aria-current={users ? 'page' : undefined}>
          Users
        </Link>
        <Link href={pageUrl({ ...applied, kind: 'groups' })} aria-current={users ? undefined : 'page'}>
          Groups
        </Link>
      </nav>
      <FilterForm
        label={`Search ${applied.kind}`}
        submitLabel="Search"
        onSubmit={() => navigate(pageUrl(draft))}
        onReset={() => navigate(pageUrl({ ...applied, search: '', filter: '' }))}
      >
        <div class="field">
          <label for="d-search">Search</label>
          <input
            id="d-search"
            type="search"
            value={draft.search}
            aria-describedby="d-search-help"
            onInput={(e) => field('search', e.currentTarget.value)}
          />
          <span id="d-search-help" class="help">
            {users
              ? 'Start of a user name, display name, email or external id; or an id'
              : 'Start of a display name or external id; or an id'}
          </span>
        </div>
        <div class="field wide">
          <label for="d-filter">SCIM filter</label>
          <input
            id="d-filter"
            class="mono"
            value={draft.filter}
            spellcheck={false}
            placeholder={users ? 'userName sw "ada" and active eq true' : 'displayName co "sales"'}
            aria-invalid={filterRefused ? true : undefined}
            aria-describedby={filterRefused ? 'd-error' : undefined}
            onInput={(e) => field('filter', e.currentTarget.value)}
          />
        </div>
        <div class="field check">
          <input
            id="d-deleted"
            type="checkbox"
            checked={draft.deleted}
            onChange={(e) => field('deleted', e.currentTarget.checked)}
          />
          <label for="d-deleted">Show soft-deleted</label>
        </div>
      </FilterForm>
      {first.error && (
        <p class="error" role="alert" id="d-error">
          {filterRefused
            ? `The filter was refused: ${first.error.slice('filter:'.length).trim()}`
            : first.error}
        </p>
      )}
      <div class="table-wrap" tabIndex={0} role="region" aria-label={`${users ? 'Users' : 'Groups'} table`}>
        <table>
          <caption class="sr-only">
            {users ? 'Users' : 'Groups'} in id order{applied.deleted ? ', soft-deleted ones included' : ''}
          </caption>
          <thead>
            <tr>
              {users && <th scope="col">User name</th>}
              <th scope="col">Display name</th>
              <th scope="col">External id</th>
              <th scope="col">State</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const link = (
                <Link href={`/directory/${applied.kind}/${encodeURIComponent(r.id)}`}>
                  {(users ? r.userName : r.displayName) ?? r.id}
                </Link>
              );
              return (
                <tr key={r.id} class={r.deletedAt ? 'deleted' : undefined}>
                  <td class="identity">{link}</td>
                  {users && <td>{r.displayName ?? ''}</td>}
                  <td class="identity">{r.externalId ?? ''}</td>
                  <td>
                    <StateCell row={r} />
                  </td>
                  <td>{formatTime(r.updatedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {first.data && rows.length === 0 && <p class="empty">No {noun} matches.</p>}
      {!first.data && !first.error && <p>Loading…</p>}
      <Pager pages={pages} label={`Load more ${applied.kind}`} />
    </>
  );
}
