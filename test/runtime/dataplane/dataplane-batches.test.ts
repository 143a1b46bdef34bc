import { connect } from 'node:net';
import { expect } from 'chai';
import pino from 'pino';
import { validateResources } from '../../../lib';
import { RECONCILE_BATCH } from '../../../runtime/dataplane/dataplane';
import { manyLoadBalancers } from '../api/fixture';
import { applyOk, freePort, newDataPlane } from './http-fixtures';

/** Listening TCP sockets of this process. */
function listeningSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length;
}

/** Whether a connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Samples a growing count once per turn of the event loop, from the next turn on (so that a listening socket
 * closed in this turn's close phase is not counted with the next turn's); `stop` answers the largest growth
 * within one turn.
 */
async function mostPerTurn(count: () => number): Promise<{ stop: () => number }> {
  await new Promise((resolve) => setImmediate(resolve));
  let most = 0;
  let seen = count();
  let stopped = false;
  const tick = (): void => {
    const now = count();
    most = Math.max(most, now - seen);
    seen = now;
    if (!stopped) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      stopped = true;
      tick();
      return most;
    },
  };
}

describe('DataPlane: a large apply in batches', () => {
  it(`starts 300 listeners at most ${RECONCILE_BATCH} per turn of the event loop, all of them bound at the end`, async function () {
    this.timeout(30000);
    let started = 0;
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void (line.includes('"listener started"') && (started += 1)) },
    );
    const { dataPlane } = newDataPlane({ logger });
    const port = await freePort();
    // 300 load balancers on 127.1.0.0–127.1.1.43, each with one HTTP listener on the same port
    const resources = validateResources(manyLoadBalancers(300, { listenerPort: port, backendPort: 9 }).resources);
    const counter = await mostPerTurn(() => started);
    await applyOk(dataPlane, resources);
    const mostInOneTurn = counter.stop();
    expect(started).to.equal(300);
    expect(mostInOneTurn).to.be.within(1, RECONCILE_BATCH);
    await dataPlane.stop(0);
  });

  it(`closes 300 listeners that go at most ${RECONCILE_BATCH} per turn, none of them accepting once the apply is done`, async function () {
    this.timeout(30000);
    const { dataPlane } = newDataPlane({ drainMs: 0 });
    const port = await freePort();
    await applyOk(
      dataPlane,
      validateResources(manyLoadBalancers(300, { listenerPort: port, backendPort: 9 }).resources),
    );
    expect(await accepts('127.1.1.43', port)).to.equal(true);
    const before = listeningSockets();
    const counter = await mostPerTurn(() => before - listeningSockets());
    await dataPlane.apply([]);
    expect(counter.stop()).to.be.within(1, RECONCILE_BATCH);
    expect(await accepts('127.1.0.0', port)).to.equal(false);
    expect(await accepts('127.1.1.43', port)).to.equal(false);
    await dataPlane.stop(0);
  });
});
