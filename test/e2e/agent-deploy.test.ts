import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createWaves, type Manifest } from '../../lib';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { quickstartManifest, runCli, writeManifest } from '../runtime/deploy/quickstart';

type Op = { seq: number; op: string; id: string; kind: string };

describe('albkit deploy and destroy against a running agent', () => {
  let agent: TestAgent;
  let dir: string;
  let manifest: Manifest;
  let file: string;
  let target: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-deploy-'));
    manifest = await quickstartManifest();
    file = await writeManifest(dir, 'quickstart.json', manifest);
  });
  beforeEach(async () => {
    agent = await startAgent();
    target = ['--endpoint', agent.endpoint, '--token-file', join(agent.stateDir, 'token')];
  });
  afterEach(async () => {
    await agent?.stop();
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('deploys the quickstart in dependency order and destroys it in exactly the reverse order', async () => {
    const deployed = await runCli(['deploy', file, ...target]);
    expect(deployed.code, deployed.stderr).to.equal(0);
    expect(deployed.stdout).to.contain('plan: 9 to create, 0 to update, 0 to replace, 0 to delete');
    expect(deployed.stdout.match(/^\[wave \d\] ok/gm)).to.have.length(9);

    const destroyed = await runCli(['destroy', file, ...target]);
    expect(destroyed.code, destroyed.stderr).to.equal(0);
    expect(destroyed.stdout).to.contain('0 to create, 0 to update, 0 to replace, 9 to delete');

    const ops = (await agent.call<{ items: Op[] }>('GET', '/v1/operations')).body.items;
    const creates = ops.filter((o) => o.op === 'create');
    const deletes = ops.filter((o) => o.op === 'delete');
    expect(ops.map((o) => o.op)).to.deep.equal([
      ...Array<string>(9).fill('create'),
      ...Array<string>(9).fill('delete'),
    ]);
    expect(new Set(creates.map((o) => o.id))).to.deep.equal(new Set(manifest.resources.map((r) => r.id)));

    // Every create comes after the creates of all its dependencies; every delete after the deletes of all its dependents.
    const deps = new Map(manifest.resources.map((r) => [r.id, r.dependsOn]));
    const createdAt = new Map(creates.map((o, i) => [o.id, i]));
    const deletedAt = new Map(deletes.map((o, i) => [o.id, i]));
    for (const [id, dependsOn] of deps) {
      for (const dep of dependsOn) {
        expect(createdAt.get(dep), `${dep} created before ${id}`).to.be.below(createdAt.get(id) as number);
        expect(deletedAt.get(dep), `${dep} deleted after ${id}`).to.be.above(deletedAt.get(id) as number);
      }
    }
    // Wave by wave, the deletes are the creates reversed.
    const waveOf = new Map(createWaves(manifest.resources).flatMap((wave, i) => wave.map((id) => [id, i] as const)));
    const createWaveSequence = creates.map((o) => waveOf.get(o.id));
    expect(deletes.map((o) => waveOf.get(o.id))).to.deep.equal([...createWaveSequence].reverse());
    expect((await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest')).body.resources).to.have.length(0);
  });

  it('reports no changes and exits 0 on an up-to-date agent', async () => {
    const first = await runCli(['deploy', file, ...target]);
    expect(first.code, first.stderr).to.equal(0);
    const again = await runCli(['deploy', file, ...target]);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.match(/^no changes\nlistening:\n/);
  });

  it('prints the plan with --dry-run and changes nothing', async () => {
    const dry = await runCli(['deploy', file, ...target, '--dry-run']);
    expect(dry.code).to.equal(0);
    expect(dry.stdout).to.contain('wave 1:').and.contain('create Listener web/http').and.contain('9 to create');
    expect((await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items).to.have.length(0);
  });

  it('emits one JSON event per line with --json, ending with ok', async () => {
    const run = await runCli(['deploy', file, ...target, '--json']);
    expect(run.code).to.equal(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; ok?: boolean });
    expect(events[0]?.type).to.equal('plan');
    expect(events.filter((e) => e.type === 'done')).to.have.length(9);
    expect(events.at(-1)).to.include({ type: 'end', ok: true });
  });

  it('deploys only the changed resource on an update', async () => {
    const first = await runCli(['deploy', file, ...target]);
    expect(first.code, first.stderr).to.equal(0);
    const changed = {
      ...manifest,
      resources: manifest.resources.map((r) =>
        r.id === 'web/http' ? { ...r, spec: { ...r.spec, idleTimeoutSeconds: 20 } } : r,
      ),
    };
    const run = await runCli(['deploy', await writeManifest(dir, 'changed.json', changed), ...target]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('0 to create, 1 to update').and.contain('update Listener web/http');
  });

  it('replaces a listener whose port changed: delete, wait until gone, create', async () => {
    const first = await runCli(['deploy', file, ...target]);
    expect(first.code, first.stderr).to.equal(0);
    const port = await freePort();
    const moved = {
      ...manifest,
      resources: manifest.resources.map((r) => (r.id === 'web/http' ? { ...r, spec: { ...r.spec, port } } : r)),
    };
    const run = await runCli(['deploy', await writeManifest(dir, 'moved.json', moved), ...target]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('0 to create, 0 to update, 1 to replace, 0 to delete');
    expect(run.stdout.indexOf('replace (delete) Listener web/http')).to.be.below(
      run.stdout.indexOf('replace (create) Listener web/http'),
    );
    const listener = await agent.call<{ spec: { port: number }; generation: number; status: { state: string } }>(
      'GET',
      '/v1/listeners/web%2Fhttp',
    );
    expect(listener.body).to.deep.include({ generation: 1, status: { state: 'ACTIVE' } });
    expect(listener.body.spec.port).to.equal(port);
    const ops = (await agent.call<{ items: Op[] }>('GET', '/v1/operations')).body.items.slice(-2);
    expect(ops.map((o) => `${o.op} ${o.id}`)).to.deep.equal(['delete web/http', 'create web/http']);
  });

  describe('when a listener cannot bind', () => {
    let blocker: Server;
    before(async () => {
      blocker = createServer();
      const port = manifest.resources.find((r) => r.id === 'web/http')?.spec as { port: number };
      await new Promise<void>((resolve) => blocker.listen(port.port, '127.0.0.1', resolve));
    });
    after(async () => {
      await new Promise((resolve) => blocker.close(resolve));
    });

    it('exits 1 naming the listener and the reason', async () => {
      const run = await runCli(['deploy', file, ...target]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/Listener web\/http: FAILED: .*(EADDRINUSE|in use)/i);
    });
  });

  it('exits 2 when it cannot tell which agent to talk to', async () => {
    const run = await runCli(['deploy', file, '--state-dir', join(dir, 'nowhere')]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('no agent endpoint');
  });

  it('exits 2 on a --stack that is not a stack name, before talking to the agent', async () => {
    const run = await runCli(['deploy', file, ...target, '--stack', 'a/b']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('--stack: must be 1–63 letters, digits');
    expect((await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items).to.have.length(0);
  });

  it('exits 1 naming the agent when it is unreachable', async () => {
    const run = await runCli([
      'deploy',
      file,
      '--endpoint',
      'http://127.0.0.1:1',
      '--token-file',
      join(agent.stateDir, 'token'),
    ]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('cannot reach the albkit agent at http://127.0.0.1:1');
  });
});
