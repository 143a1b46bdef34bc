import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Construct } from 'constructs';
import { startHttpBackend, type DemoBackend } from '../../examples/quickstart/demo-backend';
import { App, BackendService, Listener, LoadBalancer, SecurityGroup, ServerGroup } from '../../constructs';
import { manifestText, validateManifest, ValidationError, type Manifest } from '../../lib';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { answer } from '../runtime/deploy/answer';
import { runCli, writeManifest } from '../runtime/deploy/quickstart';

/** The platform team's app: a load balancer other apps import. */
function platformApp(): App {
  const app = new App();
  new LoadBalancer(app, 'shared', {
    zones: ['local-a'],
    vpc: { cidr: '127.0.0.0/8' },
    subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
  });
  return app;
}

/** A service team's app: servers, a backend service and a listener on the imported load balancer `shared`. */
function teamApp(options: { listenerPort: number; backendPort: number }): App {
  const app = new App();
  const lb = LoadBalancer.fromResourceId(app, 'shared-lb', 'shared');
  const servers = new ServerGroup(app, 'servers', {
    loadBalancer: lb,
    servers: [{ name: 'a', address: '127.0.0.1', port: options.backendPort, zone: 'local-a' }],
  });
  const backend = new BackendService(app, 'backend', { loadBalancer: lb, protocol: 'HTTP', serverGroups: [servers] });
  new Listener(app, 'http', {
    loadBalancer: lb,
    backendService: backend,
    protocol: 'HTTP',
    port: options.listenerPort,
  });
  return app;
}

describe('imported resources (X.fromResourceId)', () => {
  it('synthesize no resource: the manifest lists them as external and the references name their id', () => {
    const manifest = teamApp({ listenerPort: 8080, backendPort: 9001 }).synth();
    expect(manifest.resources.map((r) => r.id)).to.deep.equal(['servers', 'backend', 'http']);
    expect(manifest.external).to.deep.equal([{ id: 'shared', kind: 'LoadBalancer' }]);
    expect(manifest.resources.find((r) => r.id === 'http')?.dependsOn).to.deep.equal(['backend', 'shared']);
  });

  it('keep their external list and hash through the manifest file', () => {
    const manifest = teamApp({ listenerPort: 8080, backendPort: 9001 }).synth();
    const read = validateManifest(JSON.parse(manifestText(manifest)));
    expect(read.external).to.deep.equal(manifest.external);
    expect(read.hash).to.equal(manifest.hash);
    expect(platformApp().synth()).to.not.have.property('external');
  });

  it('skip the rules that need the imported spec, and keep the rest', () => {
    const app = new App();
    const lb = LoadBalancer.fromResourceId(app, 'lb', 'shared');
    // Outside any VPC the imported load balancer may have: not checked, its VPC is not known here.
    new ServerGroup(app, 'servers', { loadBalancer: lb, servers: [{ address: '192.0.2.1', port: 80 }] });
    new ServerGroup(app, 'more', {
      loadBalancer: lb,
      servers: [
        { name: 'x', address: '10.0.0.1', port: 80 },
        { name: 'x', address: '10.0.0.2', port: 80 },
      ],
    });
    expect(() => app.synth()).to.throw(ValidationError, 'more: servers[1].name: "x" is used twice in the group');
  });

  it('refuse a reference that expects another kind, in a manifest written by hand', () => {
    const manifest = teamApp({ listenerPort: 8080, backendPort: 9001 }).synth();
    const document = { ...manifest, external: [{ id: 'shared', kind: 'SecurityGroup' }] };
    expect(() => validateManifest(document)).to.throw(
      ValidationError,
      'http: loadBalancer: refers to "shared", which is imported as a SecurityGroup, not a LoadBalancer',
    );
  });

  it('refuse an id both imported and defined in the app', () => {
    const app = platformApp();
    SecurityGroup.fromResourceId(app, 'again', 'shared');
    expect(() => app.synth()).to.throw(
      ValidationError,
      'shared: id: is imported as an external SecurityGroup and also defined here; keep one',
    );
  });

  describe('deployed with albkit deploy against a real agent', () => {
    let dir: string;
    let agent: TestAgent;
    let backend: DemoBackend;
    let team: Manifest;
    let listenerPort: number;

    const deploy = (file: string, stack: string, ...more: string[]) =>
      runCli([
        'deploy',
        file,
        '--stack',
        stack,
        '--endpoint',
        agent.endpoint,
        '--token-file',
        join(agent.stateDir, 'token'),
        ...more,
      ]);

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'albkit-imported-'));
      backend = await startHttpBackend(0, '127.0.0.1', 'team-backend');
      listenerPort = await freePort();
      team = teamApp({ listenerPort, backendPort: backend.port }).synth();
    });
    beforeEach(async () => {
      agent = await startAgent();
    });
    afterEach(async () => {
      await agent?.stop();
    });
    after(async () => {
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('validate and plan offline, the plan showing the imported load balancer as external', async () => {
      const file = await writeManifest(dir, 'team.json', team);
      const validate = await runCli(['validate', file]);
      expect(validate.code, validate.stderr).to.equal(0);
      const empty = await writeManifest(dir, 'empty.json', { apiVersion: 'albkit/v1', resources: [] });
      const plan = await runCli(['plan', file, '--from', empty]);
      expect(plan.code, plan.stderr).to.equal(0);
      expect(plan.stdout).to.match(
        /^external LoadBalancer shared \(made elsewhere; must exist on the agent\)\nwave 1:/,
      );
      expect(plan.stdout).to.contain('3 to create, 0 to update, 0 to replace, 0 to delete');
      const dryRun = await deploy(file, 'team', '--dry-run');
      expect(dryRun.stdout).to.contain('external LoadBalancer shared');
    });

    it('creates the listener on the load balancer another stack made, and leaves that load balancer alone', async () => {
      const platform = await deploy(await writeManifest(dir, 'platform.json', platformApp().synth()), 'platform');
      expect(platform.code, platform.stderr).to.equal(0);
      const result = await deploy(await writeManifest(dir, 'team.json', team), 'team');
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.contain('plan: 3 to create, 0 to update, 0 to replace, 0 to delete');
      expect(await answer(listenerPort)).to.equal('team-backend\n');
      const lb = await agent.call<{ owner?: string }>('GET', '/v1/load-balancers/shared');
      expect(lb.status).to.equal(200);
      expect(lb.body.owner).to.equal('deploy/platform');
    });

    it("fails with the agent's error naming the load balancer when the agent has none", async () => {
      const result = await deploy(await writeManifest(dir, 'team.json', team), 'team');
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain(
        'ServerGroup "servers": loadBalancer refers to LoadBalancer "shared", which does not exist; create "shared" first',
      );
      const groups = await agent.call<{ items: unknown[] }>('GET', '/v1/server-groups');
      expect(groups.body.items).to.deep.equal([]);
    });
  });
});

describe('rules registered with node.addValidation', () => {
  it("return each resource's issues from its own node.validate(), without its path", () => {
    const app = new App();
    const lb = new LoadBalancer(app, 'web', {
      zones: ['a'],
      vpc: { cidr: '10.0.0.0/16' },
      subnet: { cidr: '10.0.1.0/24' },
    });
    const servers = lb.addServerGroup('servers', { servers: [{ address: '10.0.1.5', port: 80 }] });
    const backend = lb.addBackendService('backend', { protocol: 'HTTP', serverGroups: [servers] });
    const https = lb.addListener('https', { protocol: 'HTTPS', port: 443, backendService: backend });
    lb.addListener('again', { protocol: 'HTTP', port: 443, backendService: backend });
    expect(https.node.validate()).to.deep.equal(['certificate: an HTTPS listener needs a certificate']);
    expect(backend.node.validate()).to.deep.equal([]);
  });

  it('report every error at synth per construct with its path, a validation users add included', () => {
    const app = new App();
    const group = new Construct(app, 'team');
    group.node.addValidation({ validate: () => ['needs an owner tag'] });
    const lb = new LoadBalancer(group, 'web', {
      zones: ['a'],
      vpc: { cidr: '10.0.0.0/16' },
      subnet: { cidr: '10.9.0.0/24' },
    });
    const servers = lb.addServerGroup('servers', { servers: [{ address: '192.0.2.1', port: 80 }] });
    lb.addBackendService('backend', {
      protocol: 'TCP',
      serverGroups: [servers],
      sessionPersistence: { enabled: true },
    });
    try {
      app.synth();
      expect.fail('synth should throw');
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => `${i.path}|${i.field}|${i.message}`)).to.deep.equal([
        'team||needs an owner tag',
        'team/web|subnet.cidr|10.9.0.0/24 is not inside the VPC 10.0.0.0/16',
        'team/web/servers|servers[0].address|192.0.2.1 is outside the VPC 10.0.0.0/16 of load balancer team/web',
        'team/web/backend|sessionPersistence.enabled|cookie session persistence works only for HTTP/HTTPS listeners (backend protocol HTTP)',
      ]);
    }
  });
});
