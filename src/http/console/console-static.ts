import * as fs from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where the console is served; its hashed assets live under `${CONSOLE_PATH}/assets/`. */
export const CONSOLE_PATH = '/console';

/**
 * The console's pages may load only this origin's scripts, styles and API: no inline script or style, no other
 * origin, no frames. Downloads are blob: URLs made by the page itself.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT =
  'The web console is not built here: dist/console/index.html is missing. Run `npm run build` (or `npm start`, ' +
  'which builds first) and restart the gateway.\n';

/** `dist/console` of the project this file belongs to (from `dist/src/http/console/` or from `src/http/console/`). */
export function defaultConsoleDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'console');
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', CONSOLE_CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY');
}

/**
 * The web console (a single-page app built by Vite into `dist/console/`) on `/console`, in the gateway's own process
 * and port. `/console` and every path under it but the assets answer index.html (the app routes in the browser),
 * never cached; the assets carry a content hash in their names and are cached for a year. The pages need no token:
 * the app signs in with an admin token and sends it with each admin API call. Without a build, `/console` answers
 * 404 with what to do, and nothing else changes.
 */
export async function serveConsole(app: NestFastifyApplication, dir = defaultConsoleDir()): Promise<void> {
  const indexFile = path.join(dir, 'index.html');
  const assets = path.join(dir, 'assets');
  const page = async (_request: unknown, reply: FastifyReply) => {
    secure(reply).header('Cache-Control', 'no-cache');
    let html: Buffer;
    try {
      html = await fs.promises.readFile(indexFile);
    } catch {
      return reply.code(404).type('text/plain; charset=utf-8').send(NOT_BUILT);
    }
    return reply.type('text/html; charset=utf-8').send(html);
  };
  await app.register(async (scope: FastifyInstance) => {
    scope.get(CONSOLE_PATH, page);
    scope.get(`${CONSOLE_PATH}/*`, page);
    if (fs.existsSync(assets)) {
      await scope.register(fastifyStatic, {
        root: assets,
        prefix: `${CONSOLE_PATH}/assets/`,
        decorateReply: false,
        index: false,
        list: false,
        dotfiles: 'deny',
        cacheControl: false,
        setHeaders: (res) => {
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
          res.setHeader('Content-Security-Policy', CONSOLE_CSP);
          res.setHeader('X-Content-Type-Options', 'nosniff');
        },
      });
    }
  });
}
