import { useState } from 'preact/hooks';
import { messageOf, post } from '../../api';
import type { Principal } from '../../components/PrincipalPicker';
import type { MappingPreview, MappingSet } from '../../types';

type Shown = { user: string; dirty: boolean; preview: MappingPreview } | { user: string; error: string };

/**
 * What the chosen user would be sent on creation, with the mappings as they stand on this page (saved or not):
 * the scope verdict, the matching values, and the SCIM payload. Nothing is sent.
 */
export function PreviewPanel({
  targetId,
  testUser,
  proposal,
  dirty,
  onRefused,
}: {
  targetId: string;
  testUser: Principal | null;
  /** The set on the page. */
  proposal: () => MappingSet;
  dirty: boolean;
  /** The API refused the set: true when the page shows the problems next to their fields. */
  onRefused: (err: unknown, submitted: MappingSet) => boolean;
}) {
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    if (!testUser) return;
    const who = testUser.detail ?? testUser.name;
    const mappings = proposal();
    setBusy(true);
    try {
      const preview = await post<MappingPreview>(`/targets/${targetId}/mappings/preview`, {
        userId: testUser.id,
        mappings,
      });
      setShown({ user: who, dirty, preview });
    } catch (err) {
      const listed = onRefused(err, mappings);
      setShown({
        user: who,
        error: listed ? 'The mappings have problems, shown next to their fields.' : messageOf(err),
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="preview">
      <div class="actions">
        <button type="button" onClick={() => void run()} disabled={!testUser || busy}>
          {busy ? 'Previewing…' : 'Preview'}
        </button>
      </div>
      <div aria-live="polite">
        {shown &&
          ('error' in shown ? (
            <p class="error-box">Preview failed: {shown.error}</p>
          ) : (
            <PreviewResult {...shown} />
          ))}
      </div>
    </div>
  );
}

function PreviewResult({ user, dirty, preview }: { user: string; dirty: boolean; preview: MappingPreview }) {
  const { scope, assignment } = preview;
  return (
    <div class="detail" data-testid="preview">
      <h3 class="result-head">
        Preview for {user}
        {dirty ? ' (with the unsaved changes)' : ''}
      </h3>
      <dl class="facts">
        <dt>Scope</dt>
        <dd>
          {scope.inScope ? 'In scope' : `Out of scope${scope.reason ? `: ${scope.reason}` : ''}`}
          {assignment.required && !assignment.assigned && ' (not assigned to this app)'}
        </dd>
        <dt>On creation</dt>
        <dd>
          {preview.wouldCreate
            ? 'the app gets the payload below'
            : 'nothing is sent (out of scope, Create is off, or IgnoreObjectFlow)'}
        </dd>
        <dt>Matched on</dt>
        <dd>
          {preview.matching.length === 0
            ? 'no matching attribute has a value'
            : preview.matching.map((m) => `${m.targetAttribute} = "${m.value}"`).join(', ')}
        </dd>
        {preview.dropped.length > 0 && (
          <>
            <dt>Not sent</dt>
            <dd>{preview.dropped.join(', ')}</dd>
          </>
        )}
        {preview.errors.length > 0 && (
          <>
            <dt>Errors</dt>
            <dd>
              <ul class="plain-list">
                {preview.errors.map((e) => (
                  <li key={e.index} class="error">
                    {e.targetAttribute}: {e.message}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      <h4>Payload</h4>
      <pre class="code" tabIndex={0} aria-label={`SCIM payload for ${user}`} data-testid="payload">
        {JSON.stringify(preview.payload, null, 2)}
      </pre>
    </div>
  );
}
