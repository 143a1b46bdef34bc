import { rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { startAgent, type TestAgent } from '../helpers/agent';
import { waitFor } from '../helpers/wait';
import { startEtcdCluster, type TestEtcdCluster } from '../runtime/store/etcd-cluster';

/** The name of the member the cluster reports as its raft leader (etcdctl endpoint status). */
function raftLeader(cluster: TestEtcdCluster): string | undefined {
  const endpoints = cluster.members.map((member) => member.endpoint).join(',');
  const status = spawnSync('etcdctl', ['--endpoints', endpoints, 'endpoint', 'status', '-w', 'json'], {
    encoding: 'utf8',
  });
  const rows = JSON.parse(status.stdout || '[]') as {
    Endpoint: string;
    Status: { header: { member_id: number }; leader: number };
  }[];
  const leader = rows.find((row) => row.Status.header.member_id === row.Status.leader);
  return cluster.members.find((member) => member.endpoint === leader?.Endpoint)?.name;
}

describe('A fleet on a 3-member etcd cluster', function () {
  this.timeout(180_000);
  let cluster: TestEtcdCluster;
  const agents: TestAgent[] = [];

  before(async () => {
    cluster = await startEtcdCluster(3);
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) {
      await agent.kill9();
      await rm(agent.stateDir, { recursive: true, force: true });
    }
  });
  after(async () => {
    await cluster?.stop();
  });

  it('takes writes on after kill -9 of the raft leader member, and a new agent reads every write back', async () => {
    const args = ['--store', cluster.storeUrl, '--prefix', '/albkit/cluster', '--lease-ttl', '2'];
    const agent = await startAgent({ args });
    agents.push(agent);
    expect((await agent.call('PUT', '/v1/security-groups/before-loss', { spec: {} })).status).to.equal(201);

    const leaderName = raftLeader(cluster);
    expect(leaderName, 'the raft leader').to.be.a('string');
    await cluster.members.find((member) => member.name === leaderName)?.kill();

    // While the remaining two elect a raft leader a write may answer 503; it is taken within a bounded wait.
    let status = 0;
    await waitFor(
      async () => {
        status = (await agent.call('PUT', '/v1/security-groups/after-loss', { spec: {} })).status;
        return status === 201 || status === 200;
      },
      60_000,
      'a write after the member loss',
    );
    expect((await agent.call('PUT', '/v1/security-groups/after-loss-2', { spec: {} })).status).to.equal(201);

    const reader = await startAgent({ args });
    agents.push(reader);
    const ids = (await reader.call<{ items: { id: string }[] }>('GET', '/v1/security-groups')).body.items
      .map((item) => item.id)
      .sort();
    expect(ids).to.deep.equal(['after-loss', 'after-loss-2', 'before-loss']);
  });
});
