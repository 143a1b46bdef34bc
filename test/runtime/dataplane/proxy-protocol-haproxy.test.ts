import { expect } from 'chai';
import { once } from 'node:events';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { proxyV1Header, PROXY_V1_UNKNOWN } from '../../../runtime/dataplane/proxy-protocol';
import { createTcpListener, type TcpListenerRuntime } from '../../../runtime/dataplane/tcp-listener';
import { startHaproxy, type RunningHaproxy } from '../../fixtures/tcp-haproxy';
import { Children, generateCertificate, portOf, readAll, TestPool, tcpListenerConfig } from '../../fixtures/tcp-peers';

/** HAProxy in HTTP mode behind an `accept-proxy` bind, passing the addresses it was told on to the app. */
function haproxyConfig(appPort: number): (port: number) => string {
  return (port) => `global
  maxconn 100
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend proxied
  bind 127.0.0.1:${port} accept-proxy
  http-request set-header X-Src %[src]
  http-request set-header X-Src-Port %[src_port]
  http-request set-header X-Dst %[dst]
  http-request set-header X-Dst-Port %[dst_port]
  default_backend app
backend app
  server app 127.0.0.1:${appPort}
`;
}

/** The addresses HAProxy reported, as the app saw them. */
interface Seen {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

const REQUEST = 'GET / HTTP/1.1\r\nHost: albkit.test\r\nConnection: close\r\n\r\n';

/** The body of the HTTP response on `socket` (after `request` is written), parsed as the app's JSON. */
async function exchange(socket: Socket, request: string): Promise<{ status: number; seen?: Seen }> {
  socket.end(request);
  const text = (await readAll(socket)).toString();
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return { status, seen: status === 200 ? (JSON.parse(body) as Seen) : undefined };
}

describe('PROXY protocol v1 read by HAProxy', function () {
  this.timeout(20_000);
  const children = new Children();
  let app: http.Server;
  let requests = 0;
  let haproxy: RunningHaproxy;
  const listeners: TcpListenerRuntime[] = [];

  before(async () => {
    app = http.createServer((request, response) => {
      requests++;
      const header = (name: string): string => String(request.headers[name]);
      const seen: Seen = {
        src: header('x-src'),
        srcPort: Number(header('x-src-port')),
        dst: header('x-dst'),
        dstPort: Number(header('x-dst-port')),
      };
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(seen));
    });
    app.listen(0, '127.0.0.1');
    await once(app, 'listening');
    haproxy = await startHaproxy(children, haproxyConfig(portOf(app)));
  });

  after(async () => {
    await Promise.all(listeners.splice(0).map((listener) => listener.stop(0)));
    await children.stopAll();
    haproxy?.cleanup();
    app?.close();
  });

  async function listenerInFront(options: {
    proxyProtocol: boolean;
    tls?: { cert: string; key: string };
  }): Promise<number> {
    const listener = createTcpListener(
      tcpListenerConfig({
        pool: new TestPool([haproxy.port]),
        protocol: options.tls === undefined ? 'TCP' : 'TLS',
        tls: options.tls,
        backend: { proxyProtocol: options.proxyProtocol },
      }),
    );
    listeners.push(listener);
    await listener.start();
    return listener.boundAddresses[0]!.port;
  }

  it('is accepted, and HAProxy reports the client 127.0.0.5 and the listener address it reached', async () => {
    const port = await listenerInFront({ proxyProtocol: true });
    const client = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.5', allowHalfOpen: true });
    await once(client, 'connect');
    const clientPort = client.localPort;
    const { status, seen } = await exchange(client, REQUEST);
    expect(status).to.equal(200);
    expect(seen).to.deep.equal({ src: '127.0.0.5', srcPort: clientPort, dst: '127.0.0.1', dstPort: port });
  });

  it('is sent after TLS termination too, with the TLS client address', async () => {
    const certificate = await generateCertificate();
    const port = await listenerInFront({ proxyProtocol: true, tls: certificate });
    const tcp = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.6' });
    const client = tlsConnect({ socket: tcp, ca: certificate.cert, servername: 'localhost' });
    await once(client, 'secureConnect');
    const { status, seen } = await exchange(client, REQUEST);
    expect(status).to.equal(200);
    expect(seen?.src).to.equal('127.0.0.6');
    expect(seen?.dstPort).to.equal(port);
  });

  it('is required: HAProxy refuses a connection from a listener that does not send it', async () => {
    const before = requests;
    const port = await listenerInFront({ proxyProtocol: false });
    const client = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.5', allowHalfOpen: true });
    await once(client, 'connect');
    client.on('error', () => undefined);
    const { status } = await exchange(client, REQUEST).catch(() => ({ status: 0 }));
    expect(status).to.equal(0);
    expect(requests).to.equal(before);
  });

  it('writes TCP6, IPv4-mapped and UNKNOWN lines HAProxy parses as the specification says', async () => {
    const cases: Array<{ header: string; src: string; srcPort: number }> = [
      {
        header: proxyV1Header({ address: '2001:db8::1', port: 40000 }, { address: '2001:db8::2', port: 8443 }),
        src: '2001:db8::1',
        srcPort: 40000,
      },
      {
        header: proxyV1Header({ address: '::ffff:10.1.2.3', port: 40001 }, { address: '10.0.0.1', port: 8443 }),
        src: '10.1.2.3',
        srcPort: 40001,
      },
      {
        header: proxyV1Header({ address: '10.1.2.4', port: 40002 }, { address: '2001:db8::2', port: 8443 }),
        src: '::ffff:10.1.2.4',
        srcPort: 40002,
      },
    ];
    for (const { header, src, srcPort } of cases) {
      const socket = connect({ host: '127.0.0.1', port: haproxy.port, allowHalfOpen: true });
      await once(socket, 'connect');
      const { status, seen } = await exchange(socket, header + REQUEST);
      expect(status, header).to.equal(200);
      expect(seen?.src, header).to.equal(src);
      expect(seen?.srcPort, header).to.equal(srcPort);
    }
    const unknown = connect({ host: '127.0.0.1', port: haproxy.port, localAddress: '127.0.0.7', allowHalfOpen: true });
    await once(unknown, 'connect');
    const { status, seen } = await exchange(unknown, PROXY_V1_UNKNOWN + REQUEST);
    expect(status).to.equal(200);
    expect(seen?.src).to.equal('127.0.0.7');
  });
});
