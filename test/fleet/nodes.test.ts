import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { waitFor } from '../helpers/wait';
import { shopManifest } from '../runtime/api/fixture';
import { startEtcd, type TestEtcd } from '../runtime/store/etcd-server';

type Node = {
  id: string;
  endpoint: string;
  version: string;
  appliedRevision: string;
  leader: boolean;
  zone?: string;
  addresses: string[];
};

const nodesOf = async (agent: TestAgent): Promise<Node[]> =>
  (await agent.call<{ items: Node[] }>('GET', '/v1/nodes')).body.items;
const leaderOf = async (agent: TestAgent): Promise<string | undefined> =>
  (await nodesOf(agent)).find((node) => node.leader)?.id;

describe('A fleet of agents on etcd: nodes under leases and the leader', function () {
  this.timeout(180_000);
  let etcd: TestEtcd;
  const agents = new Map<string, TestAgent>();
  const join = async (
    prefix: string,
    id: string,
    options: { manifest?: object; env?: Record<string, string>; zone?: string } = {},
  ): Promise<TestAgent> => {
    const zone = options.zone ?? `zone-${id}`;
    const agent = await startAgent({
      manifest: options.manifest,
      env: options.env,
      args: ['--store', etcd.storeUrl, '--prefix', prefix, '--node-id', id, '--zone', zone, '--lease-ttl', '2'],
    });
    agents.set(id, agent);
    return agent;
  };

  before(async () => {
    etcd = await startEtcd();
  });
  afterEach(async () => {
    for (const agent of agents.values()) {
      await agent.kill9();
      await rm(agent.stateDir, { recursive: true, force: true });
    }
    agents.clear();
  });
  after(async () => {
    await etcd?.stop();
  });

  it('lists the live nodes with zone, endpoint, version and applied revision; one of them the leader; a killed node leaves within the lease TTL', async () => {
    const a = await join('/albkit/nodes', 'node-a');
    const b = await join('/albkit/nodes', 'node-b');
    const c = await join('/albkit/nodes', 'node-c');
    await waitFor(
      async () => (await nodesOf(c)).length === 3 && (await leaderOf(c)) !== undefined,
      30_000,
      'three nodes and a leader',
    );
    const nodes = await nodesOf(b);
    expect(nodes.map((node) => node.id)).to.deep.equal(['node-a', 'node-b', 'node-c']);
    expect(nodes.map((node) => node.zone)).to.deep.equal(['zone-node-a', 'zone-node-b', 'zone-node-c']);
    expect(nodes.map((node) => node.endpoint)).to.deep.equal([a.endpoint, b.endpoint, c.endpoint]);
    expect(nodes.filter((node) => node.leader)).to.have.length(1);
    for (const node of nodes) {
      expect(node.version).to.match(/^\d+\.\d+\.\d+/);
      expect(BigInt(node.appliedRevision) > 0n).to.equal(true);
    }

    // A write through a is applied by c: c's applied revision reaches the one a applied the write at.
    const applied = async (id: string): Promise<bigint> =>
      BigInt((await nodesOf(a)).find((node) => node.id === id)?.appliedRevision ?? '0');
    const before = await applied('node-a');
    expect((await a.call('PUT', '/v1/security-groups/nodes-sg', { spec: {} })).status).to.equal(201);
    await waitFor(async () => (await applied('node-a')) > before, 30_000, 'a to report the revision of its write');
    const written = await applied('node-a');
    await waitFor(async () => (await applied('node-c')) >= written, 30_000, 'c to report it applied the write');
    expect((await c.call('GET', '/v1/security-groups/nodes-sg')).status).to.equal(200);

    const follower = nodes.find((node) => !node.leader)?.id as string;
    await agents.get(follower)?.kill9();
    const survivor = [a, b, c].find((_, index) => ['node-a', 'node-b', 'node-c'][index] !== follower) as TestAgent;
    await waitFor(
      async () => !(await nodesOf(survivor)).some((node) => node.id === follower),
      30_000,
      `${follower} to leave the list once its lease expires`,
    );
    expect(await nodesOf(survivor)).to.have.length(2);
  });

  it('after kill -9 of the leader, another node becomes leader within the lease TTL', async () => {
    const a = await join('/albkit/election', 'node-a');
    await join('/albkit/election', 'node-b');
    await join('/albkit/election', 'node-c');
    await waitFor(
      async () => (await leaderOf(a)) !== undefined && (await nodesOf(a)).length === 3,
      30_000,
      'a leader among three nodes',
    );
    const leader = (await leaderOf(a)) as string;
    await agents.get(leader)?.kill9();
    const rest = [...agents].filter(([id]) => id !== leader).map(([, agent]) => agent);
    await waitFor(
      async () => {
        const next = await leaderOf(rest[0] as TestAgent);
        return next !== undefined && next !== leader;
      },
      30_000,
      'a new leader',
    );
    const next = (await leaderOf(rest[0] as TestAgent)) as string;
    expect(next).to.not.equal(leader);
    expect(await leaderOf(rest[1] as TestAgent)).to.equal(next);
    await waitFor(
      async () => (await nodesOf(rest[1] as TestAgent)).length === 2,
      30_000,
      'the dead leader to leave the list',
    );
  });

  it('retries FAILED resources on the leader only', async () => {
    // The listener's port is held by another process on this machine, so every node finds it FAILED.
    const holder: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      // The fixture's load balancer lies in zone local-a: every node is in it, so every node serves it.
      const env = { ALBKIT_LOG_LEVEL: 'debug' };
      const zone = 'local-a';
      const manifest = shopManifest({ listenerPort: port, backendPort: await freePort(), prefix: 'retry' });
      const a = await join('/albkit/retry', 'node-a', { manifest, env, zone });
      await join('/albkit/retry', 'node-b', { env, zone });
      await join('/albkit/retry', 'node-c', { env, zone });
      await waitFor(
        async () => (await nodesOf(a)).length === 3 && (await leaderOf(a)) !== undefined,
        30_000,
        'three nodes and a leader',
      );
      const leader = (await leaderOf(a)) as string;
      const marks = new Map([...agents].map(([id, agent]) => [id, agent.output().length]));
      const retriesSinceMark = (id: string): number =>
        (
          agents
            .get(id)
            ?.output()
            .slice(marks.get(id))
            .match(/retrying FAILED resources/g) ?? []
        ).length;
      // The leader's backoff may have grown to its 30 s maximum by now; a follower without the leader check
      // would retry within seconds of its own start, long before that.
      await waitFor(() => retriesSinceMark(leader) >= 1, 90_000, `the leader ${leader} to retry`);
      const listener = await a.call<{ status: { state: string } }>('GET', '/v1/listeners/retry%2Fhttp');
      expect(listener.body.status.state).to.equal('FAILED');
      for (const id of agents.keys())
        if (id !== leader) expect(retriesSinceMark(id), `retries on follower ${id}`).to.equal(0);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});

describe('An agent on the state file, as a fleet of one', function () {
  this.timeout(60_000);
  let agent: TestAgent | undefined;
  afterEach(async () => {
    await agent?.stop();
  });

  it('lists itself as the one node and the leader', async () => {
    agent = await startAgent({ args: ['--node-id', 'solo', '--zone', 'zone-1'] });
    const nodes = await nodesOf(agent);
    expect(nodes.map(({ id, zone, leader, endpoint }) => ({ id, zone, leader, endpoint }))).to.deep.equal([
      { id: 'solo', zone: 'zone-1', leader: true, endpoint: agent.endpoint },
    ]);
  });
});
