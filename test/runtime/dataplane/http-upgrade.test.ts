import { expect } from 'chai';
import { once } from 'node:events';
import type http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import { generateCertificate } from '../../fixtures/tcp-peers';
import { albResources, applyOk, freePort, LB_ADDRESS, newDataPlane, startHttpBackend, type HttpBackend } from './http-fixtures';

/** Connects to the listener (over TLS if asked) and sends an upgrade request; resolves with the socket and the answer's head. */
async function upgrade(port: number, secure = false): Promise<{ socket: net.Socket; head: string }> {
  const socket = secure ? tls.connect({ host: LB_ADDRESS, port, rejectUnauthorized: false }) : net.connect({ host: LB_ADDRESS, port });
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
      await applyOk(plane, albResources({ port: other, servers: [{ backend }], listener: { protocol: 'HTTPS', certificate: { certPem: certificate.cert, keyPem: certificate.key } } }));
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
      await applyOk(plane, albResources({ port: other, servers: [{ backend: { name: 'gone', port: closed } as HttpBackend }], backend: { healthCheck: { enabled: false } } }));
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
});
