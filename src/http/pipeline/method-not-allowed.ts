import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors';
import { pathOf } from './access-log';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods served at each route path, as the routes were registered (see `trackRouteMethods`). */
    routeMethods: RouteMethods;
  }
}

/** 405 (RFC 9110 §15.5.6): the path exists, the method does not; `allow` is what the Allow header lists. */
export class MethodNotAllowedError extends AppError {
  readonly code = 'METHOD_NOT_ALLOWED';
  readonly status = 405;

  constructor(readonly allow: string[]) {
    super(`This endpoint supports ${allow.join(', ')} only`);
  }
}

/** Route paths (`/scim/v2/Users/:id`) as patterns, with the methods each serves. */
class RouteMethods {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];
  private readonly byUrl = new Map<string, Set<string>>();

  add(url: string, methods: string[]): void {
    let known = this.byUrl.get(url);
    if (!known) {
      known = new Set();
      this.byUrl.set(url, known);
      this.routes.push({ pattern: patternOf(url), methods: known });
    }
    for (const method of methods) known.add(method.toUpperCase());
  }

  /** The methods some route serves at `path`, in a stable order; empty when no route has this path. */
  allowedAt(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    }
    return [...methods].sort();
  }
}

/**
 * Records the methods of every route as it is registered, so that a request whose path exists but whose method
 * does not can be answered 405 with `Allow` instead of 404. Must run before the routes are registered.
 */
export function trackRouteMethods(fastify: FastifyInstance): void {
  const table = new RouteMethods();
  fastify.decorate('routeMethods', table);
  fastify.addHook('onRoute', (route) => {
    table.add(route.url, Array.isArray(route.method) ? route.method : [route.method]);
  });
}

/** The methods served at the request's path when none matched its method; empty when the path itself is unknown. */
export function allowedMethodsFor(request: FastifyRequest): string[] {
  const table = (request.server as Partial<FastifyInstance>).routeMethods;
  return table ? table.allowedAt(pathOf(request.url)) : [];
}

/** Fastify's routing as configured in app.setup.ts: parameters are one segment, case and a trailing slash ignored. */
function patternOf(url: string): RegExp {
  const segments = url
    .replace(/\/+$/, '')
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}/?$`, 'i');
}
