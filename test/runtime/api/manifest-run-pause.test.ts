import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { Registry } from 'prom-client';
import { Controller } from '../../../runtime/api/controller';
import { CHUNK_STEPS, ManifestRunner } from '../../../runtime/api/manifest-run';
import { Reconciler } from '../../../runtime/api/reconciler';
import { DataPlane } from '../../../runtime/dataplane/dataplane';
import { FileStore } from '../../../runtime/store/file-store';
import { emptyState } from '../../../runtime/store/state';

/**
 * A ping-pong over a loopback connection in this process: each byte is sent back as soon as it arrives, so
 * every round trip needs the event loop to poll for I/O again; `trips` counts them.
 */
async function pingPong(): Promise<{ trips: () => number; stop: () => Promise<void> }> {
  let trips = 0;
  let stopped = false;
  const server: Server = createServer((socket) => {
    socket.on('data', (data) => socket.write(data));
    socket.on('error', () => undefined); // reset when the client goes
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client: Socket = connect((server.address() as { port: number }).port, '127.0.0.1');
  await once(client, 'connect');
  client.on('data', () => {
    trips += 1;
    if (!stopped) client.write('x');
  });
  client.write('x');
  return {
    trips: () => trips,
    stop: async () => {
      stopped = true;
      client.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('Manifest run: the pause between chunks', () => {
  let dir: string;
  let reconciler: Reconciler;
  let dataPlane: DataPlane;
  let controller: Controller;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-run-pause-'));
    const logger = pino({ level: 'silent' });
    dataPlane = new DataPlane({ logger, registry: new Registry(), cookieSecret: Buffer.alloc(32, 7), drainMs: 0 });
    const state = emptyState();
    const store = new FileStore(dir);
    reconciler = new Reconciler(state, dataPlane, store, logger);
    controller = new Controller(state, store, reconciler, dataPlane);
  });
  afterEach(async () => {
    await reconciler.close();
    await dataPlane.stop(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('lets I/O that needs many turns of the event loop run between two chunks of a wave, not one turn of it', async () => {
    // one wave of 4.5 chunks: security groups depend on nothing
    const resources = Array.from({ length: 4 * CHUNK_STEPS + CHUNK_STEPS / 2 }, (_, index) => ({ id: `sg-${index}`, kind: 'SecurityGroup', spec: {} }));
    const pings = await pingPong();
    const atChunk: number[] = [];
    const stagePuts = controller.stagePuts.bind(controller);
    controller.stagePuts = (requests) => {
      atChunk.push(pings.trips());
      return stagePuts(requests);
    };
    try {
      await new ManifestRunner(controller).run({ apiVersion: 'albkit/v1', resources });
    } finally {
      await pings.stop();
    }
    expect(atChunk).to.have.length(5);
    const between = atChunk.slice(1).map((trips, index) => trips - (atChunk[index] as number));
    // With no pause, no round trip at all; with the pause, ten or more on a quiet machine. A loaded one can
    // deschedule the process for most of the pause, so the bar is a few trips, not the quiet machine's count.
    expect(Math.min(...between)).to.be.at.least(3);
  });
});
