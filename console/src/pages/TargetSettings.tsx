import { useEffect, useState } from 'preact/hooks';
import { messageOf, patch } from '../api';
import type { Target } from '../types';
import { BULK_CHOICES, BULK_HELP } from './AddTarget';

type Field =
  | { key: keyof Target; label: string; kind: 'text' | 'url' }
  | { key: keyof Target; label: string; kind: 'number'; min: number; max: number; nullable?: boolean }
  | { key: keyof Target; label: string; kind: 'bool' }
  | {
      key: keyof Target;
      label: string;
      kind: 'choice';
      /** The values, or the values with their words. */
      options: readonly (string | { value: string; label: string })[];
      /** One line under the field. */
      help?: string;
    };

const FIELDS: Field[] = [
  { key: 'name', label: 'Name', kind: 'text' },
  { key: 'baseUrl', label: 'SCIM base URL', kind: 'url' },
  { key: 'enabled', label: 'Enabled', kind: 'bool' },
  { key: 'scope', label: 'Scope', kind: 'choice', options: ['assigned', 'all'] },
  {
    key: 'profile',
    label: 'Compatibility profile',
    kind: 'choice',
    options: ['entra', 'entra-legacy', 'rfc'],
  },
  { key: 'updateStyle', label: 'Update style', kind: 'choice', options: ['PATCH', 'PUT'] },
  { key: 'verifyUpdates', label: 'Read updates back', kind: 'bool' },
  { key: 'bulk', label: 'Bulk requests', kind: 'choice', options: BULK_CHOICES, help: BULK_HELP },
  { key: 'provisionGroups', label: 'Provision groups', kind: 'bool' },
  { key: 'deprovisionAction', label: 'Deprovision action', kind: 'choice', options: ['disable', 'delete'] },
  { key: 'skipOutOfScopeDeletions', label: 'Skip out-of-scope deletions', kind: 'bool' },
  {
    key: 'deletionThreshold',
    label: 'Deletion threshold (empty: none)',
    kind: 'number',
    min: 1,
    max: 1_000_000,
    nullable: true,
  },
  { key: 'deletionWindowMinutes', label: 'Deletion window (minutes)', kind: 'number', min: 1, max: 10_080 },
  { key: 'concurrency', label: 'Concurrent requests', kind: 'number', min: 1, max: 64 },
  { key: 'requestsPerSecond', label: 'Requests per second', kind: 'number', min: 1, max: 10_000 },
  { key: 'timeoutMs', label: 'Request timeout (ms)', kind: 'number', min: 100, max: 120_000 },
  {
    key: 'reconcileIntervalMinutes',
    label: 'Reconciliation interval (minutes)',
    kind: 'number',
    min: 1,
    max: 10_080,
  },
];

type Draft = Record<string, string | boolean>;

function draftOf(t: Target): Draft {
  const d: Draft = {};
  for (const f of FIELDS) {
    const v = t[f.key] as string | number | boolean | null;
    d[f.key] = f.kind === 'bool' ? Boolean(v) : v === null || v === undefined ? '' : String(v);
  }
  d.tokenUrl = t.auth.tokenUrl ?? '';
  d.clientId = t.auth.clientId ?? '';
  d.oauthScope = t.auth.scope ?? '';
  d.secret = '';
  return d;
}

/** The target's settings; credentials are write-only: shown as set, replaced by typing a new one. */
export function TargetSettings({ target, onSaved }: { target: Target; onSaved: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(target));
  const [dirty, setDirty] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  // Follow the server while the form is untouched (polling brings changes made elsewhere).
  useEffect(() => {
    if (!dirty) setDraft(draftOf(target));
  }, [target.updatedAt, dirty]);

  const set = (key: string, value: string | boolean) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setDirty(true);
    setMessage(null);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    for (const f of FIELDS) {
      const v = draft[f.key];
      const current = target[f.key] as string | number | boolean | null;
      if (f.kind === 'bool') {
        if (v !== current) body[f.key] = v;
      } else if (f.kind === 'number') {
        const n = v === '' ? null : Number(v);
        if (n === null && !f.nullable) continue;
        if (n !== current) body[f.key] = n;
      } else if (v !== String(current)) body[f.key] = v;
    }
    const oauth = target.auth.type === 'oauth2';
    const authChanged =
      draft.secret !== '' ||
      (oauth &&
        (draft.tokenUrl !== (target.auth.tokenUrl ?? '') ||
          draft.clientId !== (target.auth.clientId ?? '') ||
          draft.oauthScope !== (target.auth.scope ?? '')));
    if (authChanged) {
      if (draft.secret === '') {
        setMessage({
          ok: false,
          text: 'Changing the OAuth settings needs the client secret again: enter it to replace it.',
        });
        return;
      }
      body.auth = oauth
        ? {
            type: 'oauth2',
            tokenUrl: draft.tokenUrl,
            clientId: draft.clientId,
            clientSecret: draft.secret,
            ...(draft.oauthScope ? { scope: draft.oauthScope } : {}),
          }
        : { type: 'bearer', token: draft.secret };
    }
    if (Object.keys(body).length === 0) {
      setMessage({ ok: true, text: 'Nothing changed.' });
      return;
    }
    setSaving(true);
    try {
      await patch(`/targets/${target.id}`, body);
      setDirty(false);
      setDraft((d) => ({ ...d, secret: '' }));
      setMessage({
        ok: true,
        text: `Saved ${Object.keys(body).length === 1 ? 'the change' : 'the changes'}.`,
      });
      onSaved();
    } catch (err) {
      setMessage({ ok: false, text: `Not saved: ${messageOf(err)}` });
    } finally {
      setSaving(false);
    }
  };

  const input = (f: Field) => {
    const id = `setting-${f.key}`;
    const v = draft[f.key];
    if (f.kind === 'bool')
      return (
        <div class="field check" key={f.key}>
          <input
            id={id}
            type="checkbox"
            checked={v === true}
            onChange={(e) => set(f.key, e.currentTarget.checked)}
          />
          <label for={id}>{f.label}</label>
        </div>
      );
    const help = f.kind === 'choice' ? f.help : undefined;
    return (
      <div class="field" key={f.key}>
        <label for={id}>{f.label}</label>
        {f.kind === 'choice' ? (
          <select
            id={id}
            value={String(v)}
            aria-describedby={help ? `${id}-help` : undefined}
            onChange={(e) => set(f.key, e.currentTarget.value)}
          >
            {f.options.map((o) => {
              const { value, label } = typeof o === 'string' ? { value: o, label: o } : o;
              return (
                <option key={value} value={value}>
                  {label}
                </option>
              );
            })}
          </select>
        ) : (
          <input
            id={id}
            type={f.kind === 'number' ? 'number' : f.kind}
            {...(f.kind === 'number' ? { min: f.min, max: f.max, step: 1 } : {})}
            required={!(f.kind === 'number' && f.nullable)}
            value={String(v)}
            onInput={(e) => set(f.key, e.currentTarget.value)}
          />
        )}
        {help && (
          <span id={`${id}-help`} class="help">
            {help}
          </span>
        )}
      </div>
    );
  };

  const oauth = target.auth.type === 'oauth2';
  return (
    <section aria-labelledby="settings-h">
      <h2 id="settings-h">Settings</h2>
      <form class="settings" onSubmit={(e) => void save(e)}>
        <fieldset>
          <legend>Provisioning</legend>
          <div class="grid">{FIELDS.map(input)}</div>
        </fieldset>
        <fieldset>
          <legend>Credentials ({oauth ? 'OAuth 2.0 client credentials' : 'bearer token'})</legend>
          <p>
            {oauth ? 'Client secret' : 'Token'}: <strong>set</strong>{' '}
            <span class="muted">(never shown; type a new one below to replace it)</span>
          </p>
          <div class="grid">
            {oauth && (
              <>
                <div class="field">
                  <label for="setting-tokenUrl">Token URL</label>
                  <input
                    id="setting-tokenUrl"
                    type="url"
                    value={String(draft.tokenUrl)}
                    onInput={(e) => set('tokenUrl', e.currentTarget.value)}
                  />
                </div>
                <div class="field">
                  <label for="setting-clientId">Client id</label>
                  <input
                    id="setting-clientId"
                    value={String(draft.clientId)}
                    onInput={(e) => set('clientId', e.currentTarget.value)}
                  />
                </div>
                <div class="field">
                  <label for="setting-oauthScope">OAuth scope</label>
                  <input
                    id="setting-oauthScope"
                    value={String(draft.oauthScope)}
                    onInput={(e) => set('oauthScope', e.currentTarget.value)}
                  />
                </div>
              </>
            )}
            <div class="field">
              <label for="setting-secret">{oauth ? 'Replace the client secret' : 'Replace the token'}</label>
              <input
                id="setting-secret"
                type="password"
                autocomplete="new-password"
                value={String(draft.secret)}
                onInput={(e) => set('secret', e.currentTarget.value)}
              />
            </div>
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary" disabled={saving || !dirty}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          <button
            type="button"
            disabled={!dirty}
            onClick={() => {
              setDraft(draftOf(target));
              setDirty(false);
              setMessage(null);
            }}
          >
            Undo changes
          </button>
        </div>
        <div aria-live="polite">
          {message && <p class={message.ok ? 'ok-box' : 'error-box'}>{message.text}</p>}
        </div>
      </form>
    </section>
  );
}
