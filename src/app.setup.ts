import { ConsoleLogger, LoggerService, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import rateLimit from '@fastify/rate-limit';
import { AppModule } from './app.module';
import { TokenRateLimits, UNLIMITED } from './auth/token-rate-limits';
import { RateLimitedError } from './common/errors';
import { Clock } from './common/clock';
import { accessLog } from './http/pipeline/access-log';
import { answerClientError, sendRouterError } from './http/pipeline/framework-errors';
import { acceptJsonBodies } from './http/pipeline/json-body';
import { echoRequestId, requestIdOf } from './http/pipeline/request-id';
import { AppConfig, LOG_LEVELS } from './config/app-config';
import { serveConsole } from './http/console/console-static';
import { countInboundRequests } from './provisioning/metrics/inbound-metrics.hook';
import { ProvisioningMetrics } from './provisioning/metrics/provisioning-metrics';
import { addScimResponseHooks } from './http/scim/scim-response.hooks';

/** Nest's start-up chatter (a line per module and per route): debug, so that a start shows the banner alone. */
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

class GatewayLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context !== undefined && START_UP_CONTEXTS.has(context)) this.debug(message, context);
    else super.log(message, context);
  }
}

/** JSON lines at the configured level and above. */
export function createLogger(config: AppConfig): LoggerService {
  const upTo = LOG_LEVELS.indexOf(config.logLevel);
  return new GatewayLogger({ json: true, logLevels: [...LOG_LEVELS.slice(0, upTo + 1)] });
}

/**
 * The HTTP pipeline, applied identically by main.ts and every e2e test (STYLE.md §4): request id,
 * access log, inbound metrics, body parsing for SCIM and JSON media types with the configured limit, the SCIM
 * response headers (content type, ETag, Location, 304/204),
 * validation of admin DTOs, OpenAPI for the admin API, graceful shutdown. Errors, body parsing's
 * included, are formatted by the global ApiExceptionFilter, which Nest installs as Fastify's error handler.
 */
export function configureApp(app: NestFastifyApplication, config: AppConfig, logger: LoggerService): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorate('scimPublicUrl', config.publicUrl);
  fastify.addHook('onRequest', echoRequestId);
  fastify.addHook('onResponse', accessLog(logger));
  fastify.addHook('onResponse', countInboundRequests(app.get(ProvisioningMetrics)));
  acceptJsonBodies(fastify, config.scim.bodyLimitBytes);
  addScimResponseHooks(fastify);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const openApi = new DocumentBuilder()
    .setTitle('SCIM gateway admin API')
    .setDescription('Tokens, targets, mappings and provisioning state. Bearer token with the admin scope.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('admin/docs', app, () => SwaggerModule.createDocument(app, openApi));
  app.enableShutdownHooks();
}

/**
 * Inbound rate limits per token (@fastify/rate-limit, in this process's memory): a token created or changed with
 * `rateLimitPerMinute` gets at most that many requests a minute, then `429` with `Retry-After`, as a SCIM error on
 * /scim/v2. Requests without a limited token are not counted.
 */
async function limitTokens(app: NestFastifyApplication): Promise<void> {
  const limits = app.get(TokenRateLimits);
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    keyGenerator: (req) => limits.keyOf(req.headers.authorization),
    allowList: (_req, key) => key === UNLIMITED,
    max: (_req, key) => limits.perMinute(key),
    errorResponseBuilder: (_req, ctx) =>
      new RateLimitedError(`This token may make ${ctx.max} requests a minute; retry in ${ctx.after}`),
  });
}

/**
 * Fastify instead of Express: its routing, body parsing and response writing cost a fraction of
 * Express' on the cheap requests that dominate SCIM traffic. It sends no X-Powered-By and no ETag of
 * its own (ours carry the resource version, RFC 7644 §3.14), and its query parser keeps a repeated key
 * as an array without nesting, as Express' 'simple' parser did (parseListQuery refuses such arrays).
 */
export async function createApp(
  config: AppConfig,
  options: { clock?: Clock; logger?: LoggerService } = {},
): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger(config);
  const adapter = new FastifyAdapter({
    genReqId: requestIdOf,
    // As Express routed: case-insensitive, a trailing slash ignored. Schema URNs in /Schemas/:id may be
    // longer than find-my-way's default of 100 characters per parameter.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 1024 },
    frameworkErrors: sendRouterError,
    clientErrorHandler: answerClientError,
    // No Nest middleware: the pipeline is Fastify hooks, so @fastify/middie stays out of every request.
    skipMiddie: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options.clock),
    adapter,
    {
      bodyParser: false,
      logger,
      // Throw instead of exiting, so main.ts prints the cause and tests see it.
      abortOnError: false,
    },
  );
  configureApp(app, config, logger);
  await limitTokens(app);
  // The web console (dist/console, built by `npm run build`) on /console.
  await serveConsole(app);
  return app;
}
