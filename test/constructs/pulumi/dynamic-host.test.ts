import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { KINDS, type Kind } from '../../../lib/model/kinds';
import { albkitProvider } from '../../../constructs/pulumi/provider';
import { startAgent, type TestAgent } from '../../helpers/agent';
import { createServer } from 'node:net';
import {
  DIFF_NONE,
  DIFF_SOME,
  initFailureOf,
  startDynamicHost,
  type DynamicHost,
  type HostError,
} from './dynamic-host';

/** The `__provider` input the SDK stores for a resource of `kind`. */
async function serializedProvider(kind: Kind): Promise<string> {
  const provider = albkitProvider({
    kind,
    collection: KINDS[kind].collection,
    replaceOnChange: KINDS[kind].replaceOnChange,
  });
  const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
  return text;
}

describe('Pulumi dynamic-provider host driven over gRPC', function () {
  this.timeout(60_000);
  let agent: TestAgent;
  let host: DynamicHost;
  const providers = new Map<Kind, string>();

  before(async () => {
    [agent, host] = await Promise.all([startAgent(), startDynamicHost()]);
    for (const kind of ['SecurityGroup', 'LoadBalancer', 'ServerGroup', 'BackendService', 'Listener'] as const) {
      providers.set(kind, await serializedProvider(kind));
    }
  });
  after(async () => {
    await host?.stop();
    await agent?.stop();
  });

  const inputs = (kind: Kind, id: string, spec: Record<string, unknown>) => ({
    __provider: providers.get(kind),
    resourceId: id,
    endpoint: agent.endpoint,
    token: agent.token,
    ...spec,
  });

  it('checks, creates, diffs, updates, reads and deletes like the engine does', async () => {
    const news = inputs('SecurityGroup', 'host/sg', { ingress: [{ cidr: '127.0.0.0/8' }] });
    const checked = await host.check({}, news);
    expect(checked.failures).to.deep.equal([]);

    const created = await host.create(checked.inputs);
    expect(created.id).to.equal('host/sg');
    expect(created.properties).to.deep.include({ status: { state: 'ACTIVE' }, ingress: [{ cidr: '127.0.0.0/8' }] });
    expect(created.properties.__provider).to.equal(providers.get('SecurityGroup'));

    expect((await host.diff('host/sg', created.properties, news)).changes).to.equal(DIFF_NONE);
    const changed = { ...news, ingress: [{ cidr: '127.0.0.2/32' }] };
    expect(await host.diff('host/sg', created.properties, changed)).to.deep.equal({
      changes: DIFF_SOME,
      replaces: [],
      deleteBeforeReplace: false,
    });

    const updated = await host.update('host/sg', created.properties, changed);
    expect((updated.properties.resolved as { ingress: { cidr: string }[] }).ingress[0]!.cidr).to.equal('127.0.0.2/32');
    const live = await agent.call<{ spec: { ingress: { cidr: string }[] } }>('GET', '/v1/security-groups/host%2Fsg');
    expect(live.body.spec.ingress[0]!.cidr).to.equal('127.0.0.2/32');

    const read = await host.read('host/sg', updated.properties);
    expect(read.id).to.equal('host/sg');

    await host.delete('host/sg', updated.properties);
    expect((await agent.call('GET', '/v1/security-groups/host%2Fsg')).status).to.equal(404);
  });

  it('reports replacements with delete-before-replace for the kind’s replaceOnChange fields', async () => {
    const spec = { name: 'host', zones: ['local-a'], vpc: { cidr: '127.0.0.0/8' }, subnet: { cidr: '127.0.0.0/24' } };
    const created = await host.create(inputs('LoadBalancer', 'host', spec));
    const diff = await host.diff(
      'host',
      created.properties,
      inputs('LoadBalancer', 'host', { ...spec, zones: ['local-b'] }),
    );
    expect(diff).to.deep.equal({ changes: DIFF_SOME, replaces: ['zones'], deleteBeforeReplace: true });
    await host.delete('host', created.properties);
  });

  it('returns the agent’s 409 as a gRPC error (status 2) the engine shows', async () => {
    const error = (await host
      .create(inputs('ServerGroup', 'host/servers', { loadBalancer: 'host/absent', servers: [] }))
      .then(
        () => undefined,
        (reason: HostError) => reason,
      ))!;
    expect(error.code).to.equal(2);
    expect(error.details).to.match(
      /^ServerGroup host\/servers: create refused by the albkit agent \(409 CONFLICT\): .*host\/absent/,
    );
  });

  it('marks a listener that cannot bind as failed to initialize, and binds it on the next update', async () => {
    const lb = await host.create(
      inputs('LoadBalancer', 'bind', {
        name: 'bind',
        zones: ['local-a'],
        vpc: { cidr: '127.0.0.0/8' },
        subnet: { cidr: '127.0.0.0/24' },
      }),
    );
    const servers = await host.create(
      inputs('ServerGroup', 'bind/servers', { loadBalancer: 'bind', servers: [{ address: '127.0.0.1', port: 24903 }] }),
    );
    const backend = await host.create(
      inputs('BackendService', 'bind/tcp', {
        loadBalancer: 'bind',
        protocol: 'TCP',
        port: 24903,
        serverGroups: ['bind/servers'],
      }),
    );
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(24091, '127.0.0.1', resolve));
    try {
      const error = (await host
        .create(
          inputs('Listener', 'bind/tcp-in', {
            loadBalancer: 'bind',
            protocol: 'TCP',
            port: 24091,
            backendService: 'bind/tcp',
          }),
        )
        .then(
          () => undefined,
          (reason: HostError) => reason,
        ))!;
      expect(error.code).to.equal(2);
      expect(error.details).to.match(/^Listener bind\/tcp-in: the albkit agent reports FAILED after create: /);
      const failure = initFailureOf(error)!;
      expect(failure.id).to.equal('bind/tcp-in');
      expect(failure.reasons).to.deep.equal([error.details]);
      expect(failure.properties).to.deep.include({ resourceId: 'bind/tcp-in', port: 24091 });
      expect((failure.properties.status as { state: string }).state).to.equal('FAILED');
      // The engine updates a resource that failed to initialize on the next `pulumi up`: once the port is free, it binds.
      await new Promise((resolve) => busy.close(resolve));
      const news = inputs('Listener', 'bind/tcp-in', {
        loadBalancer: 'bind',
        protocol: 'TCP',
        port: 24091,
        backendService: 'bind/tcp',
      });
      const retried = await host.update('bind/tcp-in', failure.properties, news);
      expect((retried.properties.status as { state: string }).state).to.equal('ACTIVE');
      await host.delete('bind/tcp-in', retried.properties);
    } finally {
      busy.close();
    }
    for (const [id, created] of [
      ['bind/tcp', backend],
      ['bind/servers', servers],
      ['bind', lb],
    ] as const)
      await host.delete(id, created.properties);
  });

  it('treats a value unknown during preview as a change, and a replace when the field forces one', async () => {
    const spec = { name: 'pre', zones: ['local-a'], vpc: { cidr: '127.0.0.0/8' }, subnet: { cidr: '127.0.0.0/24' } };
    const olds = { ...inputs('LoadBalancer', 'pre', spec), status: { state: 'ACTIVE' } };
    const unknown = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
    expect(await host.diff('pre', olds, inputs('LoadBalancer', 'pre', { ...spec, vpc: unknown }))).to.deep.equal({
      changes: DIFF_SOME,
      replaces: ['vpc'],
      deleteBeforeReplace: true,
    });
    expect(await host.diff('pre', olds, { ...inputs('LoadBalancer', 'pre', spec), endpoint: unknown })).to.deep.equal({
      changes: DIFF_SOME,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it('reports a missing token as a check failure on its property', async () => {
    const { failures } = await host.check({}, { ...inputs('SecurityGroup', 'host/sg2', {}), token: '' });
    expect(failures).to.deep.equal([
      { property: 'token', reason: "SecurityGroup: token is required (the albkit agent's control API token)" },
    ]);
  });
});
