import { expect } from 'chai';
import { contentHash, contentHashInSlices, validateResources } from '../../lib';
import { HASH_SLICE_ITEMS } from '../../lib/canonical';
import { manyLoadBalancers } from '../runtime/api/fixture';

/** Counts the turns of the event loop until `done` is set. */
function turnCounter(): { turns: () => number; stop: () => void } {
  let turns = 0;
  let stopped = false;
  const tick = (): void => {
    turns += 1;
    if (!stopped) setImmediate(tick);
  };
  setImmediate(tick);
  return { turns: () => turns, stop: () => void (stopped = true) };
}

describe('contentHashInSlices', () => {
  const resources = validateResources(manyLoadBalancers(150, { listenerPort: 8080, backendPort: 9 }).resources);

  for (const count of [0, 1, HASH_SLICE_ITEMS, resources.length]) {
    it(`is contentHash of a manifest of ${count} resources`, async () => {
      const manifest = { apiVersion: 'albkit/v1', resources: resources.slice(0, count) };
      expect(await contentHashInSlices(manifest)).to.equal(contentHash(manifest));
    });
  }

  it('is contentHash whatever the key order, with undefined fields and array items and nested objects', async () => {
    const value = { z: [1, undefined, { b: 2, a: [3] }], skipped: undefined, a: { y: 1, x: [null] }, m: 'text' };
    expect(await contentHashInSlices(value)).to.equal(contentHash(value));
  });

  it('lets the event loop run between slices', async () => {
    const counter = turnCounter();
    await contentHashInSlices({ apiVersion: 'albkit/v1', resources });
    counter.stop();
    // 750 resources: three slices, a turn between each two
    expect(counter.turns()).to.be.at.least(2);
  });
});
