import { useEffect, useRef, useState } from 'preact/hooks';
import { get, messageOf, query } from '../api';
import type { DirectoryPage, DirectoryRow, PrincipalType } from '../types';

const RESULTS = 10;
const TYPING_MS = 300;

export interface Principal {
  type: PrincipalType;
  id: string;
  /** What the user sees: a user's display name (else user name), a group's display name (else id). */
  name: string;
  /** A user's user name, under its display name. */
  detail: string | null;
}

function principalOf(type: PrincipalType, row: DirectoryRow): Principal {
  const name = row.displayName ?? (type === 'User' ? row.userName : null) ?? row.id;
  return { type, id: row.id, name, detail: type === 'User' ? (row.userName ?? null) : null };
}

/**
 * Entra's "Select users and groups": search the directory (the start of a name, an email, an external id, or an
 * id) as you type and choose one. Soft-deleted objects are not offered: they cannot be assigned or provisioned.
 */
export function PrincipalPicker({
  id,
  types,
  value,
  onChange,
}: {
  /** Prefix of the element ids (two pickers on a page). */
  id: string;
  types: readonly PrincipalType[];
  value: Principal | null;
  onChange: (p: Principal | null) => void;
}) {
  const [type, setType] = useState<PrincipalType>(types[0]);
  const [text, setText] = useState('');
  const [found, setFound] = useState<{ for: string; rows: Principal[]; more: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // After a choice the result list goes away: the focus moves to "Change", not to the page's start.
  const change = useRef<HTMLButtonElement>(null);
  const chosen = useRef(false);
  useEffect(() => {
    if (value && chosen.current) change.current?.focus();
    chosen.current = false;
  }, [value]);

  const term = text.trim();
  useEffect(() => {
    if (!term) {
      setFound(null);
      setError(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      const kind = type === 'User' ? 'users' : 'groups';
      get<DirectoryPage>(`/directory/${kind}${query({ search: term, limit: RESULTS })}`).then(
        (page) => {
          if (!live) return;
          setError(null);
          setFound({
            for: `${type}|${term}`,
            rows: page.entries.map((r) => principalOf(type, r)),
            more: page.nextCursor !== null,
          });
        },
        (err: unknown) => live && setError(messageOf(err)),
      );
    }, TYPING_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [term, type]);

  const noun = type === 'User' ? 'user' : 'group';
  if (value)
    return (
      <div class="picked" id={`${id}-picked`}>
        <span>
          Selected {value.type.toLowerCase()}: <strong>{value.name}</strong>
          {value.detail && value.detail !== value.name && <span class="muted"> ({value.detail})</span>}
        </span>
        <button type="button" class="link" ref={change} onClick={() => onChange(null)}>
          Change
        </button>
      </div>
    );
  const current = found && found.for === `${type}|${term}` ? found : null;
  return (
    <div class="picker">
      {types.length > 1 && (
        <fieldset class="segmented-radio">
          <legend>Type</legend>
          {types.map((t) => (
            <label key={t}>
              <input
                type="radio"
                name={`${id}-type`}
                value={t}
                checked={type === t}
                onChange={() => setType(t)}
              />
              {t === 'User' ? 'Users' : 'Groups'}
            </label>
          ))}
        </fieldset>
      )}
      <div class="field">
        <label for={`${id}-search`}>Search {type === 'User' ? 'users' : 'groups'}</label>
        <input
          id={`${id}-search`}
          type="search"
          value={text}
          autocomplete="off"
          aria-describedby={`${id}-search-help`}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
        />
        <span id={`${id}-search-help`} class="help">
          {type === 'User'
            ? 'The start of a user name, display name, email or external id; or an id'
            : 'The start of a display name or external id; or an id'}
        </span>
      </div>
      <p class="sr-only" aria-live="polite">
        {current ? `${current.rows.length}${current.more ? ' or more' : ''} ${noun}s found` : ''}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {current &&
        (current.rows.length === 0 ? (
          <p class="empty">
            No {noun} matches “{term}”.
          </p>
        ) : (
          <ul class="pick-list" aria-label={`Matching ${noun}s`}>
            {current.rows.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  class="pick"
                  onClick={() => {
                    chosen.current = true;
                    onChange(p);
                    setText('');
                  }}
                >
                  {p.name}
                  {p.detail && p.detail !== p.name && <span class="muted"> {p.detail}</span>}
                </button>
              </li>
            ))}
            {current.more && <li class="muted">More match: type more of the name.</li>}
          </ul>
        ))}
    </div>
  );
}
