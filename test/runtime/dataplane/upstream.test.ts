import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import type { Agent } from 'undici';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
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
  type HttpBackend,
} from './http-fixtures';

/**
 * A raw backend: answers each request (read up to its blank line) with `respond(requestHead)`, verbatim,
 * and counts connections.
 */
async function rawBackend(
  respond: (head: string, socket: net.Socket) => void,
): Promise<{ backend: HttpBackend; connections: () => number; close: () => void }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        respond(head, socket);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    backend: { name: 'raw', port } as HttpBackend,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('HTTP upstream connections', function () {
  let dataPlane: DataPlane;
  let client: Agent;
  let port: number;
  let peer: Awaited<ReturnType<typeof rawBackend>> | undefined;

  async function serve(respond: (head: string, socket: net.Socket) => void): Promise<string> {
    peer = await rawBackend(respond);
    await applyOk(
      dataPlane,
      albResources({ port, servers: [{ backend: peer.backend }], backend: { healthCheck: { enabled: false } } }),
    );
    return `http://${LB_ADDRESS}:${port}/`;
  }

  before(async function () {
    ({ dataPlane } = newDataPlane());
    port = await freePort();
    client = clientFrom();
  });

  afterEach(function () {
    peer?.close();
    peer = undefined;
  });

  after(async function () {
    await client.close();
    await dataPlane.stop(500);
  });

  it('reuses one keep-alive connection for sequential requests', async function () {
    const url = await serve((_head, socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    for (let i = 0; i < 20; i++) expect((await fetchText(client, url)).body).to.equal('ok');
    expect(peer!.connections()).to.equal(1);
  });

  it('passes more than 32 response headers, and no hop-by-hop ones', async function () {
    const many = Array.from({ length: 40 }, (_, i) => `X-Field-${i}: ${i}\r\n`).join('');
    const url = await serve((_head, socket) =>
      socket.write(`HTTP/1.1 200 OK\r\n${many}Keep-Alive: timeout=9\r\nContent-Length: 2\r\n\r\nok`),
    );
    const answer = await fetchText(client, url);
    expect(answer.headers['x-field-0']).to.equal('0');
    expect(answer.headers['x-field-39']).to.equal('39');
    expect(answer.headers['keep-alive']).to.not.equal('timeout=9');
  });

  it('answers HEAD without a body and keeps the connection usable', async function () {
    const url = await serve((head, socket) =>
      socket.write(
        head.startsWith('HEAD')
          ? 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'
          : 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
      ),
    );
    const headAnswer = await fetchText(client, url, { method: 'HEAD' });
    expect(headAnswer).to.include({ status: 200, body: '' });
    expect(headAnswer.headers['content-length']).to.equal('5');
    expect((await fetchText(client, url)).body).to.equal('hello');
    expect(peer!.connections()).to.equal(1);
  });

  it('skips an informational 100 Continue from the server', async function () {
    const url = await serve((_head, socket) =>
      socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone'),
    );
    expect(await fetchText(client, url)).to.include({ status: 201, body: 'done' });
  });

  it('carries a chunked response and one delimited by the connection closing', async function () {
    let chunked = true;
    const url = await serve((_head, socket) => {
      if (chunked)
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
      else socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end');
    });
    expect((await fetchText(client, url)).body).to.equal('hello world');
    chunked = false;
    expect((await fetchText(client, url)).body).to.equal('until the end');
    expect((await fetchText(client, url)).body).to.equal('until the end');
  });

  it('carries a sized response whose head or body is split across reads, and one followed by stray bytes', async function () {
    let served = 0;
    const url = await serve((_head, socket) => {
      served++;
      if (served === 1) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Le');
        setTimeout(() => socket.write('ngth: 10\r\n\r\nhello'), 20);
        setTimeout(() => socket.write('world'), 40);
      } else if (served === 2) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nhel');
        setTimeout(() => socket.write('lo\r\n\r\nworld'), 20);
      } else if (served === 3) {
        // More than the length says: the answer is carried, the connection is not used again.
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nsizestray');
      } else {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh');
      }
    });
    expect((await fetchText(client, url)).body).to.equal('helloworld');
    expect((await fetchText(client, url)).body).to.equal('hello\r\n\r\nworld');
    expect(peer!.connections()).to.equal(1);
    expect((await fetchText(client, url)).body).to.equal('size');
    expect((await fetchText(client, url)).body).to.equal('fresh');
    expect(peer!.connections()).to.equal(2);
  });

  it('opens a new connection when the server closed an idle one', async function () {
    const url = await serve((_head, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      setTimeout(() => socket.end(), 50);
    });
    expect((await fetchText(client, url)).body).to.equal('ok');
    await sleep(150);
    expect((await fetchText(client, url)).body).to.equal('ok');
    expect(peer!.connections()).to.equal(2);
  });

  it('retries a GET on the same only server when a reused connection turns out closed', async function () {
    let served = 0;
    const url = await serve((_head, socket) => {
      served++;
      // The second request on the first connection: close without answering, as a server timing out idle.
      if (served === 2) socket.destroy();
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    expect((await fetchText(client, url)).body).to.equal('ok');
    expect(await fetchText(client, url)).to.include({ status: 200, body: 'ok' });
    expect(served).to.equal(3);
  });

  it('drops the server request when the client goes away mid-response, and releases the server', async function () {
    let upstreamClosed = false;
    const url = await serve((_head, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\npartial');
      // A client that closed is told from one that half-closed by the reset its next write meets.
      const more = setInterval(() => socket.write('more'), 20);
      socket.on('close', () => {
        clearInterval(more);
        upstreamClosed = true;
      });
    });
    const socket = net.connect({ host: LB_ADDRESS, port });
    await once(socket, 'connect');
    socket.write(`GET ${new URL(url).pathname} HTTP/1.1\r\nHost: lb\r\n\r\n`);
    await once(socket, 'data');
    expect(dataPlane.health()['lb/backend']![0]!.active).to.equal(1);
    socket.destroy();
    while (!upstreamClosed) await sleep(10);
    expect(dataPlane.health()['lb/backend']![0]!.active).to.equal(0);
  });

  it('applies backpressure to a server when the client reads slowly, then reuses the connection', async function () {
    const size = 8 * 1024 * 1024;
    const url = await serve((_head, socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
      socket.write(Buffer.alloc(size, 1));
    });
    const socket = net.connect({ host: LB_ADDRESS, port });
    await once(socket, 'connect');
    socket.pause();
    socket.write(`GET ${new URL(url).pathname} HTTP/1.1\r\nHost: lb\r\n\r\n`);
    await sleep(300);
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    while (received < size) await sleep(10);
    socket.destroy();
    expect((await fetchText(client, url)).body.length).to.equal(size);
    expect(peer!.connections()).to.equal(1);
  });

  it('sends a sized request body as is, large ones with backpressure', async function () {
    const echo = await startHttpBackend('echo', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => res.end(Buffer.concat(chunks)));
    });
    try {
      await applyOk(dataPlane, albResources({ port, servers: [{ backend: echo }] }));
      expect(
        (await fetchText(client, `http://${LB_ADDRESS}:${port}/`, { method: 'POST', body: 'sized body' })).body,
      ).to.equal('sized body');
      expect(echo.last['content-length']).to.equal('10');
      expect(echo.last).to.not.have.property('transfer-encoding');
      const large = randomBytes(8 * 1024 * 1024).toString('base64');
      expect((await fetchText(client, `http://${LB_ADDRESS}:${port}/`, { method: 'PUT', body: large })).body).to.equal(
        large,
      );
    } finally {
      await echo.close();
    }
  });
});
