import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { SCIM_CONTENT_TYPE } from '../common/http/api-exception.filter';
import type { AuthenticatedToken } from '../auth/auth.service';
import { etagMatches, parseETag, parseETagList } from './protocol';

interface WithMeta {
  meta?: { version?: string; location?: string };
}

/**
 * RFC 7644 §3.1, §3.3, §3.14 on every SCIM response: `application/scim+json`, `Location` on 201, the
 * resource's weak `ETag`, 304 for a GET whose If-None-Match names the current version, and 204 for a
 * PATCH from a token configured for it.
 */
@Injectable()
export class ScimResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest & { user?: AuthenticatedToken }>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (body === undefined) return body;
        reply.type(SCIM_CONTENT_TYPE);
        const meta = (body as WithMeta).meta;
        if (meta?.version) {
          reply.header('ETag', meta.version);
          if (reply.statusCode === 201 && meta.location) reply.header('Location', meta.location);
          const version = parseETag(meta.version);
          const condition = req.method === 'GET' ? parseETagList(req.headers['if-none-match']) : undefined;
          if (condition && version !== undefined && etagMatches(condition, version)) {
            reply.status(304);
            return undefined;
          }
        }
        if (req.method === 'PATCH' && req.user?.patchResponse === 'no-content') {
          reply.status(204);
          return undefined;
        }
        return body;
      }),
    );
  }
}
