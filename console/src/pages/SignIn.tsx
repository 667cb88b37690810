import { useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { storeToken } from '../session';

/** Sign-in with an admin token, checked against the API before it is kept (sessionStorage, this tab only). */
export function SignIn({ reason, onSignedIn }: { reason: string | null; onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Enter an admin token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await request('GET', '/targets', undefined, value);
      storeToken(value);
      setToken('');
      onSignedIn();
    } catch (err) {
      setError(
        err instanceof ApiError && (err.status === 401 || err.status === 403)
          ? err.status === 401
            ? 'The gateway does not know this token (or it has expired or been revoked).'
            : 'This token has no admin scope.'
          : `The gateway did not answer: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin" id="main">
      <h1>SCIM gateway console</h1>
      {reason && (
        <p class="notice" role="status">
          {reason}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} aria-describedby="signin-help">
        <label for="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'signin-error' : undefined}
        />
        <p id="signin-help" class="help">
          A token with the <code>admin</code> scope (the gateway prints one at its first start). It is kept
          for this browser tab only and sent with each call to the admin API.
        </p>
        {error && (
          <p id="signin-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
