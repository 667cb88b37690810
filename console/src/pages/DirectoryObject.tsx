import { get, query } from '../api';
import { formatTime, plural, showValue } from '../format';
import { usePoll } from '../poll';
import { Link } from '../router';
import { StatusBadge } from '../components/status';
import { Pager, useCursorPages } from '../components/Pager';
import type { DirectoryObject, HistoryActor, HistoryEntry, HistoryPage, ObjectTargetState } from '../types';

const POLL_MS = 3000;
const HISTORY_PAGE = 20;

type Kind = 'users' | 'groups';

const KIND_WORDS: Record<string, string> = {
  created: 'Created',
  replaced: 'Replaced (PUT)',
  patched: 'Changed (PATCH)',
  deleted: 'Soft-deleted',
  purged: 'Purged',
  members_added: 'Members added',
  members_removed: 'Members removed',
};

function actorWords(a: HistoryActor | null): string {
  if (!a) return 'not recorded';
  if (a.kind === 'token') return `${a.name ?? a.id} (token)`;
  if (a.kind === 'import') return `Import ${a.id} by ${a.token.name ?? a.token.id ?? 'an unknown token'}`;
  return a.name ?? a.id;
}

/**
 * The attributes of a SCIM representation as path → value rows: complex values by sub-attribute, an extension's
 * attributes as `urn:…:name` (RFC 7644 §3.10).
 */
function flatten(resource: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  // An element of a multi-valued attribute: its value, then its other sub-attributes (`a@b.c (type work, primary)`).
  const element = (v: unknown): string => {
    if (!isObject(v)) return showValue(v);
    const { value, ...rest } = v;
    const more = Object.entries(rest).map(([k, x]) => (x === true ? k : `${k} ${showValue(x)}`));
    return `${value === undefined ? '' : showValue(value)}${more.length ? ` (${more.join(', ')})` : ''}`.trim();
  };
  const walk = (value: unknown, path: string) => {
    if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    else if (Array.isArray(value)) out.push([path, value.map(element).join('; ')]);
    else out.push([path, showValue(value)]);
  };
  for (const [k, v] of Object.entries(resource)) {
    if (k === 'schemas' || k === 'id' || k === 'meta') continue;
    if (k.startsWith('urn:') && isObject(v)) for (const [a, x] of Object.entries(v)) walk(x, `${k}:${a}`);
    else walk(v, k);
  }
  return out;
}

function scopeWords(s: ObjectTargetState, deleted: boolean): string {
  if (deleted) return 'No: soft-deleted';
  if (!s.inScope) return s.scope === 'all' ? 'No' : 'No: not assigned';
  if (s.scope === 'all') return 'Yes: the target syncs all users and groups';
  return `Yes: assigned${s.roles.length ? ` (${s.roles.join(', ')})` : ''}`;
}

function holdingWords(s: ObjectTargetState): string {
  if (s.status === null) return 'Never sent';
  if (s.provisioned) return s.status === 'disabled' ? 'Yes, disabled' : 'Yes';
  return s.status === 'deleted' ? 'Deleted from the target' : 'No';
}

/** One user or group: attributes, groups or members, each target's state for it, and its history. */
export function DirectoryObjectPage({ kind, id }: { kind: Kind; id: string }) {
  const path = `/directory/${kind}/${encodeURIComponent(id)}`;
  const polled = usePoll(
    async () => {
      const [object, history] = await Promise.all([
        get<DirectoryObject>(path),
        get<HistoryPage>(`${path}/history${query({ limit: HISTORY_PAGE })}`),
      ]);
      return { object, history };
    },
    POLL_MS,
    path,
  );
  const history = polled.data?.history;
  const pages = useCursorPages<HistoryEntry>(
    history && { items: history.entries, nextCursor: history.nextCursor },
    async (cursor) => {
      const page = await get<HistoryPage>(`${path}/history${query({ limit: HISTORY_PAGE, cursor })}`);
      return { items: page.entries, nextCursor: page.nextCursor };
    },
    (e) => e.seq,
    path,
  );

  const noun = kind === 'users' ? 'User' : 'Group';
  const data = polled.data;
  if (!data)
    return (
      <>
        <nav class="crumbs" aria-label="Breadcrumb">
          <Link href={`/directory${kind === 'groups' ? '?type=groups' : ''}`}>Directory</Link> /{' '}
          <span aria-current="page">{id}</span>
        </nav>
        <h1 tabIndex={-1}>{noun}</h1>
        {polled.error ? (
          <p class="error" role="alert">
            {polled.error}
          </p>
        ) : (
          <p>Loading…</p>
        )}
      </>
    );

  const o = data.object;
  const name = (kind === 'users' ? o.userName : o.displayName) ?? o.id;
  const entries = pages.rows;
  const deleted = o.deletedAt !== null;

  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href={`/directory${kind === 'groups' ? '?type=groups' : ''}`}>Directory</Link> /{' '}
        <span aria-current="page">{name}</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1}>
          {name}{' '}
          {deleted ? (
            <span class="badge state-deleted">Soft-deleted</span>
          ) : o.active === false ? (
            <span class="badge state-paused">Inactive</span>
          ) : null}
        </h1>
        <p class="muted">
          {noun} {o.id}
        </p>
      </div>
      {polled.error && (
        <p class="error" role="alert">
          Could not refresh: {polled.error}
        </p>
      )}
      {deleted && (
        <p class="warn-box">
          Soft-deleted {formatTime(o.deletedAt)}: gone from every SCIM read and deprovisioned in the targets;
          kept until the retention purge.
        </p>
      )}

      <section aria-labelledby="attributes-h">
        <h2 id="attributes-h">Attributes</h2>
        <dl class="facts">
          {kind === 'users' && (
            <>
              <dt>User name</dt>
              <dd>{o.userName}</dd>
            </>
          )}
          <dt>Display name</dt>
          <dd>{o.displayName ?? '—'}</dd>
          <dt>External id</dt>
          <dd>{o.externalId ?? '—'}</dd>
          {kind === 'users' && (
            <>
              <dt>Active</dt>
              <dd>{o.active ? 'Yes' : 'No'}</dd>
            </>
          )}
          <dt>Created</dt>
          <dd>{formatTime(o.createdAt)}</dd>
          <dt>Last modified</dt>
          <dd>
            {formatTime(o.updatedAt)} (version {o.version})
          </dd>
        </dl>
        <div class="table-wrap" tabIndex={0} role="region" aria-label="All attributes table">
          <table>
            <caption class="sr-only">Every attribute of the {noun.toLowerCase()}, as SCIM returns it</caption>
            <thead>
              <tr>
                <th scope="col">Attribute</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {flatten(o.resource).map(([p, v]) => (
                <tr key={p}>
                  <th scope="row" class="identity">
                    <code>{p}</code>
                  </th>
                  <td class="identity">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {o.groups && (
        <section aria-labelledby="groups-h">
          <h2 id="groups-h">Groups</h2>
          {o.groups.length === 0 ? (
            <p>{deleted ? 'None: a soft delete leaves every group.' : 'Not a member of any group.'}</p>
          ) : (
            <ul class="plain-list">
              {o.groups.map((g) => (
                <li key={g.id}>
                  <Link href={`/directory/groups/${encodeURIComponent(g.id)}`}>{g.displayName}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {o.members && (
        <section aria-labelledby="members-h">
          <h2 id="members-h">Members ({o.members.count.toLocaleString()})</h2>
          {o.members.count === 0 ? (
            <p>No members.</p>
          ) : (
            <>
              <ul class="plain-list">
                {o.members.first.map((m) => (
                  <li key={m.id}>
                    <Link
                      href={`/directory/${m.type === 'User' ? 'users' : 'groups'}/${encodeURIComponent(m.id)}`}
                    >
                      {m.displayName ?? m.id}
                    </Link>{' '}
                    <span class="muted">({m.type === 'User' ? 'user' : 'group'})</span>
                  </li>
                ))}
              </ul>
              {o.members.count > o.members.first.length && (
                <p class="muted">
                  The first {o.members.first.length} in id order;{' '}
                  {plural(o.members.count - o.members.first.length, 'more member')}.
                </p>
              )}
            </>
          )}
        </section>
      )}

      <section aria-labelledby="targets-h">
        <h2 id="targets-h">Provisioning</h2>
        {o.targets.length === 0 ? (
          <p>No target is registered.</p>
        ) : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label="State in each target table">
            <table class="wide">
              <caption class="sr-only">This {noun.toLowerCase()}'s state in each target</caption>
              <thead>
                <tr>
                  <th scope="col">Target</th>
                  <th scope="col">In scope</th>
                  <th scope="col">In the target</th>
                  <th scope="col">Target's id</th>
                  <th scope="col">Last action</th>
                  <th scope="col">Log</th>
                </tr>
              </thead>
              <tbody>
                {o.targets.map((s) => (
                  <tr key={s.targetId} data-target={s.targetId}>
                    <th scope="row">
                      <Link href={`/targets/${s.targetId}`}>{s.targetName}</Link>
                    </th>
                    <td>{scopeWords(s, deleted)}</td>
                    <td>
                      {holdingWords(s)}
                      {s.pending && (
                        <>
                          {' '}
                          <span class="badge state-paused">Pending</span>
                        </>
                      )}
                      {s.held && (
                        <>
                          {' '}
                          <span class="badge status-warning">Held by the deletion threshold</span>
                        </>
                      )}
                    </td>
                    <td class="identity">{s.targetObjectId ?? '—'}</td>
                    <td>
                      {s.lastEntry ? (
                        <>
                          {s.lastEntry.action} <StatusBadge status={s.lastEntry.status} />{' '}
                          <span class="muted small">{formatTime(s.lastEntry.time)}</span>
                          {s.lastEntry.reason && <div class="muted small">{s.lastEntry.reason}</div>}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      <Link
                        href={`/logs${query({ objectId: o.id, targetId: s.targetId })}`}
                        aria-label={`Log entries of ${name} in ${s.targetName}`}
                      >
                        Log entries
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        {entries.length === 0 ? (
          <p>No change is recorded (the journal keeps changes for a limited time).</p>
        ) : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label="History table">
            <table class="wide">
              <caption class="sr-only">Changes of this {noun.toLowerCase()}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Change</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Request id</th>
                  <th scope="col">Changed attributes</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.seq} data-seq={e.seq}>
                    <td>{formatTime(e.time)}</td>
                    <td>{KIND_WORDS[e.kind] ?? e.kind}</td>
                    <td class="identity">{actorWords(e.actor)}</td>
                    <td class="identity">{e.requestId ? <code>{e.requestId}</code> : '—'}</td>
                    <td class="identity">
                      <Changes entry={e} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager pages={pages} label="Load older changes" />
      </section>
    </>
  );
}

function Changes({ entry }: { entry: HistoryEntry }) {
  if (entry.memberIds?.length)
    return (
      <span>
        {plural(entry.memberIds.length, 'member')}: {entry.memberIds.join(', ')}
      </span>
    );
  if (entry.changedAttributes.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="changes">
      {entry.changedAttributes.map((c) => (
        <li key={c.path}>
          <code>{c.path}</code>
          {/* No value: hidden (a secret), cut to size, or not recorded (DIRECTORY_HISTORY=paths). */}
          {c.redacted ? ' (hidden)' : 'value' in c ? <> = {showValue(c.value)}</> : ''}
          {c.truncated ? ' (cut)' : ''}
        </li>
      ))}
    </ul>
  );
}
