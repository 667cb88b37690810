import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, get, messageOf, post } from '../api';
import { formatTime, plural } from '../format';
import { usePoll } from '../poll';
import { Confirm } from '../components/Confirm';
import { ImpactSummary, leaversOf } from '../components/ImpactSummary';
import { PrincipalPicker, type Principal } from '../components/PrincipalPicker';
import { TargetPageHead } from '../components/TargetPageHead';
import type { AttributeMapping, ImpactPreview, MappingObjectType, MappingSet, Target } from '../types';
import { AttributeEditor } from './mappings/AttributeEditor';
import { AttributeTable } from './mappings/AttributeTable';
import {
  OBJECT_TYPES,
  canonical,
  draftOf,
  moved,
  newKey,
  problemsOf,
  setOf,
  type Draft,
  type DraftObject,
  type Problem,
} from './mappings/draft';
import { PreviewPanel } from './mappings/PreviewPanel';
import { ScopingEditor } from './mappings/ScopingEditor';
import { AttributeSuggestions } from './mappings/suggestions';
import { useLeaveGuard } from './mappings/useLeaveGuard';

const TAB_LABEL: Record<MappingObjectType, string> = { users: 'Users', groups: 'Groups' };

type Phase = 'idle' | 'checking' | 'saving';

/**
 * Entra's "Attribute mapping" of one target, for users and for groups: the object actions, the scoping filter and
 * the attribute mappings, edited as a draft. Save asks the API what the change would do (the impact), shows it and,
 * once confirmed, saves the whole set; the API's problems are shown next to their fields.
 */
export function MappingsPage({ id }: { id: string }) {
  const target = usePoll(() => get<Target>(`/targets/${id}`), 30_000, id);
  const [saved, setSaved] = useState<MappingSet | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [tab, setTab] = useState<MappingObjectType>('users');
  const [editing, setEditing] = useState<string | null>(null);
  const [testUser, setTestUser] = useState<Principal | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [impact, setImpact] = useState<{ impact: ImpactPreview; set: MappingSet } | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    get<MappingSet>(`/targets/${id}/mappings`).then(
      (set) => {
        if (!live) return;
        setSaved(set);
        setDraft(draftOf(set));
      },
      (err: unknown) => live && setLoadError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [id]);

  const dirty = useMemo(
    () => !!draft && !!saved && JSON.stringify(setOf(draft)) !== canonical(saved),
    [draft, saved],
  );
  const guard = useLeaveGuard(dirty);
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  const name = target.data?.name ?? 'Target';
  const heading = 'Attribute mappings';
  if (!draft || !saved)
    return (
      <>
        <TargetPageHead id={id} name={target.data?.name} heading={heading} />
        {loadError ? (
          <p class="error" role="alert">
            {loadError}
          </p>
        ) : (
          <p>Loading…</p>
        )}
      </>
    );

  const object = draft[tab];
  const change = (o: DraftObject) => setDraft({ ...draft, [tab]: o });
  const drop = (keep: (p: Problem) => boolean) => setProblems((ps) => ps.filter(keep));

  /** Problems of a refused set next to their fields; false when the refusal is about something else. */
  const showRefusal = (err: unknown, submitted: Draft): boolean => {
    const found = problemsOf(err, submitted);
    if (!found) return false;
    setProblems(found);
    if (found[0] && !found.some((p) => p.objectType === tab)) setTab(found[0].objectType);
    return true;
  };

  const check = async () => {
    setOutcome(null);
    setPhase('checking');
    const submitted = draft;
    const set = setOf(submitted);
    try {
      const answer = await post<ImpactPreview>(`/targets/${id}/impact`, { mappings: set });
      setProblems([]);
      setImpact({ impact: answer, set });
    } catch (err) {
      if (showRefusal(err, submitted))
        setOutcome({ ok: false, text: 'Not saved: the mappings have problems, shown next to their fields.' });
      else setOutcome({ ok: false, text: `Not saved: ${messageOf(err)}` });
    } finally {
      setPhase('idle');
    }
  };

  const save = async (set: MappingSet) => {
    setImpact(null);
    setPhase('saving');
    const submitted = draft;
    try {
      const answer = await api<MappingSet>('PUT', `/targets/${id}/mappings`, set);
      setSaved(answer);
      setDraft(draftOf(answer));
      setProblems([]);
      setEditing(null);
      setOutcome({
        ok: true,
        text: `Saved at ${formatTime(new Date().toISOString())}. A full reconciliation of ${name} starts now with these mappings.`,
      });
    } catch (err) {
      if (showRefusal(err, submitted))
        setOutcome({ ok: false, text: 'Not saved: the mappings have problems, shown next to their fields.' });
      else setOutcome({ ok: false, text: `Not saved: ${messageOf(err)}` });
    } finally {
      setPhase('idle');
    }
  };

  const discard = () => {
    setDraft(draftOf(saved));
    setProblems([]);
    setEditing(null);
    setOutcome({ ok: true, text: 'Changes discarded: the page shows the saved mappings.' });
  };

  /** Opens the editor of a row and moves the focus to its heading. */
  const edit = (key: string) => {
    setEditing(key);
    setTimeout(() => document.getElementById(`edit-${key}-h`)?.focus(), 0);
  };
  const addMapping = () => {
    const key = newKey();
    const mapping: AttributeMapping = { targetAttribute: '', type: 'Direct', source: '', apply: 'Always' };
    change({ ...object, attributes: [...object.attributes, { key, mapping }] });
    edit(key);
  };

  const editingIndex = object.attributes.findIndex((r) => r.key === editing);
  const editingRow = editingIndex >= 0 ? object.attributes[editingIndex] : null;
  const count = (t: MappingObjectType) => problems.filter((p) => p.objectType === t).length;
  const leavers = impact ? leaversOf(impact.impact) : 0;

  return (
    <>
      <TargetPageHead id={id} name={target.data?.name} heading={heading} error={target.error}>
        <p class="muted">
          What {name} gets for each user and group: edit, test and preview here; nothing changes in the app
          until you save.
        </p>
      </TargetPageHead>

      <div ref={outcomeRef} tabIndex={-1} aria-live="polite" class="outcome">
        {outcome && (
          <p class={outcome.ok ? 'ok-box' : 'error-box'} data-testid="outcome">
            {outcome.text}
          </p>
        )}
      </div>
      {problems.length > 0 && (
        <div class="error-box" data-testid="problems">
          <p>
            <strong>{plural(problems.length, 'problem')}</strong> to fix before saving:
          </p>
          <ul class="plain-list">
            {problems.map((p, i) => (
              <li key={i}>
                <button
                  type="button"
                  class="link"
                  onClick={() => {
                    setTab(p.objectType);
                    if (p.section === 'attributes' && p.key) setEditing(p.key);
                  }}
                >
                  {p.description}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      <section aria-labelledby="test-user-h" class="test-user">
        <h2 id="test-user-h">Test user</h2>
        <p class="help">
          Choose a directory user to test expressions on and to preview what it would be sent (with the
          changes on this page).
        </p>
        <PrincipalPicker id="test-user" types={['User']} value={testUser} onChange={setTestUser} />
        <PreviewPanel
          targetId={id}
          testUser={testUser}
          proposal={() => setOf(draft)}
          dirty={dirty}
          onRefused={(err) => showRefusal(err, draft)}
        />
      </section>

      <div role="tablist" aria-label="Object type" class="tabs" onKeyDown={(e) => onTabKey(e, tab, setTab)}>
        {OBJECT_TYPES.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => setTab(t)}
          >
            {TAB_LABEL[t]}
            {count(t) > 0 && ` (${plural(count(t), 'problem')})`}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="panel mappings-panel">
        <AttributeSuggestions objectType={tab} />
        <section aria-labelledby="actions-h">
          <h2 id="actions-h">Target object actions</h2>
          <fieldset class="plain">
            <legend>What the app gets for {tab}</legend>
            <div class="radio-row">
              {(['create', 'update', 'delete'] as const).map((a) => {
                const errors = problems.filter(
                  (p) => p.objectType === tab && p.section === 'actions' && p.field === a,
                );
                return (
                  <span key={a} class="field check">
                    <input
                      id={`${tab}-action-${a}`}
                      type="checkbox"
                      checked={object.actions[a]}
                      aria-invalid={errors.length ? true : undefined}
                      aria-describedby={errors.length ? `${tab}-action-${a}-error` : undefined}
                      onChange={(e) => {
                        change({ ...object, actions: { ...object.actions, [a]: e.currentTarget.checked } });
                        drop((p) => !(p.objectType === tab && p.section === 'actions' && p.field === a));
                      }}
                    />
                    <label for={`${tab}-action-${a}`}>{a[0].toUpperCase() + a.slice(1)}</label>
                    {errors.length > 0 && (
                      <span id={`${tab}-action-${a}-error`} class="field-error">
                        {errors.map((p) => p.message).join(' ')}
                      </span>
                    )}
                  </span>
                );
              })}
            </div>
          </fieldset>
        </section>

        <section aria-labelledby="scoping-h">
          <h2 id="scoping-h">Scoping filter</h2>
          <ScopingEditor
            objectType={tab}
            groups={object.scoping}
            problems={problems.filter((p) => p.objectType === tab && p.section === 'scoping')}
            onChange={(scoping, changed) => {
              change({ ...object, scoping });
              if (changed) drop((p) => !(p.clauseKey === changed.clauseKey && p.field === changed.field));
            }}
          />
        </section>

        <section aria-labelledby="attributes-h">
          <h2 id="attributes-h">Attribute mappings</h2>
          {problems
            .filter((p) => p.objectType === tab && p.section === 'attributes' && p.key === null)
            .map((p, i) => (
              <p key={i} class="field-error">
                {p.message}
              </p>
            ))}
          <AttributeTable
            objectType={tab}
            rows={object.attributes}
            problems={problems.filter((p) => p.objectType === tab && p.section === 'attributes')}
            editing={editing}
            onEdit={(key) => (editing === key ? setEditing(null) : edit(key))}
            onMove={(from, to) => change({ ...object, attributes: moved(object.attributes, from, to) })}
            onDelete={(i) => {
              const key = object.attributes[i].key;
              change({ ...object, attributes: object.attributes.filter((_, j) => j !== i) });
              drop((p) => p.key !== key);
              if (editing === key) setEditing(null);
            }}
            onAdd={addMapping}
          />
          {editingRow && (
            <AttributeEditor
              key={editingRow.key}
              targetId={id}
              objectType={tab}
              row={editingRow}
              position={editingIndex + 1}
              problems={problems.filter((p) => p.key === editingRow.key)}
              testUser={testUser}
              onChange={(mapping, field) => {
                change({
                  ...object,
                  attributes: object.attributes.map((r) =>
                    r.key === editingRow.key ? { ...r, mapping } : r,
                  ),
                });
                drop(
                  (p) =>
                    !(p.key === editingRow.key && (p.field === field || p.field.startsWith(`${field}.`))),
                );
              }}
              onClose={() => {
                setEditing(null);
                setTimeout(() => document.getElementById(`${editingRow.key}-edit`)?.focus(), 0);
              }}
            />
          )}
        </section>
      </div>

      <div class="save-bar" role="region" aria-label="Save">
        {dirty ? (
          <span class="badge unsaved" data-testid="unsaved">
            Unsaved changes
          </span>
        ) : (
          <span class="muted small">No unsaved changes</span>
        )}
        <div class="actions tight">
          <button
            type="button"
            class="primary"
            disabled={!dirty || phase !== 'idle'}
            onClick={() => void check()}
          >
            {phase === 'checking' ? 'Checking the impact…' : phase === 'saving' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" disabled={!dirty || phase !== 'idle'} onClick={discard}>
            Discard changes
          </button>
        </div>
      </div>

      {impact && (
        <Confirm
          title={
            leavers > 0
              ? `Save? ${plural(leavers, 'account')} would be disabled or deleted`
              : 'Save the attribute mappings?'
          }
          confirmLabel={leavers > 0 ? 'Save anyway' : 'Save'}
          danger={leavers > 0}
          onConfirm={() => void save(impact.set)}
          onCancel={() => setImpact(null)}
        >
          <p>
            Saving starts a full reconciliation: every user and group is evaluated again, and this is what{' '}
            {name} would be sent:
          </p>
          <ImpactSummary impact={impact.impact} />
          {leavers > 0 && (
            <p class="warn-box">
              {plural(leavers, 'account')} in {name} would be disabled or deleted. Check the examples above
              before you save.
            </p>
          )}
        </Confirm>
      )}
      {guard.leaving !== null && (
        <Confirm
          title="Leave without saving?"
          confirmLabel="Leave and lose the changes"
          danger
          onConfirm={guard.leave}
          onCancel={guard.stay}
        >
          <p>The changes on this page are not saved. They are lost if you leave.</p>
        </Confirm>
      )}
    </>
  );
}

/** Arrow keys, Home and End move between the tabs (WAI-ARIA tabs pattern). */
function onTabKey(e: KeyboardEvent, tab: MappingObjectType, setTab: (t: MappingObjectType) => void) {
  const i = OBJECT_TYPES.indexOf(tab);
  const n = OBJECT_TYPES.length;
  const next =
    e.key === 'ArrowRight'
      ? (i + 1) % n
      : e.key === 'ArrowLeft'
        ? (i - 1 + n) % n
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? n - 1
            : null;
  if (next === null) return;
  e.preventDefault();
  setTab(OBJECT_TYPES[next]);
  document.getElementById(`tab-${OBJECT_TYPES[next]}`)?.focus();
}
