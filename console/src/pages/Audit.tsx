import { useEffect, useState } from 'preact/hooks';
import { get, query } from '../api';
import { formatTime, localToIso } from '../format';
import { usePoll } from '../poll';
import { Link, navigate, type Location } from '../router';
import { FilterForm, FilterInput, FilterSelect, stringsOf, useUrlFilters } from '../components/FilterForm';
import { Pager, useCursorPages } from '../components/Pager';
import {
  AUDIT_OBJECT_TYPES,
  type ApiToken,
  type AuditAction,
  type AuditEntry,
  type AuditPage as Page,
} from '../types';

const POLL_MS = 5000;
const PAGE = 50;
const FILTER_KEYS = ['actor', 'action', 'objectType', 'objectId', 'since', 'until'] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;

/** The action names the audit log records (README, "Admin audit log"), offered as the action filter's choices. */
const ACTIONS = [
  'target.',
  'target.create',
  'target.update',
  'target.credentials.replace',
  'target.delete',
  'target.pause',
  'target.resume',
  'target.restart',
  'target.retry',
  'target.provision',
  'deletions.release',
  'deletions.discard',
  'mapping.update',
  'scoping.update',
  'approle.',
  'assignment.',
  'token.',
  'token.create',
  'token.update',
  'token.rotate',
  'token.revoke',
  'schema.create',
  'orphan.',
] satisfies (AuditAction | `${string}.`)[];

const filtersOf = (q: URLSearchParams): Filters => stringsOf(FILTER_KEYS, q);

/** The API's parameters: `since`/`until` are local date-times in the form and the URL, ISO 8601 for the API. */
function apiFilter(f: Filters): Record<string, string | undefined> {
  return {
    actor: f.actor || undefined,
    action: f.action.trim() || undefined,
    objectType: f.objectType || undefined,
    objectId: f.objectId.trim() || undefined,
    since: localToIso(f.since),
    until: localToIso(f.until),
  };
}

function json(value: unknown): string {
  return value === null || value === undefined ? '(none)' : JSON.stringify(value, null, 2);
}

/** The admin audit log: who changed the gateway's configuration, newest first, with filters kept in the URL. */
export function AuditPage({ loc }: { loc: Location }) {
  const { applied, key, draft, field } = useUrlFilters(filtersOf, loc.query);
  const [open, setOpen] = useState<Set<number>>(new Set());
  useEffect(() => setOpen(new Set()), [key]);

  const tokens = usePoll(() => get<ApiToken[]>('/tokens'), 60_000, 'tokens');
  const live = usePoll(
    () => get<Page>(`/audit${query({ ...apiFilter(applied), limit: PAGE })}`),
    POLL_MS,
    key,
  );
  const pages = useCursorPages<AuditEntry>(
    live.data && { items: live.data.entries, nextCursor: live.data.nextCursor },
    async (cursor) => {
      const page = await get<Page>(`/audit${query({ ...apiFilter(applied), limit: PAGE, cursor })}`);
      return { items: page.entries, nextCursor: page.nextCursor };
    },
    (e) => e.id,
    key,
  );
  const entries = pages.rows;

  const apply = () => {
    const params: Record<string, string> = {};
    for (const k of FILTER_KEYS) if (draft[k].trim()) params[k] = draft[k].trim();
    navigate(`/audit${query(params)}`);
  };
  const toggle = (id: number) =>
    setOpen((o) => {
      const next = new Set(o);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  // A token revoked since keeps its entries: its id stays a choice when the URL names it.
  const actorChoices = [...(tokens.data ?? []).map((t) => ({ id: t.id, name: t.name }))];
  if (applied.actor && !actorChoices.some((t) => t.id === applied.actor))
    actorChoices.push({ id: applied.actor, name: applied.actor });

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Audit log</h1>
        <p class="muted">
          Every change made through the admin API: who, what, when, in which request. Newest first.
        </p>
      </div>
      <FilterForm label="Filters" onSubmit={apply} onReset={() => navigate('/audit')}>
        <FilterSelect
          id="a-actor"
          label="Actor (token)"
          value={draft.actor}
          onValue={(v) => field('actor', v)}
        >
          <option value="">Any</option>
          {actorChoices.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </FilterSelect>
        <div class="field">
          <label for="a-action">Action</label>
          <input
            id="a-action"
            list="a-actions"
            value={draft.action}
            spellcheck={false}
            aria-describedby="a-action-help"
            onInput={(e) => field('action', e.currentTarget.value)}
          />
          <datalist id="a-actions">
            {ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <span id="a-action-help" class="help">
            Exact, or a prefix ending in a dot (target.)
          </span>
        </div>
        <FilterSelect
          id="a-type"
          label="Object type"
          value={draft.objectType}
          onValue={(v) => field('objectType', v)}
        >
          <option value="">Any</option>
          {AUDIT_OBJECT_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </FilterSelect>
        <FilterInput
          id="a-object"
          label="Object id"
          value={draft.objectId}
          onValue={(v) => field('objectId', v)}
        />
        <FilterInput
          id="a-since"
          label="From"
          type="datetime-local"
          value={draft.since}
          onValue={(v) => field('since', v)}
        />
        <FilterInput
          id="a-until"
          label="To"
          type="datetime-local"
          value={draft.until}
          onValue={(v) => field('until', v)}
        />
      </FilterForm>
      {live.error && (
        <p class="error" role="alert">
          {live.error}
        </p>
      )}
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Audit log table">
        <table class="wide">
          <caption class="sr-only">Admin changes, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Object</th>
              <th scope="col">Request id</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const expanded = open.has(e.id);
              return [
                <tr key={e.id} data-entry={e.id}>
                  <td>{formatTime(e.time)}</td>
                  <td class="identity">{e.actor.tokenName}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td class="identity">
                    {e.objectType} <span class="muted">{e.objectId}</span>
                    {e.targetId && e.objectType !== 'target' && (
                      <div class="small">
                        of <Link href={`/targets/${e.targetId}`}>target {e.targetId}</Link>
                      </div>
                    )}
                  </td>
                  <td class="identity">{e.requestId ? <code>{e.requestId}</code> : '—'}</td>
                  <td>
                    <button
                      type="button"
                      class="link"
                      aria-expanded={expanded}
                      aria-controls={expanded ? `audit-${e.id}` : undefined}
                      aria-label={`${expanded ? 'Hide' : 'Show'} before and after of ${e.action} at ${formatTime(e.time)}`}
                      onClick={() => toggle(e.id)}
                    >
                      {expanded ? 'Hide' : 'Show'}
                    </button>
                  </td>
                </tr>,
                expanded && (
                  <tr key={`${e.id}-detail`} id={`audit-${e.id}`} class="expanded">
                    <td colSpan={6}>
                      <div class="before-after">
                        <div>
                          <h3 id={`audit-${e.id}-before`}>Before</h3>
                          <pre
                            class="code"
                            tabIndex={0}
                            role="region"
                            aria-labelledby={`audit-${e.id}-before`}
                          >
                            {json(e.before)}
                          </pre>
                        </div>
                        <div>
                          <h3 id={`audit-${e.id}-after`}>After</h3>
                          <pre
                            class="code"
                            tabIndex={0}
                            role="region"
                            aria-labelledby={`audit-${e.id}-after`}
                          >
                            {json(e.after)}
                          </pre>
                        </div>
                      </div>
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      </div>
      {live.data && entries.length === 0 && <p class="empty">No entry matches these filters.</p>}
      <Pager pages={pages} label="Load older entries" />
    </>
  );
}
