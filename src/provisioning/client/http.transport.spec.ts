import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpTransport } from './http.transport';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The keep-alive pool against a server whose `Keep-Alive` hint says it closes idle connections after 2 s. The server
 * itself keeps them for 10 s: a second connection can then only be the client's doing, even when a loaded machine
 * stalls the test past the hint (a server that closed at 2 s would make `connections` 2 by itself).
 */
describe('HttpTransport keep-alive', () => {
  let server: Server;
  let url: URL;
  let connections = 0;
  const transport = new HttpTransport(4);

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      // Set by hand, the header replaces the one Node derives from keepAliveTimeout.
      res.setHeader('Keep-Alive', 'timeout=2');
      req.on('end', () => res.end('{}'));
    });
    server.keepAliveTimeout = 10_000;
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/Users`);
  });

  afterAll(async () => {
    transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = () =>
    transport.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/scim+json' },
      body: '{}',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
    });

  it("reuses a connection while it is fresh, and drops it a second before the server's keep-alive timeout", async () => {
    connections = 0;
    expect(await post()).toMatchObject({ status: 200 });
    expect(await post()).toMatchObject({ status: 200 });
    expect(connections).toBe(1);
    // 1.2 s idle: by its hint the server would still take it (it says it closes at 2 s), but a request sent near
    // that close would be lost with the connection: the pool has let it go and opens a new one.
    await sleep(1200);
    expect(await post()).toMatchObject({ status: 200, headers: { 'keep-alive': 'timeout=2' } });
    expect(connections).toBe(2);
  });
});

/** Retiring a transport (a target's settings changed) while its requests are out, some waiting for a connection. */
describe('HttpTransport close', () => {
  let server: Server;
  let url: URL;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.end('{}'), 100));
    });
    // Idle connections stay open on the server's side well past the 2 s the test waits for them to close.
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/Users`);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('lets every request out finish, those waiting in the pool too, and keeps no connection after', async () => {
    const transport = new HttpTransport(1);
    const get = () =>
      transport.send({ method: 'GET', url, headers: {}, timeoutMs: 2000, maxResponseBytes: 1024 });
    const out = Promise.all([get(), get(), get()]);
    await sleep(30);
    transport.close();
    expect((await out).map((o) => ('status' in o ? o.status : o.failure.message))).toEqual([200, 200, 200]);
    // The client's sockets close as their requests end; the server notices a moment later (within 2 s: the server
    // would keep an idle connection for 5 s).
    const open = () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
      );
    const deadline = Date.now() + 2000;
    while ((await open()) > 0 && Date.now() < deadline) await sleep(10);
    expect(await open()).toBe(0);
  });
});
