import { formatTime } from '../format';
import type { TargetState, TargetStatus } from '../types';

const STATE_WORDS: Record<TargetState, string> = {
  active: 'Active',
  paused: 'Paused',
  quarantined: 'Quarantined',
  disabled: 'Disabled',
};

export function StateBadge({ state }: { state: TargetState }) {
  return <span class={`badge state-${state}`}>{STATE_WORDS[state]}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status.toLowerCase()}`}>{status}</span>;
}

/** The state in a sentence: why paused, quarantined or disabled; what deletions are held. */
export function stateSentence(s: TargetStatus): string | null {
  switch (s.state) {
    case 'quarantined':
      return s.quarantine
        ? `Quarantined since ${formatTime(s.quarantine.since)}: ${s.quarantine.reason}. ` +
            `Next probe ${formatTime(s.quarantine.nextProbeAt)} (${s.quarantine.failedProbes} failed).`
        : `Quarantined: ${s.reason ?? 'the target keeps failing'}.`;
    case 'paused':
      return 'Paused by an operator: changes are queued and sent on resume.';
    case 'disabled':
      return 'Disabled: nothing is sent to this target.';
    default:
      return s.reason;
  }
}

export interface CycleProgress {
  label: string;
  done: number;
  total: number;
}

/**
 * The current cycle in objects: a full reconciliation's queued objects (`summary.queued`) less those still pending
 * from it (`pending.reconciling`). Without a reconciliation, none: incremental work shows as pending objects.
 */
export function cycleProgress(s: TargetStatus): CycleProgress | null {
  const summary = s.reconciliation.summary;
  const q = summary?.queued;
  const remaining = s.pending.reconciling;
  if (!q || remaining === undefined) return null;
  const total = (q.users ?? 0) + (q.groups ?? 0) + (q.goneFromDirectory ?? 0);
  if (total === 0) return null;
  const done = Math.max(0, Math.min(total, total - remaining));
  const when = summary?.startedAt ? ` started ${formatTime(summary.startedAt)}` : '';
  return { label: `Full cycle${when}`, done, total };
}

export function Progress({ progress, id }: { progress: CycleProgress; id: string }) {
  const percent = Math.floor((progress.done / progress.total) * 100);
  const text = `${progress.done.toLocaleString()} of ${progress.total.toLocaleString()} objects (${percent}%)`;
  return (
    <div class="progress-block">
      <div class="progress-label" id={`${id}-label`}>
        {progress.label}: <span class="progress-text">{text}</span>
      </div>
      <div
        class="progress"
        role="progressbar"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.done}
        aria-valuetext={text}
      >
        <div class="progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
