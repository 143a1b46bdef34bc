/**
 * Changing an EIP's address in one deploy: an in-place update of the EIP alone; every listener of the load
 * balancer moves to the new address (the old one refuses), the intranet address keeps serving on the same
 * connections, and a new address that cannot be bound fails the listener with the reason until it can.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startHttpBackend, type DemoBackend } from '../../../examples/quickstart/demo-backend';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { runCli, writeManifest } from './quickstart';
import { bodyAt, closeServer, connectOutcome, holdPort, KeepAliveClient, publicShop } from './sockets';

type Op = { op: string; id: string };
type Rep = { status: { state: string; reason?: string } };

describe('albkit deploy: an EIP whose address changes', function () {
  this.timeout(30_000);
  let dir: string;
  let agent: TestAgent;
  let backend: DemoBackend;
  let ports: number[];
  let client: KeepAliveClient | undefined;
  let holder: Server | undefined;

  const deployWithEip = async (eip: string): Promise<{ code: number | null; stdout: string; stderr: string }> => {
    const file = await writeManifest(dir, `shop-${eip}.json`, publicShop({ eip, ports, backendPort: backend.port }));
    return runCli(['deploy', file, '--endpoint', agent.endpoint, '--token-file', join(agent.stateDir, 'token')]);
  };
  const operations = async (): Promise<string[]> =>
    (await agent.call<{ items: Op[] }>('GET', '/v1/operations')).body.items.map((o) => `${o.op} ${o.id}`);
  const listener = async (index: number): Promise<Rep['status']> =>
    (await agent.call<Rep>('GET', `/v1/listeners/${encodeURIComponent(`shop/http-${index}`)}`)).body.status;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-eip-'));
    backend = await startHttpBackend(0, '127.0.0.1', 'backend-a');
    ports = [await freePort(), await freePort()];
    agent = await startAgent();
  });
  after(async () => {
    client?.close();
    if (holder) await closeServer(holder);
    await agent?.stop();
    await backend?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('updates the EIP in place: the listeners serve on the new address, refuse on the old, and the intranet connections live on', async () => {
    const first = await deployWithEip('127.0.0.21');
    expect(first.code, first.stderr).to.equal(0);
    for (const port of ports) {
      expect(await bodyAt('127.0.0.21', port)).to.equal('backend-a\n');
      expect(await bodyAt('127.0.0.1', port)).to.equal('backend-a\n');
    }
    client = await KeepAliveClient.open('127.0.0.1', ports[0] as number);
    expect(await client.get()).to.equal('backend-a\n');
    const seen = (await operations()).length;

    const second = await deployWithEip('127.0.0.22');
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('plan: 0 to create, 1 to update, 0 to replace, 0 to delete');
    expect(second.stdout).to.match(/update\s+Eip shop-eip/);
    expect((await operations()).slice(seen)).to.deep.equal(['update shop-eip']);
    for (const port of ports) {
      expect(await bodyAt('127.0.0.22', port)).to.equal('backend-a\n');
      expect(await connectOutcome('127.0.0.21', port)).to.equal('ECONNREFUSED');
      expect(await bodyAt('127.0.0.1', port)).to.equal('backend-a\n');
    }
    expect(await client.get(), 'the same intranet connection').to.equal('backend-a\n');
    expect(await listener(0)).to.deep.equal({ state: 'ACTIVE' });

    const again = await deployWithEip('127.0.0.22');
    expect(again.stdout).to.contain('no changes');
  });

  it('fails the listener whose port is in use on the new address (and the deploy, naming it), keeps the intranet address, and binds once it is free', async () => {
    holder = await holdPort('127.0.0.23', ports[1] as number);
    const moved = await deployWithEip('127.0.0.23');
    expect(moved.code, 'the deploy fails, naming the listener it left FAILED').to.equal(1);
    expect(moved.stderr).to.contain(
      `Listener shop/http-1: FAILED: cannot bind 127.0.0.23:${ports[1]}: the port is in use`,
    );
    expect(await listener(0)).to.deep.equal({ state: 'ACTIVE' });
    expect(await listener(1)).to.deep.equal({
      state: 'FAILED',
      reason: `cannot bind 127.0.0.23:${ports[1]}: the port is in use`,
    });
    expect(await bodyAt('127.0.0.23', ports[0] as number)).to.equal('backend-a\n');
    expect(await bodyAt('127.0.0.1', ports[1] as number), 'the intranet address of the failed listener').to.equal(
      'backend-a\n',
    );
    expect(await connectOutcome('127.0.0.22', ports[1] as number), 'the old address').to.equal('ECONNREFUSED');
    expect(await client!.get(), 'the same intranet connection').to.equal('backend-a\n');

    await closeServer(holder);
    holder = undefined;
    const deadline = Date.now() + 15_000;
    while ((await listener(1)).state !== 'ACTIVE' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await listener(1)).to.deep.equal({ state: 'ACTIVE' });
    expect(await bodyAt('127.0.0.23', ports[1] as number)).to.equal('backend-a\n');
  });
});
