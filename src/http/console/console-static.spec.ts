import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CONSOLE_CSP, serveConsole } from './console-static';

@Module({})
class EmptyModule {}

async function appServing(dir: string): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(EmptyModule, new FastifyAdapter(), {
    logger: false,
  });
  await serveConsole(app, dir);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('serveConsole', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-static-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('answers index.html for /console and its deep links, not cached, with the CSP; hashed assets for a year', async () => {
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><script type="module" src="/console/assets/a-1.js"></script>',
    );
    fs.writeFileSync(path.join(dir, 'assets', 'a-1.js'), 'console.log(1)');
    const app = await appServing(dir);
    try {
      for (const url of ['/console', '/console/', '/console/targets/42', '/console/logs?status=Failure']) {
        const res = await app.inject({ method: 'GET', url });
        expect([url, res.statusCode]).toEqual([url, 200]);
        expect(res.headers['content-type']).toContain('text/html');
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
        expect(res.body).toContain('/console/assets/a-1.js');
      }
      const asset = await app.inject({ method: 'GET', url: '/console/assets/a-1.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['content-type']).toContain('javascript');
      expect((await app.inject({ method: 'GET', url: '/console/assets/none-2.js' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/console/assets/../index.html' })).statusCode).not.toBe(
        500,
      );
    } finally {
      await app.close();
    }
  });

  it('without a build, /console answers 404 saying how to build it', async () => {
    const app = await appServing(path.join(dir, 'missing'));
    try {
      const res = await app.inject({ method: 'GET', url: '/console/targets/42' });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('npm run build');
    } finally {
      await app.close();
    }
  });
});
