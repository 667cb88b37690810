import { get, query } from '../api';
import { formatDuration, formatTime, plural, relative } from '../format';
import { usePoll } from '../poll';
import { Link } from '../router';
import { DeliveriesChart } from '../components/DeliveriesChart';
import { Progress, StateBadge, cycleProgress, stateSentence } from '../components/status';
import type { DeliveriesPerMinute, Target, TargetStatus } from '../types';

const POLL_MS = 2000;
const CHART_MINUTES = 60;

type Series = DeliveriesPerMinute['targets'][number];

interface Card {
  target: Target;
  status: TargetStatus | null;
  deliveries: Series | null;
}

/**
 * Three requests whatever the number of targets: the targets, every target's status at once, and every target's
 * deliveries per minute. A target registered between them shows without its status until the next refresh.
 */
async function loadOverview(): Promise<{ cards: Card[]; chartFrom: string | null }> {
  const [targets, statuses, deliveries] = await Promise.all([
    get<Target[]>('/targets'),
    get<TargetStatus[]>('/targets/status'),
    get<DeliveriesPerMinute>(`/targets/deliveries${query({ minutes: CHART_MINUTES })}`).catch(() => null),
  ]);
  const status = new Map(statuses.map((s) => [s.targetId, s]));
  const series = new Map((deliveries?.targets ?? []).map((s) => [s.targetId, s]));
  return {
    cards: targets.map((target) => ({
      target,
      status: status.get(target.id) ?? null,
      deliveries: series.get(target.id) ?? null,
    })),
    chartFrom: deliveries?.from ?? null,
  };
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
        <Link class="button-link" href="/targets/new">
          Add a target
        </Link>
      </div>
      {error && (
        <p class="error" role="alert">
          Could not refresh: {error}
        </p>
      )}
      {data && data.cards.length === 0 && (
        <p class="empty">No target yet: add the first app to provision to with “Add a target”.</p>
      )}
      <ul class="cards" aria-label="Targets">
        {data?.cards.map((card) => (
          <TargetCard key={card.target.id} {...card} chartFrom={data.chartFrom} />
        ))}
      </ul>
    </>
  );
}

function TargetCard({ target, status, deliveries, chartFrom }: Card & { chartFrom: string | null }) {
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
      {deliveries && chartFrom && (
        <DeliveriesChart series={deliveries} from={chartFrom} id={`deliveries-${target.id}`} />
      )}
    </li>
  );
}
