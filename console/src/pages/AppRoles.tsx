import { useState } from 'preact/hooks';
import { del, messageOf, patch, post } from '../api';
import { Confirm } from '../components/Confirm';
import type { AppRole } from '../types';

interface Draft {
  displayName: string;
  value: string;
  description: string;
}

const EMPTY: Draft = { displayName: '', value: '', description: '' };

function RoleFields({ id, draft, set }: { id: string; draft: Draft; set: (d: Draft) => void }) {
  return (
    <>
      <div class="field">
        <label for={`${id}-name`}>Display name</label>
        <input
          id={`${id}-name`}
          required
          maxLength={100}
          value={draft.displayName}
          onInput={(e) => set({ ...draft, displayName: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for={`${id}-value`}>Value</label>
        <input
          id={`${id}-value`}
          required
          maxLength={120}
          value={draft.value}
          aria-describedby={`${id}-value-help`}
          onInput={(e) => set({ ...draft, value: e.currentTarget.value })}
        />
        <span id={`${id}-value-help`} class="help">
          What the app receives in the user’s roles; unique in this target
        </span>
      </div>
      <div class="field wide">
        <label for={`${id}-description`}>Description</label>
        <input
          id={`${id}-description`}
          maxLength={500}
          value={draft.description}
          onInput={(e) => set({ ...draft, description: e.currentTarget.value })}
        />
      </div>
    </>
  );
}

/**
 * Entra's "App roles" of an enterprise app: every assignment carries one. The default role ("User") always exists;
 * a role that assignments use cannot be deleted; a renamed role is sent again to every user holding it.
 */
export function AppRolesSection({
  targetId,
  roles,
  error,
  onChanged,
}: {
  targetId: string;
  roles: AppRole[] | undefined;
  error: string | null;
  onChanged: () => void;
}) {
  const [adding, setAdding] = useState<Draft>(EMPTY);
  const [editing, setEditing] = useState<{ id: string; draft: Draft } | null>(null);
  const [deleting, setDeleting] = useState<AppRole | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const base = `/targets/${targetId}/app-roles`;

  const run = async (what: () => Promise<string>) => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ ok: true, text: await what() });
      onChanged();
      return true;
    } catch (err) {
      setOutcome({ ok: false, text: messageOf(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };

  const add = async (e: Event) => {
    e.preventDefault();
    const body = {
      displayName: adding.displayName.trim(),
      value: adding.value.trim(),
      ...(adding.description.trim() ? { description: adding.description.trim() } : {}),
    };
    if (
      await run(async () => {
        const role = await post<AppRole>(base, body);
        return `Role ${role.displayName} added.`;
      })
    )
      setAdding(EMPTY);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!editing) return;
    const { id, draft } = editing;
    if (
      await run(async () => {
        const role = await patch<AppRole>(`${base}/${id}`, {
          displayName: draft.displayName.trim(),
          value: draft.value.trim(),
          description: draft.description.trim(),
        });
        return `Role ${role.displayName} saved; users holding it get it again.`;
      })
    )
      setEditing(null);
  };

  const remove = async (role: AppRole) => {
    setDeleting(null);
    await run(async () => {
      await del(`${base}/${role.id}`);
      return `Role ${role.displayName} deleted.`;
    });
  };

  return (
    <section aria-labelledby="roles-h">
      <h2 id="roles-h">App roles</h2>
      <p class="muted roles-help">
        Every assignment gives its user or group one role; map{' '}
        <code>AppRoleAssignmentsComplex([appRoleAssignments])</code> to <code>roles</code> to send them to the
        app.
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="table-wrap" tabIndex={0} role="region" aria-label="App roles table">
        <table class="wide">
          <caption class="sr-only">The target’s app roles</caption>
          <thead>
            <tr>
              <th scope="col">Display name</th>
              <th scope="col">Value</th>
              <th scope="col">Description</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {(roles ?? []).map((r) =>
              editing?.id === r.id ? (
                <tr key={r.id} class="expanded">
                  <td colSpan={4}>
                    <form
                      class="grid"
                      onSubmit={(e) => void save(e)}
                      aria-label={`Edit role ${r.displayName}`}
                    >
                      <RoleFields
                        id="role-edit"
                        draft={editing.draft}
                        set={(draft) => setEditing({ id: r.id, draft })}
                      />
                      <div class="actions filter-actions">
                        <button type="submit" class="primary" disabled={busy}>
                          Save role
                        </button>
                        <button type="button" onClick={() => setEditing(null)}>
                          Cancel
                        </button>
                      </div>
                    </form>
                  </td>
                </tr>
              ) : (
                <tr key={r.id}>
                  <th scope="row" class="identity">
                    {r.displayName}
                    {r.isDefault && (
                      <>
                        {' '}
                        <span class="badge">Default</span>
                      </>
                    )}
                  </th>
                  <td class="identity">
                    <code>{r.value}</code>
                  </td>
                  <td>{r.description ?? ''}</td>
                  <td>
                    <div class="actions tight">
                      <button
                        type="button"
                        aria-label={`Edit ${r.displayName}`}
                        onClick={() => {
                          setOutcome(null);
                          setEditing({
                            id: r.id,
                            draft: {
                              displayName: r.displayName,
                              value: r.value,
                              description: r.description ?? '',
                            },
                          });
                        }}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Delete ${r.displayName}`}
                        onClick={() => setDeleting(r)}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      {!roles && !error && <p>Loading…</p>}
      <div aria-live="polite">
        {outcome && (
          <p class={outcome.ok ? 'ok-box' : 'error-box'} data-testid="roles-outcome">
            {outcome.ok ? outcome.text : `Not done: ${outcome.text}`}
          </p>
        )}
      </div>
      <form class="filters register align-top" onSubmit={(e) => void add(e)} aria-labelledby="role-add-h">
        <h3 id="role-add-h" class="form-title">
          Add an app role
        </h3>
        <RoleFields id="role-add" draft={adding} set={setAdding} />
        <div class="actions filter-actions">
          <button type="submit" class="primary" disabled={busy}>
            Add role
          </button>
        </div>
      </form>
      {deleting && (
        <Confirm
          title={`Delete the role ${deleting.displayName}?`}
          confirmLabel="Delete role"
          danger
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            The role goes from this target. A role that assignments still use is not deleted: remove or change
            those assignments first.
          </p>
        </Confirm>
      )}
    </section>
  );
}
