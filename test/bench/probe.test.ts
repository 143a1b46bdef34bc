import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { expect } from 'chai';
import { probeFigures, startProbe, type ProbeSample } from '../../bench/probe/probe';

describe('bench probe', () => {
  it('summarizes the probes started in a window: answered ones by nearest rank, failed ones counted apart', () => {
    const samples: ProbeSample[] = [
      ...Array.from({ length: 100 }, (_, index) => ({ startedMicros: 1000 + index, ms: index + 1, ok: true })),
      { startedMicros: 1050, ms: 5000, ok: false },
      { startedMicros: 5000, ms: 999, ok: true },
    ];
    expect(probeFigures(samples, { fromMicros: 1000, toMicros: 2000 })).to.deep.equal({
      probes: 101,
      failed: 1,
      p50Ms: 50,
      p99Ms: 99,
      maxMs: 100,
    });
    expect(probeFigures(samples, { fromMicros: 0, toMicros: 10 })).to.deep.include({ probes: 0, failed: 0 });
  });

  it('opens a new connection per probe to a real server and times each until its response ended', async () => {
    const connections: unknown[] = [];
    const server: Server = createServer((_request, response) => response.end('ok'));
    server.on('connection', (socket) => connections.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const probe = startProbe({
      host: '127.0.0.1',
      port: (server.address() as { port: number }).port,
      intervalMs: 5,
      timeoutMs: 2000,
    });
    while (connections.length < 10) await new Promise((resolve) => setTimeout(resolve, 20));
    const samples = await probe.stop();
    server.close();
    expect(samples.length).to.be.at.least(10);
    expect(samples.every((sample) => sample.ok && sample.ms > 0)).to.equal(true);
    expect(connections.length).to.be.at.least(samples.length);
  });

  it('counts a probe of a port nothing listens on as failed', async () => {
    const server: Server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    server.close();
    await once(server, 'close');
    // a busy machine may take a while to start the worker: probe again until some probe has ended (bounded)
    let samples: ProbeSample[] = [];
    for (let attempt = 0; attempt < 50 && samples.length === 0; attempt += 1) {
      const probe = startProbe({ host: '127.0.0.1', port, intervalMs: 5, timeoutMs: 2000 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      samples = await probe.stop();
    }
    expect(samples.length).to.be.at.least(1);
    expect(samples.every((sample) => !sample.ok)).to.equal(true);
  });
});
