import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { newTcpCounts } from '../../../runtime/dataplane/metrics';
import { proxyAccepted } from '../../../runtime/dataplane/tcp-connection';
import { connectFrom, portOf, startEchoBackend, TestPool, type TestBackend } from '../../fixtures/tcp-peers';

describe('proxyAccepted', () => {
  let backend: TestBackend;

  before(async () => {
    backend = await startEchoBackend();
  });

  after(async () => {
    await backend.close();
  });

  // A guard on Node internals: the fast client-side read path needs the accepted socket's `_handle` and the
  // `net.Socket` constructor's `handle` and `onread` options. If Node changes them, this fails loudly instead
  // of the listener silently falling back to `pipe()`.
  it('moves the accepted handle into a socket of its own that carries the bytes exactly', async () => {
    const carriers: Socket[] = [];
    const accepted: Socket[] = [];
    const route = { pool: new TestPool([backend.port]), proxyProtocol: false, idleTimeoutMs: 60_000 };
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      accepted.push(socket);
      carriers.push(proxyAccepted(socket, route, newTcpCounts()));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const client = await connectFrom(portOf(server));
      const data = randomBytes(8 * 1024 * 1024);
      const hash = createHash('sha256');
      let length = 0;
      client.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        length += chunk.length;
      });
      client.end(data);
      await once(client, 'end');
      expect(length).to.equal(data.length);
      expect(hash.digest('hex')).to.equal(createHash('sha256').update(data).digest('hex'));
      expect(carriers[0]).to.not.equal(accepted[0]);
      expect(accepted[0]!.destroyed).to.equal(true);
      expect(carriers[0]!.remotePort).to.equal(client.localPort);
    } finally {
      for (const carrier of carriers) carrier.destroy();
      server.close();
    }
  });
});
