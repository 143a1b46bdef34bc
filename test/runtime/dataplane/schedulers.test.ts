import { expect } from 'chai';
import fc from 'fast-check';
import {
  createScheduler,
  SmoothRoundRobin,
  SourceIpHash,
  WeightedLeastConnections,
  type Schedulable,
} from '../../../runtime/dataplane/schedulers';
import type { Algorithm } from '../../../lib';

interface TestServer extends Schedulable {
  key: string;
  weight: number;
  healthy: boolean;
  active: number;
  maxActive: number;
}

function servers(weights: Record<string, number>): TestServer[] {
  return Object.entries(weights).map(([key, weight]) => ({
    key,
    weight,
    healthy: true,
    active: 0,
    maxActive: Infinity,
  }));
}

function picks(pick: () => TestServer | undefined, count: number): string[] {
  return Array.from({ length: count }, () => pick()?.key ?? '-');
}

function clients(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
}

describe('Schedulers', function () {
  describe('smooth weighted round robin', function () {
    it('interleaves 5:1:1 instead of sending bursts to one server', function () {
      const scheduler = new SmoothRoundRobin<TestServer>();
      scheduler.reset(servers({ a: 5, b: 1, c: 1 }));
      const order = picks(() => scheduler.pick('', undefined), 14);
      expect(order.join('')).to.equal('aabacaa'.repeat(2));
    });

    it('gives every server exactly its share over each cycle, for any weights', function () {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 8 }), (weights) => {
          const scheduler = new SmoothRoundRobin<TestServer>();
          const list = servers(Object.fromEntries(weights.map((weight, i) => [`s${i}`, weight])));
          scheduler.reset(list);
          const total = weights.reduce((sum, weight) => sum + weight, 0);
          const counts = new Map<string, number>();
          for (const key of picks(() => scheduler.pick('', undefined), total * 3))
            counts.set(key, (counts.get(key) ?? 0) + 1);
          list.forEach((server) => expect(counts.get(server.key)).to.equal(server.weight * 3));
        }),
      );
    });
  });

  describe('weighted least connections', function () {
    it('picks the lowest active/weight, and breaks ties round robin', function () {
      const scheduler = new WeightedLeastConnections<TestServer>();
      const list = servers({ a: 1, b: 1, c: 1 });
      scheduler.reset(list);
      expect(picks(() => scheduler.pick('', undefined), 6).join('')).to.equal('abcabc');
      list[0]!.active = 2;
      list[1]!.active = 1;
      expect(scheduler.pick('', undefined)?.key).to.equal('c');
    });

    it('loads servers in proportion to weight when requests stay in flight', function () {
      const scheduler = new WeightedLeastConnections<TestServer>();
      const list = servers({ a: 3, b: 1 });
      scheduler.reset(list);
      for (let i = 0; i < 40; i++) scheduler.pick('', undefined)!.active++;
      expect(list.map((server) => server.active)).to.deep.equal([30, 10]);
    });
  });

  describe('source IP', function () {
    it('sends the same client to the same server every time', function () {
      const scheduler = new SourceIpHash<TestServer>();
      scheduler.reset(servers({ a: 10, b: 10, c: 10 }));
      for (const client of clients(200)) {
        const first = scheduler.pick(client, undefined)?.key;
        expect(picks(() => scheduler.pick(client, undefined), 5)).to.deep.equal(Array(5).fill(first));
      }
    });

    it('spreads clients roughly by weight', function () {
      const scheduler = new SourceIpHash<TestServer>();
      scheduler.reset(servers({ a: 10, b: 10, c: 20 }));
      const counts: Record<string, number> = {};
      for (const client of clients(20000)) {
        const key = scheduler.pick(client, undefined)!.key;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      expect(counts.a! / 20000).to.be.within(0.18, 0.32);
      expect(counts.b! / 20000).to.be.within(0.18, 0.32);
      expect(counts.c! / 20000).to.be.within(0.4, 0.6);
    });

    it('remaps only about 1/n of the clients when one of n servers is added or removed', function () {
      fc.assert(
        fc.property(fc.integer({ min: 3, max: 12 }), fc.integer({ min: 0, max: 1000 }), (n, salt) => {
          const before = servers(Object.fromEntries(Array.from({ length: n }, (_, i) => [`srv-${salt}-${i}`, 10])));
          const after = [
            ...before,
            { key: `srv-${salt}-new`, weight: 10, healthy: true, active: 0, maxActive: Infinity },
          ];
          const a = new SourceIpHash<TestServer>();
          const b = new SourceIpHash<TestServer>();
          a.reset(before);
          b.reset(after);
          const sample = clients(4000);
          const moved = sample.filter((client) => a.pick(client, undefined)!.key !== b.pick(client, undefined)!.key);
          const share = moved.length / sample.length;
          // Adding one server to n moves 1/(n+1) of the clients in expectation, all of them to the new one.
          expect(share).to.be.within(0.4 / (n + 1), 1.8 / (n + 1));
          expect(moved.every((client) => b.pick(client, undefined)!.key === `srv-${salt}-new`)).to.equal(true);
        }),
        { numRuns: 25 },
      );
    });

    it('moves only the clients of an unhealthy server, and brings them back when it recovers', function () {
      const scheduler = new SourceIpHash<TestServer>();
      const list = servers({ a: 10, b: 10, c: 10, d: 10 });
      scheduler.reset(list);
      const sample = clients(2000);
      const before = sample.map((client) => scheduler.pick(client, undefined)!.key);
      list[1]!.healthy = false;
      const during = sample.map((client) => scheduler.pick(client, undefined)!.key);
      sample.forEach((_, i) => {
        if (before[i] !== 'b') expect(during[i]).to.equal(before[i]);
        else expect(during[i]).to.not.equal('b');
      });
      list[1]!.healthy = true;
      expect(sample.map((client) => scheduler.pick(client, undefined)!.key)).to.deep.equal(before);
    });
  });

  for (const algorithm of ['WEIGHTED_ROUND_ROBIN', 'WEIGHTED_LEAST_CONNECTIONS', 'SOURCE_IP'] as Algorithm[]) {
    describe(`${algorithm} with weight 0 and unhealthy servers`, function () {
      it('never picks a weight-0, unhealthy or excluded server, and returns undefined when none is left', function () {
        const scheduler = createScheduler<TestServer>(algorithm);
        const list = servers({ zero: 0, sick: 10, ok: 10, other: 10 });
        list[1]!.healthy = false;
        scheduler.reset(list);
        const seen = new Set(clients(300).map((client) => scheduler.pick(client, undefined)!.key));
        expect([...seen].sort()).to.deep.equal(['ok', 'other']);
        for (const client of clients(50)) expect(scheduler.pick(client, list[2])!.key).to.equal('other');
        list[3]!.healthy = false;
        expect(scheduler.pick('10.0.0.1', list[2])).to.equal(undefined);
      });

      it('skips a server at its connection cap until one of its requests ends', function () {
        const scheduler = createScheduler<TestServer>(algorithm);
        const list = servers({ full: 10, free: 10 });
        list[0]!.maxActive = 2;
        list[0]!.active = 2;
        scheduler.reset(list);
        for (const client of clients(100)) expect(scheduler.pick(client, undefined)!.key).to.equal('free');
        list[1]!.active = list[1]!.maxActive = 5;
        expect(scheduler.pick('10.0.0.1', undefined)).to.equal(undefined);
        list[0]!.active = 1;
        expect(scheduler.pick('10.0.0.1', undefined)!.key).to.equal('full');
      });
    });
  }
});
