import { useState } from 'preact/hooks';
import { get, messageOf, post } from '../api';
import { formatDuration, formatTime, plural, relative } from '../format';
import { usePoll } from '../poll';
import { Link } from '../router';
import { Confirm } from '../components/Confirm';
import { Progress, StateBadge, cycleProgress, stateSentence } from '../components/status';
import { TargetSettings } from './TargetSettings';
import {
  LOG_ACTIONS,
  LOG_STATUSES,
  type BulkMode,
  type ConnectionVerdict,
  type ReconcileTurn,
  type Target,
  type TargetStatus,
} from '../types';

const POLL_MS = 2000;

interface Action {
  key: string;
  label: string;
  path: string;
  /** The confirmation's question; none: done at once. */
  confirm?: { title: string; text: string; label: string; danger?: boolean };
  done: (answer: Record<string, unknown>) => string;
}

/** One target: status, statistics to date, the operator's actions and the settings. */
export function TargetPage({ id }: { id: string }) {
  const polled = usePoll(
    async () => {
      const [target, status] = await Promise.all([
        get<Target>(`/targets/${id}`),
        get<TargetStatus>(`/targets/${id}/status`),
      ]);
      return { target, status };
    },
    POLL_MS,
    id,
  );
  const [verdict, setVerdict] = useState<ConnectionVerdict | null>(null);
  const [testing, setTesting] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [asking, setAsking] = useState<Action | null>(null);

  const data = polled.data;
  if (!data)
    return (
      <>
        <h1 tabIndex={-1}>Target</h1>
        {polled.error ? (
          <p class="error" role="alert">
            {polled.error}
          </p>
        ) : (
          <p>Loading…</p>
        )}
      </>
    );
  const { target, status } = data;

  const testConnection = async () => {
    setTesting(true);
    setVerdict(null);
    try {
      setVerdict(await post<ConnectionVerdict>(`/targets/${id}/test-connection`));
    } catch (err) {
      setVerdict({ ok: false, code: 'error', message: messageOf(err), durationMs: 0, request: '' });
    } finally {
      setTesting(false);
    }
  };

  const run = async (action: Action) => {
    setAsking(null);
    setOutcome(null);
    try {
      const answer = await post<Record<string, unknown>>(`/targets/${id}/${action.path}`);
      setOutcome({ ok: true, text: action.done(answer ?? {}) });
    } catch (err) {
      setOutcome({ ok: false, text: `${action.label} failed: ${messageOf(err)}` });
    }
    polled.refresh();
  };

  const pending = status.pending.objects;
  const actions: Action[] = [
    target.paused
      ? {
          key: 'resume',
          label: 'Resume',
          path: 'resume',
          confirm: {
            title: `Resume ${target.name}?`,
            text: `Provisioning starts again and sends the ${plural(pending, 'pending object')} to the target.`,
            label: 'Resume',
          },
          done: () => 'Resumed: provisioning continues.',
        }
      : {
          key: 'pause',
          label: 'Pause',
          path: 'pause',
          done: () => 'Paused: changes are kept in the queue until you resume.',
        },
    {
      key: 'restart',
      label: 'Restart provisioning',
      path: 'restart',
      confirm: {
        title: 'Restart provisioning?',
        text: 'A full reconciliation: every user and group in scope is evaluated again and sent where it differs.',
        label: 'Restart',
      },
      done: () => 'A full reconciliation is requested; the progress shows above.',
    },
    {
      key: 'retry',
      label: 'Retry now',
      path: 'retry',
      confirm: {
        title: 'Retry now?',
        text: 'Leaves quarantine at once (if quarantined) and sends the failed objects again now.',
        label: 'Retry now',
      },
      done: (a) =>
        `${a.released ? 'Left quarantine. ' : ''}${plural(Number(a.objectsRetried ?? 0), 'object')} queued again.`,
    },
  ];
  const held = status.deletions.held;
  const deletionActions: Action[] = [
    {
      key: 'release',
      label: 'Release held deletions',
      path: 'deletions/release',
      confirm: {
        title: 'Release the held deletions?',
        text: `${plural(held, 'disable or delete', 'disables and deletes')} will be sent to the target. This cannot be undone from here.`,
        label: 'Release and send',
        danger: true,
      },
      done: (a) => `${plural(Number(a.released ?? 0), 'deletion')} released.`,
    },
    {
      key: 'discard',
      label: 'Discard held deletions',
      path: 'deletions/discard',
      confirm: {
        title: 'Discard the held deletions?',
        text: `The ${plural(held, 'account')} will stay as they are in the target; nothing is sent for them.`,
        label: 'Discard',
        danger: true,
      },
      done: (a) => `${plural(Number(a.discarded ?? 0), 'held deletion')} discarded.`,
    },
  ];
  const press = (a: Action) => (a.confirm ? setAsking(a) : void run(a));
  const sentence = stateSentence(status);
  const progress = cycleProgress(status);

  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href="/">Overview</Link> / <span aria-current="page">{target.name}</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1}>
          {target.name} <StateBadge state={status.state} />
        </h1>
        <p class="muted url">{target.baseUrl}</p>
      </div>
      {polled.error && (
        <p class="error" role="alert">
          Could not refresh: {polled.error}
        </p>
      )}
      {sentence && <p class={`state-reason reason-${status.state}`}>{sentence}</p>}
      {status.journal?.warning && <p class="warn-box">{status.journal.warning}</p>}

      <section aria-labelledby="actions-h">
        <h2 id="actions-h">Actions</h2>
        <div class="actions wrap">
          <button type="button" onClick={() => void testConnection()} disabled={testing}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
          {actions.map((a) => (
            <button key={a.key} type="button" onClick={() => press(a)}>
              {a.label}
            </button>
          ))}
          <Link class="button-link" href={`/logs?targetId=${target.id}`}>
            Provisioning logs
          </Link>
          <Link class="button-link" href={`/targets/${target.id}/assignments`}>
            Users and groups
          </Link>
          <Link class="button-link" href={`/targets/${target.id}/provision`}>
            Provision on demand
          </Link>
          <Link class="button-link" href={`/targets/${target.id}/mappings`}>
            Attribute mappings
          </Link>
          <Link class="button-link" href={`/targets/${target.id}/orphans`}>
            Orphan accounts
          </Link>
        </div>
        <div aria-live="polite">
          {verdict && (
            <div class={verdict.ok ? 'ok-box' : 'error-box'} data-testid="verdict">
              <strong>{verdict.ok ? 'Connection works.' : 'Connection failed.'}</strong> {verdict.message}
              {verdict.request && (
                <p class="muted small">
                  {verdict.request}
                  {verdict.status ? ` → ${verdict.status}` : ''} · {verdict.durationMs} ms
                </p>
              )}
            </div>
          )}
          {outcome && <p class={outcome.ok ? 'ok-box' : 'error-box'}>{outcome.text}</p>}
        </div>
      </section>

      <section aria-labelledby="status-h">
        <h2 id="status-h">Status</h2>
        {progress && <Progress progress={progress} id="target-progress" />}
        <dl class="facts">
          <dt>Pending</dt>
          <dd data-fact="pending">
            {plural(pending, 'object')}
            {status.pending.oldestAgeSeconds !== null &&
              pending > 0 &&
              `, oldest ${formatDuration(status.pending.oldestAgeSeconds)}`}
          </dd>
          <dt>Last request</dt>
          <dd>
            {status.lastRequest
              ? `${formatTime(status.lastRequest.at)}: ${status.lastRequest.action} ${status.lastRequest.status}` +
                (status.lastRequest.responseStatus ? ` (HTTP ${status.lastRequest.responseStatus})` : '')
              : 'none yet'}
          </dd>
          <dt>Last success</dt>
          <dd>
            {status.lastSuccess
              ? `${formatTime(status.lastSuccess.at)} (${relative(status.lastSuccess.at)})`
              : 'none yet'}
          </dd>
          <dt>Last reconciliation</dt>
          <dd>{formatTime(status.reconciliation.last)}</dd>
          <dt>Next reconciliation</dt>
          <dd>
            {formatTime(status.reconciliation.next)} ({relative(status.reconciliation.next)})
          </dd>
          {status.reconciliation.turn && (
            <>
              <dt>Reconciliation now</dt>
              <dd data-fact="reconcile-turn">{describeTurn(status.reconciliation.turn)}</dd>
            </>
          )}
          <dt>Deletion threshold</dt>
          <dd>
            {status.deletions.threshold === null
              ? 'none'
              : `${plural(status.deletions.threshold, 'disable or delete', 'disables and deletes')} per ${status.deletions.windowMinutes} min`}
          </dd>
          {status.bulk && (
            <>
              <dt>Bulk mode</dt>
              <dd data-fact="bulk">{bulkWords(status.bulk)}</dd>
            </>
          )}
        </dl>
      </section>

      <section aria-labelledby="held-h">
        <h2 id="held-h">Held deletions</h2>
        {held === 0 ? (
          <p>None: no disable or delete is waiting for a decision.</p>
        ) : (
          <>
            <p class="warn-box">
              {plural(held, 'disable or delete', 'disables and deletes')} held
              {status.deletions.reason ? `: ${status.deletions.reason}` : '.'}
            </p>
            <div class="actions">
              {deletionActions.map((a) => (
                <button key={a.key} type="button" class="danger" onClick={() => press(a)}>
                  {a.label}
                </button>
              ))}
            </div>
          </>
        )}
      </section>

      <section aria-labelledby="totals-h">
        <h2 id="totals-h">Statistics to date</h2>
        <Totals totals={status.totals} />
      </section>

      <TargetSettings target={target} onSaved={polled.refresh} />

      {asking?.confirm && (
        <Confirm
          title={asking.confirm.title}
          confirmLabel={asking.confirm.label}
          danger={asking.confirm.danger}
          onConfirm={() => void run(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>{asking.confirm.text}</p>
        </Confirm>
      )}
    </>
  );
}

const BULK_SETTING_WORDS: Record<BulkMode['setting'], string> = { auto: 'Automatic', on: 'On', off: 'Off' };

/** How the target's writes go now and why, e.g. "Plain requests (setting Off): bulk is off for this target." */
function bulkWords(b: BulkMode): string {
  const how = b.mode === 'bulk' ? 'Through /Bulk' : 'Plain requests';
  return `${how} (setting ${BULK_SETTING_WORDS[b.setting] ?? b.setting}): ${b.reason}.`;
}

/**
 * A requested reconciliation's turn, e.g. "Waiting for a turn: 1 ahead of it, 2 of 2 running at once
 * (RECONCILE_MAX_CONCURRENT)."
 */
function describeTurn(turn: ReconcileTurn): string {
  if (turn.state === 'running') return 'Running.';
  return (
    `Waiting for a turn: ${turn.ahead} ahead of it, ${turn.running} of ${turn.maxConcurrent} running at once ` +
    '(RECONCILE_MAX_CONCURRENT).'
  );
}

function Totals({ totals }: { totals: Record<string, Record<string, number>> }) {
  const actions = [
    ...LOG_ACTIONS.filter((a) => totals[a]),
    ...Object.keys(totals).filter((a) => !LOG_ACTIONS.includes(a as never)),
  ];
  if (actions.length === 0) return <p>No provisioning log entry yet.</p>;
  const sum = (a: string) => Object.values(totals[a] ?? {}).reduce((x, y) => x + y, 0);
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Statistics to date table">
      <table class="totals">
        <caption class="sr-only">Log entries by action and status, since the target was registered</caption>
        <thead>
          <tr>
            <th scope="col">Action</th>
            {LOG_STATUSES.map((s) => (
              <th scope="col" key={s}>
                {s}
              </th>
            ))}
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {actions.map((a) => (
            <tr key={a}>
              <th scope="row">{a}</th>
              {LOG_STATUSES.map((s) => (
                <td key={s} class="num">
                  {(totals[a]?.[s] ?? 0).toLocaleString()}
                </td>
              ))}
              <td class="num">{sum(a).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
