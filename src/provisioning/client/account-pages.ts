import type { ScimClient } from './scim-client';
import type { ScimFailure, ScimResource } from './scim-client.types';

/** What account discovery keeps of a target's user. */
export interface TargetAccount {
  id: string;
  userName: string | null;
  externalId: string | null;
  active: boolean | null;
}

export interface AccountPagesOptions {
  /** `count` asked for per page; the target may answer fewer (its own maximum), and paging follows what came. */
  pageSize: number;
  /** Stop after this many accounts: the listing is then incomplete (`AccountListing.complete` false). */
  maxAccounts: number;
  /** Awaited before each request (the target's rate limiter). */
  beforeRequest?: () => Promise<void>;
}

const ATTRIBUTES = ['userName', 'externalId', 'active'];

export type AccountPage = ListingPage<TargetAccount>;

/** A page of whole resources (a reconciliation compares each with what it would send). */
export type ResourcePage = ListingPage<ScimResource>;

type ListingPage<T> =
  /** `total`: the target's `totalResults`, when it says. */
  | { kind: 'page'; accounts: T[]; total?: number }
  /** The target refused or failed a page: nothing more is listed. */
  | { kind: 'failed'; failure: ScimFailure; startIndex: number }
  /** The bound was reached before the end of the list. */
  | { kind: 'truncated' };

/**
 * Every user the target holds, a page at a time: `GET /Users?startIndex=&count=` (RFC 7644 §3.4.2.4), asking only
 * for the attributes discovery needs. A page shorter than asked is the target's own maximum, not the end: the end is
 * an empty page, or `totalResults` reached. Memory stays one page, however large the target.
 */
export function accountPages(
  client: ScimClient,
  options: AccountPagesOptions,
): AsyncGenerator<AccountPage, void, undefined> {
  return listingPages(client, options, ATTRIBUTES, accountOf);
}

/** The same listing with every attribute the target returns by default. */
export function resourcePages(
  client: ScimClient,
  options: AccountPagesOptions,
): AsyncGenerator<ResourcePage, void, undefined> {
  return listingPages(client, options, undefined, (r) => r);
}

async function* listingPages<T>(
  client: ScimClient,
  options: AccountPagesOptions,
  attributes: string[] | undefined,
  toItem: (r: ScimResource) => T,
): AsyncGenerator<ListingPage<T>, void, undefined> {
  let startIndex = 1;
  let listed = 0;
  for (;;) {
    if (listed >= options.maxAccounts) {
      yield { kind: 'truncated' };
      return;
    }
    await options.beforeRequest?.();
    const count = Math.min(options.pageSize, options.maxAccounts - listed);
    const result = await client.listUsers({ startIndex, count, ...(attributes ? { attributes } : {}) });
    if (!result.ok) {
      yield { kind: 'failed', failure: result, startIndex };
      return;
    }
    const { Resources, totalResults } = result.body;
    // An id longer than the column (255) could not be acted on by its stored value: such accounts are not recorded.
    const accounts = Resources.filter(
      (r) => typeof r?.id === 'string' && r.id !== '' && r.id.length <= 255,
    ).map(toItem);
    if (Resources.length === 0) return;
    listed += accounts.length;
    yield { kind: 'page', accounts, ...(typeof totalResults === 'number' ? { total: totalResults } : {}) };
    startIndex += Resources.length;
    if (typeof totalResults === 'number' && startIndex > totalResults) return;
  }
}

/** What discovery keeps of a listed resource (a reconciliation's listing serves discovery too). */
export function accountOf(r: ScimResource): TargetAccount {
  const doc = r as ScimResource & { userName?: unknown; externalId?: unknown; active?: unknown };
  return {
    id: r.id,
    userName: typeof doc.userName === 'string' ? doc.userName.slice(0, 255) : null,
    externalId: typeof doc.externalId === 'string' ? doc.externalId.slice(0, 255) : null,
    active: typeof doc.active === 'boolean' ? doc.active : null,
  };
}
