import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { promisify } from 'node:util';
import { Agent } from 'undici';
import type { Resource } from '../../../lib';
import { generateCertificate } from '../../fixtures/tcp-peers';
import {
  albResources,
  applyOk,
  clientFrom,
  fetchText,
  freePort,
  LB_ADDRESS,
  newDataPlane,
  sleep,
  startHttpBackend,
  startHttpBackends,
  type HttpBackend,
} from './http-fixtures';

const run = promisify(execFile);

/** A keep-alive connection sending one request at a time and reading one small response. */
class RawClient {
  private readonly socket: net.Socket;
  private constructor(port: number) {
    this.socket = net.connect({ host: LB_ADDRESS, port });
  }
  static async open(port: number): Promise<RawClient> {
    const client = new RawClient(port);
    await once(client.socket, 'connect');
    return client;
  }
  async get(): Promise<string> {
    this.socket.write('GET / HTTP/1.1\r\nHost: lb\r\n\r\n');
    const [chunk] = (await once(this.socket, 'data')) as [Buffer];
    return chunk.toString();
  }
  close(): void {
    this.socket.destroy();
  }
}

describe('DataPlane', function () {
  let backends: HttpBackend[];
  const client = clientFrom();

  before(async function () {
    backends = await startHttpBackends(['a', 'b', 'c', 'd']);
  });

  after(async function () {
    await client.close();
    await Promise.all(backends.map((backend) => backend.close()));
  });

  it('applies 20 configuration changes under load (wrk) without a failed request', async function () {
    this.timeout(30000);
    const { dataPlane } = newDataPlane();
    const port = await freePort();
    const [a, b, c, d] = backends as [HttpBackend, HttpBackend, HttpBackend, HttpBackend];
    const algorithms = ['WEIGHTED_ROUND_ROBIN', 'WEIGHTED_LEAST_CONNECTIONS', 'SOURCE_IP'];
    const change = (step: number): Resource[] =>
      albResources({
        port,
        servers: [
          { backend: a, weight: 1 + (step % 5) },
          { backend: b, weight: step % 4 === 3 ? 0 : 5 },
          ...(step % 2 === 1 ? [{ backend: c }] : []),
          ...(step % 3 === 2 ? [{ backend: d, weight: 20 }] : []),
        ],
        backend: {
          algorithm: algorithms[step % 3],
          sessionPersistence: { enabled: step % 4 === 1 },
          healthCheck: { intervalMs: 1000 + step * 100, timeoutMs: 500 },
        },
        listener: { idleTimeoutSeconds: 30 + step },
      });
    try {
      await applyOk(dataPlane, change(0));
      const wrk = run('wrk', ['-t', '2', '-c', '16', '-d', '4s', `http://${LB_ADDRESS}:${port}/`]);
      for (let step = 1; step <= 20; step++) {
        await sleep(150);
        await applyOk(dataPlane, change(step));
      }
      const { stdout } = await wrk;
      if (process.env.ALBKIT_TEST_LOG) console.log(stdout);
      const total = Number(/(\d+) requests in/.exec(stdout)![1]);
      expect(total).to.be.above(1000);
      expect(stdout).to.not.match(/Non-2xx or 3xx responses/);
      expect(stdout).to.not.match(/Socket errors/);
    } finally {
      await dataPlane.stop(500);
    }
  });

  it('drains a removed server: its in-flight request finishes, new requests go elsewhere', async function () {
    const slow = await startHttpBackend('slow', (req, res) => {
      req.resume();
      setTimeout(() => res.end('slow'), 400);
    });
    const { dataPlane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(dataPlane, albResources({ port, servers: [{ backend: slow }] }));
      const inFlight = fetchText(client, `http://${LB_ADDRESS}:${port}/`);
      await sleep(100);
      expect(dataPlane.health()['lb/backend']![0]!.active).to.equal(1);
      await applyOk(dataPlane, albResources({ port, servers: [{ backend: backends[0]! }] }));
      expect((await fetchText(client, `http://${LB_ADDRESS}:${port}/`)).body).to.equal('a');
      expect(await inFlight).to.include({ status: 200, body: 'slow' });
    } finally {
      await dataPlane.stop(500);
      await slow.close();
    }
  });

  it('adds and removes a listener without disturbing open connections of another', async function () {
    const { dataPlane } = newDataPlane();
    const [first, second] = [await freePort(), await freePort()];
    const servers = [{ backend: backends[0]! }];
    try {
      await applyOk(dataPlane, albResources({ port: first, servers }));
      const open = await RawClient.open(first);
      expect(await open.get()).to.match(/^HTTP\/1\.1 200[\s\S]*a$/);
      await applyOk(
        dataPlane,
        albResources({ port: first, servers, moreListeners: [{ id: 'lb/second', port: second }] }),
      );
      expect((await fetchText(client, `http://${LB_ADDRESS}:${second}/`)).body).to.equal('a');
      expect(await open.get()).to.match(/^HTTP\/1\.1 200[\s\S]*a$/);
      await applyOk(dataPlane, albResources({ port: first, servers }));
      expect(await open.get()).to.match(/^HTTP\/1\.1 200[\s\S]*a$/);
      const refused = net.connect({ host: LB_ADDRESS, port: second });
      const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
      expect(error.code).to.equal('ECONNREFUSED');
      open.close();
    } finally {
      await dataPlane.stop(500);
    }
  });

  it('rebinds a listener whose protocol changes at once, while its open requests finish on the old one', async function () {
    this.timeout(30000);
    const slow = await startHttpBackend('slow', (req, res) => {
      req.resume();
      setTimeout(() => res.end('slow'), 500);
    });
    const { dataPlane } = newDataPlane();
    const port = await freePort();
    const certificate = await generateCertificate();
    const https = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      await applyOk(dataPlane, albResources({ port, servers: [{ backend: slow }] }));
      let finished = false;
      const inFlight = fetchText(client, `http://${LB_ADDRESS}:${port}/`).finally(() => (finished = true));
      await sleep(100);
      await applyOk(
        dataPlane,
        albResources({
          port,
          servers: [{ backend: slow }],
          listener: { protocol: 'HTTPS', certificate: { certPem: certificate.cert, keyPem: certificate.key } },
        }),
      );
      expect(finished, 'apply waited for the old listener to drain').to.equal(false);
      expect(await inFlight).to.include({ status: 200, body: 'slow' });
      expect(await fetchText(https, `https://${LB_ADDRESS}:${port}/`)).to.include({ status: 200, body: 'slow' });
    } finally {
      await https.close();
      await dataPlane.stop(500);
      await slow.close();
    }
  });

  it('reports a port in use as a bind failure of that listener only, and binds once it is free', async function () {
    const { dataPlane } = newDataPlane();
    const [taken, free] = [await freePort(), await freePort()];
    const blocker = net.createServer().listen(taken, LB_ADDRESS);
    await once(blocker, 'listening');
    const resources = albResources({
      port: free,
      servers: [{ backend: backends[0]! }],
      moreListeners: [{ id: 'lb/blocked', port: taken }],
    });
    try {
      const outcomes = await dataPlane.apply(resources);
      expect(outcomes.get('lb/listener')).to.deep.equal({ ok: true });
      expect(outcomes.get('lb/blocked')).to.deep.equal({
        ok: false,
        reason: `cannot bind ${LB_ADDRESS}:${taken}: the port is in use`,
      });
      blocker.close();
      await once(blocker, 'close');
      expect((await dataPlane.apply(resources)).get('lb/blocked')).to.deep.equal({ ok: true });
      expect((await fetchText(client, `http://${LB_ADDRESS}:${taken}/`)).body).to.equal('a');
    } finally {
      blocker.close();
      await dataPlane.stop(500);
    }
  });

  it('stops: refuses new connections at once and lets in-flight requests finish', async function () {
    const slow = await startHttpBackend('slow', (req, res) => {
      req.resume();
      setTimeout(() => res.end('done'), 300);
    });
    const { dataPlane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(dataPlane, albResources({ port, servers: [{ backend: slow }] }));
      const inFlight = fetchText(client, `http://${LB_ADDRESS}:${port}/`);
      await sleep(50);
      const stopping = dataPlane.stop(2000);
      await sleep(20);
      const refused = net.connect({ host: LB_ADDRESS, port });
      const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
      expect(error.code).to.equal('ECONNREFUSED');
      expect(await inFlight).to.include({ status: 200, body: 'done' });
      await stopping;
      expect(dataPlane.health()).to.deep.equal({});
    } finally {
      await slow.close();
    }
  });

  it('builds pools from availability groups on the backend service port, with the group weight', async function () {
    const { dataPlane } = newDataPlane();
    const port = await freePort();
    const resources = albResources({ port, servers: [] }).map((resource): Resource =>
      resource.kind === 'BackendService'
        ? {
            ...resource,
            spec: { ...resource.spec, serverGroups: [], availabilityGroups: ['ag'], port: backends[2]!.port },
          }
        : resource,
    );
    const group: Resource = {
      id: 'ag',
      kind: 'AvailabilityGroup',
      dependsOn: [],
      spec: { instances: [{ address: '127.0.0.1', zone: 'z1' }], weight: 7, minSize: 0, maxSize: 10 },
    };
    try {
      await applyOk(dataPlane, [group, ...resources]);
      expect(dataPlane.health()['lb/backend']).to.deep.equal([
        { key: 'ag/127.0.0.1', address: '127.0.0.1', port: backends[2]!.port, weight: 7, healthy: true, active: 0 },
      ]);
      expect((await fetchText(client, `http://${LB_ADDRESS}:${port}/`)).body).to.equal('c');
    } finally {
      await dataPlane.stop(500);
    }
  });
});
