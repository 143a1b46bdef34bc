import { createServer, type Server } from 'node:net';
import { expect } from 'chai';
import { validateManifest } from '../../../lib';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { shopManifest, specOf } from './fixture';

type Rep = {
  id: string;
  kind: string;
  dependsOn: string[];
  spec: Record<string, unknown>;
  status: { state: string; reason?: string; type?: string; servers?: unknown[] };
  generation: number;
};
type Err = { error: { code: string; message: string } };

const put = (agent: TestAgent, collection: string, id: string, spec: unknown, dependsOn?: string[]) =>
  agent.call<Rep & Err>('PUT', `/v1/${collection}/${encodeURIComponent(id)}`, {
    spec,
    ...(dependsOn ? { dependsOn } : {}),
  });

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Control API: order as a cloud enforces it', () => {
  let agent: TestAgent;
  let manifest: ReturnType<typeof shopManifest>;
  before(async () => {
    manifest = shopManifest({ listenerPort: await freePort(), backendPort: await freePort() });
  });
  beforeEach(async () => {
    agent = await startAgent();
  });
  afterEach(async () => {
    await agent?.stop();
  });

  it('refuses a listener before its backend service with 409 naming both', async () => {
    await put(agent, 'security-groups', 'shop-sg', {});
    await put(agent, 'load-balancers', 'shop', specOf(manifest, 'shop'));
    const response = await put(agent, 'listeners', 'shop/http', specOf(manifest, 'shop/http'));
    expect(response.status).to.equal(409);
    expect(response.body.error.code).to.equal('CONFLICT');
    expect(response.body.error.message).to.equal(
      'Listener "shop/http": backendService refers to BackendService "shop/backend", which does not exist; create "shop/backend" first',
    );
    expect((await agent.call('GET', '/v1/listeners/shop%2Fhttp')).status).to.equal(404);
  });

  it('creates in order, each resource ACTIVE with its resolved spec, edges and kind extras', async () => {
    for (const resource of manifest.resources as { id: string; kind: string; spec: unknown }[]) {
      const collection = {
        SecurityGroup: 'security-groups',
        LoadBalancer: 'load-balancers',
        ServerGroup: 'server-groups',
        BackendService: 'backend-services',
        Listener: 'listeners',
      }[resource.kind] as string;
      const response = await put(agent, collection, resource.id, resource.spec);
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      expect(response.body.status.state).to.equal('ACTIVE');
      expect(response.body.generation).to.equal(1);
    }
    const lb = await agent.call<Rep>('GET', '/v1/load-balancers/shop');
    expect(lb.body.status.type).to.equal('intranet');
    expect(lb.body.dependsOn).to.deep.equal(['shop-sg']);
    const backend = await agent.call<Rep>('GET', '/v1/backend-services/shop%2Fbackend');
    expect(backend.body.spec.algorithm).to.equal('WEIGHTED_ROUND_ROBIN');
    expect(backend.body.status.servers).to.have.length(1);
    const listeners = await agent.call<{ items: Rep[] }>('GET', '/v1/listeners');
    expect(listeners.body.items.map((item) => item.id)).to.deep.equal(['shop/http']);
    expect(listeners.body.items[0]?.spec.idleTimeoutSeconds).to.equal(60);
    const current = await agent.call<{ hash: string; resources: unknown[] }>('GET', '/v1/manifest');
    expect(current.body.hash).to.equal(validateManifest(manifest).hash);
  });

  it('refuses to delete a load balancer with children (409 naming both), then deletes in reverse order', async () => {
    expect((await agent.call('PUT', '/v1/manifest', manifest)).status).to.equal(200);
    const refused = await agent.call<Err>('DELETE', '/v1/load-balancers/shop');
    expect(refused.status).to.equal(409);
    expect(refused.body.error.message).to.match(
      /^LoadBalancer "shop" cannot be deleted: (ServerGroup "shop\/servers"|BackendService "shop\/backend") depends on it/,
    );
    expect((await agent.call<Rep>('GET', '/v1/load-balancers/shop')).body.status.state).to.equal('ACTIVE');

    const deleting = await agent.call<Rep>('DELETE', '/v1/listeners/shop%2Fhttp');
    expect(deleting.status).to.equal(200);
    expect(deleting.body.status.state).to.equal('DELETING');
    const parent = await agent.call<Err>('DELETE', '/v1/backend-services/shop%2Fbackend');
    expect([200, 409]).to.include(parent.status);
    if (parent.status === 409) expect(parent.body.error.message).to.contain('Listener "shop/http" depends on it');
    await until(
      async () => (await agent.call('GET', '/v1/listeners/shop%2Fhttp')).status === 404,
      'the listener to go',
    );
    expect((await agent.call('DELETE', '/v1/listeners/shop%2Fhttp')).status).to.equal(404);
  });

  it('updates in place (200, next generation) and refuses a replace-only change with 409', async () => {
    await agent.call('PUT', '/v1/manifest', manifest);
    const same = await put(agent, 'listeners', 'shop/http', specOf(manifest, 'shop/http'));
    expect(same.status).to.equal(200);
    expect(same.body.generation).to.equal(1);
    const updated = await put(agent, 'listeners', 'shop/http', {
      ...specOf(manifest, 'shop/http'),
      idleTimeoutSeconds: 30,
    });
    expect(updated.status).to.equal(200);
    expect(updated.body.generation).to.equal(2);
    expect(updated.body.status.state).to.equal('ACTIVE');
    const replace = await put(agent, 'listeners', 'shop/http', {
      ...specOf(manifest, 'shop/http'),
      port: (specOf(manifest, 'shop/http').port as number) + 1,
    });
    expect(replace.status).to.equal(409);
    expect(replace.body.error.message).to.contain('port cannot change in place');
    const ops = await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations');
    expect(ops.body.items.map((o) => `${o.op} ${o.id}`).slice(-1)).to.deep.equal(['update shop/http']);
  });

  it('applies a whole manifest with PUT /v1/manifest, then reports no changes, then deletes what is left out', async () => {
    const first = await agent.call<{ plan: { waves: unknown[][] }; hash: string }>('PUT', '/v1/manifest', manifest);
    expect(first.status).to.equal(200);
    expect(first.body.plan.waves).to.have.length(5);
    const again = await agent.call<{ plan: { waves: unknown[][] } }>('PUT', '/v1/manifest', manifest);
    expect(again.body.plan.waves).to.have.length(0);
    const smaller = {
      ...manifest,
      resources: manifest.resources.filter((r) => (r as { id: string }).id !== 'shop/http'),
    };
    const third = await agent.call<{ plan: { summary: { delete: number } } }>('PUT', '/v1/manifest', smaller);
    expect(third.body.plan.summary.delete).to.equal(1);
    expect((await agent.call('GET', '/v1/listeners/shop%2Fhttp')).status).to.equal(404);
  });

  describe('a listener whose port is taken', () => {
    let blocker: Server;
    beforeEach(async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    });
    afterEach(async () => {
      if (blocker.listening) await new Promise((resolve) => blocker.close(resolve));
    });

    it('goes FAILED with the bind error, and ACTIVE once retried after the port is free', async () => {
      await agent.call('PUT', '/v1/manifest', {
        ...manifest,
        resources: manifest.resources.filter((r) => (r as { id: string }).id !== 'shop/http'),
      });
      const spec = { ...specOf(manifest, 'shop/http'), port: (blocker.address() as { port: number }).port };
      const failed = await put(agent, 'listeners', 'shop/http', spec);
      expect(failed.status).to.equal(201);
      const read = await agent.call<Rep>('GET', '/v1/listeners/shop%2Fhttp');
      expect(read.body.status.state).to.equal('FAILED');
      expect(read.body.status.reason).to.match(/EADDRINUSE|in use/i);
      await new Promise((resolve) => blocker.close(resolve));
      const retried = await put(agent, 'listeners', 'shop/http', spec);
      expect(retried.status).to.equal(200);
      expect(retried.body.status.state).to.equal('ACTIVE');
    });
  });

  it('serves an OpenAPI 3.1 document with every collection and kind schema, every $ref resolving', async () => {
    const doc = await agent.call<{
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>('GET', '/v1/openapi.json');
    expect(doc.body.openapi).to.equal('3.1.0');
    for (const collection of [
      'security-groups',
      'eips',
      'availability-groups',
      'load-balancers',
      'server-groups',
      'backend-services',
      'url-maps',
      'listeners',
    ]) {
      expect(doc.body.paths).to.have.property(`/v1/${collection}/{id}`);
    }
    expect(doc.body.components.schemas.ListenerSpec?.properties).to.have.keys([
      'loadBalancer',
      'protocol',
      'port',
      'backendService',
      'urlMap',
      'certificate',
      'idleTimeoutSeconds',
      'requestBodyGraceSeconds',
      'requestBodyMinBytesPerSecond',
    ]);
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref') refs.push(value as string);
        else walk(value);
      }
    };
    walk(doc.body);
    expect(refs).to.include('#/components/schemas/Listener');
    for (const ref of new Set(refs))
      expect(doc.body.components.schemas, ref).to.have.property(ref.replace('#/components/schemas/', ''));
  });

  it('exports resources by kind and state on /metrics', async () => {
    await agent.call('PUT', '/v1/manifest', manifest);
    const metrics = await agent.call<string>('GET', '/metrics');
    expect(metrics.body).to.contain('albkit_resources{kind="Listener",state="ACTIVE"} 1');
    expect(metrics.body).to.contain('albkit_resources{kind="LoadBalancer",state="ACTIVE"} 1');
    expect(metrics.body).to.match(
      /albkit_control_requests_total\{method="PUT",route="\/v1\/manifest",status="200"\} 1/,
    );
  });
});
