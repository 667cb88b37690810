import { query } from '../../api';
import { Link } from '../../router';
import type { OrphanActionResult, OrphanAccount } from '../../types';

export type ActionKind = 'disable' | 'delete' | 'link';

/** What the last action on an account gave: the API's answer, or its refusal. */
export interface RowResult {
  kind: ActionKind;
  answer?: OrphanActionResult;
  error?: string;
  /** The account as the answer has it (as it was, after a refusal). */
  view: OrphanAccount;
  at: number;
}

export const userPath = (id: string) => `/directory/users/${encodeURIComponent(id)}`;

/** A delete the app answers 404 is done: the account is gone, as asked. */
const gone = (r: RowResult) => r.kind === 'delete' && r.answer?.target?.status === 404;

function boxOf(r: RowResult): string {
  if (r.error !== undefined || (r.answer?.target?.ok === false && !gone(r))) return 'error-box';
  return r.answer?.takenBy ? 'warn-box' : 'ok-box';
}

/** The outcome shown in the account's row; `id` is where the page moves the focus once the action is done. */
export function ActionOutcome({ id, result, targetId }: { id: string; result: RowResult; targetId: string }) {
  return (
    <p id={id} tabIndex={-1} class={`small ${boxOf(result)}`} data-testid="orphan-outcome">
      <OutcomeWords result={result} targetId={targetId} />
    </p>
  );
}

/** An action's outcome in words: the app's answer, the link's comparison, or the API's refusal verbatim. */
function OutcomeWords({ result, targetId }: { result: RowResult; targetId: string }) {
  const { kind, answer, error } = result;
  const verb = { disable: 'disabled', delete: 'deleted', link: 'linked' }[kind];
  if (error !== undefined)
    return (
      <>
        Not {verb}: {error}
      </>
    );
  if (!answer) return null;
  if (answer.takenBy) {
    const userId = answer.takenBy.userId;
    return (
      <>
        The app {kind === 'disable' ? 'disabled' : 'deleted'} the account, but meanwhile the gateway matched
        it to the directory user <Link href={userPath(userId)}>{userId}</Link>: it is that user’s account now,
        not an orphan. The user is queued to be compared with the app again, which{' '}
        {kind === 'disable' ? 'sets the account active again' : 'creates the account again'}.
      </>
    );
  }
  const app = answer.target;
  if (app) {
    const status = `HTTP ${app.status}`;
    if (!app.ok && !gone(result))
      return (
        <>
          Not {verb}: {app.status === 0 ? 'the app did not answer' : `the app answered ${status}`}
          {app.error ? `: ${app.error}` : ''}.
        </>
      );
    if (gone(result)) return <>The app no longer had the account (HTTP 404): recorded as deleted.</>;
    return (
      <>
        {kind === 'disable' ? 'Disabled' : 'Deleted'} in the app ({status}).
      </>
    );
  }
  const owner = answer.orphan.directoryCandidate;
  const p = answer.provisioning;
  return (
    <>
      Linked to {owner ? <Link href={userPath(owner.id)}>{owner.displayName}</Link> : 'the user'}
      {p && (
        <>
          : compared with the user, {p.action}, {p.status}
          {p.reason ? ` (${p.reason})` : ''}
          {p.detail ? `: ${p.detail}` : ''}
        </>
      )}
      .{' '}
      {owner && (
        <Link href={`/logs${query({ targetId, objectId: owner.id })}`}>Its provisioning log entries</Link>
      )}
    </>
  );
}
