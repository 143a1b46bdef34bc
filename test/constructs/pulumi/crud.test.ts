import { expect } from 'chai';
import { createServer, connect, type Server } from 'node:net';
import type * as pulumi from '@pulumi/pulumi';
import { KINDS, type Kind } from '../../../lib/model/kinds';
import { albkitProvider } from '../../../constructs/pulumi/provider';
import { generateCertificate } from '../../fixtures/tcp-peers';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';

type Props = Record<string, unknown>;
type Outs = Props & { status: { state: string }; resolved: Props; generation: number };

const provider = (kind: Kind): Required<pulumi.dynamic.ResourceProvider> =>
  albkitProvider({
    kind,
    collection: KINDS[kind].collection,
    replaceOnChange: KINDS[kind].replaceOnChange,
  }) as Required<pulumi.dynamic.ResourceProvider>;

async function rejection(promise: Promise<unknown>): Promise<Error & { id?: string; properties?: Outs }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('Pulumi providers against a live agent', function () {
  this.timeout(60_000);
  let agent: TestAgent;
  let connection: { endpoint: string; token: string };
  /** Outputs of every created resource, by id. */
  const outs = new Map<string, Outs>();

  before(async () => {
    agent = await startAgent();
    connection = { endpoint: agent.endpoint, token: agent.token };
  });
  after(async () => agent?.stop());

  const create = async (kind: Kind, id: string, spec: Props) => {
    const result = await provider(kind).create({ ...connection, resourceId: id, ...spec });
    expect(result.id).to.equal(id);
    outs.set(id, result.outs as Outs);
    return result.outs as Outs;
  };

  it('creates every kind in dependency order, each ACTIVE when create returns', async () => {
    await create('SecurityGroup', 'crud/sg', { ingress: [{ cidr: '127.0.0.0/8' }] });
    await create('Eip', 'crud/eip', { address: '127.0.0.10' });
    await create('AvailabilityGroup', 'crud/ag', { instances: [{ address: '127.0.0.1', zone: 'local-a' }] });
    const lb = await create('LoadBalancer', 'crud', {
      name: 'crud',
      zones: ['local-a'],
      vpc: { cidr: '127.0.0.0/8' },
      subnet: { cidr: '127.0.0.0/24' },
      securityGroups: ['crud/sg'],
      eip: 'crud/eip',
    });
    expect(lb.resolved.subnet).to.deep.equal({ cidr: '127.0.0.0/24', address: '127.0.0.1' });
    expect(lb.subnet).to.deep.equal({ cidr: '127.0.0.0/24' });
    expect(lb.status).to.include({ state: 'ACTIVE', type: 'public' });
    await create('ServerGroup', 'crud/servers', {
      loadBalancer: 'crud',
      servers: [{ address: '127.0.0.1', port: 24901 }],
    });
    await create('BackendService', 'crud/web', {
      loadBalancer: 'crud',
      protocol: 'HTTP',
      port: 24901,
      serverGroups: ['crud/servers'],
    });
    await create('BackendService', 'crud/tcp', {
      loadBalancer: 'crud',
      protocol: 'TCP',
      port: 24902,
      availabilityGroups: ['crud/ag'],
    });
    const http = await create('Listener', 'crud/http', {
      loadBalancer: 'crud',
      protocol: 'HTTP',
      port: 24080,
      backendService: 'crud/web',
    });
    await create('Listener', 'crud/tcp-in', {
      loadBalancer: 'crud',
      protocol: 'TCP',
      port: 24081,
      backendService: 'crud/tcp',
    });
    expect(http.resolved.idleTimeoutSeconds).to.equal(60);
    // ACTIVE means bound: the ports accept connections the moment create returns.
    expect(await canConnect(24080)).to.equal(true);
    expect(await canConnect(24081)).to.equal(true);
    for (const [id, out] of outs) expect(out.status.state, id).to.equal('ACTIVE');

    const operations = await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations');
    expect(operations.body.items.filter((item) => item.op === 'create').map((item) => item.id)).to.deep.equal([
      ...outs.keys(),
    ]);
  });

  it('surfaces a 409 order error as a clear error naming both resources', async () => {
    const error = await rejection(
      provider('Listener').create({
        ...connection,
        resourceId: 'crud/orphan',
        loadBalancer: 'crud',
        protocol: 'HTTP',
        port: 24082,
        backendService: 'crud/missing',
      }),
    );
    expect(error.message).to.match(/^Listener crud\/orphan: create refused by the albkit agent \(409 CONFLICT\): /);
    expect(error.message).to.include('crud/missing');
  });

  it('lists each issue of the agent’s validation, named by resource and field', async () => {
    const error = await rejection(
      provider('ServerGroup').create({
        ...connection,
        resourceId: 'crud/far',
        loadBalancer: 'crud',
        servers: [{ address: '10.0.0.1', port: 80 }],
      }),
    );
    expect(error.message).to.match(/^ServerGroup crud\/far: create refused by the albkit agent \(400 VALIDATION\)/);
    expect(error.message).to.match(
      /\n {2}crud\/far: servers\[0\]\.address: 10\.0\.0\.1 is outside the VPC 127\.0\.0\.0\/8/,
    );
  });

  it('refuses to create over a resource that already exists, leaving it as it was (the create is If-None-Match: *)', async () => {
    const before = await agent.call<{ spec: unknown; generation: number }>(
      'GET',
      `/v1/security-groups/${encodeURIComponent('crud/sg')}`,
    );
    const error = await rejection(provider('SecurityGroup').create({ ...connection, resourceId: 'crud/sg' }));
    expect(error.message).to.equal(
      'SecurityGroup crud/sg: already exists on the albkit agent; pick another name or delete it first (import is not supported)',
    );
    const after = await agent.call<{ spec: unknown; generation: number }>(
      'GET',
      `/v1/security-groups/${encodeURIComponent('crud/sg')}`,
    );
    expect(after.body.generation).to.equal(before.body.generation);
    expect(after.body.spec).to.deep.equal(before.body.spec);
  });

  it('diffs: replaces from the kind’s replaceOnChange, updates otherwise, nothing when equal', async () => {
    const listener = outs.get('crud/http')!;
    const news = {
      ...connection,
      resourceId: 'crud/http',
      loadBalancer: 'crud',
      protocol: 'HTTP',
      port: 24080,
      backendService: 'crud/web',
    };
    expect(await provider('Listener').diff('crud/http', listener, news)).to.deep.equal({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider('Listener').diff('crud/http', listener, { ...news, port: 24083 })).to.deep.equal({
      changes: true,
      replaces: ['port'],
      deleteBeforeReplace: true,
    });
    expect(await provider('Listener').diff('crud/http', listener, { ...news, idleTimeoutSeconds: 5 })).to.deep.equal({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    // A new endpoint (the agent restarted on another port) or token is an update, never a replace.
    expect(
      await provider('Listener').diff('crud/http', listener, { ...news, endpoint: 'http://127.0.0.1:7' }),
    ).to.include({
      changes: true,
      deleteBeforeReplace: false,
    });
    const lb = outs.get('crud')!;
    const moved = await provider('LoadBalancer').diff('crud', lb, {
      ...lb,
      vpc: { cidr: '127.0.0.0/16' },
      subnet: { cidr: '127.0.0.0/24' },
    });
    expect(moved.replaces).to.deep.equal(['vpc']);
  });

  it('updates in place: the agent applies the new spec and stays ACTIVE', async () => {
    const olds = outs.get('crud/web')!;
    const news = {
      ...connection,
      resourceId: 'crud/web',
      loadBalancer: 'crud',
      protocol: 'HTTP',
      port: 24901,
      serverGroups: ['crud/servers'],
      algorithm: 'WEIGHTED_LEAST_CONNECTIONS',
    };
    const { outs: updated } = (await provider('BackendService').update('crud/web', olds, news)) as { outs: Outs };
    expect(updated.status.state).to.equal('ACTIVE');
    expect(updated.resolved.algorithm).to.equal('WEIGHTED_LEAST_CONNECTIONS');
    expect(updated.generation).to.be.above(olds.generation);
    outs.set('crud/web', updated);
    expect(await provider('BackendService').diff('crud/web', updated, news)).to.include({ changes: false });
  });

  it('reads the live spec back: drift in declared fields shows, derived defaults do not', async () => {
    const web = outs.get('crud/web')!;
    const drifted = await agent.call('PUT', '/v1/backend-services/crud%2Fweb', {
      spec: {
        loadBalancer: 'crud',
        protocol: 'HTTP',
        port: 24901,
        serverGroups: ['crud/servers'],
        algorithm: 'SOURCE_IP',
      },
    });
    expect(drifted.status).to.equal(200);
    const read = await provider('BackendService').read('crud/web', web);
    expect(read.props.algorithm).to.equal('SOURCE_IP');
    expect((await provider('BackendService').diff('crud/web', read.props, web)).changes).to.equal(true);

    const lb = outs.get('crud')!;
    const lbRead = await provider('LoadBalancer').read('crud', lb);
    expect(lbRead.props.subnet).to.deep.equal({ cidr: '127.0.0.0/24' });
    expect((await provider('LoadBalancer').diff('crud', lbRead.props, lb)).changes).to.equal(false);
  });

  it('reads an HTTPS listener back with the key it declared, which the agent returns only as its fingerprint: no diff', async () => {
    const { cert, key } = await generateCertificate();
    const declared = {
      loadBalancer: 'crud',
      protocol: 'HTTPS',
      port: await freePort(),
      backendService: 'crud/web',
      certificate: { certPem: cert, keyPem: key },
    };
    const created = await create('Listener', 'crud/https', declared);
    expect(JSON.stringify(created.resolved)).to.not.contain('PRIVATE KEY');
    const read = await provider('Listener').read('crud/https', created);
    expect(read.props.certificate).to.deep.equal({ certPem: cert, keyPem: key });
    expect(
      (
        await provider('Listener').diff('crud/https', read.props, {
          ...connection,
          resourceId: 'crud/https',
          ...declared,
        })
      ).changes,
    ).to.equal(false);
    await provider('Listener').delete('crud/https', created);
  });

  it('fails create with the agent’s reason when a listener cannot bind, keeping the resource for the next update', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(24090, '127.0.0.1', resolve));
    try {
      const error = await rejection(
        provider('Listener').create({
          ...connection,
          resourceId: 'crud/busy',
          loadBalancer: 'crud',
          protocol: 'TCP',
          port: 24090,
          backendService: 'crud/tcp',
        }),
      );
      expect(error.message).to.match(/^Listener crud\/busy: the albkit agent reports FAILED after create: .+/);
      // Pulumi records an error with an id as "created, but failed to initialize".
      expect(error.id).to.equal('crud/busy');
      expect(error.properties?.status.state).to.equal('FAILED');
      await provider('Listener').delete('crud/busy', error.properties!);
    } finally {
      busy.close();
    }
  });

  it('refuses to delete a resource others still depend on', async () => {
    const error = await rejection(provider('LoadBalancer').delete('crud', outs.get('crud')!));
    expect(error.message).to.match(/^LoadBalancer crud: delete refused by the albkit agent \(409 CONFLICT\): /);
  });

  it('deletes in reverse order, each gone from the agent when delete returns', async () => {
    const ids = [...outs.keys()].reverse();
    for (const id of ids) {
      const kind = (await agent.call<{ items: { id: string; kind: Kind }[] }>('GET', '/v1/operations')).body.items.find(
        (item) => item.id === id,
      )!.kind;
      await provider(kind).delete(id, outs.get(id)!);
      expect((await agent.call('GET', `/v1/${KINDS[kind].collection}/${encodeURIComponent(id)}`)).status, id).to.equal(
        404,
      );
    }
    expect(await canConnect(24080)).to.equal(false);
    // Deleting what is already gone succeeds: Pulumi may retry a delete.
    await provider('SecurityGroup').delete('crud/sg', outs.get('crud/sg')!);
  });

  it('names the agent’s address when it cannot be reached, and reports a wrong token', async () => {
    const unreachable = await rejection(
      provider('Eip').create({ endpoint: 'http://127.0.0.1:1', token: 't', resourceId: 'x/eip', address: '127.0.0.9' }),
    );
    expect(unreachable.message).to.match(/^Eip x\/eip: cannot reach the albkit agent at http:\/\/127\.0\.0\.1:1: /);
    const denied = await rejection(
      provider('Eip').create({ ...connection, token: 'wrong', resourceId: 'x/eip', address: '127.0.0.9' }),
    );
    expect(denied.message).to.match(/^Eip x\/eip: create refused by the albkit agent \(401 UNAUTHORIZED\)/);
  });
});
