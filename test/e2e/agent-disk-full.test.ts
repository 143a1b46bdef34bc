import { readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { startHttpBackend, type DemoBackend } from '../../examples/quickstart/demo-backend';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { waitFor } from '../helpers/wait';
import { shopManifest } from '../runtime/api/fixture';
import { mountTmpfs, type Tmpfs } from '../runtime/store/tmpfs';

type Rep = { id: string; generation: number; status: { state: string } };
type Health = { status: string; unstoredStatuses?: { resources: string[]; reason: string; failures: number } };
const COLLECTIONS = ['security-groups', 'load-balancers', 'server-groups', 'backend-services', 'listeners'];

/** Every resource as the control API shows it: id, generation and state. */
async function snapshot(agent: TestAgent): Promise<string[]> {
  const lists = await Promise.all(COLLECTIONS.map((c) => agent.call<{ items: Rep[] }>('GET', `/v1/${c}`)));
  return lists.flatMap((l) => l.body.items.map((r) => `${r.id} g${r.generation} ${r.status.state}`)).sort();
}

/** The state of resource `id` in the state file on disk. */
async function stateOnDisk(dir: string, id: string): Promise<string | undefined> {
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as {
    resources: { id: string; state: string }[];
  };
  return state.resources.find((r) => r.id === id)?.state;
}

/** Holds a TCP port on 127.0.0.1, so a listener on it cannot bind. */
function holdPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('Agent on a full disk', function () {
  let tmpfs: Tmpfs | undefined;
  let backend: DemoBackend;
  let agent: TestAgent | undefined;
  let blocker: Server | undefined;

  beforeEach(async function () {
    tmpfs = await mountTmpfs('1m');
    if (tmpfs === undefined) return this.skip();
    backend = await startHttpBackend(0, '127.0.0.1', 'disk-full-backend');
  });
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
    blocker = undefined;
    await backend?.close();
    await tmpfs?.unmount();
    tmpfs = undefined;
  });

  it('answers a PUT 507 with the reason, keeps the state exactly as before, and comes back with it after kill -9', async () => {
    const dir = tmpfs!.dir;
    agent = await startAgent({
      stateDir: dir,
      manifest: shopManifest({ listenerPort: await freePort(), backendPort: backend.port }),
    });
    const before = await snapshot(agent);
    expect(before).to.have.length(5);
    expect(before.every((line) => line.endsWith(' ACTIVE'))).to.equal(true);
    const operations = (await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items;
    const files = (await readdir(dir)).sort();
    const filler = await tmpfs!.fill();

    const put = await agent.call<{ error: { message: string } }>('PUT', '/v1/security-groups/extra', { spec: {} });
    expect(put.status).to.equal(507);
    expect(put.body.error.message).to.contain('ENOSPC').and.contain('nothing was changed');
    const del = await agent.call('DELETE', `/v1/listeners/${encodeURIComponent('shop/http')}`);
    expect(del.status).to.equal(507);

    expect(await snapshot(agent)).to.deep.equal(before);
    expect((await agent.call('GET', '/v1/security-groups/extra')).status).to.equal(404);
    expect((await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items).to.deep.equal(operations);
    expect((await readdir(dir)).sort()).to.deep.equal([...files, 'filler'].sort());

    await agent.kill9();
    await rm(filler);
    agent = await startAgent({ stateDir: dir });
    expect(await snapshot(agent)).to.deep.equal(before);
    expect((await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items).to.deep.equal(operations);
  });

  it('retries a status write the full disk refused until it is stored, shows the status on disk meanwhile, and says so in /healthz and /metrics', async () => {
    const dir = tmpfs!.dir;
    const port = await freePort();
    blocker = await holdPort(port);
    agent = await startAgent({
      stateDir: dir,
      manifest: shopManifest({ listenerPort: port, backendPort: backend.port }),
    });
    const listener = `/v1/listeners/${encodeURIComponent('shop/http')}`;
    const stateOf = async (): Promise<string> => (await agent!.call<Rep>('GET', listener)).body.status.state;
    expect(await stateOf()).to.equal('FAILED');
    const filler = await tmpfs!.fill();
    await new Promise((resolve) => blocker!.close(resolve));
    blocker = undefined;

    // The agent's retry binds the port; storing ACTIVE fails, and is retried.
    await waitFor(
      async () => (await agent!.call<Health>('GET', '/healthz')).body.status === 'degraded',
      60_000,
      '/healthz to say degraded',
    );
    const health = (await agent.call<Health>('GET', '/healthz')).body;
    expect(health.unstoredStatuses?.resources).to.deep.equal(['shop/http']);
    expect(health.unstoredStatuses?.reason).to.contain('ENOSPC');
    expect(await stateOnDisk(dir, 'shop/http')).to.equal('FAILED');
    // A retry's write may be in flight (its status shows until it fails): between attempts, the disk's.
    await waitFor(async () => (await stateOf()) === 'FAILED', 10_000, 'the listener to show its status on disk');
    const metrics = (await agent.call<string>('GET', '/metrics')).body;
    const failures = Number(/^albkit_store_write_failures_total (\d+)/m.exec(metrics)?.[1]);
    expect(failures).to.be.greaterThan(0);
    expect(agent.output()).to.contain('status of shop/http not stored');
    await waitFor(
      async () => (await agent!.call<Health>('GET', '/healthz')).body.unstoredStatuses!.failures >= 2,
      60_000,
      'a second failed attempt',
    );
    expect(await stateOnDisk(dir, 'shop/http')).to.equal('FAILED');

    await rm(filler);
    await waitFor(
      async () => (await stateOnDisk(dir, 'shop/http')) === 'ACTIVE',
      60_000,
      'ACTIVE stored once there is space',
    );
    await waitFor(
      async () => (await agent!.call<Health>('GET', '/healthz')).body.status === 'ok',
      10_000,
      '/healthz to say ok',
    );
    expect(await stateOf()).to.equal('ACTIVE');
  });
});
