import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, messageOf, query } from '../api';
import { formatTime, localToIso } from '../format';
import { usePoll } from '../poll';
import { Link, navigate, type Location } from '../router';
import { AUDIT_OBJECT_TYPES, type ApiToken, type AuditEntry, type AuditPage as Page } from '../types';

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
];

function filtersOf(q: URLSearchParams): Filters {
  const f = {} as Filters;
  for (const k of FILTER_KEYS) f[k] = q.get(k) ?? '';
  return f;
}

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
  const applied = filtersOf(loc.query);
  const key = FILTER_KEYS.map((k) => applied[k]).join('|');
  const [draft, setDraft] = useState<Filters>(applied);
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  const [open, setOpen] = useState<Set<number>>(new Set());

  useEffect(() => {
    setDraft(filtersOf(loc.query));
    setOlder([]);
    setCursor(undefined);
    setOpen(new Set());
  }, [key]);

  const tokens = usePoll(() => get<ApiToken[]>('/tokens'), 60_000, 'tokens');
  const live = usePoll(
    () => get<Page>(`/audit${query({ ...apiFilter(applied), limit: PAGE })}`),
    POLL_MS,
    key,
  );
  const entries = useMemo(() => {
    const top = live.data?.entries ?? [];
    const seen = new Set(top.map((e) => e.id));
    return [...top, ...older.filter((e) => !seen.has(e.id))];
  }, [live.data, older]);
  const nextCursor = cursor === undefined ? (live.data?.nextCursor ?? null) : cursor;

  const loadOlder = async () => {
    if (!nextCursor) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await get<Page>(
        `/audit${query({ ...apiFilter(applied), limit: PAGE, cursor: nextCursor })}`,
      );
      setOlder((o) => [...o, ...page.entries]);
      setCursor(page.nextCursor);
    } catch (err) {
      setOlderError(messageOf(err));
    } finally {
      setLoadingOlder(false);
    }
  };

  const apply = (e: Event) => {
    e.preventDefault();
    const params: Record<string, string> = {};
    for (const k of FILTER_KEYS) if (draft[k].trim()) params[k] = draft[k].trim();
    navigate(`/audit${query(params)}`);
  };
  const field = (k: keyof Filters, value: string) => setDraft((d) => ({ ...d, [k]: value }));
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
      <form class="filters" onSubmit={apply} aria-label="Filters">
        <div class="field">
          <label for="a-actor">Actor (token)</label>
          <select id="a-actor" value={draft.actor} onChange={(e) => field('actor', e.currentTarget.value)}>
            <option value="">Any</option>
            {actorChoices.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
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
        <div class="field">
          <label for="a-type">Object type</label>
          <select
            id="a-type"
            value={draft.objectType}
            onChange={(e) => field('objectType', e.currentTarget.value)}
          >
            <option value="">Any</option>
            {AUDIT_OBJECT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="a-object">Object id</label>
          <input
            id="a-object"
            value={draft.objectId}
            onInput={(e) => field('objectId', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="a-since">From</label>
          <input
            id="a-since"
            type="datetime-local"
            value={draft.since}
            onInput={(e) => field('since', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="a-until">To</label>
          <input
            id="a-until"
            type="datetime-local"
            value={draft.until}
            onInput={(e) => field('until', e.currentTarget.value)}
          />
        </div>
        <div class="actions filter-actions">
          <button type="submit" class="primary">
            Apply filters
          </button>
          <button type="button" onClick={() => navigate('/audit')}>
            Reset
          </button>
        </div>
      </form>
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
      {olderError && (
        <p class="error" role="alert">
          {olderError}
        </p>
      )}
      {nextCursor && (
        <div class="actions">
          <button type="button" onClick={() => void loadOlder()} disabled={loadingOlder}>
            {loadingOlder ? 'Loading…' : 'Load older entries'}
          </button>
        </div>
      )}
    </>
  );
}
