import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, del, get, messageOf, post } from '../api';
import { formatTime, relative } from '../format';
import { usePoll } from '../poll';
import { Link } from '../router';
import { Confirm } from '../components/Confirm';
import { TOKEN_SCOPES, type ApiToken, type IssuedToken } from '../types';

const POLL_MS = 10_000;

const SCOPE_WORDS: Record<(typeof TOKEN_SCOPES)[number], string> = {
  scim: 'SCIM: HR pushes and SCIM reads',
  admin: 'Admin: the admin API and this console',
};

const GRACE = [
  { seconds: 0, label: 'Not at all' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
];

type Asking = { kind: 'revoke' | 'rotate'; token: ApiToken };

/** Bearer tokens: create (the secret shown once), rotate, revoke; scopes and last use. */
export function TokensPage() {
  const tokens = usePoll(() => get<ApiToken[]>('/tokens'), POLL_MS, 'tokens');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['scim']);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string[] | null>(null);
  // The secret lives here only: gone with "Done", and with the page (never in storage or the URL).
  const [secret, setSecret] = useState<{ name: string; token: string; rotated: boolean } | null>(null);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [grace, setGrace] = useState(0);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    setFormError(null);
    setOutcome(null);
    if (!name.trim() || scopes.length === 0) {
      setFormError([!name.trim() ? 'Enter a name.' : 'Choose at least one scope.']);
      return;
    }
    setBusy(true);
    try {
      const issued = await post<IssuedToken>('/tokens', { name: name.trim(), scopes });
      setSecret({ name: issued.name, token: issued.token, rotated: false });
      setName('');
      tokens.refresh();
    } catch (err) {
      setFormError(err instanceof ApiError ? [err.message, ...err.details] : [messageOf(err)]);
    } finally {
      setBusy(false);
    }
  };

  const act = async ({ kind, token }: Asking) => {
    setAsking(null);
    setOutcome(null);
    try {
      if (kind === 'revoke') {
        await del(`/tokens/${token.id}`);
        setOutcome({
          ok: true,
          text: `${token.name} is revoked: every request with it is refused from now on.`,
        });
      } else {
        const issued = await post<IssuedToken>(`/tokens/${token.id}/rotate`, { graceSeconds: grace });
        setSecret({ name: issued.name, token: issued.token, rotated: true });
      }
    } catch (err) {
      setOutcome({
        ok: false,
        text: `${kind === 'revoke' ? 'Revoking' : 'Rotating'} failed: ${messageOf(err)}`,
      });
    }
    tokens.refresh();
  };

  const toggleScope = (scope: string, on: boolean) =>
    setScopes((s) => (on ? [...s.filter((x) => x !== scope), scope] : s.filter((x) => x !== scope)));

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Tokens</h1>
        <p class="muted">
          Bearer tokens for HR systems (SCIM) and administrators. The gateway keeps only a hash of each
          secret.
        </p>
      </div>

      {secret && <Secret secret={secret} onDone={() => setSecret(null)} />}

      <form class="filters" onSubmit={(e) => void create(e)} aria-labelledby="create-h">
        <h2 id="create-h" class="form-title">
          Create a token
        </h2>
        <div class="field">
          <label for="t-name">Name</label>
          <input
            id="t-name"
            value={name}
            maxLength={100}
            autocomplete="off"
            aria-describedby="t-name-help"
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <span id="t-name-help" class="help">
            Letters, digits, spaces and . _ : @ -
          </span>
        </div>
        <fieldset class="field scopes">
          <legend>Scopes</legend>
          {TOKEN_SCOPES.map((s) => (
            <div class="field check" key={s}>
              <input
                id={`t-scope-${s}`}
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => toggleScope(s, e.currentTarget.checked)}
              />
              <label for={`t-scope-${s}`}>{SCOPE_WORDS[s]}</label>
            </div>
          ))}
        </fieldset>
        <div class="actions filter-actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
        {formError && (
          <div class="error-box filter-actions" role="alert">
            {formError.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        )}
      </form>

      <div aria-live="polite">
        {outcome && <p class={outcome.ok ? 'ok-box' : 'error-box'}>{outcome.text}</p>}
      </div>
      {tokens.error && (
        <p class="error" role="alert">
          Could not refresh: {tokens.error}
        </p>
      )}

      <h2>Tokens in use</h2>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Tokens table">
        <table class="wide">
          <caption class="sr-only">Tokens that work now</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {(tokens.data ?? []).map((t) => (
              <tr key={t.id} data-token={t.id}>
                <th scope="row" class="identity">
                  {t.name}
                </th>
                <td>{t.scopes.join(', ')}</td>
                <td>{formatTime(t.createdAt)}</td>
                <td>{t.lastUsedAt ? `${formatTime(t.lastUsedAt)} (${relative(t.lastUsedAt)})` : 'Never'}</td>
                <td>
                  {t.expiresAt ? formatTime(t.expiresAt) : 'Never'}
                  {t.previousSecretValidUntil && (
                    <div class="muted small">
                      Previous secret works until {formatTime(t.previousSecretValidUntil)}
                    </div>
                  )}
                </td>
                <td>
                  <div class="actions tight">
                    <button
                      type="button"
                      aria-label={`Rotate ${t.name}`}
                      onClick={() => {
                        setGrace(0);
                        setAsking({ kind: 'rotate', token: t });
                      }}
                    >
                      Rotate
                    </button>
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Revoke ${t.name}`}
                      onClick={() => setAsking({ kind: 'revoke', token: t })}
                    >
                      Revoke
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {tokens.data && tokens.data.length === 0 && <p class="empty">No token.</p>}
      <p class="help">
        A revoked token leaves this list at once; the <Link href="/audit?objectType=token">audit log</Link>{' '}
        keeps who created, rotated and revoked each token, and when.
      </p>

      {asking?.kind === 'revoke' && (
        <Confirm
          title={`Revoke ${asking.token.name}?`}
          confirmLabel="Revoke"
          danger
          onConfirm={() => void act(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>
            Every request with this token is refused (401) from now on. This cannot be undone: a client that
            still needs access needs a new token.
          </p>
        </Confirm>
      )}
      {asking?.kind === 'rotate' && (
        <Confirm
          title={`Rotate ${asking.token.name}?`}
          confirmLabel="Rotate"
          onConfirm={() => void act(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>A new secret for the same token (same scopes and settings), shown once.</p>
          <div class="field">
            <label for="t-grace">Keep the current secret working for</label>
            <select
              id="t-grace"
              value={String(grace)}
              onChange={(e) => setGrace(Number(e.currentTarget.value))}
            >
              {GRACE.map((g) => (
                <option key={g.seconds} value={String(g.seconds)}>
                  {g.label}
                </option>
              ))}
            </select>
          </div>
        </Confirm>
      )}
    </>
  );
}

/** The secret of a token just created or rotated: once, with a copy button. */
function Secret({
  secret,
  onDone,
}: {
  secret: { name: string; token: string; rotated: boolean };
  onDone: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    setCopied(null);
    heading.current?.focus();
  }, [secret.token]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret.token);
      setCopied('Copied to the clipboard.');
    } catch {
      // No clipboard (an insecure origin, a refused permission): select it for the keyboard's copy.
      field.current?.select();
      setCopied('Selected: copy it with Ctrl+C (⌘C on a Mac).');
    }
  };

  return (
    <section class="secret-box" aria-labelledby="secret-h">
      <h2 id="secret-h" tabIndex={-1} ref={heading}>
        {secret.rotated ? 'New secret' : 'Secret'} of {secret.name}
      </h2>
      <p>
        <strong>Copy it now: you will not see it again.</strong> The gateway keeps only its hash; if it is
        lost, rotate the token.
      </p>
      <div class="secret-row">
        <label for="t-secret" class="sr-only">
          Secret of {secret.name}
        </label>
        <input id="t-secret" ref={field} class="mono" readOnly value={secret.token} spellcheck={false} />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" class="primary" onClick={onDone}>
          Done
        </button>
      </div>
      <p aria-live="polite" class="small">
        {copied}
      </p>
    </section>
  );
}
