/**
 * The CDKTF L2 constructs: albkit's constructs inside a TerraformStack synthesize one L1 resource each, with
 * the construct path as `resource_id`, Terraform references for the model's references, and `depends_on`
 * for every edge; the model's validation runs at construction and at synth as in an albkit App.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Construct } from 'constructs';
import { App, Testing, TerraformStack } from 'cdktf';
import { ValidationError } from '../../../lib';
import {
  AlbkitProvider,
  BackendService,
  Eip,
  Listener,
  LoadBalancer,
  SecurityGroup,
  ServerGroup,
  terraformResourceOf,
} from '../../../constructs/cdktf';

type Synthesized = {
  provider: Record<string, Record<string, unknown>[]>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
};

/** A stack with the quickstart's shape: a load balancer with an EIP, a server group, a backend and a listener. */
function quickstart(stack: Construct, address = '127.0.0.1'): LoadBalancer {
  const lb = new LoadBalancer(stack, 'web', {
    zones: ['local-a'],
    vpc: { cidr: '127.0.0.0/8' },
    subnet: { cidr: '127.0.0.0/24', address },
    eip: new Eip(stack, 'web-eip', { address: '127.0.0.10' }),
  });
  const servers = lb.addServerGroup('servers', {
    servers: [{ name: 'a', address: '127.0.0.1', port: 9001, weight: 3 }],
  });
  const backend = lb.addBackendService('backend', { protocol: 'HTTP', port: 9001, serverGroups: [servers] });
  lb.addListener('http', { protocol: 'HTTP', port: 8080, backendService: backend });
  return lb;
}

function synth(build: (stack: Construct) => void): Synthesized {
  return JSON.parse(Testing.synthScope(build)) as Synthesized;
}

/** The one resource of `type` whose resource_id is `id`, with its Terraform name. */
function resource(out: Synthesized, type: string, id: string): { name: string; config: Record<string, unknown> } {
  const found = Object.entries(out.resource[type] ?? {}).find(([, config]) => config.resource_id === id);
  expect(found, `${type} ${id}`).to.not.equal(undefined);
  return { name: found![0], config: found![1] };
}

describe('CDKTF constructs', () => {
  it('synthesizes one L1 resource per albkit construct, its resource_id the construct path', () => {
    const out = synth(quickstart);
    const ids = Object.values(out.resource).flatMap((byName) =>
      Object.values(byName).map((config) => config.resource_id),
    );
    expect(ids.sort()).to.deep.equal([
      'stack/web',
      'stack/web-eip',
      'stack/web/backend',
      'stack/web/default-security-group',
      'stack/web/http',
      'stack/web/servers',
    ]);
    const stack = Testing.synthScope(quickstart);
    expect(Testing.toHaveResourceWithProperties(stack, 'albkit_listener', { protocol: 'HTTP', port: 8080 })).to.equal(
      true,
    );
    expect(
      Testing.toHaveResourceWithProperties(stack, 'albkit_server_group', {
        servers: [{ name: 'a', address: '127.0.0.1', port: 9001, weight: 3 }],
      }),
    ).to.equal(true);
  });

  it('carries the request body and connection limits to the L1 resources', () => {
    const out = synth((stack) => {
      const lb = new LoadBalancer(stack, 'web', {
        zones: ['local-a'],
        vpc: { cidr: '127.0.0.0/8' },
        subnet: { cidr: '127.0.0.0/24' },
      });
      const servers = lb.addServerGroup('servers', { servers: [{ name: 'a', address: '127.0.0.1', port: 9001 }] });
      const backend = lb.addBackendService('backend', {
        protocol: 'HTTP',
        port: 9001,
        serverGroups: [servers],
        maxConnectionsPerServer: 64,
        maxQueueLength: 10,
        queueTimeoutSeconds: 2,
      });
      lb.addListener('http', {
        protocol: 'HTTP',
        port: 8080,
        backendService: backend,
        requestBodyGraceSeconds: 5,
        requestBodyMinBytesPerSecond: 1000,
      });
    });
    const backend = resource(out, 'albkit_backend_service', 'stack/web/backend').config;
    expect([backend.max_connections_per_server, backend.max_queue_length, backend.queue_timeout_seconds]).to.deep.equal(
      [64, 10, 2],
    );
    const listener = resource(out, 'albkit_listener', 'stack/web/http').config;
    expect([listener.request_body_grace_seconds, listener.request_body_min_bytes_per_second]).to.deep.equal([5, 1000]);
  });

  it('refers to other resources by Terraform references to their id', () => {
    const out = synth(quickstart);
    const lb = resource(out, 'albkit_load_balancer', 'stack/web');
    const backend = resource(out, 'albkit_backend_service', 'stack/web/backend');
    const servers = resource(out, 'albkit_server_group', 'stack/web/servers');
    const listener = resource(out, 'albkit_listener', 'stack/web/http');
    expect(listener.config.load_balancer).to.equal(`\${albkit_load_balancer.${lb.name}.id}`);
    expect(listener.config.backend_service).to.equal(`\${albkit_backend_service.${backend.name}.id}`);
    expect(backend.config.server_groups).to.deep.equal([`\${albkit_server_group.${servers.name}.id}`]);
    const eip = resource(out, 'albkit_eip', 'stack/web-eip');
    expect(lb.config.eip).to.equal(`\${albkit_eip.${eip.name}.id}`);
  });

  it("lists every edge of the model's graph in depends_on, so Terraform creates and destroys in the ALB's order", () => {
    const out = synth(quickstart);
    const name = (type: string, id: string): string => `${type}.${resource(out, type, id).name}`;
    expect(resource(out, 'albkit_listener', 'stack/web/http').config.depends_on).to.have.members([
      name('albkit_load_balancer', 'stack/web'),
      name('albkit_backend_service', 'stack/web/backend'),
    ]);
    expect(resource(out, 'albkit_load_balancer', 'stack/web').config.depends_on).to.have.members([
      name('albkit_eip', 'stack/web-eip'),
      name('albkit_security_group', 'stack/web/default-security-group'),
    ]);
    expect(resource(out, 'albkit_eip', 'stack/web-eip').config.depends_on).to.equal(undefined);
  });

  it('adds the edges given with node.addDependency', () => {
    const out = synth((stack) => {
      const lb = quickstart(stack);
      const audit = new SecurityGroup(stack, 'audit', { ingress: [{ cidr: '10.0.0.0/8' }] });
      lb.node.addDependency(audit);
    });
    const audit = resource(out, 'albkit_security_group', 'stack/audit');
    expect(resource(out, 'albkit_load_balancer', 'stack/web').config.depends_on).to.include(
      `albkit_security_group.${audit.name}`,
    );
  });

  it('applies calls made after construction (rendering is lazy)', () => {
    const out = synth((stack) => {
      const lb = quickstart(stack);
      const group = lb.node.findChild('servers') as unknown as { addServer(server: object): void };
      group.addServer({ name: 'b', address: '127.0.0.2', port: 9002 });
    });
    const servers = resource(out, 'albkit_server_group', 'stack/web/servers').config.servers as { name: string }[];
    expect(servers.map((server) => server.name)).to.deep.equal(['a', 'b']);
  });

  it('uses the provider the stack configures, else makes a default one', () => {
    const defaulted = synth(quickstart);
    expect(defaulted.provider.albkit).to.deep.equal([{}]);
    const configured = synth((stack) => {
      new AlbkitProvider(stack, 'agent', { stateDir: '/var/lib/albkit' });
      quickstart(stack);
    });
    expect(configured.provider.albkit).to.deep.equal([{ state_dir: '/var/lib/albkit' }]);
  });

  it('rejects a prop that is wrong on its own at once, naming the construct path and field', () => {
    expect(() =>
      synth((stack) => {
        const lb = quickstart(stack);
        const backend = lb.addBackendService('other', { protocol: 'HTTP', port: 9001 });
        lb.addListener('bad', { protocol: 'HTTP', port: 70000, backendService: backend });
      }),
    ).to.throw(ValidationError, /stack\/web\/bad: port: /);
  });

  it('reports every rule across resources at synth, each with its construct path', () => {
    const build = (stack: Construct): void => {
      const lb = quickstart(stack);
      const tcp = lb.addBackendService('tcp', {
        protocol: 'TCP',
        port: 9003,
        serverGroups: [lb.addServerGroup('tcp-servers')],
      });
      lb.addListener('again', { protocol: 'HTTP', port: 8080, backendService: tcp });
    };
    let error: unknown;
    try {
      synth(build);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ValidationError);
    const messages = (error as ValidationError).issues.map(
      (issue) => `${issue.path}: ${issue.field}: ${issue.message}`,
    );
    expect(messages).to.include.members([
      'stack/web/again: port: 8080 is already used by listener stack/web/http on load balancer stack/web',
      'stack/web/again: backendService: an HTTP listener needs an HTTP backend service; stack/web/tcp is TCP',
    ]);
  });

  it('gives access to the L1 resource after synth, and synthesizes once when synthesized twice', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'alb');
    const lb = quickstart(stack);
    Testing.synth(stack);
    const outdir = Testing.fullSynth(stack);
    const document = JSON.parse(readFileSync(join(outdir, 'stacks', 'alb', 'cdk.tf.json'), 'utf8')) as Synthesized;
    expect(Object.keys(document.resource.albkit_listener!)).to.have.length(1);
    expect(terraformResourceOf(lb)?.terraformResourceType).to.equal('albkit_load_balancer');
  });

  it('lets one stack refer to a load balancer in another by its id, validating the app as a whole', () => {
    const app = Testing.app();
    const base = new TerraformStack(app, 'base');
    const apps = new TerraformStack(app, 'apps');
    const lb = quickstart(base);
    const backend = new BackendService(apps, 'api-backend', {
      loadBalancer: lb,
      protocol: 'HTTP',
      port: 9001,
      serverGroups: [lb.node.findChild('servers') as never],
    });
    new Listener(apps, 'api', { loadBalancer: lb, protocol: 'HTTP', port: 8081, backendService: backend });
    const out = JSON.parse(Testing.synth(apps)) as Synthesized;
    const listener = resource(out, 'albkit_listener', 'apps/api');
    const backendName = resource(out, 'albkit_backend_service', 'apps/api-backend').name;
    expect(listener.config.load_balancer).to.equal('base/web');
    expect(listener.config.backend_service).to.equal(`\${albkit_backend_service.${backendName}.id}`);
    expect(listener.config.depends_on).to.deep.equal([`albkit_backend_service.${backendName}`]);
    expect(Object.keys(out.resource)).to.have.members(['albkit_backend_service', 'albkit_listener']);
  });

  it('checks rules across stacks: a port another stack already uses on the load balancer is an error', () => {
    const app = Testing.app();
    const lb = quickstart(new TerraformStack(app, 'base'));
    const apps = new TerraformStack(app, 'apps');
    const backend = lb.node.findChild('backend') as BackendService;
    new Listener(apps, 'clash', { loadBalancer: lb, protocol: 'HTTP', port: 8080, backendService: backend });
    expect(() => Testing.synth(apps)).to.throw(
      ValidationError,
      'apps/clash: port: 8080 is already used by listener base/web/http on load balancer base/web',
    );
  });

  it('keeps two stacks apart: each has its own resources and provider', () => {
    const app = new App({ outdir: Testing.fullSynth(new TerraformStack(Testing.app(), 'empty')) });
    const first = new TerraformStack(app, 'blue');
    const second = new TerraformStack(app, 'green');
    quickstart(first);
    quickstart(second, '127.0.0.2'); // one app: two load balancers cannot bind the same address and port
    const blue = JSON.parse(Testing.synth(first)) as Synthesized;
    const green = JSON.parse(Testing.synth(second)) as Synthesized;
    expect(resource(blue, 'albkit_listener', 'blue/web/http')).to.not.equal(undefined);
    expect(resource(green, 'albkit_listener', 'green/web/http')).to.not.equal(undefined);
    expect(Object.keys(green.resource.albkit_listener!)).to.have.length(1);
  });

  it('refers to a load balancer made elsewhere (LoadBalancer.fromResourceId) by its literal id, and makes none', () => {
    const out = synth((stack) => {
      const lb = LoadBalancer.fromResourceId(stack, 'shared', 'platform/web');
      const servers = new ServerGroup(stack, 'servers', {
        loadBalancer: lb,
        servers: [{ name: 'a', address: '127.0.0.1', port: 9001, zone: 'local-a' }],
      });
      const backend = new BackendService(stack, 'backend', {
        loadBalancer: lb,
        protocol: 'HTTP',
        serverGroups: [servers],
      });
      new Listener(stack, 'http', { loadBalancer: lb, backendService: backend, protocol: 'HTTP', port: 8080 });
    });
    expect(out.resource).to.not.have.property('albkit_load_balancer');
    const listener = resource(out, 'albkit_listener', 'stack/http');
    expect(listener.config.load_balancer).to.equal('platform/web');
    expect(resource(out, 'albkit_server_group', 'stack/servers').config.load_balancer).to.equal('platform/web');
  });
});
