import { Injectable } from '@nestjs/common';
import { InvalidRequestError, NotFoundError, PayloadTooLargeError } from '../../common/errors';
import { normalizeError } from '../pipeline/api-exception.filter';
import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA } from '../../scim-protocol';
import { ScimGroupsService } from './scim-groups.service';
import type { ScimRequestContext } from './scim-request';
import { ScimUsersService } from './scim-users.service';

export const BULK_MAX_OPERATIONS = 1000;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const BULK_REF = /^bulkId:(.+)$/;

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type ResourceType = 'User' | 'Group';
interface BulkOperation {
  index: number;
  method: Method;
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
}
interface BulkResult {
  method: string;
  bulkId?: string;
  version?: string;
  location?: string;
  status: string;
  response?: unknown;
}
type Wire = Record<string, unknown>;
type Resolved = Map<string, { id: string; type: ResourceType }>;

/** A member of a group created in a cycle (§3.7.1), added once the operation its bulkId names has run. */
interface DeferredMember {
  op: BulkOperation;
  groupId: string;
  bulkId: string;
}

/** What one Bulk request has done so far. */
interface BulkRun {
  /** The bulkIds of the POST operations (the only ones that create, so the only ones a reference can name). */
  declared: Map<string, ResourceType | undefined>;
  resolved: Resolved;
  /** bulkIds whose operation failed: what references them cannot run. */
  failed: Set<string>;
  results: (BulkResult | undefined)[];
  deferred: DeferredMember[];
  errors: number;
}

/**
 * RFC 7644 §3.7 Bulk. Operations run in order, each in its own transaction (Bulk is not atomic), and each is
 * answered with what happened to it (§3.7.3): once one has committed, nothing later turns the response into a
 * request-level error. `bulkId:` references are resolved as their operations complete, an operation waiting on a
 * later one is deferred, and group members that reference each other in a cycle are created first and linked after
 * (§3.7.1). `failOnErrors` stops the run after that many errors.
 */
@Injectable()
export class BulkService {
  constructor(
    private readonly users: ScimUsersService,
    private readonly groups: ScimGroupsService,
  ) {}

  async processBulk(body: unknown, ctx: ScimRequestContext): Promise<Wire> {
    const { operations, failOnErrors } = parseBulkRequest(body);
    const state: BulkRun = {
      declared: new Map(
        operations.filter((op) => op.method === 'POST').map((op) => [op.bulkId!, collectionOf(op.path)]),
      ),
      resolved: new Map(),
      failed: new Set(),
      results: operations.map(() => undefined),
      deferred: [],
      errors: 0,
    };
    const stopped = () => failOnErrors !== undefined && state.errors >= failOnErrors;
    let pending = [...operations];

    while (pending.length > 0 && !stopped()) {
      const stillPending: BulkOperation[] = [];
      let progressed = false;
      for (const op of pending) {
        if (stopped()) break;
        if (await this.attempt(op, state, ctx, false)) progressed = true;
        else stillPending.push(op);
      }
      if (!progressed && stillPending.length > 0) {
        // Every remaining operation waits on another: break a cycle of group memberships (§3.7.1).
        const breakable = stillPending.find((op) => isGroupWrite(op));
        if (breakable && (await this.attempt(breakable, state, ctx, true))) {
          pending = stillPending.filter((op) => op !== breakable);
          await this.linkDeferred(state, ctx);
          continue;
        }
        const cycle = new InvalidRequestError(
          'bulkId references form a cycle that cannot be resolved',
          'invalidValue',
        );
        for (const op of stillPending) record(state, op, errorResult(op, cycle, 409));
        break;
      }
      pending = stopped() ? [] : stillPending;
      await this.linkDeferred(state, ctx);
    }
    await this.linkDeferred(state, ctx);
    return {
      schemas: [BULK_RESPONSE_SCHEMA],
      Operations: state.results.filter((r): r is BulkResult => r !== undefined),
    };
  }

  /**
   * Runs one operation if its references allow it: true when it has a result, false when it must wait. Whatever
   * goes wrong is that operation's result, never the request's: earlier operations may have committed.
   */
  private async attempt(
    op: BulkOperation,
    state: BulkRun,
    ctx: ScimRequestContext,
    allowMemberDeferral: boolean,
  ): Promise<boolean> {
    try {
      const refs = collectRefs(op);
      const refused = refusedReference(op, refs, state);
      if (refused) {
        record(state, op, errorResult(op, refused.error, refused.status));
        return true;
      }
      if (refs.every((r) => state.resolved.has(r))) {
        record(state, op, await this.execute(op, ctx, state.resolved));
        return true;
      }
      const deferrable =
        allowMemberDeferral && isGroupWrite(op) && !BULK_REF.test(op.path.split('/')[2] ?? '');
      if (!deferrable) return false;
      const split = splitDeferredMembers(op.data, state.resolved);
      if (split.waitingElsewhere) return false;
      const mismatch = split.deferred.find((m) => {
        const created = state.declared.get(m.bulkId);
        return (
          m.type !== undefined && created !== undefined && m.type.toLowerCase() !== created.toLowerCase()
        );
      });
      if (mismatch) {
        // Refused before the group is created, rather than creating it and failing to add the member.
        const error = new InvalidRequestError(
          "Attribute members: a member's type is not the type of the resource its bulkId creates",
          'invalidValue',
        );
        record(state, op, errorResult(op, error));
        return true;
      }
      const result = await this.execute({ ...op, data: split.data }, ctx, state.resolved);
      record(state, op, result);
      if (Number(result.status) < 400) {
        const groupId = result.location!.split('/').pop()!;
        for (const m of split.deferred) state.deferred.push({ op, groupId, bulkId: m.bulkId });
      }
      return true;
    } catch (err) {
      record(state, op, errorResult(op, err));
      return true;
    }
  }

  private async execute(op: BulkOperation, ctx: ScimRequestContext, resolved: Resolved): Promise<BulkResult> {
    const path = substitute(op.path, resolved) as string;
    const data = substitute(op.data, resolved);
    const opCtx: ScimRequestContext = { ...ctx, ifMatch: op.version };
    const [, collection, id, extra] = path.split('/');
    try {
      if (extra !== undefined || (collection !== 'Users' && collection !== 'Groups')) {
        throw new NotFoundError(`Operations[${op.index}].path names no resource endpoint`);
      }
      const users = collection === 'Users';
      let wire: Wire | undefined;
      if (op.method === 'POST') {
        if (id !== undefined)
          throw new InvalidRequestError('POST takes a collection path such as /Users', 'invalidPath');
        wire = users ? await this.users.createUser(data, opCtx) : await this.groups.createGroup(data, opCtx);
        resolved.set(op.bulkId!, { id: wire.id as string, type: users ? 'User' : 'Group' });
        return successResult(op, wire, 201);
      }
      if (!id) throw new NotFoundError(`${op.method} needs a resource path such as /${collection}/{id}`);
      if (op.method === 'DELETE') {
        await (users ? this.users.deleteUser(id, opCtx) : this.groups.deleteGroup(id, opCtx));
        return { method: op.method, location: `${ctx.baseUrl}/${collection}/${id}`, status: '204' };
      }
      if (op.method === 'PUT')
        wire = users
          ? await this.users.replaceUser(id, data, opCtx)
          : await this.groups.replaceGroup(id, data, opCtx);
      else
        wire = users
          ? await this.users.patchUser(id, data, opCtx)
          : await this.groups.patchGroup(id, data, opCtx);
      return successResult(op, wire, 200);
    } catch (err) {
      return errorResult(op, err, undefined, id ? `${ctx.baseUrl}/${collection}/${id}` : undefined);
    }
  }

  /**
   * Adds members whose bulkIds have now resolved to the groups created without them; the group's result then
   * carries its version after the additions. A member whose own operation failed stays out (that operation's
   * result says why); one that cannot be added turns the group's result into that error, with its location, since
   * the group exists.
   */
  private async linkDeferred(state: BulkRun, ctx: ScimRequestContext): Promise<void> {
    for (const member of [...state.deferred]) {
      const target = state.resolved.get(member.bulkId);
      if (!target && !state.failed.has(member.bulkId)) continue; // its operation has not run yet
      state.deferred.splice(state.deferred.indexOf(member), 1);
      if (!target) continue; // its operation failed, and its result says why
      const { op, groupId } = member;
      try {
        const wire = await this.groups.patchGroup(
          groupId,
          {
            schemas: [PATCH_OP],
            Operations: [{ op: 'add', path: 'members', value: [{ value: target.id, type: target.type }] }],
          },
          { ...ctx, ifMatch: undefined },
        );
        const result = state.results[op.index];
        if (result && Number(result.status) < 400)
          result.version = (wire.meta as { version: string }).version;
      } catch (err) {
        const location = `${ctx.baseUrl}/Groups/${groupId}`;
        const failure = errorResult(op, err, undefined, location);
        const response = failure.response as { detail: string };
        response.detail = `The group was created (see location) without a member named by bulkId: ${response.detail}`;
        if (Number(state.results[op.index]?.status) < 400) state.errors++;
        state.results[op.index] = failure;
      }
    }
  }
}

/** Why an operation's references forbid it to run at all, or undefined. */
function refusedReference(
  op: BulkOperation,
  refs: string[],
  state: BulkRun,
): { error: InvalidRequestError; status?: number } | undefined {
  if (op.bulkId !== undefined && refs.includes(op.bulkId)) {
    // It would wait on itself forever; a group would be created and then refused as its own member.
    const detail = isGroupWrite(op)
      ? 'Attribute members: a group cannot be a member of itself'
      : 'The operation references its own bulkId';
    return { error: new InvalidRequestError(detail, 'invalidValue') };
  }
  if (refs.some((r) => !state.declared.has(r))) {
    const error = new InvalidRequestError(
      'The operation references a bulkId that no POST operation of this request declares',
      'invalidValue',
    );
    return { error, status: 409 };
  }
  if (refs.some((r) => state.failed.has(r))) {
    const error = new InvalidRequestError(
      'The operation references the bulkId of an operation that failed',
      'invalidValue',
    );
    return { error, status: 409 };
  }
  return undefined;
}

function record(state: BulkRun, op: BulkOperation, result: BulkResult): void {
  state.results[op.index] = result;
  if (Number(result.status) < 400) return;
  state.errors++;
  if (op.bulkId !== undefined) state.failed.add(op.bulkId);
}

function parseBulkRequest(body: unknown): { operations: BulkOperation[]; failOnErrors?: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('The bulk request must be a JSON object', 'invalidSyntax');
  }
  const request = body as Record<string, unknown>;
  const schemas = request.schemas;
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => String(s).toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())
  ) {
    throw new InvalidRequestError(`Attribute schemas must contain ${BULK_REQUEST_SCHEMA}`, 'invalidSyntax');
  }
  const raw = request.Operations ?? request.operations;
  if (!Array.isArray(raw))
    throw new InvalidRequestError('Attribute Operations must be an array', 'invalidSyntax');
  if (raw.length > BULK_MAX_OPERATIONS) {
    throw new PayloadTooLargeError(
      `The bulk request has ${raw.length} operations; the maximum is ${BULK_MAX_OPERATIONS}`,
    );
  }
  let failOnErrors: number | undefined;
  if (request.failOnErrors !== undefined) {
    if (!Number.isInteger(request.failOnErrors) || (request.failOnErrors as number) < 1) {
      throw new InvalidRequestError('Attribute failOnErrors must be a positive integer', 'invalidValue');
    }
    failOnErrors = request.failOnErrors as number;
  }
  const seen = new Set<string>();
  const operations = raw.map((item: unknown, index): BulkOperation => {
    const where = `Operations[${index}]`;
    if (typeof item !== 'object' || item === null)
      throw new InvalidRequestError(`${where} must be an object`, 'invalidSyntax');
    const op = item as Record<string, unknown>;
    const method = typeof op.method === 'string' ? op.method.toUpperCase() : '';
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
      throw new InvalidRequestError(`${where}.method must be POST, PUT, PATCH or DELETE`, 'invalidSyntax');
    }
    if (typeof op.path !== 'string' || !op.path.startsWith('/')) {
      throw new InvalidRequestError(`${where}.path must be a path such as /Users`, 'invalidSyntax');
    }
    if (op.bulkId !== undefined && typeof op.bulkId !== 'string' && typeof op.bulkId !== 'number') {
      throw new InvalidRequestError(`${where}.bulkId must be a string`, 'invalidValue');
    }
    const bulkId = op.bulkId === undefined ? undefined : String(op.bulkId);
    if (method === 'POST' && !bulkId)
      throw new InvalidRequestError(`${where}.bulkId is required for POST (RFC 7644 §3.7)`, 'invalidValue');
    if (bulkId !== undefined) {
      if (seen.has(bulkId))
        throw new InvalidRequestError(
          `${where}.bulkId is the bulkId of an earlier operation`,
          'invalidValue',
        );
      seen.add(bulkId);
    }
    if (method !== 'DELETE' && (typeof op.data !== 'object' || op.data === null)) {
      throw new InvalidRequestError(`${where}.data must be an object for ${method}`, 'invalidSyntax');
    }
    return {
      index,
      method: method as Method,
      bulkId,
      version: typeof op.version === 'string' ? op.version : undefined,
      path: op.path,
      data: op.data,
    };
  });
  return { operations, failOnErrors };
}

/** The resource type a POST path creates, if it names one. */
function collectionOf(path: string): ResourceType | undefined {
  const collection = path.split('/')[1];
  return collection === 'Users' ? 'User' : collection === 'Groups' ? 'Group' : undefined;
}

/** The bulkIds an operation references. Bodies are at most MAX_JSON_DEPTH deep (json-body.ts), so recursion is safe. */
function collectRefs(op: BulkOperation): string[] {
  const refs = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = BULK_REF.exec(v);
      if (m) refs.add(m[1]);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  for (const segment of op.path.split('/')) visit(segment);
  visit(op.data);
  return [...refs];
}

function substitute(value: unknown, resolved: Map<string, { id: string }>): unknown {
  if (typeof value === 'string') {
    if (value.includes('bulkId:')) {
      return value
        .split('/')
        .map((segment) => {
          const m = BULK_REF.exec(segment);
          return m && resolved.has(m[1]) ? resolved.get(m[1])!.id : segment;
        })
        .join('/');
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, resolved));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, resolved)]));
  }
  return value;
}

function isGroupWrite(op: BulkOperation): boolean {
  return (op.method === 'POST' || op.method === 'PUT') && op.path.split('/')[1] === 'Groups';
}

/** Takes unresolved `bulkId:` members out of a group body; any other unresolved reference keeps it waiting. */
function splitDeferredMembers(
  data: unknown,
  resolved: Map<string, unknown>,
): { data: unknown; deferred: { bulkId: string; type?: string }[]; waitingElsewhere: boolean } {
  const body = { ...(data as Record<string, unknown>) };
  const deferred: { bulkId: string; type?: string }[] = [];
  const membersKey = Object.keys(body).find((k) => k.toLowerCase() === 'members');
  if (membersKey && Array.isArray(body[membersKey])) {
    body[membersKey] = (body[membersKey] as Record<string, unknown>[]).filter((m) => {
      const ref = typeof m?.value === 'string' ? BULK_REF.exec(m.value) : null;
      if (ref && !resolved.has(ref[1])) {
        deferred.push({ bulkId: ref[1], type: typeof m.type === 'string' ? m.type : undefined });
        return false;
      }
      return true;
    });
  }
  const rest = collectRefs({ index: 0, method: 'POST', path: '/', data: body }).filter(
    (r) => !resolved.has(r),
  );
  return { data: body, deferred, waitingElsewhere: rest.length > 0 };
}

function successResult(op: BulkOperation, wire: Wire, status: number): BulkResult {
  const meta = wire.meta as { location: string; version: string };
  return {
    method: op.method,
    ...(op.bulkId ? { bulkId: op.bulkId } : {}),
    version: meta.version,
    location: meta.location,
    status: String(status),
  };
}

function errorResult(op: BulkOperation, err: unknown, status?: number, location?: string): BulkResult {
  const e = normalizeError(err);
  const code = status ?? e.status;
  return {
    method: op.method,
    ...(op.bulkId ? { bulkId: op.bulkId } : {}),
    ...(location ? { location } : {}),
    status: String(code),
    response: {
      schemas: [ERROR_SCHEMA],
      status: String(code),
      ...(e.scimType ? { scimType: e.scimType } : {}),
      detail: e.message,
    },
  };
}
