import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { startHttpBackend, type DemoBackend } from '../../examples/quickstart/demo-backend';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { refused } from '../helpers/process';
import { shopManifest } from '../runtime/api/fixture';
import { answer } from '../runtime/deploy/answer';
import { startEtcd, type TestEtcd } from '../runtime/store/etcd-server';

describe('Zones (--zone): an agent serves only the load balancers of its zone', function () {
  this.timeout(180_000);
  let etcd: TestEtcd;
  let backend: DemoBackend;
  const agents: TestAgent[] = [];
  const inZone = async (zone: string, manifest?: object): Promise<TestAgent> => {
    const agent = await startAgent({
      manifest,
      args: ['--store', etcd.storeUrl, '--prefix', '/albkit/zones', '--zone', zone, '--lease-ttl', '2'],
    });
    agents.push(agent);
    return agent;
  };

  before(async () => {
    etcd = await startEtcd();
    backend = await startHttpBackend(0, '127.0.0.1', 'zoned-backend');
  });
  after(async () => {
    for (const agent of agents.splice(0)) {
      await agent.kill9();
      await rm(agent.stateDir, { recursive: true, force: true });
    }
    await backend?.close();
    await etcd?.stop();
  });

  it('a load balancer of zone local-a is served by the agent in local-a, not by the one in local-b that took the deploy', async () => {
    const port = await freePort();
    // The fixture's load balancer lies in zone local-a.
    const b = await inZone('local-b', shopManifest({ listenerPort: port, backendPort: backend.port, prefix: 'zoned' }));
    expect(
      (await b.call<{ status: { state: string } }>('GET', '/v1/listeners/zoned%2Fhttp')).body.status.state,
    ).to.equal('ACTIVE');
    expect(await refused(port), 'the agent in local-b binds nothing of local-a').to.equal(true);

    const a = await inZone('local-a');
    expect(await answer(port, 30_000)).to.equal('zoned-backend\n');
    await a.kill9();
    expect(await refused(port), 'with the agent of local-a gone, nothing serves local-a').to.equal(true);
  });
});
