import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { once } from 'node:events';
import type http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import { MAX_WAITING_REQUESTS } from '../../../runtime/dataplane/http-connection';
import { generateCertificate } from '../../fixtures/tcp-peers';
import {
  albResources,
  applyOk,
  freePort,
  LB_ADDRESS,
  newDataPlane,
  sleep,
  startHttpBackend,
  type HttpBackend,
} from './http-fixtures';
import { exchangeUntilClose, rawClient, readResponses, responsesOf } from './http-raw';

/** Answers `/slow` after 150 ms, `/early` after a 103, anything else with its method, URL and body. */
function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  let body = '';
  req.setEncoding('latin1');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    if (req.url === '/slow') {
      setTimeout(() => res.end('slow'), 150);
    } else if (req.url === '/early') {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.end('after hints');
    } else {
      res.end(`${req.method} ${req.url} ${body}`);
    }
  });
}

/** A server that answers every request without a length and closes the connection to end the body. */
async function untilCloseServer(): Promise<{ backend: HttpBackend; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    backend: { name: 'until-close', port: (server.address() as net.AddressInfo).port } as HttpBackend,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('HTTP front (raw client connections)', function () {
  let backend: HttpBackend;
  let dataPlane: DataPlane;
  let port: number;

  before(async function () {
    backend = await startHttpBackend('echo', answer);
    ({ dataPlane } = newDataPlane({ httpLimits: { headersTimeoutMs: 400 } }));
    port = await freePort();
    await applyOk(
      dataPlane,
      albResources({ port, servers: [{ backend }], backend: { healthCheck: { enabled: false } } }),
    );
  });

  after(async function () {
    await dataPlane.stop(500);
    await backend.close();
  });

  it('answers pipelined requests in order, a slow one first, bodies included', async function () {
    const text = await exchangeUntilClose(
      port,
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n' +
        'GET /2 HTTP/1.1\r\nHost: x\r\n\r\n' +
        'POST /3 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nthree' +
        'GET /4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const { responses, rest } = readResponses(text);
    expect(responses.map((response) => response.body)).to.deep.equal(['slow', 'GET /2 ', 'POST /3 three', 'GET /4 ']);
    expect(responses.map((response) => response.headers.connection)).to.deep.equal([
      'keep-alive',
      'keep-alive',
      'keep-alive',
      'close',
    ]);
    expect(rest).to.equal('');
  });

  it(`answers at most ${MAX_WAITING_REQUESTS} pipelined requests behind the current one, then closes, telling the client`, async function () {
    const count = MAX_WAITING_REQUESTS + 30;
    const requests = Array.from({ length: count }, (_, i) => `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const { responses, rest } = readResponses(
      await exchangeUntilClose(port, `GET /slow HTTP/1.1\r\nHost: x\r\n\r\n${requests}`),
    );
    expect(responses).to.have.length(MAX_WAITING_REQUESTS + 1);
    expect(responses.map((response) => response.body)).to.deep.equal([
      'slow',
      ...Array.from({ length: MAX_WAITING_REQUESTS }, (_, i) => `GET /${i} `),
    ]);
    expect(responses.at(-1)!.headers.connection).to.equal('close');
    expect(responses.at(-2)!.headers.connection).to.equal('keep-alive');
    expect(rest).to.equal('');
  });

  it('gives any split of a pipelined byte stream the same answers', async function () {
    this.timeout(30000);
    const stream =
      'GET /1 HTTP/1.1\r\nHost: x\r\n\r\n' +
      'POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world' +
      'POST /3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n3\r\nfgh\r\n0\r\n\r\n' +
      'HEAD /4 HTTP/1.1\r\nHost: x\r\n\r\n' +
      'GET /5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const expected = ['GET /1 ', 'POST /2 hello world', 'POST /3 abcdefgh', '', 'GET /5 '];
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const client = await rawClient(port);
          let from = 0;
          for (const cut of [...cuts.sort((a, b) => a - b), stream.length]) {
            client.socket.write(stream.slice(from, cut));
            from = cut;
            await sleep(1);
          }
          await client.closed;
          const { responses, rest } = readResponses(client.received(), new Set([3]));
          expect(responses.map((response) => response.body)).to.deep.equal(expected);
          expect(responses.map((response) => response.status)).to.deep.equal([200, 200, 200, 200, 200]);
          expect(rest).to.equal('');
        },
      ),
      { numRuns: 25 },
    );
  });

  it('closes an HTTP/1.0 connection after the answer, unless the client asks for keep-alive', async function () {
    const closing = readResponses(await exchangeUntilClose(port, 'GET /old HTTP/1.0\r\nHost: x\r\n\r\n')).responses;
    expect(closing).to.have.length(1);
    expect(closing[0]).to.deep.include({ status: 200, body: 'GET /old ' });
    expect(closing[0]!.headers.connection).to.equal('close');
    const client = await rawClient(port);
    try {
      client.socket.write('GET /a HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      const [first] = await responsesOf(client, 1);
      expect(first!.headers.connection).to.equal('keep-alive');
      client.socket.write('GET /b HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      expect((await responsesOf(client, 2)).map((response) => response.body)).to.deep.equal(['GET /a ', 'GET /b ']);
    } finally {
      client.socket.destroy();
    }
  });

  it('answers the requests a client sent in full before half-closing, in order, then closes', async function () {
    const client = await rawClient(port);
    client.socket.end(
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi',
    );
    await client.closed;
    const { responses, rest } = readResponses(client.received());
    expect(responses.map((response) => response.body)).to.deep.equal(['slow', 'POST /b hi']);
    expect(responses[1]!.headers.connection).to.equal('close');
    expect(rest).to.equal('');
  });

  it('answers a request sent before a half-close over HTTPS too', async function () {
    const { dataPlane: plane } = newDataPlane();
    const other = await freePort();
    const { cert, key } = await generateCertificate();
    try {
      await applyOk(
        plane,
        albResources({
          port: other,
          servers: [{ backend }],
          listener: { protocol: 'HTTPS', certificate: { certPem: cert, keyPem: key } },
        }),
      );
      const socket = tls.connect({ host: LB_ADDRESS, port: other, rejectUnauthorized: false });
      await once(socket, 'secureConnect');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.end('GET /secure HTTP/1.1\r\nHost: x\r\n\r\n');
      await once(socket, 'close');
      expect(readResponses(text).responses.map((response) => response.body)).to.deep.equal(['GET /secure ']);
    } finally {
      await plane.stop(500);
    }
  });

  it('answers a request piped through socat, which half-closes after sending it', async function () {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('socat', ['-t', '10', '-', `TCP:${LB_ADDRESS}:${port}`], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      child.on('error', reject);
      child.on('close', () => resolve(text));
      child.stdin.end('GET /socat HTTP/1.1\r\nHost: a\r\n\r\n');
    });
    expect(readResponses(output).responses.map((response) => response.body)).to.deep.equal(['GET /socat ']);
  });

  it('closes without an answer when a client half-closes in the middle of a request body', async function () {
    const client = await rawClient(port);
    client.socket.end('POST /cut HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
    await client.closed;
    expect(client.received()).to.equal('');
  });

  it('answers Expect: 100-continue with 100 Continue before the body comes, and 417 to other expectations', async function () {
    const client = await rawClient(port);
    try {
      client.socket.write('PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n');
      const until = Date.now() + 5000;
      while (!client.received().includes('\r\n\r\n') && Date.now() < until) await sleep(5);
      expect(client.received()).to.equal('HTTP/1.1 100 Continue\r\n\r\n');
      client.socket.write('data');
      const [, final] = await responsesOf(client, 2);
      expect(final).to.deep.include({ status: 200, body: 'PUT /up data' });
      expect(backend.last).to.not.have.property('expect');
    } finally {
      client.socket.destroy();
    }
    const refused = await exchangeUntilClose(
      port,
      'PUT /up HTTP/1.1\r\nHost: x\r\nExpect: wishes\r\nContent-Length: 4\r\n\r\n',
    );
    expect(refused).to.match(/^HTTP\/1\.1 417 Expectation Failed\r\n/);
  });

  it('passes the final response of a server that sent an informational one first (1xx are not forwarded)', async function () {
    const text = await exchangeUntilClose(port, 'GET /early HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).to.match(/^HTTP\/1\.1 200 OK\r\n/);
    expect(readResponses(text).responses[0]!.body).to.equal('after hints');
  });

  it('refuses an HTTP/1.1 request without Host (400) and CONNECT (405), then closes', async function () {
    expect(await exchangeUntilClose(port, 'GET / HTTP/1.1\r\n\r\n')).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(
      await exchangeUntilClose(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
    ).to.match(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
  });

  it('answers a pipelined malformed request 400 after the answers owed, then closes', async function () {
    const text = await exchangeUntilClose(
      port,
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    );
    const { responses } = readResponses(text);
    expect(responses.map((response) => response.status)).to.deep.equal([200, 400]);
    expect(responses[0]!.body).to.equal('slow');
  });

  it('answers 400 to a request whose chunked body is malformed, without passing the rest on, and closes', async function () {
    const hits = backend.hits;
    const text = await exchangeUntilClose(
      port,
      'POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nzz\r\n',
    );
    expect(text).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text.toLowerCase()).to.include('connection: close');
    expect(backend.hits - hits).to.be.at.most(1);
  });

  it('closes an HTTPS connection whose TLS handshake does not finish within the headers timeout', async function () {
    const { dataPlane: plane } = newDataPlane({ httpLimits: { headersTimeoutMs: 300 } });
    const other = await freePort();
    const certificate = await generateCertificate();
    try {
      await applyOk(
        plane,
        albResources({
          port: other,
          servers: [{ backend }],
          listener: { protocol: 'HTTPS', certificate: { certPem: certificate.cert, keyPem: certificate.key } },
        }),
      );
      const silent = net.connect({ host: LB_ADDRESS, port: other });
      await once(silent, 'connect');
      silent.on('error', () => undefined);
      const started = Date.now();
      await once(silent, 'close');
      expect(Date.now() - started).to.be.within(250, 3000);
      // A client that completes the handshake and sends nothing gets the HTTP headers timeout.
      const quiet = tls.connect({ host: LB_ADDRESS, port: other, rejectUnauthorized: false });
      await once(quiet, 'secureConnect');
      let text = '';
      quiet.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      await once(quiet, 'close');
      expect(text).to.match(/^HTTP\/1\.1 408 /);
    } finally {
      await plane.stop(500);
    }
  });

  it('times out a connection that sends no request (408 after the headers timeout)', async function () {
    const client = await rawClient(port);
    const started = Date.now();
    await client.closed;
    expect(client.received()).to.match(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).to.be.within(380, 2000);
  });

  it('chunks a body the server ends by closing for HTTP/1.1 clients (keeping the connection), and closes for HTTP/1.0 ones', async function () {
    const untilClose = await untilCloseServer();
    const { dataPlane: plane } = newDataPlane();
    const other = await freePort();
    await applyOk(
      plane,
      albResources({
        port: other,
        servers: [{ backend: untilClose.backend }],
        backend: { healthCheck: { enabled: false } },
      }),
    );
    const client = await rawClient(other);
    try {
      client.socket.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\n');
      const [first] = await responsesOf(client, 1);
      expect(first).to.deep.include({ status: 200, body: 'until the end' });
      expect(first!.headers).to.include({ 'transfer-encoding': 'chunked', connection: 'keep-alive' });
      client.socket.write('GET /2 HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await responsesOf(client, 2))[1]).to.deep.include({ status: 200, body: 'until the end' });
      const old = await exchangeUntilClose(other, 'GET /3 HTTP/1.0\r\n\r\n');
      expect(old).to.match(/^HTTP\/1\.1 200 OK\r\n/);
      expect(old.toLowerCase()).to.not.include('transfer-encoding').and.not.include('content-length');
      expect(old.split('\r\n\r\n')[1]).to.equal('until the end');
    } finally {
      client.socket.destroy();
      await plane.stop(500);
      untilClose.close();
    }
  });

  it('on stop, closes idle connections at once and answers in-flight requests before closing theirs', async function () {
    const { dataPlane: plane } = newDataPlane();
    const other = await freePort();
    await applyOk(
      plane,
      albResources({ port: other, servers: [{ backend }], backend: { healthCheck: { enabled: false } } }),
    );
    const idle = await rawClient(other);
    const busy = await rawClient(other);
    idle.socket.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\n');
    await responsesOf(idle, 1);
    busy.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(30);
    const stopped = plane.stop(2000);
    await idle.closed;
    await busy.closed;
    await stopped;
    const [answer] = readResponses(busy.received()).responses;
    expect(answer).to.deep.include({ status: 200, body: 'slow' });
    expect(answer!.headers.connection).to.equal('close');
  });
});
