import { expect } from 'chai';
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { Agent } from 'undici';
import { generateCertificate } from '../../fixtures/tcp-peers';
import {
  albResources,
  applyOk,
  clientFrom,
  fetchText,
  freePort,
  LB_ADDRESS,
  metricValue,
  newDataPlane,
  sleep,
  startHttpBackend,
  startHttpBackends,
  type HttpBackend,
} from './http-fixtures';
import type { Registry } from 'prom-client';

const REQUEST = 'GET / HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n';

/** Sends one request on `socket` and reads until the proxy closes it; the bytes received. */
async function exchange(socket: net.Socket | tls.TLSSocket, request: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.write(request);
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Polls the registry until `series` passes `done` (or 2 s pass); resolves with the last value read. */
async function settled(
  registry: Registry,
  series: string,
  done: (value: number | undefined) => boolean,
): Promise<number | undefined> {
  const until = Date.now() + 2000;
  let last = await metricValue(registry, series);
  while (!done(last) && Date.now() < until) {
    await sleep(25);
    last = await metricValue(registry, series);
  }
  return last;
}

describe('DataPlane metrics of HTTP listeners', function () {
  this.timeout(20000);
  let backends: HttpBackend[];

  before(async function () {
    backends = await startHttpBackends(['a', 'b']);
  });

  after(async function () {
    await Promise.all(backends.map((backend) => backend.close()));
  });

  it('counts requests per server and the exact bytes of closed client connections per listener', async function () {
    const { dataPlane, registry } = newDataPlane();
    const port = await freePort();
    const [a, b] = backends as [HttpBackend, HttpBackend];
    try {
      await applyOk(
        dataPlane,
        albResources({
          port,
          servers: [
            { backend: a, weight: 3 },
            { backend: b, weight: 1 },
          ],
        }),
      );
      let received = 0;
      for (let i = 0; i < 8; i++) {
        const socket = net.connect({ host: LB_ADDRESS, port, localAddress: `127.0.0.${2 + (i % 3)}` });
        const answer = await exchange(socket, REQUEST);
        expect(answer.toString('latin1')).to.match(/^HTTP\/1\.1 200 OK\r\n/);
        received += answer.length;
      }
      const perServer = (server: string): Promise<number | undefined> =>
        metricValue(
          registry,
          `albkit_server_requests_total{backend_service="lb/backend",server="lb/servers/${server}"}`,
        );
      expect(await perServer('a')).to.equal(6);
      expect(await perServer('b')).to.equal(2);
      expect(
        await metricValue(
          registry,
          'albkit_server_connections_total{backend_service="lb/backend",server="lb/servers/a"}',
        ),
      ).to.equal(undefined);
      expect(await metricValue(registry, 'albkit_listener_connections_total{listener="lb/listener"}')).to.equal(8);
      expect(await metricValue(registry, 'albkit_http_responses_total{listener="lb/listener",code="2xx"}')).to.equal(8);
      const bytes = (direction: string): string =>
        `albkit_listener_bytes_total{listener="lb/listener",direction="${direction}"}`;
      expect(await settled(registry, bytes('from_clients'), (value) => value === 8 * REQUEST.length)).to.equal(
        8 * REQUEST.length,
      );
      expect(await settled(registry, bytes('to_clients'), (value) => value === received)).to.equal(received);
    } finally {
      await dataPlane.stop(0);
    }
  });

  it('counts the bytes of open keep-alive connections at scrape time', async function () {
    const { dataPlane, registry } = newDataPlane();
    const port = await freePort();
    await applyOk(dataPlane, albResources({ port, servers: [{ backend: backends[0]! }] }));
    const socket = net.connect({ host: LB_ADDRESS, port, localAddress: '127.0.0.5' });
    try {
      const request = 'GET / HTTP/1.1\r\nHost: lb\r\n\r\n';
      socket.write(request);
      const [answer] = (await once(socket, 'data')) as [Buffer];
      expect(answer.toString('latin1')).to.match(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\na$/);
      const bytes = (direction: string): Promise<number | undefined> =>
        metricValue(registry, `albkit_listener_bytes_total{listener="lb/listener",direction="${direction}"}`);
      expect(await bytes('from_clients')).to.equal(request.length);
      expect(await bytes('to_clients')).to.equal(answer.length);
      socket.write(request);
      const [again] = (await once(socket, 'data')) as [Buffer];
      expect(await bytes('from_clients')).to.equal(2 * request.length);
      expect(await bytes('to_clients')).to.equal(answer.length + again.length);
      // Closed, the connection's bytes stay counted, once.
      socket.destroy();
      await sleep(100);
      expect(await bytes('from_clients')).to.equal(2 * request.length);
      expect(await bytes('to_clients')).to.equal(answer.length + again.length);
    } finally {
      socket.destroy();
      await dataPlane.stop(0);
    }
  });

  it('counts every attempt of a retried request against the server it went to', async function () {
    let crashed = 0;
    // Health checks (HEAD) pass; traffic (GET) is reset.
    const crashing = await startHttpBackend('crashing', (req, res) => {
      if (req.method === 'HEAD') return void res.end();
      crashed++;
      req.socket.destroy();
    });
    const [a] = backends as [HttpBackend];
    const { dataPlane, registry } = newDataPlane();
    const port = await freePort();
    const client = clientFrom();
    try {
      await applyOk(dataPlane, albResources({ port, servers: [{ backend: crashing }, { backend: a }] }));
      for (let i = 0; i < 4; i++) expect((await fetchText(client, `http://${LB_ADDRESS}:${port}/`)).body).to.equal('a');
      const perServer = (server: string): Promise<number | undefined> =>
        metricValue(
          registry,
          `albkit_server_requests_total{backend_service="lb/backend",server="lb/servers/${server}"}`,
        );
      const retries = await metricValue(registry, 'albkit_http_retries_total{listener="lb/listener"}');
      expect(crashed).to.be.at.least(1);
      expect(await perServer('crashing')).to.equal(crashed);
      expect(await perServer('a')).to.equal(4);
      expect(retries).to.equal(crashed);
    } finally {
      await client.close();
      await dataPlane.stop(0);
      await crashing.close();
    }
  });

  it('keeps a listener’s series when it is rebound from HTTP to HTTPS and the old listener finishes draining', async function () {
    const slow = await startHttpBackend('slow', (req, res) => {
      req.resume();
      setTimeout(() => res.end('slow'), 300);
    });
    const { dataPlane, registry } = newDataPlane();
    const port = await freePort();
    const certificate = await generateCertificate();
    const client = clientFrom();
    const https = new Agent({ connect: { rejectUnauthorized: false } });
    const series = {
      ok: 'albkit_http_responses_total{listener="lb/listener",code="2xx"}',
      accepted: 'albkit_listener_connections_total{listener="lb/listener"}',
      fromClients: 'albkit_listener_bytes_total{listener="lb/listener",direction="from_clients"}',
    };
    try {
      await applyOk(dataPlane, albResources({ port, servers: [{ backend: slow }] }));
      const inFlight = fetchText(client, `http://${LB_ADDRESS}:${port}/`);
      await sleep(100);
      const listener = { protocol: 'HTTPS', certificate: { certPem: certificate.cert, keyPem: certificate.key } };
      await applyOk(dataPlane, albResources({ port, servers: [{ backend: slow }], listener }));
      expect(await inFlight).to.include({ status: 200, body: 'slow' });
      // The old listener closes the now idle connection and stops; its stop must not erase the new one's series.
      await client.close();
      await sleep(200);
      expect(await fetchText(https, `https://${LB_ADDRESS}:${port}/`)).to.include({ status: 200, body: 'slow' });
      const before = (await metricValue(registry, series.fromClients)) ?? 0;
      const socket = tls.connect({ host: LB_ADDRESS, port, rejectUnauthorized: false });
      const answer = await exchange(socket, REQUEST);
      expect(answer.toString('latin1')).to.match(/^HTTP\/1\.1 200 OK\r\n/);
      expect(await metricValue(registry, series.ok)).to.equal(3);
      expect(await metricValue(registry, series.accepted)).to.equal(3);
      // The bytes inside TLS, as for TLS listeners: exactly the request, not the records and handshake.
      const expected = before + REQUEST.length;
      expect(await settled(registry, series.fromClients, (value) => value === expected)).to.equal(expected);
    } finally {
      await https.close();
      await dataPlane.stop(0);
      await slow.close();
    }
  });
});
