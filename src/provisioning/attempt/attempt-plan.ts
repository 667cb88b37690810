/**
 * The target side of one attempt as a plan: from what the object should be, what was last sent and what the target
 * holds, the requests to send, each a complete value. The executor sends exactly these values and resumes the plan
 * with each answer, so what is logged is what went on the wire. Pure: no I/O, no clock.
 */
import { isListResponse } from '../client/connection.tester';
import {
  PATCH_OP_URN,
  type ScimFailure,
  type ScimListResponse,
  type ScimPatchOperation,
  type ScimRequest,
  type ScimResource,
  type ScimResult,
} from '../client/scim-client.types';
import { eqFilter } from '../client/scim-filter.util';
import type { LogAction } from '../logs/provisioning-log.entity';
import type { ProvisionedStatus } from '../queue/provisioned-object.entity';
import type { ProvisioningStep } from './attempt.types';
import {
  carryIgnored,
  causeOf,
  describeIgnored,
  IgnoredCause,
  IgnoredChanges,
  notHeld,
  parseIgnored,
  serializeIgnored,
  settingsKey,
  sortUnkept,
  valueHash,
} from './ignored-changes';
import type { Decision, SkipReason } from './lifecycle-decision';
import { matchesValue, type MatchIndex } from './match-index';
import { ModifiedProperty, propertiesOfDiff, propertiesOfMembers } from './modified-properties';
import {
  attributeOps,
  diffAttributes,
  flattenResource,
  FlatAttributes,
  hashAttributes,
  isEmptyDiff,
  memberOps,
  Profile,
  withoutMembers,
} from './scim-diff';

/** One request, as sent, and how the executor treats its answer. */
export interface PlannedRequest extends ScimRequest {
  /** The provisioning-log action of a success; unset for reads, which are logged only when they fail. */
  logAs?: LogAction;
  /** Statuses that answer the plan rather than fail the attempt (409 on create, 404 on an id). */
  tolerate?: number[];
  /** The log entry's reason code and detail on success (a leaver's path and why). */
  reason?: string;
  detail?: string;
  /** What a 2xx must carry to be usable: a ListResponse, or a resource with its id. */
  expect?: 'list' | 'resource';
  /**
   * The attributes an update sets, old and new (the log's modified properties); unset for reads and deletes, and
   * for a create, whose properties are read back from its logged request (`loggedPropertiesOfCreate`).
   */
  modifiedProperties?: ModifiedProperty[];
  /**
   * A group's POST or membership PATCH: its members not in the target yet (directory ids). Through `/Bulk`, those
   * whose create goes in the same request are added by `bulkId:` reference (RFC 7644 §3.7.2): in a POST's
   * `members`, in a PATCH as one more `add` operation (`linkOp`, the profile's spelling). Sent alone, the request
   * is as it is.
   */
  linkMembers?: string[];
  linkOp?: string;
  /**
   * A PATCH whose only operation would be those references: it is sent only when at least one member's create
   * shares its `/Bulk` request, and otherwise answered `unsent` without going anywhere or being logged.
   */
  linkOnly?: boolean;
}

/** The answer to a `linkOnly` PATCH that had no member to name: nothing was sent. */
export const UNSENT: PlanAnswer = {
  ok: true,
  status: 0,
  method: 'PATCH',
  url: '',
  headers: {},
  text: '',
  durationMs: 0,
  body: undefined,
  linked: [],
};

/** A request's answer; `linked`: the members a group's POST added by `bulkId:` reference (`linkMembers`). */
export type PlanAnswer = ScimResult<unknown> & { linked?: string[] };

/** The object in the target, as the work queue stores it. */
export interface KnownState {
  targetObjectId: string | null;
  status: ProvisionedStatus;
  /** The flat attributes last sent, as JSON: what the next difference is taken from. */
  lastSent: string | null;
  lastSentHash: string | null;
  /** Changes the target acknowledged but did not keep (`IgnoredChanges` as JSON); null when none. */
  ignored: string | null;
  /** Created, adopted or written by this attempt. */
  nowInTarget: boolean;
  /** No id, but an earlier attempt may have created it unrecorded (`ProvisionedObject.unsettledClaims`). */
  inDoubt?: boolean;
}

/** A group's members in the target, as far as the gateway sent them (directory ids). */
export interface MemberState {
  have: ReadonlySet<string>;
  /** Target ids of the members to add or remove (`memberChanges`), for those the target has. */
  targetIds: ReadonlyMap<string, string>;
}

export interface PlanInput {
  objectType: 'User' | 'Group';
  decision: Exclude<Decision, { kind: 'skip' }>;
  /** The mapped payload with the manager as the target's id; members are directory ids. Unused by a delete. */
  desired: Record<string, unknown>;
  /** Matching attributes that have a value, by precedence. */
  matching: { targetAttribute: string; value: string }[];
  known: KnownState;
  /** Compare with the target's resource rather than with what was last sent. */
  reconcile: boolean;
  /** `verifyUpdates`: read the resource back after an update and compare what was just set. */
  target: { profile: Profile; updateStyle: 'PATCH' | 'PUT'; verifyUpdates: boolean };
  /** Groups whose payload has members. */
  members?: MemberState;
  /** The attempt's time (ISO 8601), recorded with a change the target did not keep. */
  now: string;
  /** A listing of the target's users to match joiners against instead of looking each one up (users only). */
  index?: MatchIndex;
  /**
   * The attempt's writes go through `/Bulk` with others': a group's members not in the target yet may be created in
   * the same request, and named there by their bulkIds (`linkMembers`).
   */
  linkable?: boolean;
}

export type PlanEffect =
  /** `known`: the object's state if the attempt stops because this request failed. */
  | { kind: 'send'; request: PlannedRequest; known: KnownState }
  | { kind: 'step'; step: ProvisioningStep }
  /** A log entry in its place among the requests' entries (the last entry is the attempt's verdict). */
  | { kind: 'note'; reason: 'no_change' | 'ignored_change_not_resent'; detail: string }
  /** The attempt's verdict is a skip after all (a leaver in doubt that the target does not have). */
  | { kind: 'skip'; reason: SkipReason; detail: string }
  /** A Warning entry: the target answered 2xx to a change it did not keep. */
  | { kind: 'warning'; action: LogAction; reason: 'target_ignored_change'; detail: string };

export type PlanResult =
  | { kind: 'done'; known: KnownState; members?: { added: string[]; removed: string[] } | 'forget' }
  | { kind: 'rejected'; known: KnownState; reason: 'conflict' | 'multiple_matches'; detail: string }
  /** The target no longer has the object (Entra's InvalidAnchor): `known` is forgotten, provision it again. */
  | { kind: 'lost'; known: KnownState };

/** Resumed with each request's answer: a success, or a failure whose status the request tolerates. */
export type Plan<T = PlanResult> = Generator<PlanEffect, T, PlanAnswer>;

export function* planAttempt(input: PlanInput): Plan {
  const { decision } = input;
  if ((decision.kind === 'delete' || decision.kind === 'disable') && decision.ifAbsent) {
    // A leaver the target may have although no id was recorded: find it, else it is a skip as for any never sent.
    const found = yield* lookup(input, input.known);
    if (found.kind === 'rejected') return found;
    if (found.kind === 'none') {
      const { reason, detail } = decision.ifAbsent;
      yield {
        kind: 'skip',
        reason,
        detail: `${detail} (looked up after an unrecorded attempt: not in the target)`,
      };
      return { kind: 'done', known: input.known };
    }
    const known: KnownState = { ...input.known, targetObjectId: found.resource.id, status: 'active' };
    input = { ...input, known, decision: { ...decision, ifAbsent: undefined } };
    if (decision.kind === 'delete') return yield* deleteObject(input, decision.reason, decision.why);
    return yield* updateObject(input, decision);
  }
  if (decision.kind === 'delete') return yield* deleteObject(input, decision.reason, decision.why);
  if (decision.kind === 'create') return yield* createObject(input, input.known);
  return yield* updateObject(input, decision.kind === 'disable' ? decision : undefined);
}

/**
 * The client's reading of a 2xx: a body Entra could not read is SystemForCrossDomainIdentityManagementServiceIncompatible
 * (reference §5.3), and a resource without its id cannot be tracked. `Resources` is `[]` when a list omits it.
 */
export function readResponse(request: PlannedRequest, result: ScimResult<unknown>): ScimResult<unknown> {
  if (!result.ok || !request.expect) return result;
  if (request.expect === 'list') {
    if (!isListResponse(result.body))
      return invalid(result, 'The target did not answer with a SCIM ListResponse');
    return { ...result, body: { ...result.body, Resources: result.body.Resources ?? [] } };
  }
  const body = result.body as { id?: unknown } | undefined;
  if (typeof body !== 'object' || body === null || typeof body.id !== 'string' || body.id === '')
    return invalid(result, 'The target answered without a resource id');
  return result;
}

/** The directory ids of the members a group's payload asks for; null when the mapping sends no members. */
export function wantedMembers(desired: Record<string, unknown>): string[] | null {
  return Array.isArray(desired.members) ? (desired.members as { value: string }[]).map((m) => m.value) : null;
}

/** Members to add (wanted, not sent yet) and to remove (sent, no longer wanted). */
export function memberChanges(
  wanted: string[],
  have: ReadonlySet<string>,
): { candidates: string[]; removed: string[] } {
  const wantedSet = new Set(wanted);
  return {
    candidates: wanted.filter((id) => !have.has(id)),
    removed: [...have].filter((id) => !wantedSet.has(id)),
  };
}

function* createObject(input: PlanInput, known: KnownState): Plan {
  const first = yield* lookup(input, known);
  if (first.kind === 'match') return yield* adopt(input, known, first.resource);
  if (first.kind === 'rejected') return first;
  const body = withoutMembers(input.desired);
  const flat = flattenResource(body);
  const unsent = unsentMembers(input);
  const r = yield send(known, {
    method: 'POST',
    path: `/${collection(input)}`,
    body,
    logAs: 'Create',
    tolerate: [409],
    expect: 'resource',
    ...(unsent.length > 0 ? { linkMembers: unsent } : {}),
  });
  if (r.ok) return yield* syncMembers(input, sent((r.body as ScimResource).id, flat, 'active'), r.linked);
  // 409: it exists already (created by someone else, or by us before a crash): look it up and adopt it.
  const again = yield* lookup(input, known, true);
  if (again.kind === 'match') return yield* adopt(input, known, again.resource);
  if (again.kind === 'rejected') return again;
  return rejected(
    known,
    'conflict',
    'The target answered 409 but no match was found by the matching attributes',
  );
}

type Lookup =
  { kind: 'match'; resource: ScimResource } | { kind: 'none' } | Extract<PlanResult, { kind: 'rejected' }>;

/**
 * Matching attributes by precedence (Entra evaluates them in turn); more than one hit is an error, not a guess.
 * With a listing of the target (`input.index`), an attribute it holds is answered from it: no account has the value,
 * or one has and is read by its id (gone or renamed since the listing, or several listed: asked of the target). An
 * object in doubt, and a lookup after a 409 (`ask`), always ask the target: the listing cannot know what was created
 * after it.
 */
function* lookup(input: PlanInput, known: KnownState, ask = false): Plan<Lookup> {
  const index = input.objectType === 'User' && !ask && !known.inDoubt ? input.index : undefined;
  for (const m of input.matching) {
    const listed = index?.lookup(m.targetAttribute, m.value);
    if (listed?.kind === 'ids' && listed.ids.length === 0) {
      yield step(
        'matching',
        'success',
        `${m.targetAttribute} "${m.value}": no match among the ${index!.size} accounts listed at ${index!.listedAt.toISOString()}`,
      );
      continue;
    }
    // One account the listing may have with the value: read it; several (or one that no longer has it): the target's
    // own answer to the filter decides, a refusal of several matches included.
    if (listed?.kind === 'ids' && listed.ids.length === 1) {
      const r = yield send(known, {
        method: 'GET',
        path: resourcePath(input, listed.ids[0]),
        tolerate: [404],
        expect: 'resource',
      });
      // Renamed since the listing, or another value with the same hash in the index: ask the target.
      if (r.ok && matchesValue(r.body as ScimResource, m.targetAttribute, m.value)) {
        yield step(
          'matching',
          'success',
          `${m.targetAttribute} "${m.value}": matched ${listed.ids[0]} in the listing`,
        );
        return { kind: 'match', resource: r.body as ScimResource };
      }
    }
    const filter = eqFilter(m.targetAttribute, m.value);
    const r = yield send(known, {
      method: 'GET',
      path: `/${collection(input)}`,
      query: input.objectType === 'Group' ? { filter, excludedAttributes: 'members' } : { filter },
      expect: 'list',
    });
    const hits = (r.body as ScimListResponse).Resources;
    yield step(
      'matching',
      'success',
      `${filter}: ${hits.length === 0 ? 'no match' : hits.length === 1 ? `matched ${hits[0].id}` : `${hits.length} matches`}`,
    );
    if (hits.length > 1)
      return rejected(known, 'multiple_matches', `${hits.length} resources in the target match ${filter}`);
    if (hits.length === 1) return { kind: 'match', resource: hits[0] };
  }
  if (input.matching.length === 0) yield step('matching', 'warning', 'no matching attribute has a value');
  return { kind: 'none' };
}

/** A match: take its id, then send what differs from the resource the target holds (never remove its own data). */
function* adopt(input: PlanInput, known: KnownState, found: ScimResource): Plan {
  const adopted: KnownState = { ...known, targetObjectId: found.id, status: 'active', nowInTarget: true };
  const after = yield* sendDiff(input, adopted, flattenResource(found), { onlyDesired: true, adopted: true });
  // Found a moment ago: a 404 now is a race, and the next attempt reads the resource again and recreates it.
  return yield* syncMembers(input, after === 'gone' ? adopted : after);
}

function* updateObject(input: PlanInput, leaver?: { reason: string; why: string }): Plan {
  const disabling = leaver !== undefined;
  const known = input.known;
  const lastSent = (): FlatAttributes | null =>
    known.lastSent ? (JSON.parse(known.lastSent) as FlatAttributes) : null;
  // Reconciling, what was sent last is read only when the target's resource differs from what is desired.
  let previous = input.reconcile ? null : lastSent();
  let onlyDesired = false;
  if (input.reconcile || previous === null) {
    const r = yield send(known, {
      method: 'GET',
      path: resourcePath(input, known.targetObjectId!),
      query: input.objectType === 'Group' ? { excludedAttributes: 'members' } : undefined,
      tolerate: [404],
      expect: 'resource',
    });
    if (!r.ok) return yield* lost(known);
    previous = flattenResource(r.body as ScimResource);
    onlyDesired = true;
  }
  // Reconciling, a value sent successfully before that the target does not hold is drift, or a change it did not keep.
  const sentBefore = input.reconcile ? lastSent : undefined;
  const after = yield* sendDiff(input, known, previous, { onlyDesired, leaver, sentBefore });
  if (after === 'gone') return yield* lost(known);
  return disabling ? { kind: 'done', known: after } : yield* syncMembers(input, after);
}

function* lost(known: KnownState): Plan {
  yield step('matching', 'warning', `the target no longer has ${known.targetObjectId}`);
  return {
    kind: 'lost',
    known: { ...known, targetObjectId: null, status: 'none', lastSent: null, ignored: null },
  };
}

/**
 * Sends what differs from `previous`: the target's resource when `onlyDesired`, else what was last sent. With
 * `sentBefore` (reconciling), a value sent successfully before that the target does not hold is sent once more and
 * read back, unless the target did not keep that same value under the same settings already (no resend every cycle).
 */
function* sendDiff(
  input: PlanInput,
  known: KnownState,
  previous: FlatAttributes,
  opts: {
    onlyDesired: boolean;
    leaver?: { reason: string; why: string };
    adopted?: boolean;
    /** What was sent last, read when asked (only a difference needs it). */
    sentBefore?: () => FlatAttributes | null;
  },
): Plan<KnownState | 'gone'> {
  const id = known.targetObjectId!;
  const desiredFlat = flattenResource(withoutMembers(input.desired));
  const full = diffAttributes(previous, desiredFlat, { onlyDesired: opts.onlyDesired });
  const status = opts.leaver || desiredFlat.active === false ? 'disabled' : 'active';
  const ignored = parseIgnored(known.ignored);
  const sentBefore = full.changed.length > 0 ? (opts.sentBefore?.() ?? null) : null;
  const { unkept, heldBack } = sortUnkept(full, desiredFlat, sentBefore, ignored, input.target);
  const diff = { ...full, changed: full.changed.filter(([p]) => !heldBack.includes(p)) };
  const isPut = input.target.updateStyle === 'PUT' && input.objectType === 'User';
  const carried = carryIgnored(ignored, {
    desired: desiredFlat,
    stillDiffering: opts.onlyDesired ? full.changed.map(([p]) => p) : undefined,
    sentNow:
      isPut && !isEmptyDiff(diff)
        ? Object.keys(desiredFlat)
        : [...diff.changed.map(([p]) => p), ...diff.removed],
    heldBack,
    now: input.now,
  });
  const heldBackWords =
    `${heldBack.join(', ')}: the target did not keep the same value before; not sent again until the value or ` +
    "the target's profile or updateStyle changes";

  if (isEmptyDiff(diff)) {
    const unchanged = sent(id, desiredFlat, status, serializeIgnored(carried), known);
    if (heldBack.length > 0) {
      yield { kind: 'note', reason: 'ignored_change_not_resent', detail: heldBackWords };
      return unchanged;
    }
    const detail = opts.adopted ? `matched ${id}; already in sync` : 'the target already has these values';
    yield { kind: 'note', reason: 'no_change', detail };
    return unchanged;
  }
  if (heldBack.length > 0) yield step('processing', 'warning', heldBackWords);
  const logAs: LogAction =
    status === 'disabled' && diff.changed.some(([p]) => p.toLowerCase() === 'active') ? 'Disable' : 'Update';
  const path = resourcePath(input, id);
  const logged = {
    ...(logAs === 'Disable' && opts.leaver ? { reason: opts.leaver.reason, detail: opts.leaver.why } : {}),
    modifiedProperties: propertiesOfDiff(previous, diff),
  };
  const request: PlannedRequest = isPut
    ? {
        method: 'PUT',
        path,
        body: withoutMembers(input.desired),
        logAs,
        ...logged,
        tolerate: [404],
        expect: 'resource',
      }
    : {
        method: 'PATCH',
        path,
        body: patchBody(attributeOps(diff, input.target.profile)),
        logAs,
        ...logged,
        tolerate: [404],
      };
  const r = yield send(known, request);
  if (!r.ok) return 'gone';
  const written = sent(id, desiredFlat, status, serializeIgnored(carried), known);
  // Read back what was just set (the target's setting), or what was sent again because it had not stuck.
  const check = input.target.verifyUpdates ? diff.changed.map(([p]) => p) : unkept;
  if (check.length === 0) return written;
  return yield* readBack(input, written, { request, check, desired: desiredFlat, carried });
}

/** GETs the resource just written; what it does not hold of `check` becomes a Warning and is remembered. */
function* readBack(
  input: PlanInput,
  written: KnownState,
  w: { request: PlannedRequest; check: string[]; desired: FlatAttributes; carried: IgnoredChanges },
): Plan<KnownState | 'gone'> {
  const back = yield send(written, {
    method: 'GET',
    path: w.request.path,
    query: input.objectType === 'Group' ? { excludedAttributes: 'members' } : undefined,
    tolerate: [404],
    expect: 'resource',
  });
  if (!back.ok) return 'gone';
  const resource = back.body as ScimResource;
  const notKept = notHeld(flattenResource(resource), w.desired, w.check);
  if (notKept.length === 0) return written;
  const context = {
    method: w.request.method as 'PATCH' | 'PUT',
    profile: input.target.profile,
    kept: w.check.filter((p) => !notKept.includes(p)),
    resourceKeys: Object.keys(resource),
  };
  const found: Record<string, IgnoredCause> = {};
  const ignored = { ...w.carried };
  for (const p of notKept) {
    found[p] = causeOf(p, context);
    ignored[p] = {
      hash: valueHash(w.desired[p]),
      cause: found[p],
      sentWith: settingsKey(input.target),
      seenAt: input.now,
    };
  }
  yield {
    kind: 'warning',
    action: w.request.logAs ?? 'Update',
    reason: 'target_ignored_change',
    detail: describeIgnored(found),
  };
  return { ...written, ignored: serializeIgnored(ignored) };
}

/** A group's members to add that the target does not have yet (no target id to name them by). */
function unsentMembers(input: PlanInput): string[] {
  const wanted = input.objectType === 'Group' ? wantedMembers(input.desired) : null;
  if (!wanted) return [];
  const { have, targetIds } = input.members ?? { have: new Set<string>(), targetIds: new Map() };
  return memberChanges(wanted, have).candidates.filter((id) => !targetIds.has(id));
}

/**
 * Group membership: only members the target has, in chunks; removals of members it should no longer have.
 * `linked`: members the group's POST added already, by reference to their creates in the same `/Bulk` request.
 */
function* syncMembers(input: PlanInput, known: KnownState, linked: string[] = []): Plan {
  const wanted = input.objectType === 'Group' ? wantedMembers(input.desired) : null;
  if (!wanted) return { kind: 'done', known };
  const given = input.members ?? { have: new Set<string>(), targetIds: new Map<string, string>() };
  const targetIds = given.targetIds;
  const have = new Set([...given.have, ...linked]);
  if (linked.length > 0)
    yield step(
      'export',
      'success',
      `${linked.length} member(s) added with the group, by the bulkId of their create in the same /Bulk request`,
    );
  const changes = memberChanges(wanted, have);
  const add = changes.candidates.filter((id) => targetIds.has(id));
  const remove = changes.removed.filter((id) => targetIds.has(id));
  const unsent = changes.candidates.filter((id) => !targetIds.has(id));
  // Through /Bulk, the first membership PATCH (or one of its own) also names those whose creates share its request.
  const linking = input.linkable && unsent.length > 0;
  if (unsent.length > 0 && !linking)
    yield step(
      'processing',
      'warning',
      `${unsent.length} member(s) not in the target yet; added once they are`,
    );
  const path = resourcePath(input, known.targetObjectId!);
  const targetIdsOf = (ids: string[]) => ids.map((id) => targetIds.get(id)!);
  const requests = memberOps(targetIdsOf(add), targetIdsOf(remove), input.target.profile);
  if (linking && requests.length === 0) requests.push([]);
  const linkedNow: string[] = [];
  for (const [i, ops] of requests.entries()) {
    const { added, removed } = membersOf(ops);
    const modifiedProperties = propertiesOfMembers(added, removed);
    const links =
      linking && i === 0
        ? {
            linkMembers: unsent,
            linkOp: input.target.profile === 'rfc' ? 'add' : 'Add',
            ...(ops.length === 0 ? { linkOnly: true } : {}),
          }
        : {};
    const r = yield send(known, {
      method: 'PATCH',
      path,
      body: patchBody(ops),
      logAs: 'Update',
      modifiedProperties,
      ...links,
    });
    if (r.linked) linkedNow.push(...r.linked);
  }
  if (linking) {
    if (linkedNow.length > 0)
      yield step(
        'export',
        'success',
        `${linkedNow.length} member(s) added by the bulkId of their create in the same /Bulk request`,
      );
    const still = unsent.length - linkedNow.length;
    if (still > 0)
      yield step('processing', 'warning', `${still} member(s) not in the target yet; added once they are`);
  }
  // Members the target no longer has are no longer sent either.
  const gone = changes.removed.filter((id) => !targetIds.has(id));
  return {
    kind: 'done',
    known,
    members: { added: [...linked, ...add, ...linkedNow], removed: [...remove, ...gone] },
  };
}

function* deleteObject(input: PlanInput, reason: string, why: string): Plan {
  const known = input.known;
  yield send(known, {
    method: 'DELETE',
    path: resourcePath(input, known.targetObjectId!),
    logAs: 'Delete',
    tolerate: [404],
    reason,
    detail: why,
  });
  const deleted: KnownState = {
    ...known,
    targetObjectId: null,
    status: 'deleted',
    lastSent: null,
    lastSentHash: null,
    ignored: null,
  };
  return { kind: 'done', known: deleted, members: 'forget' };
}

/** The target ids a membership request adds and removes, read from its operations (`memberOps`'s shapes). */
function membersOf(ops: ScimPatchOperation[]): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const op of ops) {
    const values = Array.isArray(op.value) ? (op.value as { value: string }[]).map((m) => m.value) : [];
    const filtered = /^members\[value eq (".*")\]$/.exec(op.path ?? '');
    const ids = filtered ? [JSON.parse(filtered[1]) as string] : values;
    if (op.op.toLowerCase() === 'add') added.push(...ids);
    else removed.push(...ids);
  }
  return { added, removed };
}

const collection = (input: PlanInput) => (input.objectType === 'User' ? 'Users' : 'Groups');

/** Ids are the target's own strings: encoded as a path segment (RFC 3986 §3.3). */
const resourcePath = (input: PlanInput, id: string) => `/${collection(input)}/${encodeURIComponent(id)}`;

/** RFC 7644 §3.5.2. */
const patchBody = (ops: ScimPatchOperation[]) => ({ schemas: [PATCH_OP_URN], Operations: ops });

const send = (known: KnownState, request: PlannedRequest): PlanEffect => ({ kind: 'send', request, known });

const step = (
  name: ProvisioningStep['step'],
  status: ProvisioningStep['status'],
  description: string,
): PlanEffect => ({ kind: 'step', step: { step: name, status, description } });

/**
 * The state after `flat` was sent (or found in place). When its text is the one sent last time, so is its hash: the
 * hash is not computed again (a reconciliation that changes nothing spent 6% of its time hashing).
 */
function sent(
  targetObjectId: string,
  flat: FlatAttributes,
  status: 'active' | 'disabled',
  ignored: string | null = null,
  before?: KnownState,
): KnownState {
  const lastSent = JSON.stringify(flat);
  return {
    targetObjectId,
    status,
    lastSent,
    lastSentHash:
      before?.lastSentHash && before.lastSent === lastSent ? before.lastSentHash : hashAttributes(flat),
    ignored,
    nowInTarget: true,
  };
}

function rejected(
  known: KnownState,
  reason: 'conflict' | 'multiple_matches',
  detail: string,
): Extract<PlanResult, { kind: 'rejected' }> {
  return { kind: 'rejected', known, reason, detail };
}

function invalid(result: ScimResult<unknown> & { ok: true }, message: string): ScimFailure {
  return { ...result, ok: false, error: { kind: 'invalid-response', stage: 'request', message } };
}
