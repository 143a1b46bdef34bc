import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startHttpBackend, type DemoBackend } from '../../../examples/quickstart/demo-backend';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { shopManifest, specOf } from '../api/fixture';
import { answer } from './answer';
import { runCli, writeManifest } from './quickstart';

type Rep = { id: string; owner?: string; status: { state: string } };
type Doc = ReturnType<typeof shopManifest>;
type Op = { op: string; id: string };

const without = (doc: Doc, id: string): Doc => ({
  ...doc,
  resources: doc.resources.filter((r) => (r as { id: string }).id !== id),
});

describe('albkit deploy --stack: several owners on one agent', () => {
  let dir: string;
  let agent: TestAgent;
  let backends: DemoBackend[];
  let a: Doc;
  let b: Doc;
  let files: Record<'a' | 'b' | 'aWithoutListener', string>;

  const cli = (verb: 'deploy' | 'destroy', file: string, stack: string, ...more: string[]) =>
    runCli([
      verb,
      file,
      '--stack',
      stack,
      '--endpoint',
      agent.endpoint,
      '--token-file',
      join(agent.stateDir, 'token'),
      ...more,
    ]);
  const operations = async (): Promise<Op[]> => (await agent.call<{ items: Op[] }>('GET', '/v1/operations')).body.items;
  const stackIds = async (stack: string): Promise<string[]> =>
    (await agent.call<{ resources: { id: string }[] }>('GET', `/v1/manifest?stack=${stack}`)).body.resources
      .map((r) => r.id)
      .sort();
  const idsOf = (doc: Doc): string[] => doc.resources.map((r) => (r as { id: string }).id).sort();
  const port = (doc: Doc): number => specOf(doc, `${(doc.resources[1] as { id: string }).id}/http`).port as number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-stacks-'));
    backends = [
      await startHttpBackend(0, '127.0.0.1', 'backend-a'),
      await startHttpBackend(0, '127.0.0.1', 'backend-b'),
    ];
    a = shopManifest({
      prefix: 'shop-a',
      listenerPort: await freePort(),
      backendPort: (backends[0] as DemoBackend).port,
    });
    b = shopManifest({
      prefix: 'shop-b',
      listenerPort: await freePort(),
      backendPort: (backends[1] as DemoBackend).port,
    });
    files = {
      a: await writeManifest(dir, 'a.json', a),
      b: await writeManifest(dir, 'b.json', b),
      aWithoutListener: await writeManifest(dir, 'a-without-listener.json', without(a, 'shop-a/http')),
    };
  });
  beforeEach(async () => {
    agent = await startAgent();
  });
  afterEach(async () => {
    await agent?.stop();
  });
  after(async () => {
    await Promise.all(backends.map((backend) => backend.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it("never deletes another stack's resources; destroying one stack leaves the other serving", async () => {
    expect((await cli('deploy', files.a, 'a')).code).to.equal(0);
    const second = await cli('deploy', files.b, 'b');
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('plan: 5 to create, 0 to update, 0 to replace, 0 to delete');
    expect(await answer(port(a))).to.equal('backend-a\n');
    expect(await answer(port(b))).to.equal('backend-b\n');
    expect(await stackIds('a')).to.deep.equal(idsOf(a));
    expect(await stackIds('b')).to.deep.equal(idsOf(b));

    const seen = (await operations()).length;
    const shrunk = await cli('deploy', files.aWithoutListener, 'a');
    expect(shrunk.code, shrunk.stderr).to.equal(0);
    expect(shrunk.stdout).to.contain('plan: 0 to create, 0 to update, 0 to replace, 1 to delete');
    expect((await operations()).slice(seen).map((o) => `${o.op} ${o.id}`)).to.deep.equal(['delete shop-a/http']);

    const destroyed = await cli('destroy', files.a, 'a');
    expect(destroyed.code, destroyed.stderr).to.equal(0);
    expect(destroyed.stdout).to.contain('0 to create, 0 to update, 0 to replace, 4 to delete');
    expect((await operations()).filter((o) => o.id.startsWith('shop-b'))).to.have.length(5);
    expect(await stackIds('a')).to.deep.equal([]);
    const manifest = await agent.call<{ resources: { id: string }[] }>('GET', '/v1/manifest');
    expect(manifest.body.resources.map((r) => r.id).sort()).to.deep.equal(idsOf(b));
    expect(await answer(port(b))).to.equal('backend-b\n');
  });

  it('refuses, before any change, an app whose resources another stack owns, naming each and its owner', async () => {
    expect((await cli('deploy', files.b, 'b')).code).to.equal(0);
    const seen = await operations();
    for (const verb of ['deploy', 'destroy'] as const) {
      const run = await cli(verb, files.b, 'a');
      expect(run.code, `${verb}: ${run.stderr}`).to.equal(1);
      expect(run.stderr).to.contain('stack "a" claims 5 resources it does not own; nothing was changed');
      expect(run.stderr).to.contain('LoadBalancer "shop-b" is owned by deploy/b (stack "b")');
      expect(run.stderr).to.contain('Listener "shop-b/http" is owned by deploy/b (stack "b")');
      expect(run.stderr).to.contain('--adopt');
    }
    expect(await operations()).to.deep.equal(seen);
    expect(await stackIds('b')).to.deep.equal(idsOf(b));
    expect(await answer(port(b))).to.equal('backend-b\n');
  });

  it('takes resources over with --adopt (shown by --dry-run first), after which their former stack may not change them', async () => {
    expect((await cli('deploy', files.b, 'b')).code).to.equal(0);
    const seen = (await operations()).length;
    const dry = await cli('deploy', files.b, 'a', '--adopt', '--dry-run');
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.contain('adopt LoadBalancer shop-b (owned by deploy/b (stack "b"))');
    const machine = await cli('deploy', files.b, 'a', '--adopt', '--dry-run', '--json');
    const plan = JSON.parse(machine.stdout.split('\n')[0] as string) as {
      type: string;
      adopt: { id: string; from: string }[];
    };
    expect(plan.type).to.equal('plan');
    expect(plan.adopt.map((r) => `${r.id} ${r.from}`).sort()).to.deep.equal(idsOf(b).map((id) => `${id} deploy/b`));
    expect(await stackIds('b')).to.deep.equal(idsOf(b));

    const adopted = await cli('deploy', files.b, 'a', '--adopt');
    expect(adopted.code, adopted.stderr).to.equal(0);
    expect(adopted.stdout).to.contain('no changes').and.contain('adopted Listener shop-b/http (was owned by deploy/b)');
    expect(await stackIds('a')).to.deep.equal(idsOf(b));
    expect(await stackIds('b')).to.deep.equal([]);
    expect(await operations(), 'taking ownership changes nothing in the data plane').to.have.length(seen);
    expect(await answer(port(b))).to.equal('backend-b\n');

    const former = await cli('deploy', files.b, 'b');
    expect(former.code).to.equal(1);
    expect(former.stderr).to.contain('LoadBalancer "shop-b" is owned by deploy/a (stack "a")');
  });

  it('leaves resources created by plain PUTs (Terraform, Pulumi, by hand) alone', async () => {
    expect((await agent.call('PUT', '/v1/security-groups/tf-sg', { spec: {}, owner: 'terraform' })).status).to.equal(
      201,
    );
    expect((await agent.call('PUT', '/v1/security-groups/hand-sg', { spec: {} })).status).to.equal(201);
    const deployed = await cli('deploy', files.a, 'a');
    expect(deployed.stdout).to.contain('plan: 5 to create, 0 to update, 0 to replace, 0 to delete');
    expect((await cli('deploy', files.aWithoutListener, 'a')).stdout).to.contain('1 to delete');
    expect((await cli('destroy', files.a, 'a')).stdout).to.contain('4 to delete');
    const tf = await agent.call<Rep>('GET', '/v1/security-groups/tf-sg');
    const hand = await agent.call<Rep>('GET', '/v1/security-groups/hand-sg');
    expect(tf.body).to.deep.include({ id: 'tf-sg', owner: 'terraform', status: { state: 'ACTIVE' } });
    expect(hand.body).to.deep.include({ id: 'hand-sg', status: { state: 'ACTIVE' } });
    expect(hand.body).to.not.have.property('owner');
  });

  it("still checks rules across owners: a port another owner's listener uses, a delete it blocks", async () => {
    expect((await cli('deploy', files.a, 'a')).code).to.equal(0);
    const tfPort = await freePort();
    const tfListener = { loadBalancer: 'shop-a', protocol: 'HTTP', port: tfPort, backendService: 'shop-a/backend' };
    expect(
      (await agent.call('PUT', '/v1/listeners/tf%2Fhttp', { spec: tfListener, owner: 'terraform' })).status,
    ).to.equal(201);

    const admin = { id: 'shop-a/admin', kind: 'Listener', spec: { ...tfListener } };
    const clash = await cli(
      'deploy',
      await writeManifest(dir, 'a-clash.json', { ...a, resources: [...a.resources, admin] }),
      'a',
    );
    expect(clash.code).to.equal(1);
    expect(clash.stderr).to.contain(`shop-a/admin: port: ${tfPort} is already used by listener tf/http`);

    const destroyed = await cli('destroy', files.a, 'a');
    expect(destroyed.code).to.equal(1);
    expect(destroyed.stderr).to.contain(
      'BackendService "shop-a/backend" cannot be deleted: Listener "tf/http" depends on it',
    );
    expect((await agent.call<Rep>('GET', '/v1/listeners/tf%2Fhttp')).body.status.state).to.equal('ACTIVE');
    expect(await answer(tfPort)).to.equal('backend-a\n');
  });
});
