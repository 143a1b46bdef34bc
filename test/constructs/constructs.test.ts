import { expect } from 'chai';
import { Construct } from 'constructs';
import {
  App,
  AvailabilityGroup,
  Eip,
  LoadBalancer,
  SecurityGroup,
  ValidationError,
  type ResourceOf,
} from '../../index';

function lbIn(
  app: Construct,
  id = 'web',
  extra: Partial<ConstructorParameters<typeof LoadBalancer>[2]> = {},
): LoadBalancer {
  return new LoadBalancer(app, id, {
    zones: ['z1'],
    vpc: { cidr: '10.0.0.0/16' },
    subnet: { cidr: '10.0.1.0/24' },
    ...extra,
  });
}

describe('constructs', () => {
  it('builds an ALB in a few lines, with ids from construct paths', () => {
    const app = new App();
    const lb = lbIn(app);
    const servers = lb.addServerGroup('servers', { servers: [{ address: '10.0.2.1', port: 8080 }] });
    const backend = lb.addBackendService('backend', { protocol: 'HTTP', port: 8080, serverGroups: [servers] });
    lb.addListener('http', { protocol: 'HTTP', port: 80, backendService: backend });
    const manifest = app.synth();
    expect(manifest.resources.map((r) => `${r.kind} ${r.id}`)).to.deep.equal([
      'SecurityGroup web/default-security-group',
      'LoadBalancer web',
      'ServerGroup web/servers',
      'BackendService web/backend',
      'Listener web/http',
    ]);
    expect((manifest.resources[1] as ResourceOf<'LoadBalancer'>).spec.name).to.equal('web');
  });

  it('is intranet without an EIP and public with one', () => {
    const app = new App();
    expect(lbIn(app, 'inside').type).to.equal('intranet');
    expect(lbIn(app, 'outside', { eip: new Eip(app, 'ip', { address: '203.0.113.7' }) }).type).to.equal('public');
  });

  it('uses the security groups given instead of the open default', () => {
    const app = new App();
    const office = new SecurityGroup(app, 'office').addIngressRule({
      cidr: '192.0.2.0/24',
      fromPort: 443,
      toPort: 443,
    });
    lbIn(app, 'web', { securityGroups: [office] });
    const resources = app.synth().resources;
    expect(resources.map((r) => r.id)).to.deep.equal(['office', 'web']);
    expect((resources[0] as ResourceOf<'SecurityGroup'>).spec.ingress).to.deep.equal([
      { cidr: '192.0.2.0/24', protocol: 'ALL', fromPort: 443, toPort: 443 },
    ]);
  });

  it('replaces the open default security group with the first one added, so the added rules hold', () => {
    const app = new App();
    const lb = lbIn(app);
    const office = new SecurityGroup(app, 'office', { ingress: [{ cidr: '192.0.2.0/24' }] });
    const vpn = new SecurityGroup(app, 'vpn', { ingress: [{ cidr: '198.51.100.0/24' }] });
    lb.addSecurityGroup(office).addSecurityGroup(vpn);
    const resources = app.synth().resources;
    expect(resources.map((r) => r.id)).to.deep.equal(['office', 'vpn', 'web']);
    expect((resources[2] as ResourceOf<'LoadBalancer'>).spec.securityGroups).to.deep.equal(['office', 'vpn']);
  });

  it('keeps the security groups given and adds to them', () => {
    const app = new App();
    const office = new SecurityGroup(app, 'office', { ingress: [{ cidr: '192.0.2.0/24' }] });
    const lb = lbIn(app, 'web', { securityGroups: [office] });
    lb.addSecurityGroup(new SecurityGroup(app, 'vpn'));
    expect(
      (app.synth().resources.find((r) => r.id === 'web') as ResourceOf<'LoadBalancer'>).spec.securityGroups,
    ).to.deep.equal(['office', 'vpn']);
  });

  it('refuses a sixth security group at synth', () => {
    const app = new App();
    const lb = lbIn(app);
    for (let i = 0; i < 6; i += 1) lb.addSecurityGroup(new SecurityGroup(app, `sg${i}`));
    expect(() => app.synth()).to.throw(ValidationError, 'web: securityGroups');
  });

  it('renders lazily: a health check configured after the listener still applies', () => {
    const app = new App();
    const lb = lbIn(app);
    const servers = lb.addServerGroup('servers');
    const backend = lb.addBackendService('backend', { protocol: 'HTTP', port: 80, serverGroups: [servers] });
    lb.addListener('http', { protocol: 'HTTP', port: 80, backendService: backend });
    servers.addServer({ address: '10.0.2.1', port: 80 });
    backend.configureHealthCheck({ path: '/healthz', intervalMs: 1000, timeoutMs: 500 });
    backend.enableSessionPersistence({ ttlSeconds: 300 });
    const spec = (app.synth().resources.find((r) => r.id === 'web/backend') as ResourceOf<'BackendService'>).spec;
    expect(spec.healthCheck).to.include({ path: '/healthz', intervalMs: 1000, timeoutMs: 500 });
    expect(spec.sessionPersistence).to.deep.equal({ enabled: true, cookieName: 'ALBKIT_SERVER', ttlSeconds: 300 });
  });

  it('turns session persistence on keeping the cookie settings already given', () => {
    const app = new App();
    const lb = lbIn(app);
    const servers = lb.addServerGroup('servers', { servers: [{ address: '10.0.2.1', port: 80 }] });
    const backend = lb.addBackendService('backend', {
      protocol: 'HTTP',
      port: 80,
      serverGroups: [servers],
      sessionPersistence: { cookieName: 'SHOP', ttlSeconds: 60 },
    });
    backend.enableSessionPersistence({ ttlSeconds: 600 });
    lb.addListener('http', { protocol: 'HTTP', port: 80, backendService: backend });
    const spec = (app.synth().resources.find((r) => r.id === 'web/backend') as ResourceOf<'BackendService'>).spec;
    expect(spec.sessionPersistence).to.deep.equal({ enabled: true, cookieName: 'SHOP', ttlSeconds: 600 });
  });

  it('refuses an eleventh server group on a backend service at synth', () => {
    const app = new App();
    const lb = lbIn(app);
    const groups = Array.from({ length: 11 }, (_, i) => lb.addServerGroup(`g${i}`));
    const backend = lb.addBackendService('backend', { protocol: 'HTTP', port: 80, serverGroups: groups.slice(0, 10) });
    backend.addServerGroup(groups[10] as (typeof groups)[number]);
    expect(() => app.synth()).to.throw(ValidationError, 'web/backend: serverGroups');
  });

  it('needs no backend service port with server groups, and one with availability groups, naming the construct path', () => {
    const app = new App();
    const lb = lbIn(app);
    const servers = lb.addServerGroup('servers', { servers: [{ address: '10.0.2.1', port: 8080 }] });
    lb.addListener('http', {
      protocol: 'HTTP',
      port: 80,
      backendService: lb.addBackendService('backend', { protocol: 'HTTP', serverGroups: [servers] }),
    });
    expect(() => app.synth()).to.not.throw();
    const pool = new AvailabilityGroup(app, 'pool', { instances: [{ address: '10.0.3.1', zone: 'z1' }] });
    lb.addListener('tcp', {
      protocol: 'TCP',
      port: 81,
      backendService: lb.addBackendService('pool-backend', { protocol: 'TCP', availabilityGroups: [pool] }),
    });
    expect(() => app.synth()).to.throw(
      ValidationError,
      "web/pool-backend: port: is required with availability groups: their instances serve on the backend service's port",
    );
  });

  it('reports a construct id that cannot be a resource id at synth', () => {
    const app = new App();
    lbIn(app, 'web lb');
    expect(() => app.synth()).to.throw(ValidationError, 'web lb: id: must be a resource id');
  });

  it('reports the props wrong on their own of every construct at synth, together with the rules across them', () => {
    const app = new App();
    const lb = lbIn(app);
    const servers = lb.addServerGroup('servers');
    servers.addServer({ address: '10.0.2.1', port: 99999 });
    const backend = lb.addBackendService('b', {
      protocol: 'HTTP',
      port: 80,
      serverGroups: [servers],
      healthCheck: { timeoutMs: 2000, intervalMs: 1000 },
    });
    lb.addListener('http', { protocol: 'HTTP', port: 0, backendService: backend });
    lb.addListener('https', { protocol: 'HTTPS', port: 443, backendService: backend });
    const issues = (() => {
      try {
        app.synth();
        return [];
      } catch (error) {
        return (error as ValidationError).issues.map((i) => `${i.path}: ${i.field}: ${i.message}`);
      }
    })();
    expect(issues).to.have.length(4);
    expect(issues).to.include('web/b: healthCheck.timeoutMs: timeoutMs must be less than intervalMs');
    expect(issues.map((i) => i.split(': ').slice(0, 2).join(': '))).to.have.members([
      'web/servers: servers[0].port',
      'web/b: healthCheck.timeoutMs',
      'web/http: port',
      'web/https: certificate',
    ]);
  });

  it('suggests the field a typo meant', () => {
    const app = new App();
    const lb = lbIn(app);
    const servers = lb.addServerGroup('servers', { servers: [{ address: '10.0.2.1', port: 80 }] });
    lb.addBackendService('b', {
      protocol: 'HTTP',
      port: 80,
      serverGroups: [servers],
      healthCheck: { intervalMS: 3000 } as never,
    });
    expect(() => app.synth()).to.throw(
      ValidationError,
      'web/b: healthCheck.intervalMS: unknown field; did you mean "intervalMs"?',
    );
  });

  it('adds availability group instances one by one up to minSize, and checks the count at synth', () => {
    const app = new App();
    const pool = new AvailabilityGroup(app, 'pool', { minSize: 2, maxSize: 2 });
    pool.addInstance({ address: '10.0.3.1', zone: 'z1' }).addInstance({ address: '10.0.3.2', zone: 'z1' });
    const spec = app.synth().resources.find((r) => r.id === 'pool')?.spec as ResourceOf<'AvailabilityGroup'>['spec'];
    expect(spec.instances.map((i) => i.address)).to.deep.equal(['10.0.3.1', '10.0.3.2']);
    pool.addInstance({ address: '10.0.3.3', zone: 'z1' });
    expect(() => app.synth()).to.throw(
      ValidationError,
      'pool: instances: 3 instances is outside minSize–maxSize (2–2)',
    );
  });

  it('adds explicit edges from node.addDependency to dependsOn', () => {
    const app = new App();
    const lb = lbIn(app);
    const pool = new AvailabilityGroup(app, 'pool', { instances: [{ address: '10.0.3.1', zone: 'z1' }] });
    const other = new SecurityGroup(app, 'audit');
    const backend = lb.addBackendService('backend', { protocol: 'TCP', port: 5432, availabilityGroups: [pool] });
    backend.node.addDependency(other);
    lb.addListener('db', { protocol: 'TCP', port: 5432, backendService: backend });
    const resource = app.synth().resources.find((r) => r.id === 'web/backend');
    expect(resource?.dependsOn).to.deep.equal(['audit', 'pool', 'web']);
  });

  it('gives every resource below a scope the dependencies added to that scope', () => {
    const app = new App();
    const audit = new SecurityGroup(app, 'audit');
    const site = new Construct(app, 'site');
    const lb = lbIn(site, 'web');
    const servers = lb.addServerGroup('servers', { servers: [{ address: '10.0.2.1', port: 80 }] });
    site.node.addDependency(audit);
    const dependsOn = new Map(app.synth().resources.map((r) => [r.id, r.dependsOn]));
    expect(dependsOn.get('site/web')).to.deep.equal(['audit', 'site/web/default-security-group']);
    expect(dependsOn.get('site/web/servers')).to.deep.equal(['audit', 'site/web']);
    expect(dependsOn.get('audit')).to.deep.equal([]);
    servers.node.addDependency(new SecurityGroup(app, 'extra'));
    expect(app.synth().resources.find((r) => r.id === 'site/web/servers')?.dependsOn).to.deep.equal([
      'audit',
      'extra',
      'site/web',
    ]);
  });

  it('collects every cross-resource error at synth', () => {
    const app = new App();
    const lb = lbIn(app);
    const backend = lb.addBackendService('backend', { protocol: 'TCP', port: 80 });
    lb.addListener('http', { protocol: 'HTTP', port: 80, backendService: backend });
    try {
      app.synth();
      expect.fail('synth must fail');
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => `${i.path}: ${i.field}`)).to.have.members([
        'web/http: backendService',
        'web/backend: serverGroups',
      ]);
    }
  });
});
