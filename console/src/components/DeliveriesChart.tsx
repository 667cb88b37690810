import type { DeliveriesPerMinute } from '../types';

type Series = DeliveriesPerMinute['targets'][number];

const BAR = 4;
const GAP = 1;
const HEIGHT = 40;
const minuteOf = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * Deliveries and failures per minute as bars (failures stacked on deliveries), drawn in SVG without a library.
 * The picture is hidden from assistive technology: the sentence under it and a visually hidden table of the
 * minutes that saw any say the same.
 */
export function DeliveriesChart({ series, from, id }: { series: Series; from: string; id: string }) {
  const minutes = series.delivered.length;
  const start = new Date(from).getTime();
  const peak = Math.max(1, ...series.delivered.map((d, i) => d + series.failed[i]));
  const scale = (n: number) => (n === 0 ? 0 : Math.max(1, Math.round((n / peak) * HEIGHT)));
  const width = minutes * (BAR + GAP) - GAP;
  const busy = series.delivered
    .map((delivered, i) => ({ at: start + i * 60_000, delivered, failed: series.failed[i] }))
    .filter((m) => m.delivered > 0 || m.failed > 0);
  // Two paths, not a rectangle per minute: fifty cards of sixty bars each stay cheap to draw on every refresh.
  const bars = { delivered: '', failed: '' };
  series.delivered.forEach((d, i) => {
    const f = series.failed[i];
    const dh = scale(d);
    const fh = f === 0 ? 0 : Math.max(1, scale(d + f) - dh);
    const x = i * (BAR + GAP);
    if (dh > 0) bars.delivered += `M${x} ${HEIGHT - dh}h${BAR}v${dh}h-${BAR}z`;
    if (fh > 0) bars.failed += `M${x} ${HEIGHT - dh - fh}h${BAR}v${fh}h-${BAR}z`;
  });
  const span = minutes === 60 ? 'the last hour' : `the last ${minutes} minutes`;
  const { delivered, failed } = series.total;
  return (
    <figure class="chart" aria-labelledby={`${id}-summary`}>
      <svg
        class="chart-bars"
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
        aria-hidden="true"
        focusable="false"
      >
        <line class="chart-axis" x1={0} y1={HEIGHT - 0.5} x2={width} y2={HEIGHT - 0.5} />
        <path class="chart-delivered" d={bars.delivered} />
        <path class="chart-failed" d={bars.failed} />
      </svg>
      <div class="chart-scale muted" aria-hidden="true">
        <span>{minutes} min ago</span>
        <span>now</span>
      </div>
      <figcaption id={`${id}-summary`} class="chart-summary" data-testid="deliveries-summary">
        {`${delivered.toLocaleString()} delivered, ${failed.toLocaleString()} failed in ${span}`}
        {busy.length > 0 && <span class="muted">{` (at most ${peak.toLocaleString()} a minute)`}</span>}
      </figcaption>
      {busy.length > 0 && (
        // The class on a wrapper: a table is never narrower than its cells, and would widen the page.
        <div class="sr-only">
          <table>
            <caption>{`Deliveries and failures per minute in ${span} (minutes without any left out)`}</caption>
            <thead>
              <tr>
                <th scope="col">Minute</th>
                <th scope="col">Delivered</th>
                <th scope="col">Failed</th>
              </tr>
            </thead>
            <tbody>
              {busy.map((m) => (
                <tr key={m.at}>
                  <th scope="row">{minuteOf.format(m.at)}</th>
                  <td>{m.delivered}</td>
                  <td>{m.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}
