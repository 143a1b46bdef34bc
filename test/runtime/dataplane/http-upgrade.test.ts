import { expect } from 'chai';
import { once } from 'node:events';
import type http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import { generateCertificate } from '../../fixtures/tcp-peers';
import { startByteLogServer, type ByteLogServer } from './byte-log-server';
import {
  albResources,
  applyOk,
  freePort,
  LB_ADDRESS,
  newDataPlane,
  startHttpBackend,
  type HttpBackend,
} from './http-fixtures';
import { rawClient, responsesOf } from './http-raw';

/** A server that answers every request `101 Switching Protocols` to `protocol`, then echoes. */
async function alwaysSwitching(protocol: string): Promise<{ backend: HttpBackend; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: ${protocol}\r\n\r\n`);
      socket.pipe(socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    backend: { name: 'switching', port: (server.address() as net.AddressInfo).port } as HttpBackend,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** The value of header `name` among a request's raw fields, or undefined. */
function field(headers: readonly string[], name: string): string | undefined {
  const at = headers.findIndex((item, i) => i % 2 === 0 && item.toLowerCase() === name);
  return at < 0 ? undefined : headers[at + 1];
}

/** Connects to the listener (over TLS if asked) and sends an upgrade request; resolves with the socket and the answer's head. */
async function upgrade(port: number, secure = false): Promise<{ socket: net.Socket; head: string }> {
  const socket = secure
    ? tls.connect({ host: LB_ADDRESS, port, rejectUnauthorized: false })
    : net.connect({ host: LB_ADDRESS, port });
  await once(socket, secure ? 'secureConnect' : 'connect');
  socket.write('GET /chat HTTP/1.1\r\nHost: lb\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
  let text = '';
  while (!text.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    text += chunk.toString('latin1');
  }
  return { socket, head: text };
}

describe('HTTP upgrades', function () {
  let backend: HttpBackend;
  let upgradeRequest: http.IncomingMessage | undefined;
  let dataPlane: DataPlane;
  let port: number;

  before(async function () {
    backend = await startHttpBackend('plain');
    backend.server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
      upgradeRequest = req;
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
      socket.pipe(socket);
    });
    ({ dataPlane } = newDataPlane());
    port = await freePort();
    await applyOk(dataPlane, albResources({ port, servers: [{ backend }] }));
  });

  after(async function () {
    await dataPlane.stop(500);
    await backend.close();
  });

  it('tunnels an upgraded connection to the server, with X-Forwarded-For', async function () {
    const { socket, head } = await upgrade(port);
    expect(head).to.match(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(upgradeRequest!.headers.upgrade).to.equal('echo');
    expect(upgradeRequest!.headers['x-forwarded-for']).to.equal('127.0.0.1');
    socket.write('ping');
    const [echoed] = (await once(socket, 'data')) as [Buffer];
    expect(echoed.toString()).to.equal('ping');
    expect(dataPlane.health()['lb/backend']![0]!.active).to.equal(1);
    // Many reads into the listener's shared read buffer: each must reach the server intact.
    const big = Array.from({ length: 20000 }, (_, i) => `${i},`).join('');
    socket.write(big);
    let received = '';
    while (received.length < big.length) received += ((await once(socket, 'data')) as [Buffer])[0].toString();
    expect(received).to.equal(big);
    socket.destroy();
    while (dataPlane.health()['lb/backend']![0]!.active !== 0) await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('tunnels over HTTPS too, both ways, until the client closes', async function () {
    const { dataPlane: plane } = newDataPlane();
    const other = await freePort();
    const certificate = await generateCertificate();
    try {
      await applyOk(
        plane,
        albResources({
          port: other,
          servers: [{ backend }],
          listener: { protocol: 'HTTPS', certificate: { certPem: certificate.cert, keyPem: certificate.key } },
        }),
      );
      const { socket, head } = await upgrade(other, true);
      expect(head).to.match(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      expect(upgradeRequest!.headers['x-forwarded-proto']).to.equal('https');
      const big = 'x'.repeat(200000);
      socket.write(big);
      let echoed = '';
      while (echoed.length < big.length) echoed += ((await once(socket, 'data')) as [Buffer])[0].toString();
      expect(echoed).to.equal(big);
      socket.destroy();
      while (plane.health()['lb/backend']![0]!.active !== 0) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await plane.stop(500);
    }
  });

  it('answers 502 when the server cannot be reached', async function () {
    const { dataPlane: plane } = newDataPlane();
    const other = await freePort();
    const closed = await freePort();
    try {
      await applyOk(
        plane,
        albResources({
          port: other,
          servers: [{ backend: { name: 'gone', port: closed } }],
          backend: { healthCheck: { enabled: false } },
        }),
      );
      const { head } = await upgrade(other);
      expect(head).to.match(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    } finally {
      await plane.stop(500);
    }
  });

  it('closes open tunnels when the listener stops at its deadline', async function () {
    const { dataPlane: plane } = newDataPlane();
    const other = await freePort();
    await applyOk(plane, albResources({ port: other, servers: [{ backend }] }));
    const { socket } = await upgrade(other);
    const closed = once(socket, 'close');
    await plane.stop(200);
    await closed;
  });

  describe('answered without a switch (a server logging the bytes it receives)', function () {
    let server: ByteLogServer;
    let plane: DataPlane;
    let other: number;

    before(async function () {
      server = await startByteLogServer();
      ({ dataPlane: plane } = newDataPlane({ httpLimits: { maxHeaderBytes: 1024 } }));
      other = await freePort();
      await applyOk(
        plane,
        albResources({
          port: other,
          servers: [{ backend: { name: 'log', port: server.port } }],
          backend: { healthCheck: { enabled: false } },
        }),
      );
    });

    beforeEach(function () {
      server.requests.length = 0;
    });

    after(async function () {
      await plane.stop(500);
      server.close();
    });

    for (const protocol of ['websocket', 'h2c']) {
      it(`parses the requests after an Upgrade: ${protocol} answered 200 as requests (X-Forwarded-For appended, limits applied)`, async function () {
        const client = await rawClient(other, '127.0.0.2');
        const settings = protocol === 'h2c' ? 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n' : '';
        client.socket.write(
          `GET /up HTTP/1.1\r\nHost: lb\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: ${protocol}\r\n${settings}\r\nGET /admin HTTP/1.1\r\nHost: lb\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n`,
        );
        expect((await responsesOf(client, 2)).map((response) => response.body)).to.deep.equal([
          'GET /up',
          'GET /admin',
        ]);
        client.socket.write(`GET /later HTTP/1.1\r\nHost: lb\r\nX-Big: ${'x'.repeat(2000)}\r\n\r\n`);
        const responses = await responsesOf(client, 3);
        client.socket.destroy();
        expect(responses[2]!.status).to.equal(431);
        expect(server.requests.map((request) => request.url)).to.deep.equal(['/up', '/admin']);
        expect(field(server.requests[1]!.headers, 'x-forwarded-for')).to.equal('10.0.0.1, 127.0.0.2');
        if (protocol === 'h2c') {
          // Not an upgrade the listener carries: forwarded as an ordinary request.
          expect(field(server.requests[0]!.headers, 'upgrade')).to.equal(undefined);
          expect(field(server.requests[0]!.headers, 'http2-settings')).to.equal(undefined);
          expect(field(server.requests[0]!.headers, 'connection')).to.equal(undefined);
        } else {
          expect(field(server.requests[0]!.headers, 'upgrade')).to.equal('websocket');
        }
      });
    }
  });

  it('does not tunnel a 101 to a request that asked for no upgrade, or for another protocol, or for h2c (502)', async function () {
    const switching = await alwaysSwitching('websocket');
    const { dataPlane: plane } = newDataPlane();
    const other = await freePort();
    try {
      await applyOk(
        plane,
        albResources({
          port: other,
          servers: [{ backend: switching.backend }],
          backend: { healthCheck: { enabled: false } },
        }),
      );
      for (const request of [
        'GET /plain HTTP/1.1\r\nHost: lb\r\n\r\n',
        'GET /other HTTP/1.1\r\nHost: lb\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n',
        'GET /h2c HTTP/1.1\r\nHost: lb\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n',
      ]) {
        const client = await rawClient(other);
        client.socket.write(request);
        const [response] = await responsesOf(client, 1);
        client.socket.destroy();
        expect(response?.status, request).to.equal(502);
      }
      const { head } = await upgradeTo(other, 'websocket');
      expect(head).to.match(/^HTTP\/1\.1 101 /);
    } finally {
      await plane.stop(500);
      switching.close();
    }
  });
});

/** Sends an upgrade request for `protocol`; resolves with the answer's head. */
async function upgradeTo(port: number, protocol: string): Promise<{ socket: net.Socket; head: string }> {
  const socket = net.connect({ host: LB_ADDRESS, port });
  await once(socket, 'connect');
  socket.write(`GET /ws HTTP/1.1\r\nHost: lb\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\n\r\n`);
  let text = '';
  while (!text.includes('\r\n\r\n')) text += ((await once(socket, 'data')) as [Buffer])[0].toString('latin1');
  socket.destroy();
  return { socket, head: text };
}
