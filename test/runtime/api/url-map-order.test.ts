import { expect } from 'chai';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { shopManifest } from './fixture';

type Err = { error: { code: string; message: string } };
type Rep = { status: { state: string } };

/** The shop fixture with a canary backend service and a url map forwarding /beta/* to it, named by the listener. */
async function routedShop(): Promise<{ apiVersion: 'albkit/v1'; resources: unknown[] }> {
  const manifest = shopManifest({ listenerPort: await freePort(), backendPort: await freePort() });
  const resources = manifest.resources as { id: string; kind: string; spec: Record<string, unknown> }[];
  const backend = resources.find((r) => r.id === 'shop/backend')!;
  const listener = resources.find((r) => r.id === 'shop/http')!;
  listener.spec = { ...listener.spec, urlMap: 'shop/routes' };
  const canary = {
    id: 'shop/canary',
    kind: 'BackendService',
    spec: { ...backend.spec, healthCheck: { enabled: false } },
  };
  const routes = {
    id: 'shop/routes',
    kind: 'UrlMap',
    spec: {
      loadBalancer: 'shop',
      rules: [
        { priority: 1, conditions: { paths: ['/beta/*'] }, action: { forward: { backendService: 'shop/canary' } } },
      ],
    },
  };
  return { ...manifest, resources: [...resources, canary, routes] };
}

/** The agent's operations so far, as `op id`. */
async function operations(agent: TestAgent): Promise<string[]> {
  const { body } = await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations');
  return body.items.map((item) => `${item.op} ${item.id}`);
}

describe('Control API: url map order', () => {
  let agent: TestAgent;
  beforeEach(async () => {
    agent = await startAgent();
  });
  afterEach(async () => {
    await agent?.stop();
  });

  it('creates a url map after its backend services and before the listener naming it', async () => {
    const applied = await agent.call('PUT', '/v1/manifest', await routedShop());
    expect(applied.status, JSON.stringify(applied.body)).to.equal(200);
    const log = await operations(agent);
    expect(log.indexOf('create shop/routes')).to.be.greaterThan(log.indexOf('create shop/canary'));
    expect(log.indexOf('create shop/routes')).to.be.lessThan(log.indexOf('create shop/http'));
    expect((await agent.call<Rep>('GET', '/v1/url-maps/shop%2Froutes')).body.status.state).to.equal('ACTIVE');
  });

  it('refuses with 409 naming both to delete a backend service a rule forwards to, or a url map a listener names', async () => {
    expect((await agent.call('PUT', '/v1/manifest', await routedShop())).status).to.equal(200);
    const backend = await agent.call<Err>('DELETE', '/v1/backend-services/shop%2Fcanary');
    expect(backend.status).to.equal(409);
    expect(backend.body.error.message).to.match(
      /^BackendService "shop\/canary" cannot be deleted: UrlMap "shop\/routes" depends on it/,
    );
    const urlMap = await agent.call<Err>('DELETE', '/v1/url-maps/shop%2Froutes');
    expect(urlMap.status).to.equal(409);
    expect(urlMap.body.error.message).to.match(
      /^UrlMap "shop\/routes" cannot be deleted: Listener "shop\/http" depends on it/,
    );
    expect((await agent.call<Rep>('GET', '/v1/backend-services/shop%2Fcanary')).body.status.state).to.equal('ACTIVE');
  });

  it('refuses a url map whose backend service does not exist yet, naming both', async () => {
    const manifest = await routedShop();
    const resources = manifest.resources as { id: string; spec: unknown }[];
    for (const id of ['shop-sg', 'shop']) {
      const resource = resources.find((r) => r.id === id)!;
      const collection = id === 'shop' ? 'load-balancers' : 'security-groups';
      expect(
        (await agent.call('PUT', `/v1/${collection}/${encodeURIComponent(id)}`, { spec: resource.spec })).status,
      ).to.equal(201);
    }
    const routes = resources.find((r) => r.id === 'shop/routes')!;
    const refused = await agent.call<Err>('PUT', '/v1/url-maps/shop%2Froutes', { spec: routes.spec });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.message).to.contain(
      'UrlMap "shop/routes": rules[0].action.forward.backendService refers to BackendService "shop/canary", which does not exist',
    );
  });

  it('destroys in reverse: the listener, then the url map, then its backend service', async () => {
    const manifest = await routedShop();
    expect((await agent.call('PUT', '/v1/manifest', manifest)).status).to.equal(200);
    const empty = await agent.call('PUT', '/v1/manifest', { apiVersion: 'albkit/v1', resources: [] });
    expect(empty.status, JSON.stringify(empty.body)).to.equal(200);
    const log = await operations(agent);
    expect(log.indexOf('delete shop/http')).to.be.greaterThan(-1);
    expect(log.indexOf('delete shop/http')).to.be.lessThan(log.indexOf('delete shop/routes'));
    expect(log.indexOf('delete shop/routes')).to.be.lessThan(log.indexOf('delete shop/canary'));
    expect((await agent.call('GET', '/v1/url-maps/shop%2Froutes')).status).to.equal(404);
  });
});
