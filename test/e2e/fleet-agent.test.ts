import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { Etcd3 } from 'etcd3';
import { startHttpBackend, type DemoBackend } from '../../examples/quickstart/demo-backend';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { refused } from '../helpers/process';
import { waitFor } from '../helpers/wait';
import { shopManifest } from '../runtime/api/fixture';
import { answer } from '../runtime/deploy/answer';
import { startEtcd, type TestEtcd } from '../runtime/store/etcd-server';

type Rep = { id: string; generation: number; status: { state: string } };
const COLLECTIONS = ['security-groups', 'load-balancers', 'server-groups', 'backend-services', 'listeners'];

async function snapshot(agent: TestAgent): Promise<string[]> {
  const lists = await Promise.all(COLLECTIONS.map((c) => agent.call<{ items: Rep[] }>('GET', `/v1/${c}`)));
  return lists.flatMap((l) => l.body.items.map((r) => `${r.id} g${r.generation} ${r.status.state}`)).sort();
}

describe('Agents on etcd (--store)', function () {
  this.timeout(120_000);
  let etcd: TestEtcd;
  let backend: DemoBackend;
  const agents: TestAgent[] = [];
  const onEtcd = async (prefix: string, manifest?: object): Promise<TestAgent> => {
    const agent = await startAgent({ manifest, args: ['--store', etcd.storeUrl, '--prefix', prefix] });
    agents.push(agent);
    return agent;
  };

  before(async () => {
    etcd = await startEtcd();
    backend = await startHttpBackend(0, '127.0.0.1', 'fleet-backend');
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) {
      await agent.kill9();
      await rm(agent.stateDir, { recursive: true, force: true });
    }
  });
  after(async () => {
    await backend?.close();
    await etcd?.stop();
  });

  it('serves a deployed listener, and after kill -9 a new agent (another state directory) on the same prefix comes back with the same state', async () => {
    const port = await freePort();
    const first = await onEtcd('/albkit/restart', shopManifest({ listenerPort: port, backendPort: backend.port }));
    expect(await answer(port)).to.equal('fleet-backend\n');
    const before = await snapshot(first);
    expect(before.every((line) => line.endsWith(' ACTIVE'))).to.equal(true);
    const operations = (await first.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items.length;
    await first.kill9();
    expect(await refused(port)).to.equal(true);

    const second = await onEtcd('/albkit/restart');
    expect(await snapshot(second)).to.deep.equal(before);
    expect((await second.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items).to.have.length(operations);
    expect(await answer(port)).to.equal('fleet-backend\n');
    const other = await onEtcd('/albkit/other');
    expect((await other.call<{ items: unknown[] }>('GET', '/v1/listeners')).body.items).to.deep.equal([]);
  });

  it('serves what another writer stores under its prefix, through its watch', async () => {
    const port = await freePort();
    const source = await onEtcd(
      '/albkit/source',
      shopManifest({ listenerPort: port, backendPort: backend.port, prefix: 'watched' }),
    );
    expect(await answer(port)).to.equal('fleet-backend\n');
    await source.kill9();
    const follower = await onEtcd('/albkit/watched');
    expect(await refused(port)).to.equal(true);

    // Another writer (not an agent) copies the stored resources into the follower's prefix, in one transaction.
    const client = new Etcd3({ hosts: etcd.endpoint });
    try {
      const stored = await client.getAll().prefix('/albkit/source/').strings();
      const copy = client.if('/albkit/watched/seq', 'Version', '==', 0);
      copy.then(
        ...Object.entries(stored).map(([key, value]) =>
          client.put(key.replace('/albkit/source/', '/albkit/watched/')).value(value),
        ),
      );
      expect((await copy.commit()).succeeded).to.equal(true);
    } finally {
      client.close();
    }
    expect(await answer(port, 30_000)).to.equal('fleet-backend\n');
    await waitFor(
      async () => (await snapshot(follower)).length === 5,
      20_000,
      'the follower to list the copied resources',
    );
  });

  it('answers 503 STORE_UNAVAILABLE to writes while etcd is down, keeps the listener serving, and takes writes again once etcd is back', async () => {
    const port = await freePort();
    const agent = await onEtcd(
      '/albkit/outage',
      shopManifest({ listenerPort: port, backendPort: backend.port, prefix: 'outage' }),
    );
    expect(await answer(port)).to.equal('fleet-backend\n');
    await etcd.kill();
    try {
      const write = await agent.call<{ error: { code: string; message: string } }>(
        'PUT',
        '/v1/security-groups/outage-extra',
        { spec: {} },
      );
      expect(write.status).to.equal(503);
      expect(write.body.error.code).to.equal('STORE_UNAVAILABLE');
      expect(write.body.error.message).to.contain('etcd');
      expect(await answer(port)).to.equal('fleet-backend\n');
      expect((await agent.call('GET', '/v1/security-groups/outage-extra')).status).to.equal(404);
    } finally {
      await etcd.restart();
    }
    await waitFor(
      async () =>
        [200, 201].includes((await agent.call('PUT', '/v1/security-groups/outage-extra', { spec: {} })).status),
      30_000,
      'a write once etcd is back',
    );
    expect(await answer(port)).to.equal('fleet-backend\n');
  });
});
