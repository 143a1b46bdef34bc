import { expect } from 'chai';
import { once } from 'node:events';
import http from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { validateResources, type Resource } from '../../../lib';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import {
  Children,
  closesWithin,
  connectFrom,
  freeRangePort,
  generateCertificate,
  greetingFrom,
  readAll,
  startBackend,
  startNamedBackend,
  type TestBackend,
} from '../../fixtures/tcp-peers';
import { startHaproxy } from '../../fixtures/tcp-haproxy';
import { applyOk, metricValue, newDataPlane } from './http-fixtures';

/** A fast TCP health check: a server is out after 2 failed connects 200 ms apart, back after 2 good ones. */
const FAST_CHECK = { intervalMs: 200, timeoutMs: 100, unhealthyThreshold: 2, healthyThreshold: 2 };

interface TcpAlbOptions {
  port: number;
  servers: ReadonlyArray<{ name: string; port: number; weight?: number }>;
  backend?: Record<string, unknown>;
  listener?: Record<string, unknown>;
  ingress?: Array<Record<string, unknown>>;
}

/** A load balancer on 127.0.0.1 with one server group, a TCP backend service and a TCP (or TLS) listener. */
function tcpResources(options: TcpAlbOptions): Resource[] {
  return validateResources([
    { id: 'sg', kind: 'SecurityGroup', spec: options.ingress ? { ingress: options.ingress } : {} },
    {
      id: 'lb',
      kind: 'LoadBalancer',
      spec: {
        name: 'lb',
        zones: ['z1'],
        vpc: { cidr: '127.0.0.0/8' },
        subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
        securityGroups: ['sg'],
      },
    },
    {
      id: 'lb/servers',
      kind: 'ServerGroup',
      spec: { loadBalancer: 'lb', servers: options.servers.map((server) => ({ address: '127.0.0.1', ...server })) },
    },
    {
      id: 'lb/tcp-backend',
      kind: 'BackendService',
      spec: {
        loadBalancer: 'lb',
        protocol: 'TCP',
        port: 9000,
        serverGroups: ['lb/servers'],
        healthCheck: FAST_CHECK,
        ...options.backend,
      },
    },
    {
      id: 'lb/tcp',
      kind: 'Listener',
      spec: {
        loadBalancer: 'lb',
        protocol: 'TCP',
        port: options.port,
        backendService: 'lb/tcp-backend',
        ...options.listener,
      },
    },
  ]);
}

/** Polls `condition` every 25 ms until it holds or `ms` pass; resolves with whether it held. */
async function eventually(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

describe('DataPlane with TCP and TLS listeners', function () {
  this.timeout(20_000);
  let a: TestBackend;
  let b: TestBackend;
  let dataPlane: DataPlane;

  beforeEach(async () => {
    a = await startNamedBackend('a');
    b = await startNamedBackend('b');
    dataPlane = newDataPlane().dataPlane;
  });

  afterEach(async () => {
    await dataPlane.stop(0);
    await Promise.all([a.close(), b.close()]);
  });

  const healthy = (key: string): boolean | undefined =>
    dataPlane.health()['lb/tcp-backend']?.find((server) => server.key === key)?.healthy;

  it('binds the TCP listener and spreads connections over the servers by weight', async () => {
    const port = await freeRangePort();
    const servers = [
      { name: 'a', port: a.port, weight: 3 },
      { name: 'b', port: b.port, weight: 1 },
    ];
    const { dataPlane: measured, registry } = newDataPlane();
    dataPlane = measured;
    await applyOk(dataPlane, tcpResources({ port, servers }));
    const names: string[] = [];
    for (let i = 0; i < 8; i++) names.push(await greetingFrom(port));
    expect(names.filter((name) => name === 'a')).to.have.length(6);
    expect(names.filter((name) => name === 'b')).to.have.length(2);
    const perServer = (server: string): Promise<number | undefined> =>
      metricValue(
        registry,
        `albkit_server_connections_total{backend_service="lb/tcp-backend",server="lb/servers/${server}"}`,
      );
    expect(await perServer('a')).to.equal(6);
    expect(await perServer('b')).to.equal(2);
    expect(
      await metricValue(
        registry,
        'albkit_server_requests_total{backend_service="lb/tcp-backend",server="lb/servers/a"}',
      ),
    ).to.equal(undefined);
  });

  it('sends new connections to the server with the fewest live connections (weighted least connections)', async () => {
    const port = await freeRangePort();
    const servers = [
      { name: 'a', port: a.port },
      { name: 'b', port: b.port },
    ];
    await applyOk(dataPlane, tcpResources({ port, servers, backend: { algorithm: 'WEIGHTED_LEAST_CONNECTIONS' } }));
    const held = [await connectFrom(port), await connectFrom(port), await connectFrom(port)];
    const names = await Promise.all(
      held.map(async (socket) => ((await once(socket, 'data')) as [Buffer])[0].toString()),
    );
    const busier = names.filter((name) => name === 'a\n').length > 1 ? 'a' : 'b';
    const idler = busier === 'a' ? 'b' : 'a';
    // Two live connections on one server, one on the other: the next two go to the idler, then they alternate.
    expect(await greetingFrom(port)).to.equal(idler);
    held.filter((_socket, index) => names[index] === `${busier}\n`)[0]!.destroy();
    await eventually(() => dataPlane.health()['lb/tcp-backend']!.every((server) => server.active === 1), 2000);
    const next = [await greetingFrom(port), await greetingFrom(port)];
    expect(next.sort()).to.deep.equal(['a', 'b']);
    for (const socket of held) socket.destroy();
  });

  it('skips a server at its cap and closes a connection when every server is at it (maxConnectionsPerServer)', async () => {
    const port = await freeRangePort();
    const { dataPlane: measured, registry } = newDataPlane();
    dataPlane = measured;
    const servers = [
      { name: 'a', port: a.port },
      { name: 'b', port: b.port },
    ];
    await applyOk(dataPlane, tcpResources({ port, servers, backend: { maxConnectionsPerServer: 1 } }));
    const held = [await connectFrom(port), await connectFrom(port)];
    const names = await Promise.all(
      held.map(async (socket) => ((await once(socket, 'data')) as [Buffer])[0].toString()),
    );
    expect(names.sort()).to.deep.equal(['a\n', 'b\n']);
    expect((await readAll(await connectFrom(port))).length).to.equal(0);
    expect(await metricValue(registry, 'albkit_tcp_no_server_total{listener="lb/tcp"}')).to.equal(1);
    held[0]!.destroy();
    await eventually(() => dataPlane.health()['lb/tcp-backend']!.some((server) => server.active === 0), 5000);
    expect(['a', 'b']).to.include(await greetingFrom(port));
    held[1]!.destroy();
  });

  it('keeps each client address on one server (source IP)', async () => {
    const port = await freeRangePort();
    const servers = [
      { name: 'a', port: a.port },
      { name: 'b', port: b.port },
    ];
    await applyOk(dataPlane, tcpResources({ port, servers, backend: { algorithm: 'SOURCE_IP' } }));
    const seen = new Map<string, Set<string>>();
    for (let host = 2; host <= 9; host++) {
      const address = `127.0.0.${host}`;
      const names = new Set<string>();
      for (let i = 0; i < 3; i++) names.add(await greetingFrom(port, address));
      seen.set(address, names);
    }
    expect([...seen.values()].every((names) => names.size === 1)).to.equal(true);
    expect(new Set([...seen.values()].flatMap((names) => [...names])).size).to.equal(2);
  });

  it('takes a server that stops listening out after the thresholds, sends new connections elsewhere, and brings it back', async () => {
    const port = await freeRangePort();
    const servers = [
      { name: 'a', port: a.port },
      { name: 'b', port: b.port },
    ];
    await applyOk(dataPlane, tcpResources({ port, servers }));
    expect(await eventually(() => healthy('lb/servers/b') === true, 1000)).to.equal(true);
    await b.close();
    const started = Date.now();
    // Connections keep succeeding meanwhile: a refused connect is retried on the other server.
    const names: string[] = [];
    while (healthy('lb/servers/b') !== false && Date.now() - started < 3000) names.push(await greetingFrom(port));
    const downAfter = Date.now() - started;
    expect(healthy('lb/servers/b')).to.equal(false);
    expect(downAfter).to.be.below(
      FAST_CHECK.intervalMs * 1.1 * FAST_CHECK.unhealthyThreshold + FAST_CHECK.timeoutMs + 1000,
    );
    expect(new Set(names)).to.deep.equal(new Set(names.length > 0 ? ['a'] : []));
    for (let i = 0; i < 4; i++) expect(await greetingFrom(port)).to.equal('a');

    b.server.listen(b.port, '127.0.0.1');
    await once(b.server, 'listening');
    expect(await eventually(() => healthy('lb/servers/b') === true, 3000)).to.equal(true);
    const after: string[] = [];
    for (let i = 0; i < 4; i++) after.push(await greetingFrom(port));
    expect(after.sort()).to.deep.equal(['a', 'a', 'b', 'b']);
  });

  it('uses an HTTP health check on a TCP backend service when asked', async () => {
    const { dataPlane: measured, registry } = newDataPlane();
    dataPlane = measured;
    let status = 200;
    const check = http.createServer((_request, response) => response.writeHead(status).end());
    check.listen(0, '127.0.0.1');
    await once(check, 'listening');
    try {
      const port = await freeRangePort();
      const checkPort = (check.address() as { port: number }).port;
      const backend = { healthCheck: { ...FAST_CHECK, protocol: 'HTTP', port: checkPort, path: '/healthz' } };
      await applyOk(dataPlane, tcpResources({ port, servers: [{ name: 'a', port: a.port }], backend }));
      expect(await greetingFrom(port)).to.equal('a');
      status = 503;
      expect(await eventually(() => healthy('lb/servers/a') === false, 3000)).to.equal(true);
      const refused = await connectFrom(port);
      expect((await readAll(refused)).length).to.equal(0);
      expect(await metricValue(registry, 'albkit_tcp_no_server_total{listener="lb/tcp"}')).to.equal(1);
    } finally {
      check.close();
    }
  });

  it('sends the PROXY v1 line on HTTP health checks of the traffic port too, as HAProxy does for send-proxy servers', async () => {
    const children = new Children();
    const app = http.createServer((_request, response) => response.end('app'));
    app.listen(0, '127.0.0.1');
    await once(app, 'listening');
    try {
      // A server that requires the PROXY line (HAProxy, accept-proxy), answering its own health URL.
      const server = await startHaproxy(
        children,
        (port) => `defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend proxied
  bind 127.0.0.1:${port} accept-proxy
  monitor-uri /healthz
  default_backend app
backend app
  server app 127.0.0.1:${(app.address() as { port: number }).port}
`,
      );
      const port = await freeRangePort();
      const check = { ...FAST_CHECK, protocol: 'HTTP', path: '/healthz' };
      const servers = [{ name: 'haproxy', port: server.port }];
      await applyOk(dataPlane, tcpResources({ port, servers, backend: { proxyProtocol: true, healthCheck: check } }));
      await new Promise((resolve) => setTimeout(resolve, FAST_CHECK.intervalMs * 4));
      expect(healthy('lb/servers/haproxy')).to.equal(true);
      const client = await connectFrom(port);
      client.end('GET / HTTP/1.1\r\nHost: albkit.test\r\nConnection: close\r\n\r\n');
      expect((await readAll(client)).toString()).to.match(/^HTTP\/1\.1 200[\s\S]*\r\n\r\napp$/);

      // Without the PROXY line on traffic, the same checks must not send it either: HAProxy refuses them.
      await applyOk(dataPlane, tcpResources({ port, servers, backend: { proxyProtocol: false, healthCheck: check } }));
      expect(await eventually(() => healthy('lb/servers/haproxy') === false, 3000)).to.equal(true);
      server.cleanup();
    } finally {
      await children.stopAll();
      app.close();
    }
  });

  it('sends the PROXY v1 header first when the backend service asks for it', async () => {
    const port = await freeRangePort();
    const seen: Buffer[] = [];
    const recorder = await startBackend((socket) =>
      socket.on('data', (chunk: Buffer) => seen.push(chunk)).on('end', () => socket.end()),
    );
    try {
      const servers = [{ name: 'recorder', port: recorder.port }];
      await applyOk(dataPlane, tcpResources({ port, servers, backend: { proxyProtocol: true } }));
      const client = await connectFrom(port, '127.0.0.5');
      const clientPort = client.localPort;
      client.end('payload');
      await readAll(client);
      expect(Buffer.concat(seen).toString()).to.equal(
        `PROXY TCP4 127.0.0.5 127.0.0.1 ${clientPort} ${port}\r\npayload`,
      );
    } finally {
      await recorder.close();
    }
  });

  it('terminates TLS on a TLS listener with its certificate', async () => {
    const port = await freeRangePort();
    const { cert, key } = await generateCertificate();
    const listener = { protocol: 'TLS', certificate: { certPem: cert, keyPem: key } };
    await applyOk(dataPlane, tcpResources({ port, servers: [{ name: 'a', port: a.port }], listener }));
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' });
    const [line] = (await once(socket, 'data')) as [Buffer];
    expect(line.toString()).to.equal('a\n');
    socket.destroy();
  });

  it('enforces the security group at accept and counts refusals in the metrics', async () => {
    const port = await freeRangePort();
    const { dataPlane: measured, registry } = newDataPlane();
    dataPlane = measured;
    const ingress = [{ cidr: '127.0.0.2/32' }];
    await applyOk(dataPlane, tcpResources({ port, servers: [{ name: 'a', port: a.port }], ingress }));
    expect(await greetingFrom(port, '127.0.0.2')).to.equal('a');
    const denied = await connectFrom(port, '127.0.0.3');
    expect((await readAll(denied).catch(() => Buffer.alloc(0))).length).to.equal(0);
    expect(await metricValue(registry, 'albkit_listener_refused_connections_total{listener="lb/tcp"}')).to.equal(1);
    expect(await metricValue(registry, 'albkit_listener_connections_total{listener="lb/tcp"}')).to.equal(1);
    const sent = 'albkit_listener_bytes_total{listener="lb/tcp",direction="to_clients"}';
    expect(await eventually(async () => (await metricValue(registry, sent)) === 2, 2000)).to.equal(true);
  });

  it('rebinds a listener changed from TCP to TLS on its port at once, while its TCP connections drain', async () => {
    const port = await freeRangePort();
    const { dataPlane: measured, registry } = newDataPlane();
    dataPlane = measured;
    const servers = [{ name: 'a', port: a.port }];
    await applyOk(dataPlane, tcpResources({ port, servers }));
    const old = await connectFrom(port);
    await once(old, 'data');
    const { cert, key } = await generateCertificate();
    await applyOk(
      dataPlane,
      tcpResources({ port, servers, listener: { protocol: 'TLS', certificate: { certPem: cert, keyPem: key } } }),
    );
    const secure = tlsConnect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' });
    const [line] = (await once(secure, 'data')) as [Buffer];
    expect(line.toString()).to.equal('a\n');
    secure.destroy();
    old.write('still here');
    const [echoed] = (await once(old, 'data')) as [Buffer];
    expect(echoed.toString()).to.equal('still here');
    old.destroy();

    // Once the old listener has drained, the new one still reports under the listener id.
    const accepted = 'albkit_listener_connections_total{listener="lb/tcp"}';
    const sent = 'albkit_listener_bytes_total{listener="lb/tcp",direction="to_clients"}';
    await new Promise((resolve) => setTimeout(resolve, 100));
    const later = tlsConnect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' });
    await once(later, 'data');
    later.destroy();
    expect(await eventually(async () => (await metricValue(registry, sent)) !== undefined, 2000)).to.equal(true);
    expect(await metricValue(registry, accepted)).to.equal(3);
  });

  it('lets connections to a removed server go on until the drain deadline, then closes them', async () => {
    const port = await freeRangePort();
    const { dataPlane: draining } = newDataPlane({ drainMs: 400 });
    dataPlane = draining;
    await applyOk(dataPlane, tcpResources({ port, servers: [{ name: 'a', port: a.port }] }));
    const open = await connectFrom(port);
    await once(open, 'data');
    await applyOk(dataPlane, tcpResources({ port, servers: [{ name: 'b', port: b.port }] }));
    expect(await greetingFrom(port)).to.equal('b');
    open.write('before the deadline');
    const [echoed] = (await once(open, 'data')) as [Buffer];
    expect(echoed.toString()).to.equal('before the deadline');
    expect(await closesWithin(open, 2000)).to.equal(true);
    expect(await eventually(() => a.sockets.size === 0, 1000)).to.equal(true);
  });

  it('keeps an open connection through a change of servers, and drains it when the listener is removed', async () => {
    const port = await freeRangePort();
    const { dataPlane: draining, registry } = newDataPlane({ drainMs: 300 });
    dataPlane = draining;
    const resources = tcpResources({ port, servers: [{ name: 'a', port: a.port }] });
    await applyOk(dataPlane, resources);
    const open = await connectFrom(port);
    const [greeting] = (await once(open, 'data')) as [Buffer];
    expect(greeting.toString()).to.equal('a\n');

    await applyOk(dataPlane, tcpResources({ port, servers: [{ name: 'b', port: b.port }] }));
    open.write('still a');
    const [echoed] = (await once(open, 'data')) as [Buffer];
    expect(echoed.toString()).to.equal('still a');
    // The open connection's bytes are in the metrics already.
    const bytes = (direction: string): Promise<number | undefined> =>
      metricValue(registry, `albkit_listener_bytes_total{listener="lb/tcp",direction="${direction}"}`);
    expect(await bytes('from_clients')).to.equal('still a'.length);
    expect(await bytes('to_clients')).to.equal('a\nstill a'.length);
    expect(await greetingFrom(port)).to.equal('b');

    await applyOk(
      dataPlane,
      resources.filter((resource) => resource.kind !== 'Listener'),
    );
    open.write('draining');
    const [drained] = (await once(open, 'data')) as [Buffer];
    expect(drained.toString()).to.equal('draining');
    open.resume();
    expect(await eventually(() => open.readableEnded || open.destroyed, 2000)).to.equal(true);
  });
});
