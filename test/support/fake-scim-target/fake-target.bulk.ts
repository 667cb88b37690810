/**
 * `/ServiceProviderConfig` (RFC 7643 §5) and `/Bulk` (RFC 7644 §3.7) for the fake target. Each operation is carried
 * out by the same code as its own request would be; a request over the advertised limits is refused with 413, so a
 * test sees a gateway that sends more than the target allows.
 */
import type { FaultPlan, InjectedResponse } from './fake-target.faults';
import { FakeScimError, isObject, JsonObject } from './fake-target.filter';

export interface BulkSettings {
  maxOperations: number;
  maxPayloadSize: number;
}

/** One operation of a `/Bulk` request, as carried out (or failed on command). */
export interface RecordedOperation {
  method: string;
  path: string;
  bulkId?: string;
  data: unknown;
  status: number;
  time: Date;
}

export interface BulkReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const CONFIG_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const BULK_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function serviceProviderConfig(bulk: BulkSettings | undefined, maxResults: number): JsonObject {
  return {
    schemas: [CONFIG_URN],
    patch: { supported: true },
    bulk: bulk ? { supported: true, ...bulk } : { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Bearer token', primary: true },
    ],
  };
}

/**
 * `POST /Bulk`: each operation through `route` (the single requests' code) in order, `bulkId:` references in later
 * operations' data resolved to the ids created (RFC 7644 §3.7.2), `failOnErrors` honoured, and an operation chosen
 * by `operationFaults` answered with its injected response instead of being carried out. An operation naming a
 * bulkId that no earlier operation of the request created (unknown, or its operation failed) is refused with 409
 * `invalidValue` and changes nothing, as the gateway's own inbound `/Bulk` answers it.
 */
export function serveBulk(
  bulk: BulkSettings | undefined,
  rawBody: string,
  body: unknown,
  route: (method: string, path: string, data: unknown) => BulkReply,
  operationFaults: FaultPlan,
  record: (op: RecordedOperation) => void,
  injected: (response: InjectedResponse) => BulkReply,
): BulkReply {
  if (!bulk) return error(501, undefined, 'Bulk is not supported');
  const bytes = Buffer.byteLength(rawBody);
  if (bytes > bulk.maxPayloadSize)
    return error(
      413,
      undefined,
      `The request (${bytes} bytes) exceeds maxPayloadSize (${bulk.maxPayloadSize})`,
    );
  if (!isObject(body) || !Array.isArray(body.Operations))
    return error(400, 'invalidSyntax', 'A BulkRequest needs "Operations"');
  const operations = body.Operations as unknown[];
  if (operations.length > bulk.maxOperations)
    return error(
      413,
      undefined,
      `The request has ${operations.length} operations, more than maxOperations (${bulk.maxOperations})`,
    );
  const failOnErrors = typeof body.failOnErrors === 'number' ? body.failOnErrors : Infinity;
  const created = new Map<string, string>();
  const results: Record<string, unknown>[] = [];
  let errors = 0;
  for (const entry of operations) {
    if (errors >= failOnErrors) break;
    const op = isObject(entry) ? entry : {};
    const method = typeof op.method === 'string' ? op.method.toUpperCase() : '';
    const path = typeof op.path === 'string' ? op.path : '';
    const bulkId = typeof op.bulkId === 'string' ? op.bulkId : undefined;
    const unresolved: string[] = [];
    const data = resolveBulkIds(op.data, created, unresolved);
    let reply: BulkReply;
    const fault = operationFaults.take(method, path, data);
    if (fault?.kind === 'respond') reply = injected(fault.response);
    else if (unresolved.length > 0)
      reply = error(
        409,
        'invalidValue',
        `The operation references bulkId ${unresolved.join(', ')}, which no earlier operation of this request created`,
      );
    else if (method === 'POST' && bulkId === undefined)
      reply = error(400, 'invalidValue', 'bulkId is required with POST');
    else {
      try {
        reply = route(method, path, data);
      } catch (err) {
        if (!(err instanceof FakeScimError)) throw err;
        reply = error(err.status, err.scimType, err.message);
      }
    }
    const ok = reply.status >= 200 && reply.status < 300;
    const resource = isObject(reply.body) ? reply.body : undefined;
    const meta = isObject(resource?.meta) ? resource.meta : undefined;
    if (ok && method === 'POST' && bulkId && typeof resource?.id === 'string')
      created.set(bulkId, resource.id);
    if (!ok) errors++;
    const location = typeof meta?.location === 'string' ? meta.location : undefined;
    results.push({
      method,
      ...(bulkId !== undefined ? { bulkId } : {}),
      ...(location ? { location } : {}),
      ...(typeof meta?.version === 'string' ? { version: meta.version } : {}),
      status: String(reply.status),
      // RFC 7644 §3.7.3: a body with every failure; a success may go without one (this target sends none).
      ...(ok ? {} : { response: reply.body }),
    });
    record({ method, path, bulkId, data, status: reply.status, time: new Date() });
  }
  return { status: 200, body: { schemas: [BULK_RESPONSE_URN], Operations: results } };
}

/**
 * `"bulkId:<id>"` strings anywhere in the data, replaced with the id the operation of that bulkId created; those no
 * operation created are pushed to `unresolved`.
 */
function resolveBulkIds(value: unknown, created: ReadonlyMap<string, string>, unresolved: string[]): unknown {
  if (typeof value === 'string' && value.startsWith('bulkId:')) {
    const id = created.get(value.slice(7));
    if (id === undefined) unresolved.push(value.slice(7));
    return id ?? value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveBulkIds(v, created, unresolved));
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveBulkIds(v, created, unresolved)]),
    );
  return value;
}

function error(status: number, scimType: string | undefined, detail: string): BulkReply {
  return {
    status,
    body: { schemas: [ERROR_URN], status: String(status), ...(scimType ? { scimType } : {}), detail },
  };
}
