import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { promisify } from 'node:util';
import type { Registry } from 'prom-client';
import type { Agent } from 'undici';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import {
  albResources,
  applyOk,
  clientFrom,
  fetchText,
  freePort,
  LB_ADDRESS,
  metricValue,
  namesOf,
  newDataPlane,
  sleep,
  startHttpBackend,
  startHttpBackends,
  tally,
  type HttpBackend,
} from './http-fixtures';

const run = promisify(execFile);
/** Sends raw bytes and resolves with everything the listener answers before closing. */
async function rawExchange(text: string, port: number): Promise<string> {
  const socket = net.connect({ host: LB_ADDRESS, port });
  await once(socket, 'connect');
  socket.write(text);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('latin1');
}

describe('HTTP listener', function () {
  let backends: HttpBackend[];
  let dataPlane: DataPlane;
  let client: Agent;
  let registry: Registry;
  let PORT: number;
  let URL: string;

  before(async function () {
    PORT = await freePort();
    URL = `http://${LB_ADDRESS}:${PORT}/`;
    backends = await startHttpBackends(['a', 'b']);
    ({ dataPlane, registry } = newDataPlane({
      httpLimits: { headersTimeoutMs: 500, maxHeaders: 20, maxHeaderBytes: 4096 },
    }));
    await applyOk(
      dataPlane,
      albResources({
        port: PORT,
        servers: [
          { backend: backends[0]!, weight: 3 },
          { backend: backends[1]!, weight: 1 },
        ],
      }),
    );
    client = clientFrom('127.0.0.2');
  });

  after(async function () {
    await client.close();
    await dataPlane.stop(1000);
    await Promise.all(backends.map((backend) => backend.close()));
  });

  it('spreads requests 3:1 with weighted round robin, interleaved', async function () {
    const names = await namesOf(client, URL, 40);
    expect(tally(names)).to.deep.equal({ a: 30, b: 10 });
    expect(names.slice(0, 4).sort()).to.deep.equal(['a', 'a', 'a', 'b']);
    expect(await metricValue(registry, 'albkit_http_responses_total{listener="lb/listener",code="2xx"}')).to.equal(40);
    expect(
      await metricValue(registry, 'albkit_server_active{backend_service="lb/backend",server="lb/servers/a"}'),
    ).to.equal(0);
  });

  it('keeps each client address on one server with source IP scheduling', async function () {
    await applyOk(
      dataPlane,
      albResources({
        port: PORT,
        servers: backends.map((backend) => ({ backend })),
        backend: { algorithm: 'SOURCE_IP' },
      }),
    );
    const seen = new Set<string>();
    for (let host = 2; host <= 9; host++) {
      const from = clientFrom(`127.0.0.${host}`);
      try {
        const names = await namesOf(from, URL, 5);
        expect(new Set(names).size, `client 127.0.0.${host}`).to.equal(1);
        seen.add(names[0]!);
      } finally {
        await from.close();
      }
    }
    expect(seen.size).to.equal(2);
    await applyOk(
      dataPlane,
      albResources({
        port: PORT,
        servers: [
          { backend: backends[0]!, weight: 3 },
          { backend: backends[1]!, weight: 1 },
        ],
      }),
    );
  });

  it('sends new requests to the server with the fewest in flight (weighted least connections)', async function () {
    const slow = await startHttpBackend('slow', (req, res) => {
      req.resume();
      setTimeout(() => res.end('slow'), 200);
    });
    const { dataPlane: plane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(
        plane,
        albResources({
          port,
          servers: [{ backend: slow }, { backend: backends[0]! }],
          backend: { algorithm: 'WEIGHTED_LEAST_CONNECTIONS' },
        }),
      );
      const held = fetchText(client, `http://${LB_ADDRESS}:${port}/`);
      await sleep(30);
      const names = await namesOf(client, `http://${LB_ADDRESS}:${port}/`, 10);
      expect(names).to.deep.equal(Array(10).fill('a'));
      expect((await held).body).to.equal('slow');
    } finally {
      await plane.stop(500);
      await slow.close();
    }
  });

  it('appends X-Forwarded-For and sets X-Forwarded-Proto and -Port, per client address', async function () {
    await fetchText(client, URL, { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'spoofed' } });
    const seen = backends.find((backend) => backend.last['x-forwarded-for']?.includes('203.0.113.7'))!;
    expect(seen.last['x-forwarded-for']).to.equal('203.0.113.7, 127.0.0.2');
    expect(seen.last['x-forwarded-proto']).to.equal('http');
    expect(seen.last['x-forwarded-port']).to.equal(String(PORT));
    const other = clientFrom('127.0.0.3');
    try {
      for (let i = 0; i < 4; i++) await fetchText(other, URL);
      expect(backends.map((backend) => backend.last['x-forwarded-for'])).to.include('127.0.0.3');
    } finally {
      await other.close();
    }
  });

  it('strips hop-by-hop headers in both directions', async function () {
    const hop = await startHttpBackend('hop', (req, res) => {
      res.setHeader('keep-alive', 'timeout=5');
      res.setHeader('x-internal', 'secret');
      res.setHeader('connection', 'x-internal');
      res.end('hop');
      req.resume();
    });
    const { dataPlane: plane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(plane, albResources({ port, servers: [{ backend: hop }] }));
      const answer = await rawExchange(
        'GET / HTTP/1.1\r\nHost: lb\r\nConnection: close, x-secret-hop\r\nx-secret-hop: 1\r\nTE: trailers\r\n' +
          'Keep-Alive: timeout=5\r\nProxy-Authorization: Basic eA==\r\n\r\n',
        port,
      );
      const [head, body] = answer.split('\r\n\r\n') as [string, string];
      expect(body).to.equal('hop');
      expect(hop.last).to.not.have.any.keys('x-secret-hop', 'te', 'keep-alive', 'proxy-authorization');
      expect(hop.last.host).to.equal('lb');
      expect(head.toLowerCase()).to.not.include('x-internal').and.not.include('keep-alive');
    } finally {
      await plane.stop(500);
      await hop.close();
    }
  });

  it('gives an HTTP/1.0 request without Host the listener address, and answers it in HTTP/1.0', async function () {
    const answer = await rawExchange('GET /old HTTP/1.0\r\n\r\n', PORT);
    expect(answer).to.match(/^HTTP\/1\.[01] 200 /);
    const served = backends.find((backend) => backend.lastLine === 'GET /old HTTP/1.1')!;
    expect(served.last.host).to.equal(`${LB_ADDRESS}:${PORT}`);
  });

  it('answers every pipelined request on a connection', async function () {
    const socket = net.connect({ host: LB_ADDRESS, port: PORT });
    await once(socket, 'connect');
    socket.write(
      'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    await once(socket, 'close');
    expect(text.match(/HTTP\/1\.1 200 OK/g)).to.have.length(3);
  });

  it('streams request and response bodies (chunked upload, large download)', async function () {
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    const echo = await startHttpBackend('echo', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => res.end(req.method === 'POST' ? Buffer.concat(chunks) : big));
    });
    const { dataPlane: plane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(plane, albResources({ port, servers: [{ backend: echo }] }));
      const down = await fetchText(client, `http://${LB_ADDRESS}:${port}/`);
      expect(down.body.length).to.equal(big.length);
      const { stdout } = await run('curl', [
        '-s',
        '-H',
        'Transfer-Encoding: chunked',
        '--data-binary',
        'hello chunked world',
        `http://${LB_ADDRESS}:${port}/`,
      ]);
      expect(stdout).to.equal('hello chunked world');
      expect(echo.last['transfer-encoding']).to.equal('chunked');
    } finally {
      await plane.stop(500);
      await echo.close();
    }
  });

  it('rejects Content-Length together with Transfer-Encoding (request smuggling)', async function () {
    const hits = backends[0]!.hits + backends[1]!.hits;
    const answer = await rawExchange(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n',
      PORT,
    );
    expect(answer).to.match(/^HTTP\/1\.1 400 /);
    expect(answer).to.not.include('200 OK');
    expect(backends[0]!.hits + backends[1]!.hits).to.equal(hits);
  });

  it('rejects conflicting Content-Length headers', async function () {
    const answer = await rawExchange(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 10\r\n\r\nabcd',
      PORT,
    );
    expect(answer).to.match(/^HTTP\/1\.1 400 /);
  });

  it('answers 431 to too many or too large headers', async function () {
    const many = Array.from({ length: 25 }, (_, i) => `x-h${i}: v`).join('\r\n');
    expect(await rawExchange(`GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${many}\r\n\r\n`, PORT)).to.match(
      /^HTTP\/1\.1 431 /,
    );
    const large = `x-big: ${'y'.repeat(5000)}`;
    expect(await rawExchange(`GET / HTTP/1.1\r\nHost: x\r\n${large}\r\n\r\n`, PORT)).to.match(/^HTTP\/1\.1 431 /);
  });

  it('closes a connection whose headers do not arrive in time (slowloris)', async function () {
    const socket = net.connect({ host: LB_ADDRESS, port: PORT });
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => socket.write('x-slow: 1\r\n'), 100);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const started = Date.now();
    await once(socket, 'close');
    clearInterval(trickle);
    expect(Buffer.concat(chunks).toString()).to.match(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).to.be.below(5000);
  });

  it('answers 502 with a fixed body when the server fails, naming no server', async function () {
    const dead = await startHttpBackend('dead', (_req, res) => res.socket?.destroy());
    const { dataPlane: plane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(plane, albResources({ port, servers: [{ backend: dead }] }));
      const answer = await fetchText(client, `http://${LB_ADDRESS}:${port}/`, { method: 'POST' });
      expect(answer.status).to.equal(502);
      expect(answer.body).to.equal('502 Bad Gateway\n');
      expect(JSON.stringify(answer.headers)).to.not.include(String(dead.port));
    } finally {
      await plane.stop(500);
      await dead.close();
    }
  });

  it('retries an idempotent request once on another server when the connection fails, but not a POST with a body', async function () {
    const crashing = await startHttpBackend('crashing', (_req, res) => res.socket?.destroy());
    const { dataPlane: plane, registry } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(
        plane,
        albResources({
          port,
          servers: [{ backend: crashing }, { backend: backends[0]! }],
          backend: { algorithm: 'WEIGHTED_LEAST_CONNECTIONS', healthCheck: { enabled: false } },
        }),
      );
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => fetchText(client, `http://${LB_ADDRESS}:${port}/`)),
      );
      expect(answers.map((answer) => answer.body)).to.deep.equal(['a', 'a', 'a', 'a']);
      expect(crashing.hits).to.be.at.least(1);
      expect(await metricValue(registry, 'albkit_http_retries_total{listener="lb/listener"}')).to.equal(crashing.hits);
      const statuses = new Set<number>();
      for (let i = 0; i < 4; i++) {
        statuses.add(
          (
            await fetchText(client, `http://${LB_ADDRESS}:${port}/`, {
              method: 'POST',
              headers: { 'content-length': '2' },
              body: 'hi',
            })
          ).status,
        );
      }
      expect([...statuses].sort()).to.deep.equal([200, 502]);
    } finally {
      await plane.stop(500);
      await crashing.close();
    }
  });

  it('retries a request whose server connection was refused on another server, whatever its method and body', async function () {
    const echo = await startHttpBackend('echo', (req, res) => {
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => res.end(`${req.method} ${body.length} ${body.slice(0, 8)}`));
    });
    const refusing = { name: 'refusing', port: await freePort() } as HttpBackend;
    const { dataPlane: plane, registry } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(
        plane,
        albResources({
          port,
          servers: [{ backend: refusing }, { backend: echo }],
          backend: { healthCheck: { enabled: false } },
        }),
      );
      const big = 'b'.repeat(256 * 1024);
      const sent = [
        ...Array.from({ length: 10 }, (_, i) => ({ method: 'POST' as const, body: `post-${i}` })),
        { method: 'PATCH' as const, body: 'patch' },
        { method: 'POST' as const, body: big },
        { method: 'POST' as const, body: big },
      ];
      const answers = [];
      for (const { method, body } of sent)
        answers.push(await fetchText(client, `http://${LB_ADDRESS}:${port}/`, { method, body }));
      expect(answers.map((answer) => answer.status)).to.deep.equal(sent.map(() => 200));
      expect(answers.map((answer) => answer.body)).to.deep.equal(
        sent.map(({ method, body }) => `${method} ${body.length} ${body.slice(0, 8)}`),
      );
      expect(await metricValue(registry, 'albkit_http_retries_total{listener="lb/listener"}')).to.be.at.least(
        sent.length / 2 - 1,
      );
    } finally {
      await plane.stop(500);
      await echo.close();
    }
  });

  it('answers 502 to a malformed response', async function () {
    const garbage = net.createServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\nhello'));
    garbage.listen(0, '127.0.0.1');
    await once(garbage, 'listening');
    const { dataPlane: plane } = newDataPlane();
    const port = await freePort();
    try {
      const fake = { name: 'garbage', port: (garbage.address() as net.AddressInfo).port } as HttpBackend;
      await applyOk(
        plane,
        albResources({ port, servers: [{ backend: fake }], backend: { healthCheck: { enabled: false } } }),
      );
      const answer = await fetchText(client, `http://${LB_ADDRESS}:${port}/`);
      expect(answer).to.include({ status: 502, body: '502 Bad Gateway\n' });
    } finally {
      await plane.stop(500);
      garbage.close();
    }
  });

  it('answers 504 when the server does not answer within the idle timeout', async function () {
    const slow = await startHttpBackend('slow', () => undefined);
    const { dataPlane: plane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(plane, albResources({ port, servers: [{ backend: slow }], listener: { idleTimeoutSeconds: 1 } }));
      const answer = await fetchText(client, `http://${LB_ADDRESS}:${port}/`);
      expect(answer.status).to.equal(504);
      expect(answer.body).to.equal('504 Gateway Timeout\n');
    } finally {
      await plane.stop(500);
      await slow.close();
    }
  });

  it('answers 503 with a short body when no server is usable', async function () {
    const { dataPlane: plane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(plane, albResources({ port, servers: [{ backend: backends[0]!, weight: 0 }] }));
      const answer = await fetchText(client, `http://${LB_ADDRESS}:${port}/`);
      expect(answer.status).to.equal(503);
      expect(answer.body).to.equal('503 Service Unavailable: no healthy server\n');
    } finally {
      await plane.stop(500);
    }
  });

  it('closes idle client connections after idleTimeoutSeconds', async function () {
    const { dataPlane: plane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(
        plane,
        albResources({ port, servers: [{ backend: backends[0]! }], listener: { idleTimeoutSeconds: 2 } }),
      );
      const socket = net.connect({ host: LB_ADDRESS, port: port });
      await once(socket, 'connect');
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      const [head] = (await once(socket, 'data')) as [Buffer];
      // Clients are told a little early, so that they do not reuse a connection as it closes.
      expect(head.toString('latin1').toLowerCase()).to.include('\r\nkeep-alive: timeout=1\r\n');
      const started = Date.now();
      socket.resume();
      await once(socket, 'close');
      expect(Date.now() - started).to.be.within(1800, 2600);
    } finally {
      await plane.stop(500);
    }
  });

  it('binds the EIP address too', async function () {
    const { dataPlane: plane } = newDataPlane();
    const port = await freePort();
    try {
      await applyOk(plane, albResources({ port, servers: [{ backend: backends[0]! }], eip: '127.0.0.9' }));
      expect((await fetchText(client, `http://127.0.0.9:${port}/`)).body).to.equal('a');
      expect((await fetchText(client, `http://${LB_ADDRESS}:${port}/`)).body).to.equal('a');
    } finally {
      await plane.stop(500);
    }
  });
});
