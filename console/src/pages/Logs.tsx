import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, messageOf, query, request } from '../api';
import { formatTime, localToIso } from '../format';
import { usePoll } from '../poll';
import { navigate, type Location } from '../router';
import { StatusBadge } from '../components/status';
import { FilterForm, FilterInput, FilterSelect, stringsOf, useUrlFilters } from '../components/FilterForm';
import { Pager, useCursorPages } from '../components/Pager';
import { LogDetail, identityOf } from './LogDetail';
import { LOG_ACTIONS, LOG_STATUSES, type LogEntry, type LogPage, type Target } from '../types';

const POLL_MS = 2000;
const PAGE = 50;
const FILTER_KEYS = [
  'objectId',
  'action',
  'status',
  'targetId',
  'changeSeq',
  'requestId',
  'range',
  'from',
  'to',
] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;

const RANGES: Record<string, { label: string; ms?: number }> = {
  '': { label: 'Any time' },
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
  custom: { label: 'Custom range' },
};

const filtersOf = (q: URLSearchParams): Filters => stringsOf(FILTER_KEYS, q);

/** The API's filter parameters for the form's filters (a preset range becomes `from`, now). */
function apiFilter(f: Filters): Record<string, string | undefined> {
  const range = RANGES[f.range];
  const from =
    f.range === 'custom'
      ? localToIso(f.from)
      : range?.ms
        ? new Date(Date.now() - range.ms).toISOString()
        : undefined;
  return {
    targetId: f.targetId || undefined,
    objectId: f.objectId.trim() || undefined,
    changeSeq: f.changeSeq.trim() || undefined,
    requestId: f.requestId.trim() || undefined,
    action: f.action || undefined,
    status: f.status || undefined,
    from,
    to: f.range === 'custom' ? localToIso(f.to) : undefined,
  };
}

/** The page's URL for these filters, and the entry whose detail is open (`entry`: a link to share). */
function logsUrl(f: Filters, entry?: number): string {
  const params: Record<string, string | number> = {};
  for (const k of FILTER_KEYS)
    if (f[k] && ((k !== 'from' && k !== 'to') || f.range === 'custom')) params[k] = f[k];
  if (entry !== undefined) params.entry = entry;
  return `/logs${query(params)}`;
}

/** The entry the URL names: from the rows on screen, else read by its id (it may be on no page loaded). */
function useLinkedEntry(
  entryParam: string | null,
  entries: LogEntry[],
): { entry: LogEntry | null; error: string | null } {
  const id = entryParam !== null && /^[1-9][0-9]{0,15}$/.test(entryParam) ? Number(entryParam) : null;
  const onScreen = id === null ? undefined : entries.find((e) => e.id === id);
  const [fetched, setFetched] = useState<{ id: number; entry: LogEntry | null; error: string | null } | null>(
    null,
  );
  useEffect(() => {
    if (id === null || onScreen || fetched?.id === id) return;
    let live = true;
    get<LogEntry>(`/provisioning-logs/${id}`).then(
      (entry) => live && setFetched({ id, entry, error: null }),
      (err: unknown) => live && setFetched({ id, entry: null, error: messageOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [id, !!onScreen]);
  if (entryParam === null) return { entry: null, error: null };
  if (id === null) return { entry: null, error: `“${entryParam}” is not a log entry id.` };
  if (onScreen) return { entry: onScreen, error: null };
  if (fetched?.id === id) return { entry: fetched.entry, error: fetched.error };
  return { entry: null, error: null };
}

/** Entra's provisioning logs: filters, newest first, live; a row opens its detail, which has a URL of its own. */
export function Logs({ loc }: { loc: Location }) {
  const { applied, key, draft, field } = useUrlFilters(filtersOf, loc.query);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  const targets = usePoll(() => get<Target[]>('/targets'), 30_000, 'targets');
  const names = useMemo(() => new Map((targets.data ?? []).map((t) => [t.id, t.name])), [targets.data]);
  const live = usePoll(
    () => get<LogPage>(`/provisioning-logs${query({ ...apiFilter(applied), limit: PAGE })}`),
    POLL_MS,
    key,
  );

  const pages = useCursorPages<LogEntry>(
    live.data && { items: live.data.entries, nextCursor: live.data.nextCursor },
    async (cursor) => {
      const page = await get<LogPage>(
        `/provisioning-logs${query({ ...apiFilter(applied), limit: PAGE, cursor })}`,
      );
      return { items: page.entries, nextCursor: page.nextCursor };
    },
    (e) => e.id,
    key,
  );
  const entries = pages.rows;
  const linked = useLinkedEntry(loc.query.get('entry'), entries);
  const selected = linked.entry;
  const open = (e: LogEntry) => navigate(logsUrl(applied, e.id));
  const close = () => navigate(logsUrl(applied));

  const download = async (format: 'csv' | 'json') => {
    setDownloadError(null);
    try {
      const res = await request(
        'GET',
        `/provisioning-logs/export${query({ ...apiFilter(applied), format })}`,
      );
      const blob = await res.blob();
      const name =
        /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ??
        `provisioning-logs.${format}`;
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setDownloadError(`The download failed: ${messageOf(err)}`);
    }
  };

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Provisioning logs</h1>
        <p class="muted">
          {live.at
            ? `Updated ${live.at.toLocaleTimeString()} · newest first · refreshes every 2 s`
            : 'Loading…'}
        </p>
      </div>
      <FilterForm
        label="Filters"
        onSubmit={() => navigate(logsUrl(draft))}
        onReset={() => navigate('/logs')}
        actions={
          <>
            <button type="button" onClick={() => void download('csv')}>
              Download CSV
            </button>
            <button type="button" onClick={() => void download('json')}>
              Download JSON
            </button>
          </>
        }
      >
        <FilterInput
          id="f-object"
          label="Identity (object id)"
          value={draft.objectId}
          onValue={(v) => field('objectId', v)}
        />
        <FilterSelect id="f-action" label="Action" value={draft.action} onValue={(v) => field('action', v)}>
          <option value="">All</option>
          {LOG_ACTIONS.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </FilterSelect>
        <FilterSelect id="f-status" label="Status" value={draft.status} onValue={(v) => field('status', v)}>
          <option value="">All</option>
          {LOG_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </FilterSelect>
        <FilterSelect
          id="f-target"
          label="Target"
          value={draft.targetId}
          onValue={(v) => field('targetId', v)}
        >
          <option value="">All</option>
          {(targets.data ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </FilterSelect>
        <FilterInput
          id="f-change"
          label="Change id"
          inputMode="numeric"
          value={draft.changeSeq}
          onValue={(v) => field('changeSeq', v)}
        />
        <FilterInput
          id="f-request"
          label="Request id"
          value={draft.requestId}
          onValue={(v) => field('requestId', v)}
        />
        <FilterSelect id="f-range" label="Date" value={draft.range} onValue={(v) => field('range', v)}>
          {Object.entries(RANGES).map(([v, r]) => (
            <option key={v} value={v}>
              {r.label}
            </option>
          ))}
        </FilterSelect>
        {draft.range === 'custom' && (
          <>
            <FilterInput
              id="f-from"
              label="From"
              type="datetime-local"
              value={draft.from}
              onValue={(v) => field('from', v)}
            />
            <FilterInput
              id="f-to"
              label="To"
              type="datetime-local"
              value={draft.to}
              onValue={(v) => field('to', v)}
            />
          </>
        )}
      </FilterForm>
      {(live.error || downloadError) && (
        <p class="error" role="alert">
          {live.error ? `Could not refresh: ${live.error}` : downloadError}
        </p>
      )}
      {linked.error && (
        <p class="error" role="alert">
          Could not open the entry: {linked.error}{' '}
          <button type="button" class="link" onClick={close}>
            Close
          </button>
        </p>
      )}
      {selected && (
        <LogDetail
          entry={selected}
          targetName={names.get(selected.targetId)}
          link={logsUrl(applied, selected.id)}
          onClose={close}
        />
      )}
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Provisioning log table">
        <table class="logs">
          <caption class="sr-only">Provisioning log entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Identity</th>
              <th scope="col">Action</th>
              <th scope="col">Status</th>
              <th scope="col">Target</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} class={selected?.id === e.id ? 'selected' : undefined} data-entry={e.id}>
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-label={`Open the ${e.action} ${e.status} entry of ${identityOf(e)} at ${formatTime(e.time)}`}
                    onClick={() => open(e)}
                  >
                    {formatTime(e.time)}
                  </button>
                </td>
                <td class="identity">{identityOf(e)}</td>
                <td>{e.action}</td>
                <td>
                  <StatusBadge status={e.status} />
                </td>
                <td>{names.get(e.targetId) ?? e.targetId}</td>
                <td class="muted">{e.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {live.data && entries.length === 0 && <p class="empty">No entry matches these filters.</p>}
      <Pager pages={pages} label="Load older entries" />
    </>
  );
}
