import { expect } from 'chai';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { Children, connectFrom, startBackend, type TestBackend } from '../../fixtures/tcp-peers';

const MiB = 1024 * 1024;
/** How long each direction is pushed against a slow reader. */
const PUSH_MS = 2500;

/** Resident memory of a process, in bytes (Linux /proc). */
function rss(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line![1]) * 1024;
}

/** A reader that takes one chunk, then waits `pauseMs`: a few MB/s at most. */
function readSlowly(socket: Socket, pauseMs: number, onBytes: (count: number) => void): void {
  socket.on('data', (chunk: Buffer) => {
    onBytes(chunk.length);
    socket.pause();
    setTimeout(() => socket.resume(), pauseMs).unref();
  });
}

/** Writes 1 MiB chunks into `socket` as fast as its backpressure lets, for `ms`; resolves with the bytes written. */
async function pushFor(socket: Socket, ms: number): Promise<number> {
  const chunk = Buffer.alloc(MiB, 0x5a);
  const until = Date.now() + ms;
  let written = 0;
  while (Date.now() < until && !socket.destroyed) {
    written += chunk.length;
    if (!socket.write(chunk)) {
      await Promise.race([once(socket, 'drain'), new Promise((resolve) => setTimeout(resolve, until - Date.now()))]);
    }
  }
  return written;
}

describe('TCP listener backpressure', function () {
  this.timeout(30_000);
  const children = new Children();
  let backend: TestBackend;
  let proxyPid: number;
  let proxyPort: number;
  let onBackendConnection: (socket: Socket) => void = () => undefined;

  before(async () => {
    backend = await startBackend((socket) => onBackendConnection(socket));
    const script = join(__dirname, '../../fixtures/tcp-proxy-child.js');
    const child = children.spawn(process.execPath, [script, String(backend.port)]);
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    proxyPort = (JSON.parse(line.toString()) as { port: number }).port;
    proxyPid = child.pid!;
  });

  after(async () => {
    await children.stopAll();
    await backend.close();
  });

  it('does not buffer without bound when the server reads slowly (client → server)', async () => {
    let received = 0;
    onBackendConnection = (socket) => readSlowly(socket, 20, (count) => (received += count));
    const client = await connectFrom(proxyPort);
    const before = rss(proxyPid);
    const sent = await pushFor(client, PUSH_MS);
    const growth = rss(proxyPid) - before;
    client.destroy();
    // Unbounded buffering would let the client push at loopback speed (GB/s) and the proxy grow with it.
    expect(growth, `proxy RSS grew by ${(growth / MiB).toFixed(1)} MiB`).to.be.below(8 * MiB);
    expect(sent - received, `in flight: ${((sent - received) / MiB).toFixed(1)} MiB`).to.be.below(160 * MiB);
    expect(received).to.be.above(0);
  });

  it('does not buffer without bound when the client reads slowly (server → client)', async () => {
    let sent = 0;
    const pushed = new Promise<void>((resolve) => {
      onBackendConnection = (socket) => void pushFor(socket, PUSH_MS).then((count) => ((sent = count), resolve()));
    });
    const client = await connectFrom(proxyPort);
    const before = rss(proxyPid);
    let received = 0;
    readSlowly(client, 20, (count) => (received += count));
    await pushed;
    const growth = rss(proxyPid) - before;
    client.destroy();
    expect(growth, `proxy RSS grew by ${(growth / MiB).toFixed(1)} MiB`).to.be.below(8 * MiB);
    expect(sent - received, `in flight: ${((sent - received) / MiB).toFixed(1)} MiB`).to.be.below(160 * MiB);
    expect(received).to.be.above(0);
  });
});
