import { useEffect, useState } from 'preact/hooks';
import { get, messageOf, post, query } from '../api';
import { formatTime } from '../format';
import { usePoll } from '../poll';
import { Link, navigate, type Location } from '../router';
import { Confirm } from '../components/Confirm';
import { FilterForm, FilterSelect, useUrlFilters } from '../components/FilterForm';
import { Pager, useCursorPages } from '../components/Pager';
import { TargetPageHead } from '../components/TargetPageHead';
import { ActionOutcome, userPath, type ActionKind, type RowResult } from './orphans/ActionOutcome';
import { LastListing, scanWords } from './orphans/LastListing';
import { LinkForm } from './orphans/LinkForm';
import {
  ORPHAN_STATES,
  type OrphanAccount,
  type OrphanActionResult,
  type OrphanPage,
  type OrphanScanSummary,
  type OrphanState,
  type Target,
} from '../types';

const PAGE = 50;
const POLL_MS = 5000;
const COLUMNS = 7;

interface Filters {
  state: '' | OrphanState;
  matched: '' | 'true' | 'false';
}

function filtersOf(q: URLSearchParams): Filters {
  const state = q.get('state') ?? '';
  const matched = q.get('matched') ?? '';
  return {
    state: (ORPHAN_STATES as readonly string[]).includes(state) ? (state as OrphanState) : '',
    matched: matched === 'true' || matched === 'false' ? matched : '',
  };
}

const nameOf = (o: OrphanAccount) => o.userName ?? o.targetObjectId;
/** An element id for an account: an HTML id holds no whitespace, an app's account id may. */
const domId = (prefix: string, o: OrphanAccount) => `${prefix}-${o.targetObjectId.replace(/\s/g, '_')}`;
const STATE_WORDS: Record<OrphanState, string> = {
  open: 'Open',
  disabled: 'Disabled',
  deleted: 'Deleted',
  linked: 'Linked',
};
const STATE_BADGE: Record<OrphanState, string> = {
  open: 'state-paused',
  disabled: 'state-disabled',
  deleted: 'state-deleted',
  linked: 'state-active',
};

/**
 * Account discovery: the accounts of a target that no directory object holds, found by listing the app after each
 * full reconciliation; each one is disabled, deleted or linked to a directory user only when an admin asks here.
 */
export function OrphanAccountsPage({ id, loc }: { id: string; loc: Location }) {
  const target = usePoll(() => get<Target>(`/targets/${id}`), 30_000, id);
  const { applied, key, draft, field } = useUrlFilters(filtersOf, loc.query);
  const path = (cursor?: string) => `/targets/${id}/orphans${query({ ...applied, limit: PAGE, cursor })}`;
  const first = usePoll(() => get<OrphanPage>(path()), POLL_MS, `${id}|${key}`);
  const pages = useCursorPages<OrphanAccount>(
    first.data && { items: first.data.orphans, nextCursor: first.data.next },
    async (cursor) => {
      const page = await get<OrphanPage>(path(cursor));
      return { items: page.orphans, nextCursor: page.next };
    },
    (o) => o.targetObjectId,
    key,
  );
  const [results, setResults] = useState<Map<string, RowResult>>(new Map());
  // One request at a time: every button that sends one is disabled while it runs.
  const [busy, setBusy] = useState<'scan' | 'action' | null>(null);
  const [scanOutcome, setScanOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [asking, setAsking] = useState<{ kind: 'disable' | 'delete'; account: OrphanAccount } | null>(null);
  const [linking, setLinking] = useState<{ account: OrphanAccount; userId: string } | null>(null);
  const [focus, setFocus] = useState<string | null>(null);

  useEffect(() => {
    setResults(new Map());
    setLinking(null);
  }, [key]);
  // After an action the focus goes to its outcome: the button pressed may be gone with the account's new state.
  useEffect(() => {
    if (focus) document.getElementById(focus)?.focus();
  }, [focus, results]);

  // An answer newer than the list shows wins; an account acted on that the filter no longer selects stays listed
  // (with its outcome) until the filter changes.
  const loadedAt = first.at?.getTime() ?? 0;
  const listed = new Set(pages.rows.map((o) => o.targetObjectId));
  const rows = withKept(
    pages.rows.map((o) => {
      const r = results.get(o.targetObjectId);
      return r && r.at > loadedAt ? r.view : o;
    }),
    [...results.values()].filter((r) => !listed.has(r.view.targetObjectId)).map((r) => r.view),
  );

  const scan = async () => {
    setBusy('scan');
    setScanOutcome(null);
    try {
      const summary = await post<OrphanScanSummary>(`/targets/${id}/orphans/scan`);
      setScanOutcome({ ok: summary.complete, text: `Listing done: ${scanWords(summary)}` });
      setResults(new Map());
    } catch (err) {
      setScanOutcome({ ok: false, text: `Not listed: ${messageOf(err)}` });
    } finally {
      setBusy(null);
    }
    pages.reset();
    first.refresh();
  };

  const act = async (kind: ActionKind, account: OrphanAccount, body?: { userId: string }) => {
    setAsking(null);
    setBusy('action');
    const record = (r: Omit<RowResult, 'at'>) => {
      setResults((m) => new Map(m).set(account.targetObjectId, { ...r, at: Date.now() }));
      setFocus(domId('outcome', account));
    };
    try {
      const answer = await post<OrphanActionResult>(
        `/targets/${id}/orphans/${encodeURIComponent(account.targetObjectId)}/${kind}`,
        body,
      );
      record({ kind, answer, view: answer.orphan });
      if (kind === 'link') setLinking(null);
    } catch (err) {
      record({ kind, error: messageOf(err), view: account });
    } finally {
      setBusy(null);
    }
    pages.reset();
    first.refresh();
  };

  const data = first.data;
  const t = target.data;
  const heading = 'Orphan accounts';
  const filtered = applied.state !== '' || applied.matched !== '';
  return (
    <>
      <TargetPageHead id={id} name={t?.name} heading={heading} error={target.error}>
        <p class="muted">
          Accounts in the app that no directory user or group of this target holds, found by listing the app
          after each full reconciliation. Nothing is sent to them unless you disable, delete or link one here.
        </p>
      </TargetPageHead>

      <section aria-labelledby="scan-h">
        <h2 id="scan-h">Last listing</h2>
        {data && <LastListing page={data} />}
        <div class="actions">
          <button type="button" onClick={() => void scan()} disabled={busy !== null}>
            {busy === 'scan' ? 'Listing…' : 'Scan now'}
          </button>
        </div>
        <div aria-live="polite">
          {scanOutcome && (
            <p class={scanOutcome.ok ? 'ok-box' : 'warn-box'} data-testid="scan-outcome">
              {scanOutcome.text}
            </p>
          )}
        </div>
      </section>

      <section aria-labelledby="orphans-h">
        <h2 id="orphans-h">Accounts</h2>
        <FilterForm
          label="Filter orphan accounts"
          onSubmit={() => navigate(`/targets/${id}/orphans${query({ ...draft })}`)}
          onReset={() => navigate(`/targets/${id}/orphans`)}
        >
          <FilterSelect
            id="o-state"
            label="State"
            value={draft.state}
            onValue={(v) => field('state', v as Filters['state'])}
          >
            <option value="">Any state</option>
            {ORPHAN_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_WORDS[s]}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect
            id="o-matched"
            label="Directory candidate"
            value={draft.matched}
            onValue={(v) => field('matched', v as Filters['matched'])}
          >
            <option value="">With or without</option>
            <option value="true">With a candidate (matched)</option>
            <option value="false">Without (unmatched)</option>
          </FilterSelect>
        </FilterForm>
        {first.error && (
          <p class="error" role="alert">
            {first.error}
          </p>
        )}
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Orphan accounts table">
          <table class="wide">
            <caption class="sr-only">Orphan accounts of this target, in account id order</caption>
            <thead>
              <tr>
                <th scope="col">Account: user name and id</th>
                <th scope="col">External id</th>
                <th scope="col">Active</th>
                <th scope="col">State</th>
                <th scope="col">Seen</th>
                <th scope="col">Directory candidate</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => {
                const open = linking?.account.targetObjectId === o.targetObjectId;
                const result = results.get(o.targetObjectId);
                return [
                  <tr key={o.targetObjectId} class={o.state === 'deleted' ? 'deleted' : undefined}>
                    <th scope="row" class="identity">
                      {o.userName ?? <span class="muted">(no user name)</span>}
                      <div class="small mono">{o.targetObjectId}</div>
                    </th>
                    <td class="identity">{o.externalId ?? ''}</td>
                    <td>{o.active === null ? '—' : o.active ? 'Yes' : 'No'}</td>
                    <td>
                      <span class={`badge ${STATE_BADGE[o.state]}`}>{STATE_WORDS[o.state]}</span>
                      {o.actedAt && <div class="small muted">since {formatTime(o.actedAt)}</div>}
                    </td>
                    <td class="small">
                      <div>first {formatTime(o.firstSeen)}</div>
                      <div>last {formatTime(o.lastSeen)}</div>
                    </td>
                    <td class="identity">
                      {o.directoryCandidate ? (
                        <Link href={userPath(o.directoryCandidate.id)}>
                          {o.directoryCandidate.displayName}
                        </Link>
                      ) : (
                        <span class="muted">none</span>
                      )}
                    </td>
                    <td>
                      {o.state === 'open' && (
                        <div class="actions tight">
                          <button
                            type="button"
                            aria-label={`Disable ${nameOf(o)}`}
                            disabled={busy !== null}
                            onClick={() => setAsking({ kind: 'disable', account: o })}
                          >
                            Disable
                          </button>
                          <button
                            type="button"
                            class="danger"
                            aria-label={`Delete ${nameOf(o)}`}
                            disabled={busy !== null}
                            onClick={() => setAsking({ kind: 'delete', account: o })}
                          >
                            Delete
                          </button>
                          <button
                            type="button"
                            aria-label={`Link ${nameOf(o)} to a directory user`}
                            aria-expanded={open}
                            aria-controls={open ? domId('link', o) : undefined}
                            disabled={busy !== null}
                            onClick={() =>
                              setLinking(open ? null : { account: o, userId: o.directoryCandidate?.id ?? '' })
                            }
                          >
                            Link…
                          </button>
                        </div>
                      )}
                      <div aria-live="polite">
                        {result && <ActionOutcome id={domId('outcome', o)} result={result} targetId={id} />}
                      </div>
                    </td>
                  </tr>,
                  open && linking && (
                    <tr key={`${o.targetObjectId}-link`} class="expanded">
                      <td colSpan={COLUMNS} id={domId('link', o)}>
                        <LinkForm
                          account={o}
                          name={nameOf(o)}
                          inputId={domId('link-user', o)}
                          userId={linking.userId}
                          busy={busy === 'action'}
                          onUserId={(userId) => setLinking({ account: o, userId })}
                          onLink={() => void act('link', o, { userId: linking.userId.trim() })}
                          onCancel={() => setLinking(null)}
                        />
                      </td>
                    </tr>
                  ),
                ];
              })}
            </tbody>
          </table>
        </div>
        {data && rows.length === 0 && (
          <p class="empty">
            {filtered
              ? 'No account matches the filter.'
              : data.lastScan
                ? 'No orphan account: every account listed is held by a directory user or group of this target.'
                : 'No listing yet: the app is listed after the next full reconciliation, or now with Scan now.'}
          </p>
        )}
        {!data && !first.error && <p>Loading…</p>}
        <Pager pages={pages} label="Load more accounts" />
      </section>

      {asking && (
        <Confirm
          title={`${asking.kind === 'disable' ? 'Disable' : 'Delete'} ${nameOf(asking.account)}?`}
          confirmLabel={asking.kind === 'disable' ? 'Disable in the app' : 'Delete from the app'}
          danger
          onConfirm={() => void act(asking.kind, asking.account)}
          onCancel={() => setAsking(null)}
        >
          <p>
            {asking.kind === 'disable'
              ? `Sends PATCH active false to the account ${asking.account.targetObjectId}`
              : `Sends DELETE for the account ${asking.account.targetObjectId}`}
            {asking.account.userName ? ` (${asking.account.userName})` : ''} in {t?.name ?? 'the app'}.{' '}
            {asking.kind === 'disable'
              ? 'Its owner can no longer sign in to the app.'
              : 'The app removes the account; this cannot be undone from here.'}
          </p>
        </Confirm>
      )}
    </>
  );
}

/** The list with the accounts acted on that it no longer holds, each put back at its place in id order. */
function withKept(list: OrphanAccount[], kept: OrphanAccount[]): OrphanAccount[] {
  const out = [...list];
  for (const k of kept) {
    const at = out.findIndex((o) => o.targetObjectId > k.targetObjectId);
    out.splice(at === -1 ? out.length : at, 0, k);
  }
  return out;
}
