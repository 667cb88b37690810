import { plural } from '../format';
import { IMPACT_KINDS, type ImpactKind, type ImpactPreview } from '../types';

const WORDS: Record<ImpactKind, [string, string]> = {
  create: ['create', 'creates'],
  update: ['update', 'updates'],
  disable: ['disable', 'disables'],
  delete: ['delete', 'deletes'],
  unchanged: ['unchanged', 'unchanged'],
  skip: ['skip', 'skips'],
};
const SHOWN = 5;

/** Disables and deletes a change would send. */
export const leaversOf = (impact: ImpactPreview) => impact.counts.disable + impact.counts.delete;

/**
 * What a change would send to the app (POST /targets/:id/impact): the count of each kind, disables and deletes
 * first with their examples open, and the deletion threshold's warning.
 */
export function ImpactSummary({ impact }: { impact: ImpactPreview }) {
  const order: ImpactKind[] = [
    'disable',
    'delete',
    ...IMPACT_KINDS.filter((k) => k !== 'disable' && k !== 'delete'),
  ];
  return (
    <div class="impact" data-testid="impact">
      <ul class="impact-counts">
        {order.map((k) => (
          <li key={k} class={`impact-${k}${impact.counts[k] > 0 ? ' nonzero' : ''}`}>
            <strong>{impact.counts[k].toLocaleString()}</strong> {WORDS[k][impact.counts[k] === 1 ? 0 : 1]}
          </li>
        ))}
      </ul>
      <p class="muted small">
        {plural(impact.evaluated, 'object')} evaluated in {impact.durationMs.toLocaleString()} ms.
      </p>
      {impact.threshold && <p class="warn-box">{impact.threshold}</p>}
      {order
        .filter((k) => impact.examples[k].length > 0 && k !== 'unchanged')
        .map((k) => (
          <details key={k} open={k === 'disable' || k === 'delete'} class="impact-examples">
            <summary>
              Examples of {WORDS[k][1]} ({Math.min(SHOWN, impact.examples[k].length)} of{' '}
              {impact.counts[k].toLocaleString()})
            </summary>
            <ul class="plain-list">
              {impact.examples[k].slice(0, SHOWN).map((e) => (
                <li key={`${e.objectType}-${e.objectId}`}>
                  <strong>{e.displayName ?? e.objectId}</strong> <span class="muted">({e.objectType})</span>:{' '}
                  {e.detail}
                </li>
              ))}
            </ul>
          </details>
        ))}
    </div>
  );
}
