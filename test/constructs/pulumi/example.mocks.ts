/**
 * `pulumi.runtime.setMocks` specs of examples/pulumi and of the resource classes: types, inputs, secrets and
 * dependency edges. setMocks is process-global, so this file runs in its own mocha process (mocks.test.ts).
 */
import { expect } from 'chai';
import { builtinModules } from 'node:module';
import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../../../lib/errors';
/* eslint-disable @typescript-eslint/no-require-imports -- the program and the face load once the mocks are set */

const TOKEN = 'mock-token-5f1c2a';
process.env.PULUMI_CONFIG = JSON.stringify({
  'albkit-quickstart:endpoint': 'http://127.0.0.1:1',
  'albkit-quickstart:token': TOKEN,
});

/** The secret marker of Pulumi's wire format. */
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const SIG_KEY = '4dabf18193072939515e22adb298388d';

interface Registration {
  type: string;
  name: string;
  urn: string;
  parent: string;
  dependencies: string[];
  /** Inputs in wire form: secrets stay wrapped. */
  wire: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

const registrations: Registration[] = [];

/** Resolves an output's value (rejects when it failed); Output's own `promise()` is internal to the SDK. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

function byName(name: string, type?: string): Registration {
  const found = registrations.find((item) => item.name === name && (type === undefined || item.type.endsWith(type)));
  if (!found) throw new Error(`no registration of ${name}; have ${registrations.map((item) => item.name).join(', ')}`);
  return found;
}

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: args.inputs.resourceId ?? `${args.name}-id`,
        state: { ...args.inputs, resolved: args.inputs },
      }),
      call: (args) => args.inputs,
    },
    'albkit-quickstart',
    'test',
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(
      request: RegisterRequest,
      callback: (error: unknown, response: { getUrn(): string }) => void,
    ): void;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    original(request, (error, response) => {
      if (!error) {
        const wire = request.getObject().toJavaScript();
        registrations.push({
          type: request.getType(),
          name: request.getName(),
          urn: response.getUrn(),
          parent: request.getParent(),
          dependencies: request.getDependenciesList(),
          wire,
          inputs: Object.fromEntries(Object.entries(wire).map(([key, value]) => [key, unwrapSecret(value)])),
        });
      }
      callback(error, response);
    });
});

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> };
}

function unwrapSecret(value: unknown): unknown {
  const wrapped = value as Record<string, unknown> | null;
  return wrapped && typeof wrapped === 'object' && wrapped[SIG_KEY] === SECRET_SIG ? wrapped.value : value;
}

describe('examples/pulumi under mocks', () => {
  let program: { urls: pulumi.Output<Record<string, string>>; resources: pulumi.Output<string[]> };

  before(async () => {
    program = require('../../../examples/pulumi/index');
    await valueOf(program.resources);
  });

  it('registers the Alb component and one resource of each kind it needs', () => {
    const types = registrations.map((item) => `${item.type} ${item.name}`);
    expect(types).to.include.members([
      'albkit:index:Alb web',
      'pulumi-nodejs:dynamic/albkit:SecurityGroup web/sg',
      'pulumi-nodejs:dynamic/albkit:LoadBalancer web',
      'pulumi-nodejs:dynamic/albkit:ServerGroup web/http/servers',
      'pulumi-nodejs:dynamic/albkit:BackendService web/http/backend',
      'pulumi-nodejs:dynamic/albkit:Listener web/http',
      'pulumi-nodejs:dynamic/albkit:ServerGroup web/tcp/servers',
      'pulumi-nodejs:dynamic/albkit:BackendService web/tcp/backend',
      'pulumi-nodejs:dynamic/albkit:Listener web/tcp',
    ]);
    const alb = byName('web', 'Alb');
    for (const item of registrations.filter((entry) => entry !== alb)) expect(item.parent, item.name).to.equal(alb.urn);
  });

  it('passes the model fields as inputs, defaults filled in by the model', () => {
    const backend = byName('web/http/backend').inputs;
    expect(backend).to.include({
      loadBalancer: 'web',
      protocol: 'HTTP',
      port: 9001,
      algorithm: 'WEIGHTED_ROUND_ROBIN',
    });
    expect(backend.serverGroups).to.deep.equal(['web/http/servers']);
    expect(backend.sessionPersistence).to.deep.equal({ enabled: true, cookieName: 'ALBKIT_SERVER', ttlSeconds: 0 });
    expect(backend.healthCheck).to.include({ path: '/healthz', intervalMs: 2000, timeoutMs: 1000, enabled: true });
    expect(byName('web/tcp/backend').inputs).to.include({ protocol: 'TCP', port: 8443, proxyProtocol: false });
    expect(byName('web/http').inputs).to.include({
      resourceId: 'web/http',
      endpoint: 'http://127.0.0.1:1',
      loadBalancer: 'web',
      protocol: 'HTTP',
      port: 8080,
      backendService: 'web/http/backend',
    });
    expect(byName('web', 'LoadBalancer').inputs).to.deep.include({
      name: 'web',
      zones: ['local-a'],
      securityGroups: ['web/sg'],
    });
  });

  it('makes parent references dependency edges, so Pulumi creates in order and deletes in reverse', () => {
    const urn = (name: string, type?: string) => byName(name, type).urn;
    expect(byName('web', 'LoadBalancer').dependencies).to.include(urn('web/sg'));
    expect(byName('web/http/servers').dependencies).to.include(urn('web', 'LoadBalancer'));
    expect(byName('web/http/backend').dependencies).to.include.members([
      urn('web', 'LoadBalancer'),
      urn('web/http/servers'),
    ]);
    expect(byName('web/http').dependencies).to.include.members([urn('web', 'LoadBalancer'), urn('web/http/backend')]);
    expect(byName('web/sg').dependencies).to.deep.equal([]);
  });

  it('keeps the token a secret input and out of the serialized provider', () => {
    for (const item of registrations.filter((entry) => entry.type.startsWith('pulumi-nodejs:dynamic/'))) {
      expect(item.wire.token, item.name).to.deep.equal({ [SIG_KEY]: SECRET_SIG, value: TOKEN });
      const provider = String(item.inputs.__provider);
      expect(provider, item.name).not.to.include(TOKEN);
      const requires = [...provider.matchAll(/require\(\s*["'`]([^"'`]+)/g)].map((match) => match[1]!);
      expect(
        requires.filter((name) => !builtinModules.includes(name)),
        item.name,
      ).to.deep.equal([]);
    }
  });

  it('exports a URL per listener and the resources in creation order', async () => {
    expect(await valueOf(program.urls)).to.deep.equal({ http: 'http://127.0.0.1:8080', tcp: 'tcp://127.0.0.1:8443' });
    const order = await valueOf(program.resources);
    expect(order.indexOf('web/sg')).to.be.below(order.indexOf('web'));
    expect(order.indexOf('web')).to.be.below(order.indexOf('web/http/servers'));
    expect(order.indexOf('web/http/backend')).to.be.below(order.indexOf('web/http'));
  });
});

describe('Pulumi resources under mocks', () => {
  const connection = { endpoint: 'http://127.0.0.1:1', token: TOKEN };
  let face: typeof import('../../../constructs/pulumi/index.js');
  before(() => {
    face = require('../../../constructs/pulumi/index');
  });

  it('turns albkit resources in opts.dependsOn into explicit edges on the agent', async () => {
    const sg = new face.SecurityGroup('dep/sg', connection);
    const eip = new face.Eip('dep/eip', { ...connection, address: '127.0.0.10' }, { dependsOn: [sg] });
    await valueOf(eip.urn);
    const registered = byName('dep/eip');
    expect(registered.inputs.dependsOn).to.deep.equal(['dep/sg']);
    expect(registered.dependencies).to.include(await valueOf(sg.urn));
  });

  it('hands the Alb component its dependsOn down to the resources it creates first', async () => {
    const sg = new face.SecurityGroup('outside/sg', connection);
    const alb = new face.Alb('dep-alb', { ...connection, listeners: [] }, { dependsOn: [sg] });
    await valueOf(alb.loadBalancer.urn);
    expect(byName('dep-alb', 'LoadBalancer').dependencies).to.include(await valueOf(sg.urn));
    expect(byName('dep-alb/sg').inputs.dependsOn).to.deep.equal(['outside/sg']);
  });

  it('refuses at construction a resource whose known spec breaks the model, naming the resource and field', () => {
    expect(
      () =>
        new face.Listener('bad/http', {
          ...connection,
          loadBalancer: 'web',
          protocol: 'HTTP',
          port: 0,
          backendService: 'b',
        }),
    )
      .to.throw(ValidationError)
      .with.property('message')
      .that.matches(/bad\/http: port: /);
  });

  it('types arguments and outputs from the model', async () => {
    const listener = new face.Listener('types/http', {
      ...connection,
      loadBalancer: 'web',
      protocol: 'HTTP',
      port: pulumi.output(24002),
      backendService: 'types/backend',
    });
    const port: pulumi.Output<number> = listener.port;
    const protocol: pulumi.Output<'HTTP' | 'HTTPS' | 'TCP' | 'TLS'> = listener.protocol;
    expect(await valueOf(port)).to.equal(24002);
    expect(await valueOf(protocol)).to.equal('HTTP');
    // @ts-expect-error UDP is not a listener protocol
    const udp: import('../../../constructs/pulumi/index.js').ListenerArgs['protocol'] = 'UDP';
    // @ts-expect-error a load balancer has no `port` field
    const noPort: import('../../../constructs/pulumi/index.js').LoadBalancerArgs['port'] = 80;
    expect([udp, noPort]).to.have.length(2);
  });

  it('keeps a secret field secret without hiding the others', async () => {
    const certificate = pulumi.secret({
      certPem: '-----BEGIN CERTIFICATE-----\nc',
      keyPem: '-----BEGIN PRIVATE KEY-----\nk',
    });
    const https = new face.Listener('secret/https', {
      ...connection,
      loadBalancer: 'web',
      protocol: 'HTTPS',
      port: 24443,
      backendService: 'secret/backend',
      certificate,
    });
    await valueOf(https.urn);
    const { wire } = byName('secret/https');
    expect(wire.certificate).to.deep.equal({
      [SIG_KEY]: SECRET_SIG,
      value: { certPem: '-----BEGIN CERTIFICATE-----\nc', keyPem: '-----BEGIN PRIVATE KEY-----\nk' },
    });
    expect(wire.port).to.equal(24443);
    expect(wire.protocol).to.equal('HTTPS');
  });

  it('rejects a name that is not a resource id at once', () => {
    expect(() => new face.SecurityGroup('no spaces', connection)).to.throw(
      /no spaces: resourceId: must be a resource id/,
    );
  });

  it('refuses at once an Alb with two listeners of one name, naming the listener', () => {
    const servers = [{ address: '127.0.0.1', port: 9001 }];
    expect(
      () =>
        new face.Alb('same', {
          ...connection,
          listeners: [
            { protocol: 'HTTP', port: 24003, servers },
            { name: 'http-24003', protocol: 'TCP', port: 24004, servers },
          ],
        }),
    ).to.throw(
      ValidationError,
      'same/http-24003: listeners[1].name: "http-24003" names two listeners; give each its own name',
    );
  });

  it('checks the whole Alb graph at once: a port used twice names both listeners, before anything registers', () => {
    const servers = [{ address: '127.0.0.1', port: 9001 }];
    const twice = (): unknown =>
      new face.Alb('twice', {
        ...connection,
        listeners: [
          { name: 'a', protocol: 'HTTP', port: 24001, servers },
          { name: 'b', protocol: 'HTTP', port: 24001, servers },
        ],
      });
    expect(twice)
      .to.throw(ValidationError)
      .with.property('message')
      .that.includes('twice/b: port: 24001 is already used by listener twice/a on load balancer twice');
    expect(registrations.filter((item) => item.name.startsWith('twice'))).to.deep.equal([]);
  });
});
