import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiError, messageOf, post } from '../api';
import { Link, navigate } from '../router';
import type { BulkSetting, Target } from '../types';

type AuthType = 'bearer' | 'oauth2';

interface Draft {
  name: string;
  baseUrl: string;
  authType: AuthType;
  token: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  oauthScope: string;
  scope: 'assigned' | 'all';
  profile: string;
  deprovisionAction: string;
  provisionGroups: boolean;
  skipOutOfScopeDeletions: boolean;
  deletionThreshold: string;
  deletionWindowMinutes: string;
  updateStyle: string;
  verifyUpdates: boolean;
  bulk: BulkSetting;
  enabled: boolean;
  concurrency: string;
  requestsPerSecond: string;
  timeoutMs: string;
  reconcileIntervalMinutes: string;
}

/** The API's defaults (src/http/admin/dto/target.dto.ts); the reconciliation interval is the gateway's own. */
const DEFAULTS: Draft = {
  name: '',
  baseUrl: '',
  authType: 'bearer',
  token: '',
  tokenUrl: '',
  clientId: '',
  clientSecret: '',
  oauthScope: '',
  scope: 'assigned',
  profile: 'entra',
  deprovisionAction: 'disable',
  provisionGroups: true,
  skipOutOfScopeDeletions: false,
  deletionThreshold: '',
  deletionWindowMinutes: '60',
  updateStyle: 'PATCH',
  verifyUpdates: false,
  bulk: 'auto',
  enabled: true,
  concurrency: '8',
  requestsPerSecond: '25',
  timeoutMs: '30000',
  reconcileIntervalMinutes: '',
};

const PROFILES = [
  { value: 'entra', label: 'Entra (aadOptscim062020)' },
  { value: 'entra-legacy', label: 'Entra, legacy' },
  { value: 'rfc', label: 'RFC 7644, strict' },
];

/** The target's `bulk` setting in words (also on the target's settings). */
export const BULK_CHOICES: { value: BulkSetting; label: string }[] = [
  { value: 'auto', label: 'Automatic (when several writes wait)' },
  { value: 'on', label: 'On (every write, a lone one too)' },
  { value: 'off', label: 'Off (plain requests only)' },
];
export const BULK_HELP =
  'Whether writes go through the app’s /Bulk endpoint; only when its /ServiceProviderConfig advertises /Bulk';

/** The API's field paths (the start of its messages) in form order; each names the input it belongs to. */
const FIELD_ORDER = [
  'name',
  'baseUrl',
  'profile',
  'auth.type',
  'auth.token',
  'auth.tokenUrl',
  'auth.clientId',
  'auth.clientSecret',
  'auth.scope',
  'scope',
  'deprovisionAction',
  'provisionGroups',
  'skipOutOfScopeDeletions',
  'deletionThreshold',
  'deletionWindowMinutes',
  'updateStyle',
  'verifyUpdates',
  'bulk',
  'enabled',
  'concurrency',
  'requestsPerSecond',
  'timeoutMs',
  'reconcileIntervalMinutes',
] as const;
type FieldKey = (typeof FIELD_ORDER)[number];

/** The settings under "Advanced settings" (opened when the API finds a problem with one). */
const ADVANCED: FieldKey[] = [
  'updateStyle',
  'bulk',
  'concurrency',
  'requestsPerSecond',
  'timeoutMs',
  'reconcileIntervalMinutes',
  'verifyUpdates',
  'enabled',
];

/** The auth fields' places in the draft. */
const AUTH_DRAFT: Partial<Record<FieldKey, keyof Draft>> = {
  'auth.token': 'token',
  'auth.tokenUrl': 'tokenUrl',
  'auth.clientId': 'clientId',
  'auth.clientSecret': 'clientSecret',
  'auth.scope': 'oauthScope',
};

const inputId = (key: FieldKey) => `nt-${key.replace('.', '-')}`;

/**
 * The API's problems by field: class-validator and the service start each message with the property path
 * (`baseUrl must use https`, `auth.token is required …`); the rest (a taken name aside) concern the whole form.
 */
function problemsOf(err: unknown): { fields: Partial<Record<FieldKey, string[]>>; general: string[] } {
  const messages =
    err instanceof ApiError ? (err.details.length > 0 ? err.details : [err.message]) : [messageOf(err)];
  const fields: Partial<Record<FieldKey, string[]>> = {};
  const general: string[] = [];
  for (const m of messages) {
    const key: FieldKey | undefined = /already exists/.test(m)
      ? 'name'
      : [...FIELD_ORDER].sort((a, b) => b.length - a.length).find((k) => m.startsWith(`${k} `));
    if (key) (fields[key] ??= []).push(m);
    else general.push(m);
  }
  return { fields, general };
}

function bodyOf(d: Draft): Record<string, unknown> {
  const number = (v: string) => (v.trim() === '' ? undefined : Number(v));
  const auth =
    d.authType === 'bearer'
      ? { type: 'bearer', token: d.token }
      : {
          type: 'oauth2',
          tokenUrl: d.tokenUrl.trim(),
          clientId: d.clientId.trim(),
          clientSecret: d.clientSecret,
          ...(d.oauthScope.trim() ? { scope: d.oauthScope.trim() } : {}),
        };
  const body: Record<string, unknown> = {
    name: d.name.trim(),
    baseUrl: d.baseUrl.trim(),
    auth,
    scope: d.scope,
    profile: d.profile,
    deprovisionAction: d.deprovisionAction,
    provisionGroups: d.provisionGroups,
    skipOutOfScopeDeletions: d.skipOutOfScopeDeletions,
    deletionThreshold: number(d.deletionThreshold),
    deletionWindowMinutes: number(d.deletionWindowMinutes),
    updateStyle: d.updateStyle,
    verifyUpdates: d.verifyUpdates,
    bulk: d.bulk,
    enabled: d.enabled,
    concurrency: number(d.concurrency),
    requestsPerSecond: number(d.requestsPerSecond),
    timeoutMs: number(d.timeoutMs),
    reconcileIntervalMinutes: number(d.reconcileIntervalMinutes),
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** Register a downstream SCIM app (Entra's "New application" → Provisioning → Admin credentials). */
export function AddTargetPage() {
  const [draft, setDraft] = useState<Draft>(DEFAULTS);
  const [problems, setProblems] = useState<ReturnType<typeof problemsOf> | null>(null);
  const [busy, setBusy] = useState(false);
  const [advanced, setAdvanced] = useState(false);
  const summary = useRef<HTMLDivElement>(null);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblems(null);
    try {
      const target = await post<Target>('/targets', bodyOf(draft));
      navigate(`/targets/${target.id}`);
    } catch (err) {
      const found = problemsOf(err);
      setProblems(found);
      if (ADVANCED.some((k) => found.fields[k])) setAdvanced(true);
      // The first field in error takes the focus; a problem of the whole form, its summary.
      requestAnimationFrame(() => {
        const first = FIELD_ORDER.find((k) => found.fields[k]);
        const el = first ? document.getElementById(inputId(first)) : summary.current;
        el?.focus();
      });
    } finally {
      setBusy(false);
    }
  };

  const errorsOf = (key: FieldKey) => problems?.fields[key];
  /** Label, input and the API's problems with it, tied together for assistive technology. */
  const field = (
    key: FieldKey,
    label: string,
    input: (a: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ComponentChildren,
    help?: string,
  ) => {
    const id = inputId(key);
    const errors = errorsOf(key);
    const described = [help ? `${id}-help` : '', errors ? `${id}-error` : ''].filter(Boolean).join(' ');
    return (
      <div class="field">
        <label for={id}>{label}</label>
        {input({
          id,
          ...(errors ? { 'aria-invalid': true } : {}),
          ...(described ? { 'aria-describedby': described } : {}),
        })}
        {help && (
          <span id={`${id}-help`} class="help">
            {help}
          </span>
        )}
        {errors && (
          <span id={`${id}-error`} class="field-error">
            {errors.join(' ')}
          </span>
        )}
      </div>
    );
  };
  const text = (
    key: FieldKey,
    label: string,
    opts: { type?: string; help?: string; required?: boolean; autocomplete?: string } = {},
  ) => {
    const at = AUTH_DRAFT[key] ?? (key as keyof Draft);
    return field(
      key,
      label,
      (a) => (
        <input
          {...a}
          type={opts.type ?? 'text'}
          required={opts.required}
          autocomplete={opts.autocomplete ?? 'off'}
          spellcheck={false}
          value={String(draft[at])}
          onInput={(e) => set(at, e.currentTarget.value)}
        />
      ),
      opts.help,
    );
  };
  const number = (key: FieldKey & keyof Draft, label: string, min: number, max: number, help?: string) =>
    field(
      key,
      label,
      (a) => (
        <input
          {...a}
          type="number"
          min={min}
          max={max}
          step={1}
          value={String(draft[key])}
          onInput={(e) => set(key, e.currentTarget.value)}
        />
      ),
      help,
    );
  const choice = (
    key: FieldKey & keyof Draft,
    label: string,
    options: { value: string; label: string }[],
    help?: string,
  ) =>
    field(
      key,
      label,
      (a) => (
        <select {...a} value={String(draft[key])} onChange={(e) => set(key, e.currentTarget.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ),
      help,
    );
  const check = (key: FieldKey & keyof Draft, label: string) => {
    const id = inputId(key);
    const errors = errorsOf(key);
    return (
      <div class="field check">
        <input
          id={id}
          type="checkbox"
          checked={draft[key] === true}
          aria-invalid={errors ? true : undefined}
          aria-describedby={errors ? `${id}-error` : undefined}
          onChange={(e) => set(key, e.currentTarget.checked)}
        />
        <label for={id}>{label}</label>
        {errors && (
          <span id={`${id}-error`} class="field-error">
            {errors.join(' ')}
          </span>
        )}
      </div>
    );
  };

  /** The API's problems with a group of radio buttons, under it. */
  const groupErrors = (key: FieldKey) => {
    const errors = errorsOf(key);
    return (
      errors && (
        <p class="field-error" id={`${inputId(key)}-error`}>
          {errors.join(' ')}
        </p>
      )
    );
  };

  const count = problems ? problems.general.length + Object.values(problems.fields).flat().length : 0;
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href="/">Overview</Link> / <span aria-current="page">Add a target</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1}>Add a target</h1>
        <p class="muted">
          A downstream app with a SCIM 2.0 endpoint. The gateway provisions to it the users and groups you
          assign (or everyone, with the scope “all”). Secrets are stored encrypted and never shown again.
        </p>
      </div>
      <form class="settings" onSubmit={(e) => void submit(e)} aria-label="Add a target">
        {problems && (
          <div class="error-box" role="alert" tabIndex={-1} ref={summary} data-testid="add-target-problems">
            <strong>
              The target was not added: {count === 1 ? 'one problem' : `${count} problems`}
              {problems.general.length > 0 ? '.' : ', shown next to the fields.'}
            </strong>
            {problems.general.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        )}
        <fieldset>
          <legend>Application</legend>
          <div class="grid">
            {text('name', 'Name', {
              required: true,
              help: 'Unique; letters, digits, spaces and . _ : @ -',
            })}
            {text('baseUrl', 'SCIM base URL', {
              type: 'url',
              required: true,
              help: 'Entra’s “Tenant URL”, e.g. https://app.example.com/scim/v2 (https, or http on loopback)',
            })}
            {choice(
              'profile',
              'Compatibility profile',
              PROFILES,
              'The shape of PATCH requests: as Entra sends them today, as it did before, or strictly per RFC 7644',
            )}
          </div>
        </fieldset>
        <fieldset>
          <legend>Credentials</legend>
          <fieldset
            class="plain"
            aria-describedby={errorsOf('auth.type') ? `${inputId('auth.type')}-error` : undefined}
          >
            <legend>Authentication method</legend>
            <div class="radio-row">
              {(
                [
                  ['bearer', 'Bearer token (Entra’s “Secret token”)'],
                  ['oauth2', 'OAuth 2.0 client credentials'],
                ] as const
              ).map(([value, label]) => (
                <label key={value}>
                  <input
                    type="radio"
                    name="nt-auth"
                    value={value}
                    checked={draft.authType === value}
                    onChange={() => set('authType', value)}
                  />
                  {label}
                </label>
              ))}
            </div>
            {groupErrors('auth.type')}
          </fieldset>
          <div class="grid">
            {draft.authType === 'bearer' ? (
              text('auth.token', 'Token', {
                type: 'password',
                required: true,
                autocomplete: 'new-password',
                help: 'Sent as Authorization: Bearer; write-only',
              })
            ) : (
              <>
                {text('auth.tokenUrl', 'Token URL', { type: 'url', required: true })}
                {text('auth.clientId', 'Client id', { required: true })}
                {text('auth.clientSecret', 'Client secret', {
                  type: 'password',
                  required: true,
                  autocomplete: 'new-password',
                  help: 'Write-only',
                })}
                {text('auth.scope', 'OAuth scope (optional)')}
              </>
            )}
          </div>
        </fieldset>
        <fieldset>
          <legend>Scope and leavers</legend>
          <fieldset
            class="plain"
            aria-describedby={errorsOf('scope') ? `${inputId('scope')}-error` : undefined}
          >
            <legend>Scope</legend>
            <div class="radio-row">
              {(
                [
                  ['assigned', 'Sync only assigned users and groups'],
                  ['all', 'Sync all users and groups'],
                ] as const
              ).map(([value, label]) => (
                <label key={value}>
                  <input
                    type="radio"
                    name="nt-scope"
                    value={value}
                    checked={draft.scope === value}
                    onChange={() => set('scope', value)}
                  />
                  {label}
                </label>
              ))}
            </div>
            {groupErrors('scope')}
          </fieldset>
          <div class="grid">
            {choice('deprovisionAction', 'Deprovision action', [
              { value: 'disable', label: 'Disable (active false)' },
              { value: 'delete', label: 'Delete' },
            ])}
            {number(
              'deletionThreshold',
              'Deletion threshold',
              1,
              1_000_000,
              'Most disables and deletes per window; the rest are held. Empty: no limit',
            )}
            {number('deletionWindowMinutes', 'Deletion window (minutes)', 1, 10_080)}
            {check('provisionGroups', 'Provision groups')}
            {check('skipOutOfScopeDeletions', 'Skip out-of-scope deletions')}
          </div>
        </fieldset>
        <details class="advanced" open={advanced} onToggle={(e) => setAdvanced(e.currentTarget.open)}>
          <summary>Advanced settings</summary>
          <fieldset>
            <legend>Delivery</legend>
            <div class="grid">
              {choice('updateStyle', 'Update style', [
                { value: 'PATCH', label: 'PATCH (what changed)' },
                { value: 'PUT', label: 'PUT (the whole user)' },
              ])}
              {choice('bulk', 'Bulk requests', BULK_CHOICES, BULK_HELP)}
              {number('concurrency', 'Concurrent requests', 1, 64)}
              {number('requestsPerSecond', 'Requests per second', 1, 10_000)}
              {number('timeoutMs', 'Request timeout (ms)', 100, 120_000)}
              {number(
                'reconcileIntervalMinutes',
                'Reconciliation interval (minutes)',
                1,
                10_080,
                'Empty: the gateway’s default',
              )}
              {check('verifyUpdates', 'Read updates back')}
              {check('enabled', 'Enabled')}
            </div>
          </fieldset>
        </details>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add target'}
          </button>
          <Link class="button-link" href="/">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
