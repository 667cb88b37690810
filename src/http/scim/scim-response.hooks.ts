import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedToken } from '../../auth/auth.service';
import { SCIM_CONTENT_TYPE } from '../pipeline/api-exception.filter';
import { trackRouteMethods } from '../pipeline/method-not-allowed';
import { etagMatches, parseETag, parseETagList } from '../../scim-protocol';

const SCIM_PREFIX = '/scim/v2/';

/** Set on a reply whose body must not be sent: 304 Not Modified, or 204 for a token that asked for it. */
const BODYLESS = Symbol('scimBodyless');

type ScimReply = FastifyReply & { [BODYLESS]?: true };

interface WithMeta {
  meta?: { version?: string; location?: string };
}

/**
 * RFC 7644 §3.1, §3.3, §3.14 on every successful SCIM response: `application/scim+json`, `Location` on 201, the
 * resource's weak `ETag`, 304 for a GET whose If-None-Match names the current version, and 204 for a PATCH from
 * a token configured for it. Fastify hooks rather than a Nest interceptor: an interceptor costs every request an
 * RxJS pipeline and two AsyncResource bindings, about a tenth of a cheap GET's CPU. The routes' methods are
 * recorded as they are registered, for the 405 answers of the error filter.
 */
export function addScimResponseHooks(fastify: FastifyInstance): void {
  trackRouteMethods(fastify);
  fastify.addHook('preSerialization', (request, reply: ScimReply, payload, done) => {
    if (reply.statusCode < 300 && isScimRoute(request) && typeof payload === 'object' && payload !== null) {
      shapeResponse(request, reply, payload);
    }
    done(null, payload);
  });
  fastify.addHook('onSend', (_request, reply: ScimReply, payload, done) => {
    done(null, reply[BODYLESS] ? null : payload);
  });
}

function isScimRoute(request: FastifyRequest): boolean {
  return request.routeOptions.url?.startsWith(SCIM_PREFIX) === true;
}

function shapeResponse(request: FastifyRequest, reply: ScimReply, body: WithMeta): void {
  reply.type(SCIM_CONTENT_TYPE);
  const meta = body.meta;
  if (meta?.version) {
    reply.header('ETag', meta.version);
    if (reply.statusCode === 201 && meta.location) reply.header('Location', meta.location);
    const version = parseETag(meta.version);
    const condition = request.method === 'GET' ? parseETagList(request.headers['if-none-match']) : undefined;
    if (condition && version !== undefined && etagMatches(condition, version)) {
      reply.status(304);
      reply[BODYLESS] = true;
      return;
    }
  }
  const token = (request as FastifyRequest & { user?: AuthenticatedToken }).user;
  if (request.method === 'PATCH' && token?.patchResponse === 'no-content') {
    reply.status(204);
    reply[BODYLESS] = true;
  }
}
