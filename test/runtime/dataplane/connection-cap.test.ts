import { expect } from 'chai';
import { Agent } from 'undici';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import { waitFor } from '../../helpers/wait';
import { startCountingBackend, type CountingBackend } from './counting-backend';
import {
  albResources,
  applyOk,
  fetchText,
  freePort,
  metricValue,
  newDataPlane,
  tally,
  type Answer,
} from './http-fixtures';
import type { Registry } from 'prom-client';

/** `count` requests at once, each on its own client connection. */
async function parallel(port: number, count: number, path = '/'): Promise<Answer[]> {
  const client = new Agent({ connections: count, pipelining: 0 });
  try {
    return await Promise.all(
      Array.from({ length: count }, (_, i) => fetchText(client, `http://127.0.0.1:${port}${path}${i}`)),
    );
  } finally {
    await client.close();
  }
}

describe('HTTP listener: connections per server', function () {
  let dataPlane: DataPlane;
  let registry: Registry;
  let backends: CountingBackend[];
  let port: number;

  async function start(names: string[], holdMs: number, backend: Record<string, unknown>): Promise<void> {
    backends = await Promise.all(names.map((name) => startCountingBackend(name, holdMs)));
    port = await freePort();
    ({ dataPlane, registry } = newDataPlane());
    await applyOk(
      dataPlane,
      albResources({
        port,
        servers: backends.map((b) => ({ backend: b })),
        backend: { healthCheck: { enabled: false }, ...backend },
      }),
    );
  }

  /** Holds the one server's answers and sends a first request, which takes its only slot. */
  async function takeTheOnlySlot(): Promise<{ client: Agent; first: Promise<Answer> }> {
    backends[0]!.hold();
    const client = new Agent({ connections: 4 });
    const first = fetchText(client, `http://127.0.0.1:${port}/first`);
    await waitFor(() => backends[0]!.inFlight === 1, 10_000, 'the first request to reach the server');
    return { client, first };
  }

  afterEach(async () => {
    for (const backend of backends) backend.release();
    await dataPlane.stop(0);
    await Promise.all(backends.map((backend) => backend.close()));
  });

  it('never opens more than the cap to a server: the requests beyond it wait in the queue, then are served', async () => {
    await start(['a'], 150, { maxConnectionsPerServer: 3 });
    const answers = await parallel(port, 24);
    expect(answers.map((answer) => answer.status)).to.deep.equal(Array(24).fill(200));
    expect(backends[0]!.maxOpen).to.equal(3);
    expect(backends[0]!.answered).to.equal(24);
  });

  it('skips a server at its cap and keeps every server within it', async () => {
    await start(['a', 'b'], 150, { maxConnectionsPerServer: 2, algorithm: 'SOURCE_IP' });
    const answers = await parallel(port, 16);
    expect(answers.map((answer) => answer.status)).to.deep.equal(Array(16).fill(200));
    // One client address: source IP would send all of it to one server, but that one is at its cap.
    expect(Object.keys(tally(answers.map((answer) => answer.body.split(' ')[0]!))).sort()).to.deep.equal(['a', 'b']);
    for (const backend of backends) expect(backend.maxOpen, backend.name).to.be.at.most(2);
  });

  it('answers 503 when a request waited its queue timeout, and serves the queue once a server is free', async () => {
    await start(['a'], 0, { maxConnectionsPerServer: 1, queueTimeoutSeconds: 1 });
    const { client, first } = await takeTheOnlySlot();
    const second = await fetchText(client, `http://127.0.0.1:${port}/second`);
    expect(second.status).to.equal(503);
    expect(second.body).to.equal('503 Service Unavailable: every server is at its connection limit\n');
    const third = fetchText(client, `http://127.0.0.1:${port}/third`);
    backends[0]!.release();
    expect((await first).status).to.equal(200);
    expect((await third).status).to.equal(200);
    expect(backends[0]!.maxOpen).to.equal(1);
    await client.close();
  });

  it('keeps a session cookie: a request pinned to a server at its cap waits for that server', async () => {
    await start(['a', 'b'], 0, { maxConnectionsPerServer: 1, sessionPersistence: { enabled: true } });
    const client = new Agent({ connections: 4 });
    const url = `http://127.0.0.1:${port}/`;
    const pinning = await fetchText(client, url);
    const cookie = String(pinning.headers['set-cookie']).split(';')[0]!;
    const pinned = backends.find((backend) => pinning.body.startsWith(`${backend.name} `))!;
    pinned.hold();
    const first = fetchText(client, url, { headers: { cookie } });
    await waitFor(() => pinned.inFlight === 1, 10_000, 'the first pinned request to reach its server');
    const second = fetchText(client, url, { headers: { cookie } });
    await waitFor(
      async () => (await metricValue(registry, 'albkit_backend_queued_requests{backend_service="lb/backend"}')) === 1,
      10_000,
      'the second to wait',
    );
    pinned.release();
    expect((await first).body).to.equal(`${pinned.name} 0`);
    expect((await second).body).to.equal(`${pinned.name} 0`);
    await client.close();
  });

  it('answers 503 at once when the queue is full', async () => {
    await start(['a'], 0, { maxConnectionsPerServer: 1, maxQueueLength: 0 });
    const { client, first } = await takeTheOnlySlot();
    const second = await fetchText(client, `http://127.0.0.1:${port}/second`);
    expect(second.status).to.equal(503);
    backends[0]!.release();
    expect((await first).status).to.equal(200);
    await client.close();
  });
});
