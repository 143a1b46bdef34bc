import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { Registry } from 'prom-client';
import { Controller } from '../../../runtime/api/controller';
import { CHUNK_PAUSE_TURNS, CHUNK_STEPS, ManifestRunner } from '../../../runtime/api/manifest-run';
import { Reconciler } from '../../../runtime/api/reconciler';
import { DataPlane } from '../../../runtime/dataplane/dataplane';
import { FileStore } from '../../../runtime/store/file-store';
import { emptyState } from '../../../runtime/store/state';

/**
 * Counts the turns of the event loop: a marker that `setImmediate` schedules again each time it runs runs once
 * per turn, and every turn polls for I/O, so the count is how often I/O could be served. Turns, not time: the
 * count does not depend on how busy the machine is.
 */
function turnCounter(): { turns: () => number; stop: () => void } {
  let turns = 0;
  let marker = setImmediate(function count() {
    turns += 1;
    marker = setImmediate(count);
  });
  return { turns: () => turns, stop: () => clearImmediate(marker) };
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

  it('lets the event loop poll for I/O several turns between two chunks of a wave, however busy the machine', async () => {
    // one wave of 4.5 chunks: security groups depend on nothing
    const resources = Array.from({ length: 4 * CHUNK_STEPS + CHUNK_STEPS / 2 }, (_, index) => ({
      id: `sg-${index}`,
      kind: 'SecurityGroup',
      spec: {},
    }));
    const loop = turnCounter();
    const atChunk: number[] = [];
    const stagePuts = controller.stagePuts.bind(controller);
    controller.stagePuts = (requests) => {
      atChunk.push(loop.turns());
      return stagePuts(requests);
    };
    try {
      await new ManifestRunner(controller).run({ apiVersion: 'albkit/v1', resources });
    } finally {
      loop.stop();
    }
    expect(atChunk).to.have.length(5);
    const between = atChunk.slice(1).map((turns, index) => turns - (atChunk[index] as number));
    // The pause's last turns are counted from when its timer fires, which may be late on a loaded machine; the
    // marker of the turn the next chunk runs in may come after it, so one turn fewer is certain.
    expect(Math.min(...between)).to.be.at.least(CHUNK_PAUSE_TURNS - 1);
  });
});
