import { expect } from 'chai';
import pino from 'pino';
import { validateResources } from '../../../lib';
import { RECONCILE_BATCH } from '../../../runtime/dataplane/dataplane';
import { manyLoadBalancers } from '../api/fixture';
import { applyOk, freePort, newDataPlane } from './http-fixtures';

describe('DataPlane: a large apply in batches', () => {
  it(`starts 300 listeners at most ${RECONCILE_BATCH} per turn of the event loop, all of them bound at the end`, async function () {
    this.timeout(30000);
    let started = 0;
    const logger = pino({ level: 'info' }, { write: (line: string) => void (line.includes('"listener started"') && (started += 1)) });
    const { dataPlane } = newDataPlane({ logger });
    const port = await freePort();
    // 300 load balancers on 127.1.0.0–127.1.1.43, each with one HTTP listener on the same port
    const resources = validateResources(manyLoadBalancers(300, { listenerPort: port, backendPort: 9 }).resources);
    let mostInOneTurn = 0;
    let seen = 0;
    let done = false;
    const tick = (): void => {
      mostInOneTurn = Math.max(mostInOneTurn, started - seen);
      seen = started;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    try {
      await applyOk(dataPlane, resources);
    } finally {
      done = true;
    }
    tick();
    expect(started).to.equal(300);
    expect(mostInOneTurn).to.be.within(1, RECONCILE_BATCH);
    await dataPlane.stop(0);
  });
});
