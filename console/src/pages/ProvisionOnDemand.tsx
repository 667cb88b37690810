import { useEffect, useState } from 'preact/hooks';
import { get, messageOf, post } from '../api';
import { adviceFor } from '../reasons';
import { usePoll } from '../poll';
import { PrincipalPicker, type Principal } from '../components/PrincipalPicker';
import { StepList, type Step } from '../components/Steps';
import { StatusBadge } from '../components/status';
import { TargetPageHead } from '../components/TargetPageHead';
import type { DirectoryObject, OnDemandResult, ProvisioningStep, Target } from '../types';

/** Entra provisions at most five members of a group on demand. */
const MAX_MEMBERS = 5;

const STEP_NAMES: Record<ProvisioningStep['step'], string> = {
  import: 'Import from the directory',
  scoping: 'Determine if in scope',
  matching: 'Match between the directory and the app',
  mapping: 'Map the attributes',
  processing: 'Determine the action',
  export: 'Perform the action',
};

/** The engine decides scope twice: by assignment, then by the scoping filter (whose verdict names the clause). */
function nameOf(s: ProvisioningStep): string {
  if (s.step !== 'scoping') return STEP_NAMES[s.step] ?? s.step;
  const byFilter = s.description === 'in scope' || s.description.startsWith('out of scope');
  return `${STEP_NAMES.scoping} (${byFilter ? 'scoping filter' : 'assignments'})`;
}

type Member = { id: string; name: string };

function requestLine(r: NonNullable<NonNullable<ProvisioningStep['details']>['request']>): string {
  // Decoded, as a person reads a filter (the request's own text is in the log entry).
  const q = Object.entries(r.query ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${r.method ?? ''} ${r.path ?? ''}${q ? `?${q}` : ''}`.trim();
}

/** A JSON answer indented; an excerpt cut short (or not JSON) as it came. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A step of the attempt; a request's payload and the app's answer under it. */
function stepOf(s: ProvisioningStep, key: string): Step {
  const request = s.details?.request;
  const response = s.details?.response;
  const payload = request?.body !== undefined ? JSON.stringify(request.body, null, 2) : null;
  return {
    name: nameOf(s),
    outcome: s.status,
    text: s.description,
    more: (request || response) && (
      <dl class="facts exchange">
        {request && (
          <>
            <dt>Request</dt>
            <dd>
              <code>{requestLine(request)}</code>
            </dd>
          </>
        )}
        {payload && (
          <>
            <dt>Payload</dt>
            <dd>
              <pre class="code" tabIndex={0} aria-label={`Payload of ${key}`}>
                {payload}
              </pre>
            </dd>
          </>
        )}
        {response && (
          <>
            <dt>Response</dt>
            <dd>
              {response.status ? `HTTP ${response.status}` : 'No HTTP answer'}
              {response.body && (
                <pre class="code" tabIndex={0} aria-label={`Response to ${key}`}>
                  {pretty(response.body)}
                </pre>
              )}
            </dd>
          </>
        )}
      </dl>
    ),
  };
}

/** Entra's "Provision on demand": one user or group now, every step shown; it sends real requests to the app. */
export function ProvisionOnDemandPage({ id }: { id: string }) {
  const target = usePoll(() => get<Target>(`/targets/${id}`), 30_000, id);
  const [picked, setPicked] = useState<Principal | null>(null);
  const [members, setMembers] = useState<{ all: Member[]; count: number } | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{
    for: Principal;
    names: Map<string, string>;
    r: OnDemandResult;
  } | null>(null);

  // A group's direct users, to choose which (up to five) go with it.
  useEffect(() => {
    setMembers(null);
    setChosen([]);
    if (picked?.type !== 'Group') return;
    let live = true;
    get<DirectoryObject>(`/directory/groups/${encodeURIComponent(picked.id)}`).then(
      (g) =>
        live &&
        setMembers({
          all: (g.members?.first ?? [])
            .filter((m) => m.type === 'User' && m.live)
            .map((m) => ({ id: m.id, name: m.displayName ?? m.id })),
          count: g.members?.count ?? 0,
        }),
      (err: unknown) => live && setError(`could not read the group’s members: ${messageOf(err)}`),
    );
    return () => {
      live = false;
    };
  }, [picked?.id]);

  const provision = async (e: Event) => {
    e.preventDefault();
    if (!picked) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const body =
        picked.type === 'User'
          ? { userId: picked.id }
          : { groupId: picked.id, ...(chosen.length > 0 ? { memberIds: chosen } : {}) };
      const r = await post<OnDemandResult>(`/targets/${id}/provision`, body);
      const names = new Map<string, string>([
        [picked.id, picked.name],
        ...(members?.all ?? []).map((m) => [m.id, m.name] as [string, string]),
      ]);
      setResult({ for: picked, names, r });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (memberId: string, on: boolean) =>
    setChosen((c) => (on ? [...c.filter((x) => x !== memberId), memberId] : c.filter((x) => x !== memberId)));

  const t = target.data;
  const heading = 'Provision on demand';
  return (
    <>
      <TargetPageHead id={id} name={t?.name} heading={heading} error={target.error}>
        <p class="muted">
          Provision one user or group now, whatever the schedule (paused too), and see every step. This sends
          real requests to {t ? t.name : 'the app'}.
        </p>
      </TargetPageHead>
      <form class="filters align-top" onSubmit={(e) => void provision(e)} aria-labelledby="pick-h">
        <h2 id="pick-h" class="form-title">
          Select a user or a group
        </h2>
        <fieldset class="field wide plain">
          <legend>User or group</legend>
          <PrincipalPicker
            id="provision"
            types={['User', 'Group']}
            value={picked}
            onChange={(p) => {
              setPicked(p);
              setResult(null);
              setError(null);
            }}
          />
        </fieldset>
        {picked?.type === 'Group' && members && members.all.length > 0 && (
          <fieldset class="field plain full">
            <legend>Members to provision with the group (at most {MAX_MEMBERS})</legend>
            <p class="help" id="members-help">
              None chosen: the first {MAX_MEMBERS} in id order
              {members.count > members.all.length
                ? ` (of ${members.count}; the first ${members.all.length} listed)`
                : ''}
              .
            </p>
            {members.all.map((m) => {
              const on = chosen.includes(m.id);
              return (
                <div class="field check" key={m.id}>
                  <input
                    id={`member-${m.id}`}
                    type="checkbox"
                    checked={on}
                    disabled={!on && chosen.length >= MAX_MEMBERS}
                    aria-describedby="members-help"
                    onChange={(e) => toggle(m.id, e.currentTarget.checked)}
                  />
                  <label for={`member-${m.id}`}>{m.name}</label>
                </div>
              );
            })}
          </fieldset>
        )}
        <div class="actions filter-actions">
          <button type="submit" class="primary" disabled={!picked || busy}>
            {busy ? 'Provisioning…' : 'Provision'}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {error && (
          <p class="error-box" role="alert">
            Not provisioned: {error}
          </p>
        )}
        {result && (
          <p
            class={
              result.r.status === 'Failure'
                ? 'error-box'
                : result.r.status === 'Success'
                  ? 'ok-box'
                  : 'notice'
            }
            data-testid="provision-summary"
          >
            {summaryOf(result.r, result.names)}
          </p>
        )}
      </div>
      {result && (
        <>
          <Outcome result={result.r} name={result.names.get(result.r.objectId) ?? result.r.objectId} />
          {result.r.members && (
            <section aria-labelledby="members-h">
              <h2 id="members-h">Members provisioned with the group</h2>
              {result.r.members.length === 0 && <p>The group has no user as a direct member.</p>}
              {result.r.members.map((m) => (
                <Outcome
                  key={m.objectId}
                  result={m}
                  name={result.names.get(m.objectId) ?? m.objectId}
                  member
                />
              ))}
            </section>
          )}
        </>
      )}
    </>
  );
}

function summaryOf(r: OnDemandResult, names: Map<string, string>): string {
  const own = `${names.get(r.objectId) ?? r.objectId}: ${r.action}, ${r.status}.`;
  if (!r.members) return own;
  const failed = r.members.filter((m) => m.status === 'Failure').length;
  return `${own} ${r.members.length} member${r.members.length === 1 ? '' : 's'} provisioned with it${
    failed > 0 ? `, ${failed} failed` : ''
  }.`;
}

/** One object's result: action and status, the reason in words, and the steps. */
function Outcome({ result, name, member }: { result: OnDemandResult; name: string; member?: boolean }) {
  const headingId = `result-${result.objectId}`;
  const advice = adviceFor(result.reason);
  const Heading = member ? 'h3' : 'h2';
  return (
    <section class="detail" aria-labelledby={headingId}>
      <Heading id={headingId} class="result-head">
        {result.objectType} {name}: {result.action} <StatusBadge status={result.status} />
      </Heading>
      <dl class="facts">
        {result.reason && (
          <>
            <dt>Reason</dt>
            <dd>
              <code>{result.reason}</code>
              {advice ? ` · ${advice.meaning}` : ''}
            </dd>
          </>
        )}
        {result.detail && (
          <>
            <dt>Detail</dt>
            <dd>{result.detail}</dd>
          </>
        )}
        <dt>Id in the app</dt>
        <dd>{result.targetObjectId ? <code>{result.targetObjectId}</code> : 'none'}</dd>
      </dl>
      <StepList
        label={`Steps for ${name}`}
        steps={result.steps.map((s, i) => stepOf(s, `step ${i + 1} for ${name}`))}
      />
    </section>
  );
}
