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

/**
 * RFC 7644 §3.7 Bulk. Operations run in order, each in its own transaction (Bulk is not atomic);
 * `bulkId:` references are resolved as their operations complete, an operation waiting on a later one is
 * deferred, and group members that reference each other in a cycle are created first and linked after
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
    const resolved = new Map<string, { id: string; type: 'User' | 'Group' }>();
    const declared = new Set(
      operations.map((op) => op.bulkId).filter((id): id is string => id !== undefined),
    );
    const results: (BulkResult | undefined)[] = operations.map(() => undefined);
    const deferredMembers: { groupId: string; bulkId: string; type?: string }[] = [];
    let errors = 0;
    let pending = [...operations];

    const run = async (op: BulkOperation, allowMemberDeferral: boolean): Promise<boolean> => {
      const refs = collectRefs(op);
      const unknown = refs.find((r) => !declared.has(r));
      if (unknown !== undefined) {
        results[op.index] = errorResult(
          op,
          new InvalidRequestError(`bulkId "${unknown}" is not declared in this request`, 'invalidValue'),
          409,
        );
        errors++;
        return true;
      }
      const waiting = refs.filter((r) => !resolved.has(r));
      let data = op.data;
      if (waiting.length > 0) {
        const deferrable =
          allowMemberDeferral && isGroupWrite(op) && !BULK_REF.test(op.path.split('/')[2] ?? '');
        if (!deferrable) return false;
        const split = splitDeferredMembers(op.data, resolved);
        if (split.waitingElsewhere) return false;
        data = split.data;
        op = { ...op, data };
        const result = await this.execute(op, ctx, resolved);
        results[op.index] = result;
        if (Number(result.status) >= 400) errors++;
        else {
          const groupId = result.location!.split('/').pop()!;
          for (const m of split.deferred) deferredMembers.push({ groupId, ...m });
        }
        return true;
      }
      const result = await this.execute(op, ctx, resolved);
      results[op.index] = result;
      if (Number(result.status) >= 400) errors++;
      return true;
    };

    while (pending.length > 0 && !(failOnErrors && errors >= failOnErrors)) {
      const stillPending: BulkOperation[] = [];
      let progressed = false;
      for (const op of pending) {
        if (failOnErrors && errors >= failOnErrors) break;
        if (await run(op, false)) progressed = true;
        else stillPending.push(op);
      }
      if (!progressed && stillPending.length > 0) {
        // Every remaining operation waits on another: break a cycle of group memberships (§3.7.1).
        const breakable = stillPending.find((op) => isGroupWrite(op));
        if (breakable && (await run(breakable, true))) {
          pending = stillPending.filter((op) => op !== breakable);
          await this.linkDeferred(deferredMembers, resolved, ctx);
          continue;
        }
        for (const op of stillPending) {
          results[op.index] = errorResult(
            op,
            new InvalidRequestError('bulkId references form a cycle that cannot be resolved', 'invalidValue'),
            409,
          );
          errors++;
        }
        break;
      }
      pending = failOnErrors && errors >= failOnErrors ? [] : stillPending;
      await this.linkDeferred(deferredMembers, resolved, ctx);
    }
    await this.linkDeferred(deferredMembers, resolved, ctx);
    return {
      schemas: [BULK_RESPONSE_SCHEMA],
      Operations: results.filter((r): r is BulkResult => r !== undefined),
    };
  }

  private async execute(
    op: BulkOperation,
    ctx: ScimRequestContext,
    resolved: Map<string, { id: string; type: 'User' | 'Group' }>,
  ): Promise<BulkResult> {
    const path = substitute(op.path, resolved) as string;
    const data = substitute(op.data, resolved);
    const opCtx: ScimRequestContext = { ...ctx, ifMatch: op.version };
    const [, collection, id, extra] = path.split('/');
    try {
      if (extra !== undefined || (collection !== 'Users' && collection !== 'Groups')) {
        throw new NotFoundError(`Bulk operation path ${op.path} names no resource endpoint`);
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

  /** Adds members whose bulkIds have now resolved to the groups that were created without them. */
  private async linkDeferred(
    deferred: { groupId: string; bulkId: string; type?: string }[],
    resolved: Map<string, { id: string; type: 'User' | 'Group' }>,
    ctx: ScimRequestContext,
  ): Promise<void> {
    for (let i = deferred.length - 1; i >= 0; i--) {
      const target = resolved.get(deferred[i].bulkId);
      if (!target) continue;
      const { groupId } = deferred[i];
      deferred.splice(i, 1);
      await this.groups.patchGroup(
        groupId,
        {
          schemas: [PATCH_OP],
          Operations: [{ op: 'add', path: 'members', value: [{ value: target.id, type: target.type }] }],
        },
        { ...ctx, ifMatch: undefined },
      );
    }
  }
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
        throw new InvalidRequestError(`${where}.bulkId "${bulkId}" is used twice`, 'invalidValue');
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
