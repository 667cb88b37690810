import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpTransport } from './http.transport';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The keep-alive pool against a server that closes idle connections after 2 s and says so in `Keep-Alive`. */
describe('HttpTransport keep-alive', () => {
  let server: Server;
  let url: URL;
  let connections = 0;
  const transport = new HttpTransport(4);

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    server.keepAliveTimeout = 2000;
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
    // 1.2 s idle: the server would still take it (it closes at 2 s), but a request sent near its close would be
    // lost with the connection: the pool has let it go and opens a new one.
    await sleep(1200);
    expect(await post()).toMatchObject({ status: 200 });
    expect(connections).toBe(2);
  });
});
