import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime, showValue } from '../format';
import { adviceFor } from '../reasons';
import { Link } from '../router';
import { StatusBadge } from '../components/status';
import { StepList, type Step } from '../components/Steps';
import type { LogEntry } from '../types';

/** What the log knows of who the entry is about: the name the request sent, else the directory id. */
export function identityOf(e: LogEntry): string {
  const body = e.request?.body as Record<string, unknown> | undefined;
  const name = body && (body.userName ?? body.displayName);
  return typeof name === 'string' && name ? `${name} (${e.objectType})` : `${e.objectType} ${e.objectId}`;
}

type Tab = 'steps' | 'modified' | 'summary' | 'troubleshooting';
const TABS: { id: Tab; label: string }[] = [
  { id: 'steps', label: 'Steps' },
  { id: 'modified', label: 'Modified properties' },
  { id: 'summary', label: 'Summary' },
  { id: 'troubleshooting', label: 'Troubleshooting' },
];

/** The entry as Entra's steps: import, decide, request, response. */
function stepsOf(e: LogEntry): Step[] {
  const steps: Step[] = [
    {
      name: 'Import from the directory',
      outcome: 'success',
      text: `${e.objectType} ${e.objectId}${e.changeSeq !== null ? `, change ${e.changeSeq}` : ''}.`,
    },
  ];
  const skipped = e.status === 'Skipped';
  steps.push({
    name: 'Determine the action',
    outcome: skipped ? 'skipped' : 'success',
    text: skipped
      ? `Nothing to send${e.reason ? ` (${e.reason})` : ''}${e.detail ? `: ${e.detail}` : '.'}`
      : `${e.action}${e.reason ? ` (${e.reason})` : ''}${e.detail && e.status !== 'Failure' ? `: ${e.detail}` : '.'}`,
  });
  if (e.request) {
    const q = e.request.query ? new URLSearchParams(e.request.query).toString() : '';
    steps.push({
      name: 'Send the request to the target',
      outcome: 'success',
      text: `${e.request.method ?? ''} ${e.request.path ?? ''}${q ? `?${q}` : ''}`.trim(),
    });
  }
  if (e.request || e.response.status !== null || e.response.excerpt) {
    const failed = e.status === 'Failure';
    steps.push({
      name: 'Target’s answer',
      outcome: failed ? 'failure' : e.status === 'Warning' ? 'warning' : 'success',
      text: `${e.response.status !== null ? `HTTP ${e.response.status}` : 'No HTTP answer'}${
        failed && e.detail ? `: ${e.detail}` : ''
      } (${e.durationMs} ms).`,
    });
  } else if (e.status === 'Failure' || e.status === 'Warning') {
    steps.push({
      name: 'Result',
      outcome: e.status === 'Failure' ? 'failure' : 'warning',
      text: e.detail ?? e.reason ?? e.status,
    });
  }
  return steps;
}

export function LogDetail({
  entry,
  targetName,
  link,
  onClose,
}: {
  entry: LogEntry;
  targetName?: string;
  /** The console path that opens this entry (to copy and share). */
  link?: string;
  onClose: () => void;
}) {
  const [tab, setTab] = useState<Tab>('steps');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    setTab('steps');
    heading.current?.focus();
  }, [entry.id]);

  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % TABS.length
        : e.key === 'ArrowLeft'
          ? (i + TABS.length - 1) % TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? TABS.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    setTab(TABS[next].id);
    document.getElementById(`tab-${TABS[next].id}`)?.focus();
  };

  const props = entry.modifiedProperties ?? [];
  const advice = adviceFor(entry.reason);
  return (
    <section class="detail" aria-labelledby="detail-h">
      <div class="detail-head">
        <h2 id="detail-h" tabIndex={-1} ref={heading}>
          {entry.action} · {identityOf(entry)} <StatusBadge status={entry.status} />
        </h2>
        <div class="actions tight detail-actions">
          {link && (
            <Link href={link} class="button-link" aria-label={`Link to this entry (entry ${entry.id})`}>
              Link to this entry
            </Link>
          )}
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      <div role="tablist" aria-label="Entry details" class="tabs" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="panel" tabIndex={0}>
        {tab === 'steps' && <StepList steps={stepsOf(entry)} />}
        {tab === 'modified' &&
          (props.length === 0 ? (
            <p>This entry changed no property{entry.status === 'Skipped' ? ' (nothing was sent)' : ''}.</p>
          ) : (
            <div class="table-wrap" tabIndex={0} role="region" aria-label="Modified properties table">
              <table class="props">
                <caption class="sr-only">Modified properties: old and new values</caption>
                <thead>
                  <tr>
                    <th scope="col">Property</th>
                    <th scope="col">Old value</th>
                    <th scope="col">New value</th>
                  </tr>
                </thead>
                <tbody>
                  {props.map((p) => (
                    <tr key={p.name}>
                      <th scope="row">{p.name}</th>
                      <td class="old">{showValue(p.oldValue)}</td>
                      <td class="new">{showValue(p.newValue)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        {tab === 'summary' && (
          <>
            <dl class="facts summary">
              <dt>Date</dt>
              <dd>{formatTime(entry.time)}</dd>
              <dt>Target</dt>
              <dd>{targetName ?? entry.targetId}</dd>
              <dt>Identity</dt>
              <dd>
                {entry.objectType} <code>{entry.objectId}</code>
              </dd>
              <dt>Action</dt>
              <dd>{entry.action}</dd>
              <dt>Status</dt>
              <dd>{entry.status}</dd>
              <dt>Reason</dt>
              <dd>{entry.reason ?? '—'}</dd>
              <dt>Detail</dt>
              <dd>{entry.detail ?? '—'}</dd>
              <dt>Change id</dt>
              <dd>
                {entry.changeSeq !== null ? (
                  <Link
                    href={`/logs?changeSeq=${entry.changeSeq}`}
                    aria-label={`Change ${entry.changeSeq}: show every entry of this change`}
                  >
                    {entry.changeSeq}
                  </Link>
                ) : (
                  '—'
                )}
              </dd>
              <dt>Request id</dt>
              <dd>
                {entry.requestId ? (
                  <Link
                    href={`/logs?requestId=${encodeURIComponent(entry.requestId)}`}
                    aria-label={`Request ${entry.requestId}: show every entry of this request`}
                  >
                    <code>{entry.requestId}</code>
                  </Link>
                ) : (
                  '—'
                )}
              </dd>
              <dt>Attempt</dt>
              <dd>{entry.attempt}</dd>
              <dt>Duration</dt>
              <dd>{entry.durationMs} ms</dd>
              <dt>Response</dt>
              <dd>{entry.response.status !== null ? `HTTP ${entry.response.status}` : '—'}</dd>
            </dl>
            {entry.request && (
              <>
                <h3>Request sent</h3>
                <pre class="code" tabIndex={0} aria-label="Request sent">
                  {JSON.stringify(entry.request, null, 2)}
                </pre>
              </>
            )}
            {entry.response.excerpt && (
              <>
                <h3>Response (excerpt)</h3>
                <pre class="code" tabIndex={0} aria-label="Response (excerpt)">
                  {entry.response.excerpt}
                </pre>
              </>
            )}
          </>
        )}
        {tab === 'troubleshooting' &&
          (entry.reason === null && entry.status === 'Success' ? (
            <p>This entry succeeded: nothing to troubleshoot.</p>
          ) : (
            <dl class="facts">
              <dt>Reason code</dt>
              <dd>
                <code>{entry.reason ?? 'none'}</code>
              </dd>
              <dt>What it means</dt>
              <dd>{advice?.meaning ?? entry.detail ?? 'The gateway gave no reason code for this entry.'}</dd>
              <dt>What to do</dt>
              <dd>{advice?.action ?? 'Read the detail and the response on the Summary tab.'}</dd>
              {entry.detail && (
                <>
                  <dt>Detail</dt>
                  <dd>{entry.detail}</dd>
                </>
              )}
            </dl>
          ))}
      </div>
    </section>
  );
}
