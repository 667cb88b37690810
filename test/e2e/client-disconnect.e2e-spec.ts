import * as net from 'node:net';
import { Logger, LoggerService } from '@nestjs/common';
import { SCIM_TOKEN, startTestApp, TestApp } from '../support/test-app';

describe('A client that disconnects mid-request', () => {
  let t: TestApp;
  const entries: { level: string; text: string }[] = [];
  const capture =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) => {
      entries.push({ level, text: JSON.stringify([message, ...rest]) });
    };
  const capturing: LoggerService = {
    log: capture('log'),
    error: capture('error'),
    warn: capture('warn'),
    debug: capture('debug'),
    verbose: capture('verbose'),
    fatal: capture('fatal'),
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    // The error filter logs through Nest's static Logger, which writes to the logger given here.
    Logger.overrideLogger(capturing);
  });
  afterAll(async () => {
    Logger.overrideLogger(false);
    await t.close();
  });

  /** Sends the headers and part of a body, then drops the connection. */
  async function abandonRequest(): Promise<void> {
    const { port } = t.app.getHttpServer().address() as net.AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          [
            'POST /scim/v2/Users HTTP/1.1',
            'Host: 127.0.0.1',
            `Authorization: Bearer ${SCIM_TOKEN}`,
            'Content-Type: application/scim+json',
            'Content-Length: 1000',
            '',
            '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"gone',
          ].join('\r\n'),
        );
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
  }

  it('is logged at debug, without a stack, and never at error level', async () => {
    entries.length = 0;
    await abandonRequest();
    for (let i = 0; i < 50 && !entries.some((e) => e.level === 'debug'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(entries.filter((e) => e.level === 'error' || e.level === 'fatal')).toEqual([]);
    const debug = entries.filter((e) => e.level === 'debug');
    expect(debug).toEqual([
      expect.objectContaining({ text: expect.stringMatching(/closed the connection/) }),
    ]);
    expect(debug[0].text).not.toMatch(/\bat /);
    const users = await t.scim('get', '/Users').query({ filter: 'userName sw "gone"' }).expect(200);
    expect(users.body.totalResults).toBe(0);
  });
});
