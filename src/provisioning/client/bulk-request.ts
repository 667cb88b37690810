/**
 * Outbound SCIM `/Bulk` (RFC 7644 §3.7): what a target advertises in its `/ServiceProviderConfig` (RFC 7643 §5),
 * operations packed into requests within those limits, and each operation's result read back as the answer its own
 * request would have had. Pure.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpMethod, ScimResult } from './scim-client.types';

export const BULK_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export interface BulkLimits {
  /** Operations in one request, at most. */
  maxOperations: number;
  /** Bytes of one serialized request, at most. */
  maxPayloadSize: number;
}

/** What a target's `/ServiceProviderConfig` says of `/Bulk`: usable with its limits, or why not. */
export type BulkSupport = ({ supported: true } & BulkLimits) | { supported: false; reason: string };

/** RFC 7644 §3.7.1: `bulkId` is required on a POST; `version` is not used (writes carry no ETag here either). */
export interface BulkOperation {
  method: Exclude<HttpMethod, 'GET'>;
  path: string;
  bulkId?: string;
  data?: unknown;
}

/** One entry of a BulkResponse's `Operations` (RFC 7644 §3.7.3), `status` read as a number. */
export interface BulkOperationResult {
  method?: string;
  bulkId?: string;
  location?: string;
  version?: string;
  status: number;
  response?: unknown;
  /** The entry as the target sent it, for the log. */
  raw: Record<string, unknown>;
}

/**
 * Bulk support as advertised. A target that says `supported` without a positive `maxOperations` and
 * `maxPayloadSize` is not used: the gateway never sends more than a target advertises, and it did not say how much.
 */
export function readBulkSupport(serviceProviderConfig: unknown): BulkSupport {
  const bulk = isObject(serviceProviderConfig) ? serviceProviderConfig.bulk : undefined;
  if (!isObject(bulk)) return { supported: false, reason: 'its /ServiceProviderConfig has no "bulk"' };
  const supported = bulk.supported === true || bulk.supported === 'true' || bulk.supported === 'True';
  if (!supported) return { supported: false, reason: 'its /ServiceProviderConfig says bulk.supported false' };
  const maxOperations = positiveInteger(bulk.maxOperations);
  const maxPayloadSize = positiveInteger(bulk.maxPayloadSize);
  if (maxOperations === null)
    return { supported: false, reason: 'it supports bulk without a positive bulk.maxOperations' };
  if (maxPayloadSize === null)
    return { supported: false, reason: 'it supports bulk without a positive bulk.maxPayloadSize' };
  return { supported: true, maxOperations, maxPayloadSize };
}

/** The request body, as the client serializes it. */
export function bulkRequestBody(operations: readonly BulkOperation[]): {
  schemas: string[];
  Operations: readonly BulkOperation[];
} {
  return { schemas: [BULK_REQUEST_URN], Operations: operations };
}

/** Bytes of `{"schemas":[…],"Operations":[]}`; each operation adds its own JSON and a comma between two. */
const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify(bulkRequestBody([])));

/**
 * Bytes of each operation measured, by the operation: it is measured as it is parked, packed and linked, and an
 * operation is never changed once made (linking makes a new one), so each is serialized for its size once.
 */
const sizes = new WeakMap<BulkOperation, number>();

/** Bytes of one operation's JSON, as it appears inside the request. */
export function operationSize(operation: BulkOperation): number {
  let size = sizes.get(operation);
  if (size === undefined) {
    size = Buffer.byteLength(JSON.stringify(operation));
    sizes.set(operation, size);
  }
  return size;
}

/** Bytes of the request holding operations of these sizes. */
export function requestSize(sizes: readonly number[]): number {
  return ENVELOPE_BYTES + sizes.reduce((sum, s) => sum + s, 0) + Math.max(0, sizes.length - 1);
}

/**
 * Packs operations, in the order they come, into requests within the limits: a request is closed when the next
 * operation would exceed `maxOperations` or `maxPayloadSize`. An operation too large to fit any request alone is
 * not packed: it goes as a plain request.
 */
export class BulkPacker<T> {
  private items: T[] = [];
  private bytes = ENVELOPE_BYTES;

  constructor(private readonly limits: BulkLimits) {}

  get size(): number {
    return this.items.length;
  }

  /** `alone`: too large for any request; else the requests this operation closed (none, or the one it did not fit). */
  add(item: T, size: number): { alone: true } | { alone: false; closed: { items: T[]; bytes: number }[] } {
    if (ENVELOPE_BYTES + size > this.limits.maxPayloadSize) return { alone: true };
    const closed: { items: T[]; bytes: number }[] = [];
    const fits =
      this.items.length < this.limits.maxOperations &&
      this.bytes + size + (this.items.length > 0 ? 1 : 0) <= this.limits.maxPayloadSize;
    if (!fits) closed.push(this.drain()!);
    this.bytes += size + (this.items.length > 0 ? 1 : 0);
    this.items.push(item);
    // Full: closed at once rather than when the next one comes.
    if (this.items.length === this.limits.maxOperations) closed.push(this.drain()!);
    return { alone: false, closed };
  }

  /** The open request's operations (and its size in bytes); the packer is empty after. */
  drain(): { items: T[]; bytes: number } | null {
    if (this.items.length === 0) return null;
    const out = { items: this.items, bytes: this.bytes };
    this.items = [];
    this.bytes = ENVELOPE_BYTES;
    return out;
  }
}

/** Operations of these sizes packed into requests: indexes per request, and those that must go alone. */
export function packOperations(
  sizes: readonly number[],
  limits: BulkLimits,
): { requests: number[][]; alone: number[] } {
  const packer = new BulkPacker<number>(limits);
  const requests: number[][] = [];
  const alone: number[] = [];
  sizes.forEach((size, i) => {
    const added = packer.add(i, size);
    if (added.alone) alone.push(i);
    else requests.push(...added.closed.map((c) => c.items));
  });
  const rest = packer.drain();
  if (rest) requests.push(rest.items);
  return { requests, alone };
}

/** An operation of one request, as the caller knows it: what its POST creates, which members it may name. */
export interface LinkableOperation {
  op: BulkOperation;
  /** The caller's id of the object a POST creates, for other operations of the request to name. */
  creates?: string;
  /**
   * A group's POST or membership PATCH: members (the caller's ids) it adds by `bulkId:` reference when their creates
   * are here too; a PATCH adds them in one more operation, `linkOp` (`add` unless the caller spells it otherwise).
   */
  members?: readonly string[];
  linkOp?: string;
}

/**
 * A group and its new members in one request (RFC 7644 §3.7.2): a group's POST (or an existing group's membership
 * PATCH) names each member whose POST is in this same request as `"value": "bulkId:<that POST's bulkId>"`, and goes
 * after every such POST. Only creates that
 * name nobody are named, so no reference waits on another. The references are added only as far as the request
 * stays within `maxPayloadSize` (the packer measured it without them); members left out are added later, once they
 * exist. `order`: the items' indexes as they go in the request; `linked`: per item, the members it names.
 */
export function linkMembers(
  items: readonly LinkableOperation[],
  maxPayloadSize: number,
): { order: number[]; operations: BulkOperation[]; linked: string[][] } {
  const linking = (item: LinkableOperation) =>
    (item.op.method === 'POST' || item.op.method === 'PATCH') && (item.members?.length ?? 0) > 0;
  const bulkIdOf = new Map<string, string>();
  for (const item of items)
    if (item.creates !== undefined && item.op.bulkId !== undefined && !linking(item))
      bulkIdOf.set(item.creates, item.op.bulkId);
  const operations = items.map((item) => item.op);
  const linked = items.map((): string[] => []);
  const sizes = operations.map(operationSize);
  let room = maxPayloadSize - requestSize(sizes);
  items.forEach((item, i) => {
    if (!linking(item)) return;
    const named = item.members!.filter((m) => bulkIdOf.has(m));
    if (named.length === 0) return;
    const refs = named.map((m) => ({ value: `bulkId:${bulkIdOf.get(m)!}` }));
    // The bytes k references add: `"members":[]` if the data had none, then each one and a comma before it unless
    // it is the first member.
    const none = withMembers(item, []);
    const had = item.op.method === 'PATCH' ? 0 : (none.data as { members: unknown[] }).members.length;
    let k = 0;
    let extra = operationSize(none) - sizes[i];
    while (k < refs.length) {
      const next = extra + Buffer.byteLength(JSON.stringify(refs[k])) + (had + k > 0 ? 1 : 0);
      if (next > room) break;
      extra = next;
      k++;
    }
    if (k === 0) return;
    operations[i] = withMembers(item, refs.slice(0, k));
    linked[i] = named.slice(0, k);
    room -= extra;
  });
  const order = [
    ...items.flatMap((_, i) => (linked[i].length === 0 ? [i] : [])),
    ...items.flatMap((_, i) => (linked[i].length > 0 ? [i] : [])),
  ];
  return { order, operations: order.map((i) => operations[i]), linked };
}

/** A group POST's data with these members added to those it has; a PATCH's with one more operation adding them. */
function withMembers({ op, linkOp }: LinkableOperation, refs: { value: string }[]): BulkOperation {
  const data = isObject(op.data) ? op.data : {};
  if (op.method === 'PATCH') {
    const operations = Array.isArray(data.Operations) ? (data.Operations as unknown[]) : [];
    const adding = { op: linkOp ?? 'add', path: 'members', value: refs };
    return { ...op, data: { ...data, Operations: [...operations, adding] } };
  }
  const members = Array.isArray(data.members) ? (data.members as unknown[]) : [];
  return { ...op, data: { ...data, members: [...members, ...refs] } };
}

/** A BulkResponse's operations; null when the body is not one. */
export function readBulkResponse(body: unknown): BulkOperationResult[] | null {
  if (!isObject(body) || !Array.isArray(body.Operations)) return null;
  const out: BulkOperationResult[] = [];
  for (const entry of body.Operations as unknown[]) {
    if (!isObject(entry)) return null;
    // RFC 7644 §3.7.3 writes `"status": "201"`; some services send a number, drafts an object with `code`.
    const status = Number(isObject(entry.status) ? entry.status.code : entry.status);
    out.push({
      method: typeof entry.method === 'string' ? entry.method : undefined,
      bulkId: typeof entry.bulkId === 'string' ? entry.bulkId : undefined,
      location: typeof entry.location === 'string' ? entry.location : undefined,
      version: typeof entry.version === 'string' ? entry.version : undefined,
      status: Number.isInteger(status) ? status : 0,
      response: entry.response,
      raw: entry,
    });
  }
  return out;
}

/**
 * Each operation's result: a POST by its `bulkId`; another by its method and a `location` that names its resource;
 * failing both, the result in the same position when it does not belong to another operation. Undefined: the target
 * reported nothing for it.
 */
export function matchResults(
  operations: readonly BulkOperation[],
  results: readonly BulkOperationResult[],
): (BulkOperationResult | undefined)[] {
  const used = new Set<number>();
  const take = (i: number) => (i >= 0 && !used.has(i) ? (used.add(i), results[i]) : undefined);
  const sameMethod = (op: BulkOperation, r: BulkOperationResult) =>
    r.method === undefined || r.method.toUpperCase() === op.method;
  const matched = operations.map((op) => {
    if (op.bulkId !== undefined) return take(results.findIndex((r) => r.bulkId === op.bulkId));
    const path = safeDecode(op.path);
    return take(
      results.findIndex(
        (r, i) =>
          !used.has(i) &&
          r.bulkId === undefined &&
          sameMethod(op, r) &&
          r.location !== undefined &&
          safeDecode(r.location).endsWith(path),
      ),
    );
  });
  return matched.map((m, i) => {
    if (m) return m;
    const r = results[i];
    const op = operations[i];
    if (!r || used.has(i) || !sameMethod(op, r) || (r.bulkId !== undefined && r.bulkId !== op.bulkId))
      return undefined;
    return take(i);
  });
}

/**
 * The answer the operation's own request would have had: its status; for a write that succeeded, the resource the
 * target sent back or, when it sent none (RFC 7644 §3.7.3 allows that), its id from `location`. `text` is the entry
 * as the target sent it (the log's response excerpt); the duration is the whole request's.
 */
export function operationAnswer(
  operation: BulkOperation,
  result: BulkOperationResult,
  request: ScimResult<unknown>,
): ScimResult<unknown> {
  const base = {
    method: operation.method,
    url: request.url.replace(/\/Bulk$/, '') + operation.path,
    status: result.status,
    headers: (result.location ? { location: result.location } : {}) as Record<string, string>,
    text: JSON.stringify(result.raw),
    durationMs: request.durationMs,
  };
  if (result.status >= 200 && result.status < 300) {
    const response = isObject(result.response) ? result.response : undefined;
    const writes = operation.method === 'POST' || operation.method === 'PUT';
    const id = writes && !(typeof response?.id === 'string') ? idOf(result.location) : undefined;
    return { ...base, ok: true, body: id ? { ...response, id } : result.response };
  }
  const detail = isObject(result.response) ? result.response.detail : undefined;
  const words = STATUS_CODES[result.status] ?? 'Unknown status';
  const message = `${result.status} ${words}${typeof detail === 'string' ? `: ${detail.slice(0, 300)}` : ''}`;
  return { ...base, ok: false, body: result.response, error: { kind: 'http', stage: 'request', message } };
}

/** The resource id at the end of a `location` URL. */
function idOf(location: string | undefined): string | undefined {
  const last = location?.replace(/\/+$/, '').split('/').pop();
  return last ? safeDecode(last) : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function positiveInteger(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
