import { expect } from 'chai';
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { generateCertificate } from '../../fixtures/tcp-peers';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import { compileIngress, effectiveIngress } from '../../../runtime/dataplane/security-group';
import { OPEN_INGRESS } from '../../../lib';
import {
  albResources,
  applyOk,
  clientFrom,
  fetchText,
  freePort,
  LB_ADDRESS,
  metricValue,
  newDataPlane,
  startHttpBackend,
  type HttpBackend,
} from './http-fixtures';
import type { Registry } from 'prom-client';
import { rawClient, responsesOf } from './http-raw';

/** Connects from `localAddress` and reports whether the listener closed the connection without a byte. */
async function refusedFrom(localAddress: string, port: number): Promise<boolean> {
  const socket = net.connect({ host: LB_ADDRESS, port, localAddress });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    socket.end();
  });
  await once(socket, 'close');
  return received === 0;
}

describe('Security groups', function () {
  describe('compileIngress', function () {
    it('allows a source inside a rule whose port range covers the listener', function () {
      const check = compileIngress(
        [
          { cidr: '10.0.0.0/8', protocol: 'TCP', fromPort: 80, toPort: 80 },
          { cidr: '192.168.1.0/24', protocol: 'ALL', fromPort: 1000, toPort: 2000 },
        ],
        80,
      );
      expect(check('10.1.2.3')).to.equal(true);
      expect(check('::ffff:10.1.2.3')).to.equal(true);
      expect(check('192.168.1.5')).to.equal(false);
      expect(check('11.0.0.1')).to.equal(false);
      expect(check('::1')).to.equal(false);
      expect(check(undefined)).to.equal(false);
      expect(
        compileIngress(
          [{ cidr: '192.168.1.0/24', protocol: 'ALL', fromPort: 1000, toPort: 2000 }],
          1500,
        )('192.168.1.200'),
      ).to.equal(true);
    });

    it('treats a load balancer without security groups as open, and one with empty groups as closed', function () {
      expect(effectiveIngress([])).to.deep.equal([OPEN_INGRESS]);
      expect(compileIngress(effectiveIngress([[]]), 80)('10.0.0.1')).to.equal(false);
    });
  });

  describe('at accept', function () {
    let backend: HttpBackend;
    let dataPlane: DataPlane;
    let registry: Registry;
    let port: number;

    before(async function () {
      backend = await startHttpBackend('a');
      ({ dataPlane, registry } = newDataPlane());
      port = await freePort();
      await applyOk(dataPlane, albResources({ port, servers: [{ backend }], ingress: [{ cidr: '127.0.0.2/32' }] }));
    });

    after(async function () {
      await dataPlane.stop(500);
      await backend.close();
    });

    it('closes connections from addresses no rule allows, counts them, and serves allowed ones', async function () {
      const hits = backend.hits;
      expect(await refusedFrom('127.0.0.3', port)).to.equal(true);
      expect(await refusedFrom('127.0.0.4', port)).to.equal(true);
      expect(backend.hits).to.equal(hits);
      expect(await metricValue(registry, 'albkit_listener_refused_connections_total{listener="lb/listener"}')).to.equal(
        2,
      );
      const allowed = clientFrom('127.0.0.2');
      try {
        expect((await fetchText(allowed, `http://${LB_ADDRESS}:${port}/`)).body).to.equal('a');
      } finally {
        await allowed.close();
      }
    });

    it('refuses before the TLS handshake on an HTTPS listener', async function () {
      this.timeout(20000);
      const certificate = await generateCertificate();
      const { dataPlane: plane, registry: metrics } = newDataPlane();
      const httpsPort = await freePort();
      try {
        await applyOk(
          plane,
          albResources({
            port: httpsPort,
            servers: [{ backend }],
            ingress: [{ cidr: '127.0.0.2/32' }],
            listener: { protocol: 'HTTPS', certificate: { certPem: certificate.cert, keyPem: certificate.key } },
          }),
        );
        const refused = tls.connect({
          socket: net.connect({ host: LB_ADDRESS, port: httpsPort, localAddress: '127.0.0.3' }),
          rejectUnauthorized: false,
        });
        const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
        expect(error.code).to.be.oneOf(['ECONNRESET', 'EPIPE']);
        expect(
          await metricValue(metrics, 'albkit_listener_refused_connections_total{listener="lb/listener"}'),
        ).to.equal(1);
        const allowed = tls.connect({
          socket: net.connect({ host: LB_ADDRESS, port: httpsPort, localAddress: '127.0.0.2' }),
          rejectUnauthorized: false,
        });
        await once(allowed, 'secureConnect');
        allowed.destroy();
      } finally {
        await plane.stop(500);
      }
    });

    it('refuses by port: a rule for other ports does not open this listener', async function () {
      await applyOk(
        dataPlane,
        albResources({ port, servers: [{ backend }], ingress: [{ fromPort: port + 1, toPort: port + 10 }] }),
      );
      expect(await refusedFrom('127.0.0.2', port)).to.equal(true);
      await applyOk(
        dataPlane,
        albResources({ port, servers: [{ backend }], ingress: [{ fromPort: port, toPort: port }] }),
      );
      expect(await refusedFrom('127.0.0.2', port)).to.equal(false);
    });
  });

  describe('on a change', function () {
    for (const protocol of ['HTTP', 'TCP'] as const) {
      it(`closes the open ${protocol} connections the new rules no longer allow, and keeps serving the others`, async function () {
        const backend = await startHttpBackend('a');
        const { dataPlane: plane } = newDataPlane();
        const port = await freePort();
        const resources = (cidr: string) =>
          albResources({
            port,
            servers: [{ backend }],
            ingress: [{ cidr }],
            ...(protocol === 'TCP' ? { listener: { protocol: 'TCP' }, backend: { protocol: 'TCP' } } : {}),
          });
        try {
          await applyOk(plane, resources('127.0.0.0/24'));
          const kept = await rawClient(port, '127.0.0.2');
          const dropped = await rawClient(port, '127.0.0.3');
          for (const client of [kept, dropped]) {
            client.socket.write('GET /1 HTTP/1.1\r\nHost: lb\r\n\r\n');
            expect((await responsesOf(client, 1)).map((response) => response.body)).to.deep.equal(['a']);
          }
          await applyOk(plane, resources('127.0.0.2/32'));
          await dropped.closed;
          kept.socket.write('GET /2 HTTP/1.1\r\nHost: lb\r\n\r\n');
          expect((await responsesOf(kept, 2)).map((response) => response.body)).to.deep.equal(['a', 'a']);
          kept.socket.destroy();
          expect(await refusedFrom('127.0.0.3', port)).to.equal(true);
        } finally {
          await plane.stop(500);
          await backend.close();
        }
      });
    }
  });
});
