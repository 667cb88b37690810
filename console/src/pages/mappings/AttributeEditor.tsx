import { useState } from 'preact/hooks';
import { ApiError, messageOf, post } from '../../api';
import type { Principal } from '../../components/PrincipalPicker';
import type { AttributeMapping, ExpressionResult, MappingObjectType, MappingType } from '../../types';
import { positioned, type DraftRow, type Problem } from './draft';
import { ExpressionField } from './ExpressionField';
import { sourceListId, targetListId } from './suggestions';

const TYPES: { value: MappingType; label: string }[] = [
  { value: 'Direct', label: 'Direct' },
  { value: 'Constant', label: 'Constant' },
  { value: 'Expression', label: 'Expression' },
  { value: 'None', label: 'None (default value only)' },
];

/**
 * Entra's "Edit attribute" for one mapping of the draft: every change applies to the draft at once. Its heading's
 * id is `edit-<row key>-h` (the page moves the focus there when it opens the editor).
 */
export function AttributeEditor({
  targetId,
  objectType,
  row,
  position,
  problems,
  testUser,
  onChange,
  onClose,
}: {
  targetId: string;
  objectType: MappingObjectType;
  row: DraftRow;
  /** 1-based, for the heading. */
  position: number;
  problems: Problem[];
  testUser: Principal | null;
  /** The new mapping and the field that changed (its reported problems are dropped). */
  onChange: (mapping: AttributeMapping, field: string) => void;
  onClose: () => void;
}) {
  const m = row.mapping;
  const id = `edit-${row.key}`;

  const set = (field: string, patch: Partial<AttributeMapping>) => onChange({ ...m, ...patch }, field);
  const errorsOf = (field: string) =>
    problems.filter((p) => p.field === field || p.field.startsWith(`${field}.`));
  const described = (field: string, help?: string) => {
    const ids = [errorsOf(field).length ? `${id}-${field}-error` : '', help ?? ''].filter(Boolean).join(' ');
    return ids || undefined;
  };
  const errorText = (field: string) => {
    const list = errorsOf(field);
    return list.length ? (
      <span id={`${id}-${field}-error`} class="field-error">
        {list.map((p) => positioned(p)).join(' ')}
      </span>
    ) : null;
  };
  const invalid = (field: string) => (errorsOf(field).length ? true : undefined);
  const sourceFault = m.type === 'Expression' ? errorsOf('source')[0] : undefined;

  return (
    <section class="editor" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} tabIndex={-1}>
        Edit mapping {position}
        {m.targetAttribute ? `: ${m.targetAttribute}` : ''}
      </h3>
      <div class="grid">
        <div class="field">
          <label for={`${id}-type`}>Mapping type</label>
          <select
            id={`${id}-type`}
            value={m.type}
            aria-invalid={invalid('type')}
            aria-describedby={described('type')}
            onChange={(e) => set('type', { type: e.currentTarget.value as MappingType })}
          >
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
          {errorText('type')}
        </div>
        {m.type === 'Direct' && (
          <div class="field">
            <label for={`${id}-source`}>Source attribute</label>
            <input
              id={`${id}-source`}
              list={sourceListId(objectType)}
              value={m.source ?? ''}
              autocomplete="off"
              aria-invalid={invalid('source')}
              aria-describedby={described('source')}
              onInput={(e) => set('source', { source: e.currentTarget.value })}
            />
            {errorText('source')}
          </div>
        )}
        {m.type === 'Constant' && (
          <div class="field">
            <label for={`${id}-source`}>Constant value</label>
            <input
              id={`${id}-source`}
              value={m.source ?? ''}
              autocomplete="off"
              aria-invalid={invalid('source')}
              aria-describedby={described('source')}
              onInput={(e) => set('source', { source: e.currentTarget.value })}
            />
            {errorText('source')}
          </div>
        )}
        <div class="field">
          <label for={`${id}-default`}>Default value if null (optional)</label>
          <input
            id={`${id}-default`}
            value={m.defaultValue ?? ''}
            autocomplete="off"
            aria-invalid={invalid('defaultValue')}
            aria-describedby={described('defaultValue', `${id}-default-help`)}
            onInput={(e) => set('defaultValue', { defaultValue: e.currentTarget.value })}
          />
          <span id={`${id}-default-help`} class="help">
            Sent when the source gives nothing, on creation only.
          </span>
          {errorText('defaultValue')}
        </div>
        <div class="field">
          <label for={`${id}-target`}>Target attribute</label>
          <input
            id={`${id}-target`}
            list={targetListId(objectType)}
            value={m.targetAttribute}
            autocomplete="off"
            aria-invalid={invalid('targetAttribute')}
            aria-describedby={described('targetAttribute', `${id}-target-help`)}
            onInput={(e) => set('targetAttribute', { targetAttribute: e.currentTarget.value })}
          />
          <span id={`${id}-target-help`} class="help">
            A SCIM path in the app, e.g. <code>emails[type eq "work"].value</code>.
          </span>
          {errorText('targetAttribute')}
        </div>
        <div class="field">
          <label for={`${id}-apply`}>Apply this mapping</label>
          <select
            id={`${id}-apply`}
            value={m.apply}
            aria-invalid={invalid('apply')}
            aria-describedby={described('apply')}
            onChange={(e) => set('apply', { apply: e.currentTarget.value as AttributeMapping['apply'] })}
          >
            <option value="Always">Always</option>
            <option value="OnCreate">Only during object creation</option>
          </select>
          {errorText('apply')}
        </div>
        <div class="field">
          <span class="field check">
            <input
              id={`${id}-match`}
              type="checkbox"
              checked={m.matching !== undefined}
              onChange={(e) =>
                set('matching', {
                  matching: e.currentTarget.checked ? { precedence: m.matching?.precedence ?? 1 } : undefined,
                })
              }
            />
            <label for={`${id}-match`}>Match objects using this attribute</label>
          </span>
          {m.matching !== undefined && (
            <>
              <label for={`${id}-precedence`}>Matching precedence</label>
              <input
                id={`${id}-precedence`}
                type="number"
                min={1}
                step={1}
                value={m.matching.precedence}
                aria-invalid={invalid('matching')}
                aria-describedby={described('matching', `${id}-precedence-help`)}
                onInput={(e) => set('matching', { matching: { precedence: e.currentTarget.valueAsNumber } })}
              />
              <span id={`${id}-precedence-help`} class="help">
                Lower is tried first when looking the object up in the app.
              </span>
            </>
          )}
          {errorText('matching')}
        </div>
      </div>
      {m.type === 'Expression' && (
        <ExpressionField
          id={`${id}-expression`}
          label="Expression"
          value={m.source ?? ''}
          objectType={objectType === 'users' ? 'user' : 'group'}
          saved={sourceFault}
          onInput={(source) => set('source', { source })}
        />
      )}
      {m.type === 'None' && (
        <p class="help">A None mapping sends only its default value, when the object is created.</p>
      )}
      {objectType === 'users' && (m.type === 'Expression' || m.type === 'Direct') && (
        <TestExpression
          targetId={targetId}
          expression={m.type === 'Direct' ? `[${m.source ?? ''}]` : (m.source ?? '')}
          testUser={testUser}
          label={m.type === 'Direct' ? 'Test the source attribute' : 'Test expression'}
        />
      )}
      <div class="actions">
        <button type="button" class="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </section>
  );
}

type Trial =
  | { ok: true; user: string; expression: string; result: ExpressionResult }
  | { ok: false; user: string; expression: string; message: string };

/** Entra's "Test expression": the expression evaluated on the chosen directory user, with its roles here. */
function TestExpression({
  targetId,
  expression,
  testUser,
  label,
}: {
  targetId: string;
  expression: string;
  testUser: Principal | null;
  label: string;
}) {
  const [trial, setTrial] = useState<Trial | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!testUser) return;
    setBusy(true);
    const who = testUser.detail ?? testUser.name;
    try {
      const result = await post<ExpressionResult>('/expressions/evaluate', {
        expression,
        userId: testUser.id,
        targetId,
      });
      setTrial({ ok: true, user: who, expression, result });
    } catch (err) {
      const body = err instanceof ApiError ? err.body : {};
      const message =
        typeof body.line === 'number' && typeof body.column === 'number'
          ? positioned({ line: body.line, column: body.column, message: messageOf(err) })
          : messageOf(err);
      setTrial({ ok: false, user: who, expression, message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="test-expression">
      <div class="actions">
        <button
          type="button"
          onClick={() => void run()}
          disabled={!testUser || busy}
          aria-describedby={testUser ? undefined : 'test-user-note'}
        >
          {busy ? 'Testing…' : label}
        </button>
        {!testUser && (
          <span class="help" id="test-user-note">
            Choose a test user under “Test user” above first.
          </span>
        )}
      </div>
      <div aria-live="polite" data-testid="test-result">
        {trial && (
          <div class={trial.ok ? 'ok-box' : 'error-box'}>
            {trial.ok ? (
              <TrialValue result={trial.result} user={trial.user} />
            ) : (
              <>
                <strong>Failed for {trial.user}:</strong> {trial.message}
              </>
            )}
            {trial.expression !== expression && (
              <p class="muted small">The expression has changed since this test.</p>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

function TrialValue({ result, user }: { result: ExpressionResult; user: string }) {
  const value = result.value;
  return (
    <>
      <strong>Result for {user}:</strong>{' '}
      {result.flows && value !== null ? (
        <code class="result-value">{Array.isArray(value) ? JSON.stringify(value) : `"${value}"`}</code>
      ) : (
        'nothing flows (null): the attribute is left out'
      )}
      {result.ignoreObject && <p>IgnoreObjectFlow: the user would not be created or updated.</p>}
      {result.sensitive && <p class="small">Marked sensitive (Redact): the logs mask this value.</p>}
    </>
  );
}
