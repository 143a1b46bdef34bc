import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { startAgent, type TestAgent } from '../helpers/agent';
import { waitFor } from '../helpers/wait';
import { startEtcd, type TestEtcd } from '../runtime/store/etcd-server';

/** A create of security group `id` (open to `cidr`) through `agent`, only if none exists (`If-None-Match: *`); resolves with the status. */
async function createOnce(agent: TestAgent, id: string, cidr: string): Promise<number> {
  const response = await fetch(`${agent.endpoint}/v1/security-groups/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json', 'if-none-match': '*' },
    body: JSON.stringify({ spec: { ingress: [{ cidr }] } }),
  });
  await response.arrayBuffer();
  return response.status;
}

const A_CIDR = '10.0.0.0/8';
const B_CIDR = '192.168.0.0/16';

describe('Concurrent deploys to two agents of one fleet', function () {
  this.timeout(180_000);
  let etcd: TestEtcd;
  const agents: TestAgent[] = [];
  const storedCidr = (prefix: string, id: string): string | undefined => {
    const out = spawnSync('etcdctl', ['--endpoints', etcd.endpoint, 'get', '--print-value-only', `${prefix}/resources/${id}`], { encoding: 'utf8' }).stdout.trim();
    return out === '' ? undefined : (JSON.parse(out) as { spec: { ingress: { cidr: string }[] } }).spec.ingress[0]?.cidr;
  };

  before(async () => {
    etcd = await startEtcd();
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) {
      await agent.kill9();
      await rm(agent.stateDir, { recursive: true, force: true });
    }
  });
  after(async () => {
    await etcd?.stop();
  });

  it('of two creates of one resource through two nodes at once, exactly one wins; the other is refused (409 or 412) and the winner is stored', async () => {
    const args = ['--store', etcd.storeUrl, '--prefix', '/albkit/race'];
    const a = await startAgent({ args });
    const b = await startAgent({ args });
    agents.push(a, b);
    const ids = Array.from({ length: 20 }, (_, index) => `race-${index}`);
    const outcomes = await Promise.all(ids.map((id) => Promise.all([createOnce(a, id, A_CIDR), createOnce(b, id, B_CIDR)])));
    for (const [index, [fromA, fromB]] of outcomes.entries()) {
      const id = ids[index] as string;
      const statuses = [fromA, fromB];
      expect(statuses.filter((status) => status === 201), `${id}: ${statuses.join(', ')}`).to.have.length(1);
      expect(statuses.filter((status) => status === 409 || status === 412), `${id}: ${statuses.join(', ')}`).to.have.length(1);
      expect(storedCidr('/albkit/race', id), id).to.equal(fromA === 201 ? A_CIDR : B_CIDR);
    }
  });

  it('loses none of many different creates through two nodes at once (a refused one is retried, as a face does)', async () => {
    const args = ['--store', etcd.storeUrl, '--prefix', '/albkit/many'];
    const a = await startAgent({ args });
    const b = await startAgent({ args });
    agents.push(a, b);
    const create = async (agent: TestAgent, id: string): Promise<void> => {
      // A write racing another on the shared seq answers 409 STORE_CONFLICT and changed nothing: retry it.
      await waitFor(async () => [201, 200].includes((await agent.call('PUT', `/v1/security-groups/${id}`, { spec: {} })).status), 60_000, `the create of ${id}`);
    };
    const ids = Array.from({ length: 30 }, (_, index) => index);
    await Promise.all(ids.map((index) => create(index % 2 === 0 ? a : b, `many-${index}`)));
    const expected = ids.map((index) => `many-${index}`).sort();
    for (const agent of [a, b]) {
      await waitFor(async () => (await agent.call<{ items: { id: string }[] }>('GET', '/v1/security-groups')).body.items.length === expected.length, 30_000, 'both nodes to list every create');
      const listed = (await agent.call<{ items: { id: string }[] }>('GET', '/v1/security-groups')).body.items.map((item) => item.id).sort();
      expect(listed).to.deep.equal(expected);
    }
    const operations = (await a.call<{ items: { id: string; op: string }[] }>('GET', '/v1/operations')).body.items.filter((operation) => operation.op === 'create');
    expect(operations.map((operation) => operation.id).sort()).to.deep.equal(expected);
  });
});
