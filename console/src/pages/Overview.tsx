import { get } from '../api';
import { formatDuration, formatTime, plural, relative } from '../format';
import { usePoll } from '../poll';
import { Link } from '../router';
import { Progress, StateBadge, cycleProgress, stateSentence } from '../components/status';
import type { Target, TargetStatus } from '../types';

const POLL_MS = 2000;

async function loadOverview(): Promise<{ target: Target; status: TargetStatus | null }[]> {
  const targets = await get<Target[]>('/targets');
  return Promise.all(
    targets.map(async (target) => ({
      target,
      status: await get<TargetStatus>(`/targets/${target.id}/status`).catch(() => null),
    })),
  );
}

/** Every target at a glance, refreshed every 2 s. */
export function Overview() {
  const { data, error, at } = usePoll(loadOverview, POLL_MS, 'overview');
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Overview</h1>
        <p class="muted" aria-live="off">
          {at ? `Updated ${at.toLocaleTimeString()} · refreshes every 2 s` : 'Loading…'}
        </p>
      </div>
      {error && (
        <p class="error" role="alert">
          Could not refresh: {error}
        </p>
      )}
      {data && data.length === 0 && (
        <p class="empty">
          No target yet. Register one with <code>POST /admin/v1/targets</code> (see the API at{' '}
          <a href="/admin/docs">/admin/docs</a>).
        </p>
      )}
      <ul class="cards" aria-label="Targets">
        {data?.map(({ target, status }) => (
          <TargetCard key={target.id} target={target} status={status} />
        ))}
      </ul>
    </>
  );
}

function TargetCard({ target, status }: { target: Target; status: TargetStatus | null }) {
  const headingId = `target-${target.id}`;
  if (!status)
    return (
      <li class="card" aria-labelledby={headingId}>
        <h2 id={headingId}>
          <Link href={`/targets/${target.id}`}>{target.name}</Link>
        </h2>
        <p class="error">Status unavailable.</p>
      </li>
    );
  const sentence = stateSentence(status);
  const progress = cycleProgress(status);
  const p = status.pending;
  return (
    <li class={`card card-${status.state}`} aria-labelledby={headingId} data-target={target.name}>
      <div class="card-head">
        <h2 id={headingId}>
          <Link href={`/targets/${target.id}`}>{target.name}</Link>
        </h2>
        <StateBadge state={status.state} />
      </div>
      <p class="muted url">{target.baseUrl}</p>
      {sentence && <p class={`state-reason reason-${status.state}`}>{sentence}</p>}
      {progress && <Progress progress={progress} id={`progress-${target.id}`} />}
      <dl class="facts">
        <dt>Pending</dt>
        <dd data-fact="pending">
          {plural(p.objects, 'object')}
          {p.oldestAgeSeconds !== null && p.objects > 0 && `, oldest ${formatDuration(p.oldestAgeSeconds)}`}
          {p.journalRowsNotYetQueued > 0 &&
            ` (+${plural(p.journalRowsNotYetQueued, 'change')} not yet queued)`}
        </dd>
        <dt>Last success</dt>
        <dd>
          {status.lastSuccess ? (
            <>
              {formatTime(status.lastSuccess.at)}{' '}
              <span class="muted">({relative(status.lastSuccess.at)})</span>
            </>
          ) : (
            'none yet'
          )}
        </dd>
        <dt>Last reconciliation</dt>
        <dd>
          {status.reconciliation.last ? formatTime(status.reconciliation.last) : 'none yet'}
          {status.reconciliation.requested && ' (one is requested)'}
        </dd>
        <dt>Next reconciliation</dt>
        <dd>
          {formatTime(status.reconciliation.next)}{' '}
          <span class="muted">({relative(status.reconciliation.next)})</span>
        </dd>
        <dt>Held deletions</dt>
        <dd class={status.deletions.held > 0 ? 'warn' : undefined}>
          {status.deletions.held > 0
            ? plural(status.deletions.held, 'disable or delete', 'disables and deletes')
            : 'none'}
        </dd>
      </dl>
    </li>
  );
}
