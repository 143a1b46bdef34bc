import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { startHttpBackend, type DemoBackend } from '../../examples/quickstart/demo-backend';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { shopManifest } from '../runtime/api/fixture';
import { answer } from '../runtime/deploy/answer';
import { refused } from '../helpers/process';

type Rep = { id: string; generation: number; status: { state: string } };
const COLLECTIONS = ['security-groups', 'load-balancers', 'server-groups', 'backend-services', 'listeners'];

async function snapshot(agent: TestAgent): Promise<string[]> {
  const lists = await Promise.all(COLLECTIONS.map((c) => agent.call<{ items: Rep[] }>('GET', `/v1/${c}`)));
  return lists.flatMap((l) => l.body.items.map((r) => `${r.id} g${r.generation} ${r.status.state}`)).sort();
}

describe('Agent restart after kill -9', () => {
  let backend: DemoBackend;
  let first: TestAgent | undefined;
  let second: TestAgent | undefined;

  before(async () => {
    backend = await startHttpBackend(0, '127.0.0.1', 'restart-backend');
  });
  after(async () => {
    await first?.kill9();
    await second?.stop();
    await backend?.close();
    if (first) await rm(first.stateDir, { recursive: true, force: true });
  });

  it('comes back with the same resources ACTIVE and its HTTP listener answering again', async () => {
    const LISTENER_PORT = await freePort();
    first = await startAgent({ manifest: shopManifest({ listenerPort: LISTENER_PORT, backendPort: backend.port }) });
    expect(await answer(LISTENER_PORT)).to.equal('restart-backend\n');
    const before = await snapshot(first);
    expect(before).to.have.length(5);
    expect(before.every((line) => line.endsWith(' ACTIVE'))).to.equal(true);
    const operations = (await first.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items.length;

    await first.kill9();
    expect(await refused(LISTENER_PORT)).to.equal(true);

    second = await startAgent({ stateDir: first.stateDir });
    expect(await snapshot(second)).to.deep.equal(before);
    expect(await answer(LISTENER_PORT)).to.equal('restart-backend\n');
    expect(second.token).to.equal(first.token);
    expect((await second.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items).to.have.length(operations);
  });
});
