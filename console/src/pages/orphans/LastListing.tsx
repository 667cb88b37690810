import { formatTime, plural, relative } from '../../format';
import type { OrphanPage, OrphanScanSummary } from '../../types';

/** "5 accounts listed: 1 held by a directory user or group, 4 orphans (1 with a directory candidate)" */
const foundWords = (s: OrphanScanSummary) =>
  `${plural(s.listed, 'account')} listed: ${s.linked.toLocaleString()} held by a directory user or group, ` +
  `${plural(s.orphans, 'orphan')} (${s.withDirectoryCandidate.toLocaleString()} with a directory candidate)`;

export const scanWords = (s: OrphanScanSummary) =>
  s.complete ? `${foundWords(s)}.` : `${foundWords(s)}. Incomplete: ${s.stoppedBecause ?? 'stopped early'}.`;

/** The last listing: when, whose, what it found, whether it read the whole app; and the counts. */
export function LastListing({ page }: { page: OrphanPage }) {
  const s = page.lastScan;
  return (
    <dl class="facts" data-testid="last-scan">
      <dt>Orphan accounts</dt>
      <dd>
        {page.counts.open.toLocaleString()} open, {page.counts.total.toLocaleString()} in all
      </dd>
      <dt>Listed</dt>
      <dd>
        {s
          ? `${formatTime(s.finishedAt)} (${relative(s.finishedAt)}), ${
              s.listing === 'reconciliation'
                ? 'from the full reconciliation’s listing of the app'
                : 'by the gateway’s own listing of the app'
            }`
          : 'not yet: the app is listed after each full reconciliation'}
      </dd>
      {s && (
        <>
          <dt>Found</dt>
          <dd>
            {foundWords(s)}
            {s.linkedSince
              ? `; ${s.linkedSince.toLocaleString()} linked since by the reconciliation’s work`
              : ''}
          </dd>
          <dt>Complete</dt>
          <dd class={s.complete ? undefined : 'warn'}>
            {s.complete
              ? 'Yes: accounts no longer found were removed from the list.'
              : `No, ${s.stoppedBecause ?? 'it stopped early'}: the earlier findings are kept.`}
          </dd>
        </>
      )}
      {(s?.awaitingDrain || page.scanRequested) && (
        <>
          <dt>Waiting</dt>
          <dd>
            {s?.awaitingDrain
              ? 'For the reconciliation’s work to be delivered: the accounts it links meanwhile are then dropped.'
              : 'A listing is due once the reconciliation’s work has been delivered.'}
          </dd>
        </>
      )}
    </dl>
  );
}
