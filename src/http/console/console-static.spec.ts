import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
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

const MARKER = 'outside-the-assets-4f1c9b';

/** GET with the path sent byte for byte (fetch and `new URL` resolve `..` and dot segments before sending). */
function rawGet(port: number, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'GET', path: rawPath, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
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
    } finally {
      await app.close();
    }
  });

  it('serves nothing from outside assets/ whatever the path climbs with, raw or encoded, and never fails on it', async () => {
    // dir/outside.txt and dir/console/private.txt hold the marker; dir/console is what is served.
    const served = path.join(dir, 'console');
    fs.mkdirSync(path.join(served, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(served, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(served, 'assets', 'a-1.js'), 'console.log(1)');
    fs.writeFileSync(path.join(served, 'private.txt'), MARKER);
    fs.writeFileSync(path.join(dir, 'outside.txt'), MARKER);
    const app = await appServing(served);
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      // The client used here sends the path as it is: the asset it names is served.
      expect(await rawGet(port, '/console/assets/a-1.js')).toEqual({ status: 200, body: 'console.log(1)' });
      const climbs = [
        '../private.txt',
        '../../outside.txt',
        '..%2fprivate.txt',
        '..%2F..%2Foutside.txt',
        '%2e%2e/private.txt',
        '%2e%2e%2fprivate.txt',
        '%2E%2E%2F%2E%2E%2Foutside.txt',
        '.%2e/private.txt',
        '..%5cprivate.txt',
        '..\\private.txt',
        '%252e%252e%252fprivate.txt',
        '..%00/private.txt',
        'a-1.js/../../private.txt',
        './../private.txt',
        '..//../outside.txt',
        '..%2f..%2foutside.txt?download=1',
      ];
      const answers: [string, number, boolean][] = [];
      for (const prefix of ['/console/assets/', '/console/'])
        for (const climb of climbs) {
          const res = await rawGet(port, prefix + climb);
          answers.push([prefix + climb, res.status, res.body.includes(MARKER)]);
        }
      expect(answers.filter(([, status, leaked]) => status >= 500 || leaked)).toEqual([]);
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
