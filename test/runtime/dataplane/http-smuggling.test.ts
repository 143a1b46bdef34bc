import { expect } from 'chai';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import { startByteLogServer, type ByteLogServer } from './byte-log-server';
import { albResources, applyOk, freePort, newDataPlane, type HttpBackend } from './http-fixtures';
import { exchangeUntilClose, rawClient, readResponses, responsesOf } from './http-raw';

/** A request smuggled inside another's body: what a server must never see as a request of its own. */
const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: lb\r\n\r\n';

/** A request with `headers` and `body`, its Content-Length given. */
function withLength(headers: string, body: string): string {
  return `POST /carrier HTTP/1.1\r\nHost: lb\r\n${headers}Content-Length: ${body.length}\r\n\r\n${body}`;
}

/** A request with `headers` and `body` sent as one chunk. */
function chunked(headers: string, body: string): string {
  return `POST /carrier HTTP/1.1\r\nHost: lb\r\n${headers}Transfer-Encoding: chunked\r\n\r\n${body.length.toString(
    16,
  )}\r\n${body}\r\n0\r\n\r\n`;
}

/** Shapes the listener parses as one request carrying a body: the server must see exactly that request. */
const CARRIED: ReadonlyArray<{ name: string; bytes: string }> = [
  { name: 'Connection: Content-Length', bytes: withLength('Connection: Content-Length\r\n', SMUGGLED) },
  {
    name: 'Connection: keep-alive, Content-Length',
    bytes: withLength('Connection: keep-alive, Content-Length\r\n', SMUGGLED),
  },
  {
    name: 'Connection: content-length (two headers)',
    bytes: withLength('Connection: keep-alive\r\nConnection: content-length\r\n', SMUGGLED),
  },
  { name: 'Connection: Transfer-Encoding', bytes: chunked('Connection: Transfer-Encoding\r\n', SMUGGLED) },
  {
    name: 'Connection: Host, Content-Length, Transfer-Encoding',
    bytes: chunked('Connection: Host, Content-Length, Transfer-Encoding\r\n', SMUGGLED),
  },
  {
    name: 'Connection: Content-Length, X-Other',
    bytes: withLength('Connection: Content-Length, X-Other\r\nX-Other: 1\r\n', SMUGGLED),
  },
];

/** Shapes the listener refuses (400): nothing of them may reach the server. */
const REFUSED: ReadonlyArray<{ name: string; bytes: string }> = [
  {
    name: 'Content-Length with Transfer-Encoding',
    bytes: `POST /carrier HTTP/1.1\r\nHost: lb\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  },
  {
    name: 'two Content-Lengths',
    bytes: `POST /carrier HTTP/1.1\r\nHost: lb\r\nContent-Length: 0\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
  },
  {
    name: 'Transfer-Encoding: xchunked',
    bytes: `POST /carrier HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: xchunked\r\n\r\n${SMUGGLED}`,
  },
  {
    name: 'Transfer-Encoding: chunked, identity',
    bytes: `POST /carrier HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: chunked, identity\r\n\r\n${SMUGGLED}`,
  },
  {
    name: 'an obs-folded Transfer-Encoding',
    bytes: `POST /carrier HTTP/1.1\r\nHost: lb\r\nX-A: 1\r\n chunked\r\nContent-Length: 0\r\n\r\n${SMUGGLED}`,
  },
  { name: 'a bare LF', bytes: `POST /carrier HTTP/1.1\nHost: lb\r\nContent-Length: 0\r\n\r\n${SMUGGLED}` },
  {
    name: 'a bad chunk size',
    bytes: `POST /carrier HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n${SMUGGLED}`,
  },
  { name: 'two Host headers', bytes: `GET /carrier HTTP/1.1\r\nHost: lb\r\nHost: other\r\n\r\n` },
  { name: 'an empty Host', bytes: `GET /carrier HTTP/1.1\r\nHost: \r\n\r\n` },
  { name: 'an invalid Host', bytes: `GET /carrier HTTP/1.1\r\nHost: a b@c\r\n\r\n` },
  { name: 'an HTTP/1.0 request with an invalid Host', bytes: `GET /carrier HTTP/1.0\r\nHost: a/b\r\n\r\n` },
  {
    name: 'an absolute-form target with user information',
    bytes: `GET http://user@lb/carrier HTTP/1.1\r\nHost: lb\r\n\r\n`,
  },
];

describe('HTTP request smuggling (a server logging the bytes it receives)', function () {
  let server: ByteLogServer;
  let dataPlane: DataPlane;
  let port: number;

  before(async function () {
    server = await startByteLogServer();
    ({ dataPlane } = newDataPlane());
    port = await freePort();
    const backend = { name: 'log', port: server.port } as HttpBackend;
    await applyOk(
      dataPlane,
      albResources({ port, servers: [{ backend }], backend: { healthCheck: { enabled: false } } }),
    );
  });

  beforeEach(function () {
    server.requests.length = 0;
  });

  after(async function () {
    await dataPlane.stop(500);
    server.close();
  });

  /** A request on its own connection gets its own response (no answer meant for another is queued for it). */
  async function expectVictimServed(name: string): Promise<void> {
    const victim = await rawClient(port, '127.0.0.3');
    victim.socket.write(`GET /victim HTTP/1.1\r\nHost: lb\r\n\r\n`);
    const [response] = await responsesOf(victim, 1);
    victim.socket.destroy();
    expect(response?.body, `${name}: the victim's answer`).to.equal('GET /victim');
  }

  for (const { name, bytes } of CARRIED) {
    it(`sends a request with ${name} framed as the listener parsed it, then the one behind it`, async function () {
      const client = await rawClient(port, '127.0.0.2');
      client.socket.write(`${bytes}GET /next HTTP/1.1\r\nHost: lb\r\n\r\n`);
      const responses = await responsesOf(client, 2);
      client.socket.destroy();
      expect(responses.map((response) => response.body)).to.deep.equal(['POST /carrier', 'GET /next']);
      expect(server.requests.map((request) => `${request.method} ${request.url}`)).to.deep.equal([
        'POST /carrier',
        'GET /next',
      ]);
      const carrier = server.requests[0]!;
      expect(carrier.body).to.equal(SMUGGLED);
      const hosts = carrier.headers.filter((_, i) => i % 2 === 0 && carrier.headers[i]!.toLowerCase() === 'host');
      expect(hosts, 'one Host').to.have.length(1);
      const xff = carrier.headers.findIndex((field, i) => i % 2 === 0 && field.toLowerCase() === 'x-forwarded-for');
      expect(carrier.headers[xff + 1]).to.equal('127.0.0.2');
      expect(server.errors).to.deep.equal([]);
      await expectVictimServed(name);
    });
  }

  for (const { name, bytes } of REFUSED) {
    it(`answers a request with ${name} 400 and passes nothing on`, async function () {
      const text = await exchangeUntilClose(port, bytes);
      expect(readResponses(text).responses.map((response) => response.status)).to.deep.equal([400]);
      expect(server.requests).to.deep.equal([]);
      await expectVictimServed(name);
    });
  }

  it('keeps Host when Connection names it', async function () {
    const client = await rawClient(port);
    client.socket.write('GET /named HTTP/1.1\r\nHost: lb.example:8080\r\nConnection: Host\r\n\r\n');
    await responsesOf(client, 1);
    client.socket.destroy();
    const request = server.requests[0]!;
    expect(request.headers.slice(0, 2)).to.deep.equal(['Host', 'lb.example:8080']);
  });

  it('sends an absolute-form request in origin form with the Host of its target', async function () {
    const client = await rawClient(port);
    client.socket.write(
      'GET http://target.example:8080/path?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\nGET HTTP://Target.example HTTP/1.1\r\nHost: other.example\r\n\r\n',
    );
    const responses = await responsesOf(client, 2);
    client.socket.destroy();
    expect(responses.map((response) => response.body)).to.deep.equal(['GET /path?q=1', 'GET /']);
    for (const [request, host] of [
      [server.requests[0]!, 'target.example:8080'],
      [server.requests[1]!, 'Target.example'],
    ] as const) {
      const hosts = request.headers.filter((_, i) => i % 2 === 1 && request.headers[i - 1]!.toLowerCase() === 'host');
      expect(hosts).to.deep.equal([host]);
    }
  });

  it('keeps the answers of pipelined requests in order when one carries a request in its body', async function () {
    const client = await rawClient(port, '127.0.0.2');
    client.socket.write(
      `GET /hold-first HTTP/1.1\r\nHost: lb\r\n\r\n${CARRIED[0]!.bytes}GET /last HTTP/1.1\r\nHost: lb\r\n\r\n`,
    );
    const victim = await rawClient(port, '127.0.0.3');
    victim.socket.write('GET /victim HTTP/1.1\r\nHost: lb\r\n\r\n');
    expect((await responsesOf(victim, 1)).map((response) => response.body)).to.deep.equal(['GET /victim']);
    server.release();
    const responses = await responsesOf(client, 3);
    client.socket.destroy();
    victim.socket.destroy();
    expect(responses.map((response) => response.body)).to.deep.equal(['GET /hold-first', 'POST /carrier', 'GET /last']);
    expect(server.requests.map((request) => request.url).sort()).to.deep.equal([
      '/carrier',
      '/hold-first',
      '/last',
      '/victim',
    ]);
  });
});
