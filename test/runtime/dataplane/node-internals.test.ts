/**
 * Guards on the Node internals the data plane relies on (runtime/dataplane/node-internals/, whose README
 * lists them), each on a real loopback connection, and the start-up self-check over all of them. The llhttp
 * binding has its own guard, http-parser.test.ts.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import pino from 'pino';
import { Agent } from '../../../runtime/agent';
import { closeWhenFlushed } from '../../../runtime/dataplane/node-internals/destroy-soon';
import { moveToReadInPlace } from '../../../runtime/dataplane/node-internals/read-in-place';
import { checkNodeInternals } from '../../../runtime/dataplane/node-internals/self-check';
import { guardConnections, handToTls } from '../../../runtime/dataplane/node-internals/tls-connections';
import { generateCertificate } from '../../fixtures/tcp-peers';

/** A server on loopback calling `onSocket` with each accepted socket; closed by `close`. */
async function serve(server: net.Server, onSocket: (socket: Socket) => void): Promise<{ port: number; close(): void }> {
  server.on('connection', onSocket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

/** Sends `text`, half-closes, and collects everything until the server closes. */
async function exchange(port: number, text: string): Promise<string> {
  const client = net.connect(port, '127.0.0.1');
  let received = '';
  client.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  client.end(text);
  await once(client, 'close');
  return received;
}

describe('Node internals the data plane relies on', function () {
  it('moves an accepted paused socket into one reading in place: every read lands in the given buffer', async function () {
    const buffer = Buffer.alloc(64);
    const reads: string[] = [];
    const sockets: Socket[] = [];
    const server = await serve(net.createServer({ pauseOnConnect: true, allowHalfOpen: true }), (accepted) => {
      const moved = moveToReadInPlace(accepted, {
        buffer,
        callback(bytes, into) {
          expect(into).to.equal(buffer);
          reads.push(buffer.toString('latin1', 0, bytes));
          return true;
        },
      });
      expect(moved, 'an accepted socket has a handle to move').to.not.equal(undefined);
      expect(accepted.destroyed).to.equal(true);
      sockets.push(moved!);
      moved!.on('end', () => moved!.end('bye'));
      moved!.resume();
    });
    try {
      expect(await exchange(server.port, 'x'.repeat(200))).to.equal('bye');
      expect(reads.join('')).to.equal('x'.repeat(200));
      expect(reads.every((read) => read.length <= buffer.length)).to.equal(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  it('closes with destroySoon only after a large write is flushed, whatever the peer does', async function () {
    const payload = 'y'.repeat(4 * 1024 * 1024);
    const server = await serve(net.createServer({ allowHalfOpen: true }), (socket) => {
      socket.write(payload);
      closeWhenFlushed(socket);
    });
    try {
      const client = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
      let received = 0;
      client.on('data', (chunk: Buffer) => (received += chunk.length));
      await once(client, 'end');
      expect(received).to.equal(payload.length);
      client.destroy();
    } finally {
      server.close();
    }
  });

  it("a tls.Server starts TLS from its one 'connection' listener: guarded, and handed sockets from another server", async function () {
    const { cert, key } = await generateCertificate();
    expect(tls.createServer({ cert, key }).listenerCount('connection')).to.equal(1);
    const guarded = tls.createServer({ cert, key }, (socket) => socket.end('guarded'));
    const admitted: string[] = [];
    guardConnections(guarded, (socket) => {
      admitted.push(socket.remoteAddress ?? '');
      if (socket.remoteAddress === '127.0.0.1') return true;
      socket.destroy();
      return false;
    });
    const handed = tls.createServer({ cert, key }, (socket) => socket.end('handed'));
    const front = await serve(net.createServer(), (socket) => handToTls(handed, socket));
    guarded.listen(0, '0.0.0.0');
    await once(guarded, 'listening');
    const port = (guarded.address() as AddressInfo).port;
    const read = async (host: string, to: number, localAddress = '127.0.0.1'): Promise<string> => {
      const client = tls.connect({ socket: net.connect({ host, port: to, localAddress }), rejectUnauthorized: false });
      let text = '';
      client.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
      client.on('error', () => undefined);
      await new Promise((resolve) => client.on('close', resolve));
      return text;
    };
    try {
      expect(await read('127.0.0.1', port)).to.equal('guarded');
      expect(await read('127.0.0.1', port, '127.0.0.2')).to.equal('');
      expect(admitted).to.deep.equal(['127.0.0.1', '127.0.0.2']);
      expect(await read('127.0.0.1', front.port)).to.equal('handed');
    } finally {
      guarded.close();
      front.close();
    }
  });

  it('the self-check passes on this Node', async function () {
    await checkNodeInternals();
  });

  describe('when an internal changed (destroySoon gone)', function () {
    const destroySoon = Object.getOwnPropertyDescriptor(net.Socket.prototype, 'destroySoon')!;
    beforeEach(() =>
      Object.defineProperty(net.Socket.prototype, 'destroySoon', {
        value: undefined,
        configurable: true,
        writable: true,
      }),
    );
    afterEach(() => Object.defineProperty(net.Socket.prototype, 'destroySoon', destroySoon));

    /** What `run` rejected with. */
    async function rejection(run: () => Promise<unknown>): Promise<(Error & { code?: string }) | undefined> {
      return run().then(
        () => undefined,
        (thrown: unknown) => thrown as Error & { code?: string },
      );
    }

    it('the self-check fails naming the Node version and the internal', async function () {
      const error = await rejection(() => checkNodeInternals());
      expect(error?.code).to.equal('ALBKIT_NODE_INTERNALS');
      expect(error?.message).to.contain(`Node ${process.version}`).and.to.contain('net.Socket#destroySoon');
    });

    it('the agent refuses to start, before its control API binds', async function () {
      const stateDir = await mkdtemp(join(tmpdir(), 'albkit-internals-'));
      const port = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as AddressInfo;
          probe.close(() => resolve(free));
        });
      });
      try {
        const error = await rejection(() =>
          Agent.start({ stateDir, control: `127.0.0.1:${port}`, logger: pino({ level: 'silent' }) }),
        );
        expect(error?.code).to.equal('ALBKIT_NODE_INTERNALS');
        // Nothing was bound: the control port is still free.
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
        server.close();
      } finally {
        await rm(stateDir, { recursive: true, force: true });
      }
    });
  });
});
