import { useEffect, useRef } from 'preact/hooks';
import type { OrphanAccount } from '../../types';

/** Links an account to a directory user by id (prefilled with the account's directory candidate). */
export function LinkForm({
  account,
  name,
  inputId,
  userId,
  busy,
  onUserId,
  onLink,
  onCancel,
}: {
  account: OrphanAccount;
  /** How the page names the account. */
  name: string;
  inputId: string;
  userId: string;
  busy: boolean;
  onUserId: (userId: string) => void;
  onLink: () => void;
  onCancel: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (e: Event) => {
    e.preventDefault();
    onLink();
  };
  const candidate = account.directoryCandidate;
  return (
    <form class="filters align-top" aria-label={`Link ${name}`} onSubmit={submit}>
      <div class="field wide">
        <label for={inputId}>Directory user id</label>
        <input
          id={inputId}
          class="mono"
          value={userId}
          required
          spellcheck={false}
          ref={input}
          aria-describedby={`${inputId}-help`}
          onInput={(e) => onUserId(e.currentTarget.value)}
        />
        <span id={`${inputId}-help`} class="help">
          {candidate
            ? `Prefilled with the directory candidate, ${candidate.displayName}. `
            : 'No directory user has this user name or external id: give the id of the one who owns the account. '}
          The user must be in this target’s scope; the account is compared with the user and updated, never
          created.
        </span>
      </div>
      <div class="actions filter-actions">
        <button type="submit" class="primary" disabled={busy || userId.trim() === ''}>
          {busy ? 'Linking…' : 'Link'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
