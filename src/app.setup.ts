import { ConsoleLogger, INestApplication, LoggerService, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { AppModule } from './app.module';
import { Clock } from './common/clock';
import { accessLogMiddleware } from './common/http/access-log.middleware';
import { expressErrorHandler } from './common/http/api-exception.filter';
import { requestIdMiddleware } from './common/http/request-id.middleware';
import { AppConfig, LOG_LEVELS } from './config/app-config';
import { PUBLIC_URL_SETTING } from './scim/scim-request';

/** JSON lines at the configured level and above. */
export function createLogger(config: AppConfig): LoggerService {
  const upTo = LOG_LEVELS.indexOf(config.logLevel);
  return new ConsoleLogger({ json: true, logLevels: [...LOG_LEVELS.slice(0, upTo + 1)] });
}

/**
 * The HTTP pipeline, applied identically by main.ts and every e2e test (STYLE.md §4): request id,
 * access log, body parsing for SCIM and JSON media types with the configured limit, error formatting,
 * validation of admin DTOs, OpenAPI for the admin API, graceful shutdown.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig, logger: LoggerService): void {
  app.disable('x-powered-by');
  // Our own weak ETags carry the resource version (RFC 7644 §3.14); Express' body hashes would not.
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.set(PUBLIC_URL_SETTING, config.publicUrl);
  app.use(requestIdMiddleware);
  app.use(accessLogMiddleware(logger));
  app.use(
    express.json({
      limit: config.scim.bodyLimitBytes,
      type: ['application/json', 'application/scim+json', 'application/*+json'],
      strict: true,
    }),
  );
  app.use(expressErrorHandler);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const openApi = new DocumentBuilder()
    .setTitle('SCIM gateway admin API')
    .setDescription('Tokens, targets, mappings and provisioning state. Bearer token with the admin scope.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('admin/docs', app, () => SwaggerModule.createDocument(app, openApi));
  app.enableShutdownHooks();
}

export async function createApp(
  config: AppConfig,
  options: { clock?: Clock; logger?: LoggerService } = {},
): Promise<INestApplication> {
  const logger = options.logger ?? createLogger(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.clock), {
    bodyParser: false,
    logger,
    // Throw instead of exiting, so main.ts prints the cause and tests see it.
    abortOnError: false,
  });
  configureApp(app, config, logger);
  return app;
}
