import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { StoreConflictError, StoreUnavailableError } from '../../../runtime/store/etcd-errors';
import { EtcdStore } from '../../../runtime/store/etcd-store';
import { parseEtcdLocation } from '../../../runtime/store/etcd-url';
import { emptyState, type AgentState, type StoredResource } from '../../../runtime/store/state';
import { waitFor } from '../../helpers/wait';
import { startEtcd, type TestEtcd } from './etcd-server';

const sg = (id: string, generation = 1): StoredResource => ({
  id,
  kind: 'SecurityGroup',
  dependsOn: [],
  spec: { ingress: [] },
  state: 'ACTIVE',
  generation,
});
const created = (state: AgentState, resource: StoredResource): void => {
  state.resources.push(resource);
  state.seq += 1;
  state.operations.push({
    seq: state.seq,
    time: new Date(0).toISOString(),
    op: 'create',
    id: resource.id,
    kind: resource.kind,
  });
};

describe('EtcdStore (real etcd)', function () {
  this.timeout(60_000);
  let etcd: TestEtcd;
  const stores: EtcdStore[] = [];
  const open = (prefix: string): EtcdStore => {
    const store = new EtcdStore(parseEtcdLocation(etcd.storeUrl, prefix));
    stores.push(store);
    return store;
  };

  before(async () => {
    etcd = await startEtcd();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  after(async () => {
    await etcd?.stop();
  });

  it('starts empty, then reads back what it saved: one key per resource and operation, and seq', async () => {
    const store = open('/albkit/readback');
    const state = await store.load();
    expect(state).to.deep.equal(emptyState());
    created(state, sg('a'));
    created(state, sg('b'));
    await store.save(state);
    expect(await open('/albkit/readback').load()).to.deep.equal(state);
    const keys = spawnSync(
      'etcdctl',
      ['--endpoints', etcd.endpoint, 'get', '--prefix', '--keys-only', '/albkit/readback/'],
      { encoding: 'utf8' },
    )
      .stdout.split('\n')
      .filter(Boolean);
    expect(keys).to.deep.equal([
      '/albkit/readback/operations/000000000001',
      '/albkit/readback/operations/000000000002',
      '/albkit/readback/resources/a',
      '/albkit/readback/resources/b',
      '/albkit/readback/seq',
    ]);
  });

  it('keeps two prefixes apart', async () => {
    const one = open('/albkit/one');
    const stateOne = await one.load();
    created(stateOne, sg('only-in-one'));
    await one.save(stateOne);
    expect((await open('/albkit/two').load()).resources).to.deep.equal([]);
  });

  it('refuses a save based on a key another client changed since (etcdctl put), and puts the state back', async () => {
    const store = open('/albkit/stale');
    const state = await store.load();
    created(state, sg('a'));
    await store.save(state);
    const theirs = JSON.stringify({ ...sg('a', 2), spec: { ingress: [], description: 'theirs' } });
    expect(
      spawnSync('etcdctl', ['--endpoints', etcd.endpoint, 'put', '/albkit/stale/resources/a', theirs]).status,
    ).to.equal(0);

    (state.resources[0] as StoredResource).generation = 7;
    let refusal: unknown;
    await store.save(state).catch((error: unknown) => (refusal = error));
    expect(refusal).to.be.instanceOf(StoreConflictError);
    expect((refusal as Error).message).to.contain('"a" changed in etcd');
    expect(state.resources[0]?.generation).to.equal(1);
    expect(
      spawnSync('etcdctl', ['--endpoints', etcd.endpoint, 'get', '--print-value-only', '/albkit/stale/resources/a'], {
        encoding: 'utf8',
      }).stdout.trim(),
    ).to.equal(theirs);
  });

  it('of two stores writing the same resource at once, exactly one wins and the other is refused', async () => {
    const first = open('/albkit/race');
    const start = await first.load();
    created(start, sg('a'));
    await first.save(start);
    const second = open('/albkit/race');
    const a = await first.load();
    const b = await second.load();
    (a.resources[0] as StoredResource).generation = 2;
    (b.resources[0] as StoredResource).generation = 3;
    const outcomes = await Promise.allSettled([first.save(a), second.save(b)]);
    expect(outcomes.map((o) => o.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused?.reason).to.be.instanceOf(StoreConflictError);
    const winner = outcomes[0]?.status === 'fulfilled' ? 2 : 3;
    expect((await open('/albkit/race').load()).resources[0]?.generation).to.equal(winner);
  });

  it('applies what another store writes through its watch, to the live state and to durable', async () => {
    const writer = open('/albkit/watch');
    const follower = open('/albkit/watch');
    const written = await writer.load();
    const live = await follower.load();
    let changes = 0;
    await follower.follow(live, () => (changes += 1));
    created(written, sg('from-writer'));
    await writer.save(written);
    await waitFor(() => live.resources.some((r) => r.id === 'from-writer'), 20_000, 'the follower to see the resource');
    expect(follower.durable.resources.map((r) => r.id)).to.deep.equal(['from-writer']);
    expect(live.seq).to.equal(1);
    expect(live.operations.map((o) => o.id)).to.deep.equal(['from-writer']);
    expect(changes).to.be.greaterThan(0);
    // The follower's next write is based on what it saw: it is not refused.
    (live.resources[0] as StoredResource).generation = 2;
    await follower.save(live);
    await waitFor(
      async () => (await open('/albkit/watch').load()).resources[0]?.generation === 2,
      20_000,
      'the follower write',
    );
  });

  it('reads the whole prefix again when its watch starts on a compacted revision (etcdctl compact), and converges', async () => {
    const writer = open('/albkit/compacted');
    const written = await writer.load();
    created(written, sg('old'));
    await writer.save(written);
    const follower = open('/albkit/compacted');
    const live = await follower.load();
    // While the follower has not watched yet, the writer replaces "old" with "new" and etcd compacts past the follower's revision.
    written.resources = [];
    created(written, sg('new'));
    await writer.save(written);
    created(written, sg('newer'));
    await writer.save(written);
    expect(spawnSync('etcdctl', ['--endpoints', etcd.endpoint, 'compact', writer.revision]).status).to.equal(0);
    const reasons: Error[] = [];
    await follower.follow(
      live,
      () => undefined,
      (reason) => reasons.push(reason),
    );
    await waitFor(
      () => live.resources.map((r) => r.id).join() === 'new,newer',
      30_000,
      'the follower to converge on the compacted prefix',
    );
    expect(reasons.map((reason) => reason.message).join()).to.contain('compacted');
    expect(follower.durable.resources.map((r) => r.id)).to.deep.equal(['new', 'newer']);
    expect(live.seq).to.equal(3);
    // The watch resumed: a later write is seen, and the follower's own write is based on the reloaded revisions.
    created(written, sg('later'));
    await writer.save(written);
    await waitFor(
      () => live.resources.some((r) => r.id === 'later'),
      30_000,
      'the resumed watch to report a later write',
    );
    (live.resources.find((r) => r.id === 'new') as StoredResource).generation = 2;
    await follower.save(live);
  });

  it('answers StoreUnavailableError while etcd is down, puts the state back, and writes again once it is up', async () => {
    const store = open('/albkit/down');
    const state = await store.load();
    created(state, sg('before'));
    await store.save(state);
    await etcd.kill();
    try {
      created(state, sg('while-down'));
      let refusal: unknown;
      await store.save(state).catch((error: unknown) => (refusal = error));
      expect(refusal).to.be.instanceOf(StoreUnavailableError);
      expect((refusal as Error).message).to.contain('nothing was changed');
      expect(state.resources.map((r) => r.id)).to.deep.equal(['before']);
      expect(state.seq).to.equal(1);
    } finally {
      await etcd.restart();
    }
    // Each refused attempt undoes the change: it is made again before every attempt.
    const attempt = (): Promise<boolean> => {
      if (!state.resources.some((r) => r.id === 'after')) created(state, sg('after'));
      return store.save(state).then(
        () => true,
        () => false,
      );
    };
    await waitFor(attempt, 30_000, 'a write once etcd is back');
    expect((await open('/albkit/down').load()).resources.map((r) => r.id)).to.deep.equal(['after', 'before']);
  });
});
