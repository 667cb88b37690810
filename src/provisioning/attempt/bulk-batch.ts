import {
  BulkOperation,
  BulkPacker,
  linkMembers,
  matchResults,
  operationAnswer,
  operationSize,
  readBulkResponse,
  requestSize,
  type ScimFailure,
  type ScimResult,
} from '../client';
import type { BulkCapabilities, BulkMode } from '../targets/bulk-capabilities.service';
import type { ProvisioningTarget } from '../targets/provisioning-target.entity';
import type { TargetClients } from '../targets/target-clients.service';
import type { TargetHealthService } from '../targets/target-health.service';
import type { PlannedRequest } from './attempt-plan';

/** Where an operation went: its place in the `/Bulk` request, shown with its request in the log. */
export interface BulkVia {
  operation: number;
  of: number;
  bulkId?: string;
}

/**
 * A write's fate in the batch:
 * - `result`: its operation's result, as the answer its own request would have had. `whole`: the `/Bulk` request
 *   failed as a whole (already counted by the quarantine policy once); `inDoubt`: the target may have applied it
 *   without saying so (a retry looks the object up first). A group's POST that named members by `bulkId:`: `sent`,
 *   its data as it went; `linked`, the members (directory ids) the group now holds through those references.
 * - `plain`: send it as its own request (`why`, said in a step, when that is not the usual way).
 */
export type BulkAnswer =
  | {
      kind: 'result';
      result: ScimResult<unknown>;
      via: BulkVia;
      whole: boolean;
      inDoubt: boolean;
      sent?: unknown;
      linked?: string[];
    }
  | { kind: 'plain'; why?: string };

/** One attempt's place in a batch. */
export interface BulkSeat {
  /** A write of the object `objectId`: its answer through `/Bulk`, or `plain`. */
  send(request: PlannedRequest, objectId: string): Promise<BulkAnswer>;
  /** A plain request of the batch (reads, and writes that go alone): at most the target's concurrency at once. */
  plain<T>(send: () => Promise<T>): Promise<T>;
  /** The attempt is over: it sends nothing more. */
  leave(): void;
  /** Its writes go through `/Bulk` with others' (not alone): a group may name members created there by bulkId. */
  readonly links: boolean;
}

export interface BulkBatchDeps {
  clients: TargetClients;
  health: TargetHealthService;
  capabilities: BulkCapabilities;
}

interface Parked {
  op: BulkOperation;
  /** A POST: the directory id of the object it creates. */
  creates?: string;
  /** A group's POST or PATCH: its members not in the target yet, named when their creates share its request. */
  members?: readonly string[];
  linkOp?: string;
  /** Sent only if it names a member (`PlannedRequest.linkOnly`). */
  linkOnly?: boolean;
  resolve: (answer: BulkAnswer) => void;
}

/**
 * The writes of one claimed batch of a target that takes `/Bulk` (RFC 7644 §3.7). Each attempt runs as it would
 * alone and sends exactly the requests its plan yields; a write waits here until every attempt of the batch waits on
 * one or is over, or until a request is full (the target's `maxOperations` and `maxPayloadSize`, measured on the
 * serialized request), and goes out with the others as one operation of a `POST /Bulk` (`failOnErrors` unset: each
 * operation stands alone). Each attempt then resumes with its operation's result, which it logs and records as it
 * would a plain answer, so a 409 on a create is looked up and adopted, and a failure is retried alone. A new
 * group's POST names its members whose creates share its request by their bulkIds and goes after them
 * (`linkMembers`, RFC 7644 §3.7.2), so the group arrives with them.
 *
 * A request the target refuses as a whole (400, 404, 405, 413, 501: it applied nothing) is sent again as plain
 * requests at once; one that fails (timeout, 5xx, 429) fails each of its operations for the usual retry, which
 * looks up an object whose create may have landed (`ProvisionedObject.unsettledClaims`) instead of creating it again.
 */
export class BulkBatch {
  /** Seats whose attempt is neither over nor waiting on a write. */
  private running = 0;
  private readonly packer: BulkPacker<Parked>;
  private bulkIds = 0;
  private plainInFlight = 0;
  private readonly plainWaiting: (() => void)[] = [];

  constructor(
    private readonly target: ProvisioningTarget,
    private readonly mode: Required<Pick<BulkMode, 'limits' | 'alone'>>,
    private readonly deps: BulkBatchDeps,
  ) {
    this.packer = new BulkPacker(mode.limits);
  }

  /**
   * A seat for one attempt; every seat of the batch is taken before any attempt starts, so that the first write
   * waits for the others. `alone`: its writes go as plain requests (an object retried after a failure).
   */
  seat(alone: boolean): BulkSeat {
    if (alone)
      return {
        send: () => Promise.resolve({ kind: 'plain' }),
        plain: (send) => this.plain(send),
        leave: () => {},
        links: false,
      };
    this.running++;
    let left = false;
    return {
      send: (request, objectId) => this.park(request, objectId),
      plain: (send) => this.plain(send),
      leave: () => {
        if (left) return;
        left = true;
        this.running--;
        this.flushIfIdle();
      },
      links: true,
    };
  }

  private park(request: PlannedRequest, objectId: string): Promise<BulkAnswer> {
    const { method, path, body, query } = request;
    if (method === 'GET' || (query && Object.values(query).some((v) => v !== undefined)))
      return Promise.resolve({ kind: 'plain' });
    const op: BulkOperation = {
      method,
      path,
      ...(method === 'POST' ? { bulkId: `b${++this.bulkIds}` } : {}),
      ...(body !== undefined ? { data: body } : {}),
    };
    const size = operationSize(op);
    const creates = method === 'POST' ? objectId : undefined;
    return new Promise((resolve) => {
      const added = this.packer.add(
        {
          op,
          creates,
          members: request.linkMembers,
          linkOp: request.linkOp,
          linkOnly: request.linkOnly,
          resolve,
        },
        size,
      );
      if (added.alone) {
        const max = this.mode.limits.maxPayloadSize;
        resolve({
          kind: 'plain',
          why: `sent as its own request: the operation alone (${size} bytes) exceeds the target's /Bulk maxPayloadSize (${max} bytes)`,
        });
        return;
      }
      this.running--;
      for (const request of added.closed) void this.dispatch(request.items);
      this.flushIfIdle();
    });
  }

  private flushIfIdle(): void {
    if (this.running > 0) return;
    const rest = this.packer.drain();
    if (rest) void this.dispatch(rest.items);
  }

  private resume(parked: Parked, answer: BulkAnswer): void {
    this.running++;
    parked.resolve(answer);
  }

  private async dispatch(all: Parked[]): Promise<void> {
    // A group's POST or PATCH names its members created in this same request by their bulkIds, after their POSTs.
    const linking = linkMembers(all, this.mode.limits.maxPayloadSize);
    // A PATCH that would name nobody has nothing to send (its attempt is told `plain`, and sends nothing).
    const order = linking.order.filter((i) => {
      if (!all[i].linkOnly || linking.linked[i].length > 0) return true;
      this.resume(all[i], { kind: 'plain' });
      return false;
    });
    const kept = new Set(order);
    const parked = order.map((i) => all[i]);
    const ops = linking.operations.filter((_, j) => kept.has(linking.order[j]));
    const linked = order.map((i) => linking.linked[i]);
    if (parked.length === 0) return;
    // `auto`: one write alone gains nothing from the envelope; it goes as the request it is.
    if (parked.length === 1 && !this.mode.alone) return this.resume(parked[0], { kind: 'plain' });
    const size = requestSize(ops.map(operationSize));
    const via = (i: number): BulkVia => ({ operation: i + 1, of: ops.length, bulkId: ops[i].bulkId });
    // The data of an operation the references changed, for its log entry: the log shows what went on the wire.
    const sent = (i: number) => (linked[i].length > 0 ? { sent: ops[i].data } : {});
    // The request failed as a whole: each operation gets that failure, for the retry of its own attempt.
    const failEach = (failure: ScimFailure, inDoubt: boolean) =>
      parked.forEach((p, i) =>
        this.resume(p, {
          kind: 'result',
          result: asOperation(failure, ops[i]),
          via: via(i),
          ...sent(i),
          whole: true,
          inDoubt,
        }),
      );
    try {
      const { client, limiter } = this.deps.clients.connectionFor(this.target);
      const r = await this.plain(async () => {
        await limiter.take();
        return client.bulk(ops);
      });
      if (r.ok) {
        const results = readBulkResponse(r.body);
        if (!results) {
          const failure = inDoubt(r, 'The target did not answer POST /Bulk with a BulkResponse');
          await this.deps.health.record(this.target.id, failure);
          failEach(failure, true);
          return;
        }
        const matched = matchResults(ops, results);
        const created = new Set<string>();
        parked.forEach((p, i) => {
          if (p.creates !== undefined && isSuccess(matched[i])) created.add(p.creates);
        });
        parked.forEach((p, i) => {
          const m = matched[i];
          const result = m
            ? operationAnswer(ops[i], m, r)
            : asOperation(inDoubt(r, "The target's BulkResponse has no result for this operation"), ops[i]);
          // A member it named failed to be created: the target refused the group's POST for that (409 from an app
          // that follows RFC 7644 §3.7). Not the group's own conflict: retried alone, looked up first, without it.
          const refused = !result.ok && linked[i].some((id) => !created.has(id));
          this.resume(p, {
            kind: 'result',
            result,
            via: via(i),
            ...sent(i),
            whole: false,
            inDoubt: !m || refused,
            ...(linked[i].length > 0 && result.ok
              ? { linked: linked[i].filter((id) => created.has(id)) }
              : {}),
          });
        });
        return;
      }
      if (refusedWhole(r.status)) {
        // Nothing was applied: each write goes as its own request now, and the next batches too for a while.
        const why = `sent as its own request: the target refused POST /Bulk (${r.error.message})`;
        if (r.status === 413) this.deps.capabilities.tooLarge(this.target, size);
        else this.deps.capabilities.refuse(this.target, `the target refused POST /Bulk: ${r.error.message}`);
        parked.forEach((p) => this.resume(p, { kind: 'plain', why }));
        return;
      }
      await this.deps.health.record(this.target.id, r);
      failEach(r, r.status >= 200 && r.status < 300);
    } catch (err) {
      const failure: ScimFailure = {
        ok: false,
        method: 'POST',
        url: '/Bulk',
        status: 0,
        headers: {},
        text: '',
        durationMs: 0,
        error: {
          kind: 'connection',
          stage: 'request',
          message: `POST /Bulk failed in the gateway: ${String(err)}`,
        },
      };
      failEach(failure, true);
    }
  }

  plain<T>(send: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.plainInFlight++;
      try {
        return await send();
      } finally {
        this.plainInFlight--;
        this.plainWaiting.shift()?.();
      }
    };
    if (this.plainInFlight < this.target.concurrency) return run();
    return new Promise<void>((go) => this.plainWaiting.push(go)).then(run);
  }
}

/**
 * The target did not process the request (RFC 7644 §3.7.4: 413 over its limits; 400, 404, 405, 501: it does not
 * serve `/Bulk` as advertised). 401, 403, 408 and 429 are answers a plain request would get too.
 */
function refusedWhole(status: number): boolean {
  return (
    status === 413 ||
    status === 501 ||
    (status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status))
  );
}

function isSuccess(result: { status: number } | undefined): boolean {
  return result !== undefined && result.status >= 200 && result.status < 300;
}

/** A 2xx the gateway cannot read: the target may have applied the operations. */
function inDoubt(r: ScimResult<unknown>, message: string): ScimFailure {
  return { ...r, ok: false, error: { kind: 'invalid-response', stage: 'request', message } };
}

/** The request's failure as the operation's own answer (its method and URL). */
function asOperation(r: ScimResult<unknown>, op: BulkOperation): ScimResult<unknown> {
  return { ...r, method: op.method, url: r.url.replace(/\/Bulk$/, '') + op.path };
}
