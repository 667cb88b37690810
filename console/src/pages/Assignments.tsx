import { useEffect, useState } from 'preact/hooks';
import { del, get, messageOf, post, query } from '../api';
import { formatTime, plural } from '../format';
import { usePoll } from '../poll';
import { Link } from '../router';
import { FilterSelect } from '../components/FilterForm';
import { Pager, useCursorPages } from '../components/Pager';
import { Confirm } from '../components/Confirm';
import { PrincipalPicker, type Principal } from '../components/PrincipalPicker';
import { TargetPageHead } from '../components/TargetPageHead';
import { AppRolesSection } from './AppRoles';
import type {
  AccessPreview,
  AppRole,
  Assignment,
  AssignmentPage,
  DirectoryObject,
  PrincipalType,
  Target,
} from '../types';

const PAGE = 50;
const POLL_MS = 5000;

interface Filter {
  type: '' | PrincipalType;
  roleId: string;
}

const nameOf = (a: Assignment) => a.principalDisplayName ?? `${a.principalType} ${a.principalId}`;
const directoryPath = (type: PrincipalType, id: string) =>
  `/directory/${type === 'User' ? 'users' : 'groups'}/${encodeURIComponent(id)}`;

/** What a leaver gets in this target, in words. */
function leaverWords(t: Target): string {
  if (t.skipOutOfScopeDeletions) return 'is left as it is in the app (Skip out-of-scope deletions is on)';
  return t.deprovisionAction === 'delete' ? 'is deleted in the app' : 'is disabled in the app';
}

/** Entra's "Users and groups" of an enterprise app: assignments with their roles, and the app roles. */
export function AssignmentsPage({ id }: { id: string }) {
  const target = usePoll(() => get<Target>(`/targets/${id}`), 30_000, id);
  const roles = usePoll(() => get<AppRole[]>(`/targets/${id}/app-roles`), 30_000, id);
  const [filter, setFilter] = useState<Filter>({ type: '', roleId: '' });
  const key = `${id}|${filter.type}|${filter.roleId}`;
  const path = (cursor?: string) =>
    `/targets/${id}/assignments${query({
      principalType: filter.type,
      roleId: filter.roleId,
      count: PAGE,
      cursor,
    })}`;
  const first = usePoll(() => get<AssignmentPage>(path()), POLL_MS, key);
  const pages = useCursorPages<Assignment>(
    first.data && { items: first.data.assignments, nextCursor: first.data.nextCursor ?? null },
    async (cursor) => {
      const page = await get<AssignmentPage>(path(cursor));
      return { items: page.assignments, nextCursor: page.nextCursor ?? null };
    },
    (a) => a.id,
    key,
  );
  const rows = pages.rows;
  const [removing, setRemoving] = useState<Assignment | null>(null);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const changed = () => {
    pages.reset();
    first.refresh();
  };

  const remove = async (a: Assignment) => {
    setRemoving(null);
    setOutcome(null);
    try {
      await del(`/targets/${id}/assignments/${a.id}`);
      setOutcome({
        ok: true,
        text: `${nameOf(a)} is no longer assigned with the role ${a.roleDisplayName}.`,
      });
    } catch (err) {
      setOutcome({ ok: false, text: `Not removed: ${messageOf(err)}` });
    }
    changed();
  };

  const t = target.data;
  const heading = 'Users and groups';
  return (
    <>
      <TargetPageHead id={id} name={t?.name} heading={heading} error={target.error}>
        {t && (
          <p class={t.scope === 'all' ? 'warn-box' : 'muted'} data-testid="scope-sentence">
            {t.scope === 'assigned'
              ? 'Scope: sync only assigned users and groups. Users assigned directly and the direct members of ' +
                'assigned groups are provisioned; members of nested groups are not.'
              : 'Scope: sync all users and groups. Assignments here give roles but do not limit who is ' +
                'provisioned; change the scope in the target’s settings.'}
          </p>
        )}
      </TargetPageHead>

      {t && roles.data && <AssignForm target={t} roles={roles.data} onAssigned={changed} />}

      <section aria-labelledby="assignments-h">
        <h2 id="assignments-h">Assignments</h2>
        <form class="filters" aria-label="Filter assignments" onSubmit={(e) => e.preventDefault()}>
          <FilterSelect
            id="a-type"
            label="Type"
            value={filter.type}
            onValue={(v) => setFilter((f) => ({ ...f, type: v as Filter['type'] }))}
          >
            <option value="">Users and groups</option>
            <option value="User">Users</option>
            <option value="Group">Groups</option>
          </FilterSelect>
          <FilterSelect
            id="a-role"
            label="Role"
            value={filter.roleId}
            onValue={(v) => setFilter((f) => ({ ...f, roleId: v }))}
          >
            <option value="">Every role</option>
            {roles.data?.map((r) => (
              <option key={r.id} value={r.id}>
                {r.displayName}
              </option>
            ))}
          </FilterSelect>
        </form>
        {first.error && (
          <p class="error" role="alert">
            {first.error}
          </p>
        )}
        <div aria-live="polite">
          {outcome && (
            <p class={outcome.ok ? 'ok-box' : 'error-box'} data-testid="assignments-outcome">
              {outcome.text}
            </p>
          )}
        </div>
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Assignments table">
          <table class="wide">
            <caption class="sr-only">Users and groups assigned to this target, with their roles</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Role</th>
                <th scope="col">Assigned</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => {
                const open = expanded === a.id;
                return [
                  <tr key={a.id} class={a.principalLive ? undefined : 'deleted'}>
                    <th scope="row" class="identity">
                      <Link href={directoryPath(a.principalType, a.principalId)}>{nameOf(a)}</Link>
                      {!a.principalLive && (
                        <>
                          {' '}
                          <span class="badge state-deleted">Deleted: out of scope</span>
                        </>
                      )}
                    </th>
                    <td>{a.principalType}</td>
                    <td>{a.roleDisplayName}</td>
                    <td>{formatTime(a.createdAt)}</td>
                    <td>
                      <div class="actions tight">
                        {a.principalType === 'Group' && (
                          <button
                            type="button"
                            aria-expanded={open}
                            aria-controls={open ? `members-${a.id}` : undefined}
                            aria-label={`${open ? 'Hide' : 'Show'} members of ${nameOf(a)}`}
                            onClick={() => setExpanded(open ? null : a.id)}
                          >
                            {open ? 'Hide members' : 'Show members'}
                          </button>
                        )}
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Remove ${nameOf(a)} (${a.roleDisplayName})`}
                          onClick={() => setRemoving(a)}
                        >
                          Remove
                        </button>
                      </div>
                    </td>
                  </tr>,
                  open && (
                    <tr key={`${a.id}-members`} class="expanded">
                      <td colSpan={5} id={`members-${a.id}`}>
                        <GroupMembers groupId={a.principalId} role={a.roleDisplayName} />
                      </td>
                    </tr>
                  ),
                ];
              })}
            </tbody>
          </table>
        </div>
        {first.data && rows.length === 0 && (
          <p class="empty">
            {filter.type || filter.roleId
              ? 'No assignment matches the filter.'
              : 'Nobody is assigned yet: assign a user or a group above.'}
          </p>
        )}
        {!first.data && !first.error && <p>Loading…</p>}
        <Pager pages={pages} label="Load more assignments" />
      </section>

      {t && <AccessCheck target={t} roles={roles.data ?? []} />}

      <AppRolesSection
        targetId={id}
        roles={roles.data}
        error={roles.error}
        onChanged={() => {
          roles.refresh();
          first.refresh();
        }}
      />

      {removing && t && (
        <Confirm
          title={`Remove ${nameOf(removing)}?`}
          confirmLabel="Remove"
          danger
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(null)}
        >
          <p>
            {removing.principalType === 'Group'
              ? `The group ${nameOf(removing)} loses the role ${removing.roleDisplayName}. Each direct member ` +
                `that no other assignment keeps in scope leaves the app: it ${leaverWords(t)}.`
              : `${nameOf(removing)} loses the role ${removing.roleDisplayName}. If no other assignment keeps ` +
                `the user in scope, it leaves the app: it ${leaverWords(t)}.`}
          </p>
        </Confirm>
      )}
    </>
  );
}

/** "Add user/group": pick a user or a group, a role, assign. */
function AssignForm({
  target,
  roles,
  onAssigned,
}: {
  target: Target;
  roles: AppRole[];
  onAssigned: () => void;
}) {
  const defaultRole = roles.find((r) => r.isDefault)?.id ?? roles[0]?.id ?? '';
  const [principal, setPrincipal] = useState<Principal | null>(null);
  const [roleId, setRoleId] = useState(defaultRole);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  // A role deleted meanwhile: back to the default one.
  useEffect(() => {
    if (!roles.some((r) => r.id === roleId)) setRoleId(defaultRole);
  }, [roles]);

  const assign = async (e: Event) => {
    e.preventDefault();
    if (!principal) {
      setOutcome({ ok: false, text: 'Select a user or a group first.' });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const a = await post<Assignment>(`/targets/${target.id}/assignments`, {
        principalType: principal.type,
        principalId: principal.id,
        roleId,
      });
      const when = target.paused ? 'when provisioning resumes (the target is paused)' : 'now';
      const now =
        a.principalType === 'Group'
          ? `: the group and its direct members are provisioned to ${target.name} ${when}`
          : `: the user is provisioned to ${target.name} ${when}`;
      setOutcome({
        ok: true,
        text: `${nameOf(a)} is assigned with the role ${a.roleDisplayName}${target.scope === 'assigned' ? now : ''}.`,
      });
      setPrincipal(null);
      onAssigned();
    } catch (err) {
      setOutcome({ ok: false, text: `Not assigned: ${messageOf(err)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="assign-h">
      <h2 id="assign-h">Add an assignment</h2>
      <form class="filters align-top" onSubmit={(e) => void assign(e)} aria-labelledby="assign-h">
        <fieldset class="field wide plain">
          <legend>User or group</legend>
          <PrincipalPicker id="assign" types={['User', 'Group']} value={principal} onChange={setPrincipal} />
        </fieldset>
        <div class="field">
          <label for="assign-role">Role</label>
          <select id="assign-role" value={roleId} onChange={(e) => setRoleId(e.currentTarget.value)}>
            {roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.displayName}
                {r.isDefault ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </div>
        <div class="actions filter-actions">
          <button type="submit" class="primary" disabled={busy || !principal}>
            {busy ? 'Assigning…' : 'Assign'}
          </button>
        </div>
        <div aria-live="polite" class="filter-actions">
          {outcome && (
            <p class={outcome.ok ? 'ok-box' : 'error-box'} data-testid="assign-outcome">
              {outcome.text}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}

/** A group's direct members: the users its assignment puts in scope (members of nested groups are not). */
function GroupMembers({ groupId, role }: { groupId: string; role: string }) {
  const group = usePoll(
    () => get<DirectoryObject>(`/directory/groups/${encodeURIComponent(groupId)}`),
    POLL_MS,
    groupId,
  );
  if (group.error)
    return (
      <p class="error" role="alert">
        {group.error}
      </p>
    );
  const members = group.data?.members;
  if (!members) return <p>Loading the members…</p>;
  if (members.count === 0) return <p>The group has no member: only the group itself is in scope.</p>;
  const users = members.first.filter((m) => m.type === 'User');
  const nested = members.first.filter((m) => m.type === 'Group');
  return (
    <div>
      <p>
        In scope through this assignment with the role {role}: the group and its{' '}
        {plural(members.count, 'direct member')}
        {members.count > members.first.length ? ` (the first ${members.first.length} below)` : ''}.
      </p>
      <ul class="plain-list" aria-label={`Members of ${group.data?.displayName ?? 'the group'}`}>
        {users.map((m) => (
          <li key={m.id}>
            <Link href={directoryPath('User', m.id)}>{m.displayName ?? m.id}</Link>
            {!m.live && <span class="muted"> (deleted: out of scope)</span>}
          </li>
        ))}
        {nested.map((m) => (
          <li key={m.id}>
            <Link href={directoryPath('Group', m.id)}>{m.displayName ?? m.id}</Link>
            <span class="muted"> (a nested group: its members are not in scope through this assignment)</span>
          </li>
        ))}
      </ul>
      {members.count > members.first.length && (
        <p>
          <Link href={directoryPath('Group', groupId)}>Every member on the group’s page</Link>
        </p>
      )}
    </div>
  );
}

/** Who is in scope through which assignment: one user's verdict, as the engine decides it. */
function AccessCheck({ target, roles }: { target: Target; roles: AppRole[] }) {
  const [user, setUser] = useState<Principal | null>(null);
  const [result, setResult] = useState<{ preview: AccessPreview; groups: Map<string, string> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    setResult(null);
    setError(null);
    if (!user) return;
    let live = true;
    Promise.all([
      post<AccessPreview>(`/targets/${target.id}/mappings/preview`, { userId: user.id }),
      get<DirectoryObject>(directoryPath('User', user.id)),
    ]).then(
      ([preview, object]) =>
        live &&
        setResult({ preview, groups: new Map((object.groups ?? []).map((g) => [g.id, g.displayName])) }),
      (err: unknown) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [user?.id, round]);

  const roleName = (id: string) => roles.find((r) => r.id === id)?.displayName ?? id;
  let verdict: { inScope: boolean; text: string } | null = null;
  if (result) {
    const { preview } = result;
    const a = preview.assignment;
    if (a.required && !a.assigned)
      verdict = { inScope: false, text: 'No: neither the user nor any of its groups is assigned.' };
    else if (!preview.scope.inScope)
      verdict = {
        inScope: false,
        text: `No: the scoping filter does not select the user${preview.scope.reason ? ` (${preview.scope.reason})` : ''}.`,
      };
    else
      verdict = {
        inScope: true,
        text: a.required ? 'Yes' : 'Yes: the target syncs all users and groups.',
      };
  }

  return (
    <section aria-labelledby="access-h">
      <h2 id="access-h">Check a user’s access</h2>
      <p class="muted">Whether a user is in this target’s scope, and through which assignments.</p>
      <div class="filters">
        <fieldset class="field wide plain">
          <legend>User</legend>
          <PrincipalPicker id="access" types={['User']} value={user} onChange={setUser} />
        </fieldset>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {user && !result && !error && <p>Checking…</p>}
      {result && verdict && (
        <dl class="facts" data-testid="access-result" aria-label={`Access of ${user?.name ?? 'the user'}`}>
          <dt>In scope</dt>
          <dd class={verdict.inScope ? undefined : 'warn'}>{verdict.text}</dd>
          <dt>Assignments</dt>
          <dd>
            {result.preview.assignment.via.length === 0 ? (
              'none'
            ) : (
              <ul class="plain-list">
                {result.preview.assignment.via.map((v) => (
                  <li key={`${v.principalId}|${v.roleId}`}>
                    {v.principalType === 'User' ? (
                      <>Directly</>
                    ) : (
                      <>
                        Through the group{' '}
                        <Link href={directoryPath('Group', v.principalId)}>
                          {result.groups.get(v.principalId) ?? v.principalId}
                        </Link>
                      </>
                    )}
                    , role {roleName(v.roleId)}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Scoping filter</dt>
          <dd>
            {result.preview.scope.inScope
              ? 'Selects the user'
              : `Does not select the user${result.preview.scope.reason ? `: ${result.preview.scope.reason}` : ''}`}
          </dd>
          <dt>Roles in the app</dt>
          <dd>
            {result.preview.assignment.roles.length === 0
              ? 'none'
              : result.preview.assignment.roles.map((r) => `${r.displayName} (${r.value})`).join(', ')}
          </dd>
        </dl>
      )}
      {result && (
        <div class="actions">
          <button type="button" onClick={() => setRound((n) => n + 1)}>
            Check again
          </button>
        </div>
      )}
    </section>
  );
}
