import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { createTcpListener, type TcpListenerRuntime } from '../../../runtime/dataplane/tcp-listener';
import {
  Children,
  TestPool,
  closesWithin,
  connectFrom,
  generateCertificate,
  readAll,
  startBackend,
  startEchoBackend,
  tcpListenerConfig,
  testMetrics,
  type TestBackend,
} from '../../fixtures/tcp-peers';

const MiB = 1024 * 1024;

/** Sends `data` through `socket` (ending it) while hashing everything that comes back until the end. */
async function roundTrip(socket: Socket, data: Buffer): Promise<{ hash: string; length: number }> {
  const hash = createHash('sha256');
  let length = 0;
  socket.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
  });
  socket.end(data);
  await once(socket, 'end');
  return { hash: hash.digest('hex'), length };
}

describe('TCP listener', function () {
  this.timeout(30_000);
  const backends: TestBackend[] = [];
  const listeners: TcpListenerRuntime[] = [];

  async function echo(): Promise<TestBackend> {
    const backend = await startEchoBackend();
    backends.push(backend);
    return backend;
  }

  async function listen(
    config: Parameters<typeof createTcpListener>[0],
  ): Promise<{ listener: TcpListenerRuntime; port: number }> {
    const listener = createTcpListener(config);
    listeners.push(listener);
    await listener.start();
    return { listener, port: listener.boundAddresses[0]!.port };
  }

  afterEach(async () => {
    await Promise.all(listeners.splice(0).map((listener) => listener.stop(0)));
    await Promise.all(backends.splice(0).map((backend) => backend.close()));
  });

  it('carries 64 MiB of random bytes to an echo backend and back unchanged', async () => {
    const backend = await echo();
    const { port } = await listen(tcpListenerConfig({ pool: new TestPool([backend.port]) }));
    const data = randomBytes(64 * MiB);
    const client = await connectFrom(port);
    const back = await roundTrip(client, data);
    expect(back.length).to.equal(data.length);
    expect(back.hash).to.equal(createHash('sha256').update(data).digest('hex'));
  });

  it('serves 300 concurrent connections exactly, and releases every server slot and socket after', async () => {
    const backends = [await echo(), await echo(), await echo()];
    const pool = new TestPool(backends.map((backend) => backend.port));
    const { listener, port } = await listen(tcpListenerConfig({ pool }));
    const results = await Promise.all(
      Array.from({ length: 300 }, async (_unused, index) => {
        const data = randomBytes(16 * 1024 + index);
        const client = await connectFrom(port, `127.0.0.${2 + (index % 50)}`);
        const back = await roundTrip(client, data);
        return back.hash === createHash('sha256').update(data).digest('hex') && back.length === data.length;
      }),
    );
    expect(results.every(Boolean)).to.equal(true);
    for (let i = 0; i < 40 && (listener.activeConnections > 0 || pool.released < 300); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect([pool.acquired, pool.released, listener.activeConnections]).to.deep.equal([300, 300, 0]);
    expect(pool.servers.map((server) => server.active)).to.deep.equal([0, 0, 0]);
    expect(backends.map((backend) => backend.sockets.size)).to.deep.equal([0, 0, 0]);
  });

  it('forwards a half-close: the client ends, the server still answers, then ends', async () => {
    const backend = await startBackend((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => socket.end(`got ${Buffer.concat(chunks).toString()} after your end`));
    });
    backends.push(backend);
    const { port } = await listen(tcpListenerConfig({ pool: new TestPool([backend.port]) }));
    const client = await connectFrom(port);
    client.end('ping');
    expect((await readAll(client)).toString()).to.equal('got ping after your end');
  });

  it('forwards a half-close the other way: the server ends, the client still sends', async () => {
    let resolveServerDone: (text: string) => void = () => undefined;
    const serverDone = new Promise<string>((resolve) => (resolveServerDone = resolve));
    const backend = await startBackend((socket) => {
      const received: Buffer[] = [];
      socket.end('server done');
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('end', () => resolveServerDone(Buffer.concat(received).toString()));
    });
    backends.push(backend);
    const { port } = await listen(tcpListenerConfig({ pool: new TestPool([backend.port]) }));
    const client = await connectFrom(port);
    expect((await readAll(client)).toString()).to.equal('server done');
    client.end('client still talking');
    expect(await serverDone).to.equal('client still talking');
    expect(await closesWithin(client, 2000)).to.equal(true);
  });

  it('closes the client when the server resets, and the server side when the client resets', async () => {
    const serverSockets: Socket[] = [];
    const backend = await startBackend((socket) => serverSockets.push(socket));
    backends.push(backend);
    const { port } = await listen(tcpListenerConfig({ pool: new TestPool([backend.port]) }));

    const first = await connectFrom(port);
    first.write('hello');
    while (serverSockets.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    serverSockets[0]!.resetAndDestroy();
    expect(await closesWithin(first, 2000)).to.equal(true);

    const second = await connectFrom(port);
    second.write('hello');
    while (serverSockets.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    second.resetAndDestroy();
    expect(await closesWithin(serverSockets[1]!, 2000)).to.equal(true);
  });

  it('closes both sides of a connection idle for idleTimeoutMs, and keeps a busy one open', async () => {
    const serverSockets: Socket[] = [];
    const backend = await startBackend((socket) => {
      serverSockets.push(socket);
      socket.pipe(socket);
    });
    backends.push(backend);
    const { port } = await listen(tcpListenerConfig({ pool: new TestPool([backend.port]), idleTimeoutMs: 600 }));
    const idle = await connectFrom(port);
    const busy = await connectFrom(port);
    busy.on('data', () => undefined);
    const ticker = setInterval(() => busy.write('tick'), 50);
    try {
      expect(await closesWithin(idle, 2000)).to.equal(true);
      expect(serverSockets.length).to.equal(2);
      expect(await closesWithin(serverSockets[0]!, 1000)).to.equal(true);
      expect(busy.closed).to.equal(false);
    } finally {
      clearInterval(ticker);
      busy.destroy();
    }
  });

  it('applies a new idle timeout to open connections', async () => {
    const backend = await echo();
    const config = tcpListenerConfig({ pool: new TestPool([backend.port]), idleTimeoutMs: 60_000 });
    const { listener, port } = await listen(config);
    const client = await connectFrom(port);
    expect(await closesWithin(client, 300)).to.equal(false);
    listener.update({ ...config, idleTimeoutMs: 200 });
    expect(await closesWithin(client, 2000)).to.equal(true);
  });

  it('tries another server when a connect is refused, and reports the failure to the pool', async () => {
    const backend = await echo();
    const dead = createServer().listen(0, '127.0.0.1');
    await once(dead, 'listening');
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const pool = new TestPool([deadPort, backend.port]);
    const { listener, port } = await listen(tcpListenerConfig({ pool }));
    const client = await connectFrom(port);
    const back = await roundTrip(client, Buffer.from('still served'));
    expect(back.length).to.equal('still served'.length);
    expect(pool.failures).to.deep.equal(['g/s0']);
    expect(listener.counters.connectFailures).to.equal(1);
    await closesWithin(client, 1000);
    expect(pool.acquired).to.equal(pool.released);
  });

  it('tries one other server only, then closes the client', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const dead = createServer().listen(0, '127.0.0.1');
      await once(dead, 'listening');
      ports.push((dead.address() as { port: number }).port);
      await new Promise<void>((resolve) => dead.close(() => resolve()));
    }
    const pool = new TestPool(ports);
    const { listener, port } = await listen(tcpListenerConfig({ pool }));
    const client = await connectFrom(port);
    expect(await closesWithin(client, 2000)).to.equal(true);
    expect(pool.failures).to.have.length(2);
    expect([listener.counters.connectFailures, listener.counters.noServer]).to.deep.equal([2, 1]);
    expect(pool.acquired).to.equal(2);
    for (let i = 0; i < 40 && pool.released < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(pool.released).to.equal(2);
  });

  it('closes the client at once when no server is usable', async () => {
    const backend = await echo();
    const pool = new TestPool([backend.port]);
    pool.servers[0]!.healthy = false;
    const { listener, port } = await listen(tcpListenerConfig({ pool }));
    const client = await connectFrom(port);
    expect(await closesWithin(client, 2000)).to.equal(true);
    expect(listener.counters.noServer).to.equal(1);
    expect(backend.sockets.size).to.equal(0);
  });

  it('refuses a connection no security group rule allows, at accept, and counts it', async () => {
    const backend = await echo();
    const pool = new TestPool([backend.port]);
    const ingress = [{ cidr: '127.0.0.2/32', protocol: 'TCP' as const, fromPort: 1, toPort: 65535 }];
    const { metrics, count } = testMetrics();
    const { port } = await listen(tcpListenerConfig({ pool, ingress, metrics }));
    const denied = await connectFrom(port, '127.0.0.3');
    expect(await closesWithin(denied, 2000)).to.equal(true);
    expect(await count('albkit_listener_refused_connections_total', 'lb/tcp')).to.equal(1);
    expect(pool.acquired).to.equal(0);
    const allowed = await connectFrom(port, '127.0.0.2');
    expect((await roundTrip(allowed, Buffer.from('let in'))).length).to.equal(6);
    expect(await count('albkit_listener_connections_total', 'lb/tcp')).to.equal(1);
  });

  it('applies new security group rules in place: new and open connections they no longer allow close, allowed ones stay', async () => {
    const backend = await echo();
    const config = tcpListenerConfig({ pool: new TestPool([backend.port]) });
    const { listener, port } = await listen(config);
    const allowed = await connectFrom(port, '127.0.0.2');
    const refused = await connectFrom(port, '127.0.0.4');
    listener.update({ ...config, ingress: [{ cidr: '127.0.0.2/32', protocol: 'ALL', fromPort: 1, toPort: 65535 }] });
    expect(await closesWithin(refused, 2000)).to.equal(true);
    const after = await connectFrom(port, '127.0.0.4');
    expect(await closesWithin(after, 2000)).to.equal(true);
    expect((await roundTrip(allowed, Buffer.from('kept'))).length).to.equal(4);
  });

  it('drains on stop: refuses new connections, lets open ones finish before the deadline', async () => {
    const backend = await echo();
    const { listener, port } = await listen(tcpListenerConfig({ pool: new TestPool([backend.port]) }));
    const open = await connectFrom(port);
    open.write('before stop;');
    const stopped = listener.stop(5_000);
    const refused = await new Promise<boolean>((resolve) => {
      const late = connectFrom(port);
      late.then(
        (socket) => closesWithin(socket, 1000).then(resolve),
        () => resolve(true),
      );
    });
    expect(refused).to.equal(true);
    const back = await roundTrip(open, Buffer.from('after stop'));
    expect(back.length).to.equal('before stop;after stop'.length);
    await stopped;
    expect(listener.activeConnections).to.equal(0);
  });

  it('closes connections still open at the drain deadline', async () => {
    const backend = await echo();
    const { listener, port } = await listen(tcpListenerConfig({ pool: new TestPool([backend.port]) }));
    const open = await connectFrom(port);
    open.write('x');
    await once(open, 'data');
    const [serverSide] = [...backend.sockets];
    const started = Date.now();
    await listener.stop(200);
    expect(Date.now() - started).to.be.at.least(150);
    expect(await closesWithin(open, 1000)).to.equal(true);
    expect(await closesWithin(serverSide!, 1000)).to.equal(true);
  });

  it('rejects start with the address when the port is in use', async () => {
    const backend = await echo();
    const listener = createTcpListener(tcpListenerConfig({ pool: new TestPool([backend.port]), port: backend.port }));
    listeners.push(listener);
    let error: Error | undefined;
    await listener.start().catch((caught: Error) => (error = caught));
    expect(error?.message).to.equal(`cannot bind 127.0.0.1:${backend.port}: the port is in use`);
    expect(listener.boundAddresses).to.deep.equal([]);
  });

  it('switches servers in place: new connections go to the new pool, open ones stay', async () => {
    const first = await echo();
    const second = await echo();
    const config = tcpListenerConfig({ pool: new TestPool([first.port]) });
    const { listener, port } = await listen(config);
    const old = await connectFrom(port);
    old.write('x');
    await once(old, 'data');
    const pool = new TestPool([second.port]);
    listener.update({ ...config, pool });
    const fresh = await connectFrom(port);
    expect((await roundTrip(fresh, Buffer.from('new'))).length).to.equal(3);
    expect(pool.acquired).to.equal(1);
    expect((await roundTrip(old, Buffer.from('old'))).length).to.equal(3);
  });
});

describe('TLS listener', function () {
  this.timeout(30_000);
  let certificate: { cert: string; key: string };
  let backend: TestBackend;
  let listener: TcpListenerRuntime;
  let port: number;
  let dir: string;
  const children = new Children();

  before(async () => {
    certificate = await generateCertificate();
    dir = mkdtempSync(join(tmpdir(), 'albkit-tls-'));
    writeFileSync(join(dir, 'ca.pem'), certificate.cert);
    backend = await startEchoBackend();
    listener = createTcpListener(
      tcpListenerConfig({
        pool: new TestPool([backend.port]),
        protocol: 'TLS',
        tls: certificate,
        idleTimeoutMs: 5_000,
      }),
    );
    await listener.start();
    port = listener.boundAddresses[0]!.port;
  });

  after(async () => {
    await children.stopAll();
    await listener.stop(0);
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `openssl s_client` against the listener, verifying the certificate for `hostname`. */
  function sClient(hostname: string): ReturnType<Children['spawn']> {
    const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', hostname, '-CAfile', join(dir, 'ca.pem')];
    return children.spawn('openssl', [...args, '-verify_hostname', hostname, '-verify_return_error']);
  }

  it('is verified by openssl s_client, and carries its bytes to the server and back', async () => {
    const client = sClient('localhost');
    client.stdin!.write('ping through openssl\n');
    const deadline = Date.now() + 5000;
    while (!client.output.join('').includes('\nping through openssl') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    client.stdin!.end();
    const [code] = (await once(client, 'exit')) as [number];
    const output = client.output.join('');
    expect(output).to.include('Verify return code: 0 (ok)');
    expect(output).to.include('\nping through openssl');
    expect(code).to.equal(0);
  });

  it('fails openssl s_client verification for a name the certificate does not carry', async () => {
    const client = sClient('other.example');
    client.stdin!.end();
    const [code] = (await once(client, 'exit')) as [number];
    expect(code).to.not.equal(0);
    expect(client.output.join('')).to.match(/hostname mismatch|verify error/i);
  });

  function secureConnect(): Promise<Socket> {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: certificate.cert, servername: 'localhost' });
    return once(socket, 'secureConnect').then(() => socket);
  }

  it('terminates TLS with the listener certificate and carries 64 MiB unchanged', async () => {
    const client = await secureConnect();
    expect((client as unknown as { authorized: boolean }).authorized).to.equal(true);
    const data = randomBytes(64 * MiB);
    const back = await roundTrip(client, data);
    expect(back.length).to.equal(data.length);
    expect(back.hash).to.equal(createHash('sha256').update(data).digest('hex'));
  });

  it('forwards a half-close through TLS', async () => {
    const client = await secureConnect();
    client.end('half');
    expect((await readAll(client)).toString()).to.equal('half');
  });

  it('closes a TLS connection idle for idleTimeoutMs, and a client that never completes its handshake', async () => {
    const short = createTcpListener(
      tcpListenerConfig({ pool: new TestPool([backend.port]), protocol: 'TLS', tls: certificate, idleTimeoutMs: 300 }),
    );
    await short.start();
    try {
      const shortPort = short.boundAddresses[0]!.port;
      const silent = await connectFrom(shortPort);
      const idle = tlsConnect({ host: '127.0.0.1', port: shortPort, ca: certificate.cert, servername: 'localhost' });
      await once(idle, 'secureConnect');
      expect(await closesWithin(silent, 2000)).to.equal(true);
      expect(await closesWithin(idle, 2000)).to.equal(true);
      for (let i = 0; i < 40 && short.activeConnections > 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 25));
      expect(short.activeConnections).to.equal(0);
    } finally {
      await short.stop(0);
    }
  });

  it('swaps in a new certificate in place: new handshakes get it, open connections go on', async () => {
    const config = tcpListenerConfig({ pool: new TestPool([backend.port]), protocol: 'TLS', tls: certificate });
    const own = createTcpListener(config);
    await own.start();
    try {
      const ownPort = own.boundAddresses[0]!.port;
      const connectWith = (ca: string): Promise<Socket> => {
        const socket = tlsConnect({ host: '127.0.0.1', port: ownPort, ca, servername: 'localhost' });
        return new Promise((resolve, reject) =>
          socket.once('secureConnect', () => resolve(socket)).once('error', reject),
        );
      };
      const open = await connectWith(certificate.cert);
      const renewed = await generateCertificate();
      own.update({ ...config, tls: renewed });
      const fresh = await connectWith(renewed.cert);
      expect((await roundTrip(fresh, Buffer.from('new certificate'))).length).to.equal(15);
      let refusal: NodeJS.ErrnoException | undefined;
      await connectWith(certificate.cert).catch((error: NodeJS.ErrnoException) => (refusal = error));
      expect(refusal?.code).to.equal('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect((await roundTrip(open, Buffer.from('old session'))).length).to.equal(11);
    } finally {
      await own.stop(0);
    }
  });

  it('names the listener and its certificate when TLS refuses the certificate, at start and on update', async () => {
    const bad = { cert: certificate.cert, key: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n' };
    const config = tcpListenerConfig({ pool: new TestPool([backend.port]), protocol: 'TLS', tls: bad });
    expect(() => createTcpListener(config)).to.throw(/^lb\/tcp: certificate: /);

    const good = tcpListenerConfig({ pool: new TestPool([backend.port]), protocol: 'TLS', tls: certificate });
    const own = createTcpListener(good);
    await own.start();
    try {
      const otherPool = new TestPool([backend.port]);
      expect(() => own.update({ ...good, tls: bad, pool: otherPool })).to.throw(/^lb\/tcp: certificate: /);
      const port = own.boundAddresses[0]!.port;
      const client = tlsConnect({ host: '127.0.0.1', port, ca: certificate.cert, servername: 'localhost' });
      await once(client, 'secureConnect');
      expect((await roundTrip(client, Buffer.from('kept'))).length).to.equal(4);
      expect(otherPool.acquired).to.equal(0);
    } finally {
      await own.stop(0);
    }
  });

  it('refuses a client that does not trust the certificate, without reaching a server', async () => {
    const before = backend.sockets.size;
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost' });
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
    expect(error.code).to.equal('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(backend.sockets.size).to.equal(before);
  });
});
