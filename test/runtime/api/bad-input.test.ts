import { connect } from 'node:net';
import { expect } from 'chai';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { shopManifest, specOf } from './fixture';

type Case = {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  contentType?: string;
  status: number;
  message: RegExp;
};

const withResources = (resources: unknown[]) => ({ apiVersion: 'albkit/v1', resources });

/** The cases against an agent running `manifest`. */
const cases = (manifest: ReturnType<typeof shopManifest>): Case[] => {
  const listener = specOf(manifest, 'shop/http');
  const lb = specOf(manifest, 'shop');
  const port = listener.port as number;
  return [
    {
      name: 'JSON that does not parse',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: '{"spec": {',
      status: 400,
      message: /not valid JSON/,
    },
    {
      name: 'an empty JSON body',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: '',
      status: 400,
      message: /empty|body/i,
    },
    {
      name: 'a JSON array as body',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: [],
      status: 400,
      message: /expected object/i,
    },
    {
      name: 'a body without spec',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: {},
      status: 400,
      message: /shop\/http/,
    },
    {
      name: 'an unknown top-level field',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: { spec: listener, tags: {} },
      status: 400,
      message: /tags: unknown field/,
    },
    {
      name: 'a port of the wrong type',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: { spec: { ...listener, port: String(port) } },
      status: 400,
      message: /port: .*number/,
    },
    {
      name: 'a port out of range',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: { spec: { ...listener, port: 70000 } },
      status: 400,
      message: /port: .*65535/,
    },
    {
      name: 'an unknown protocol',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: { spec: { ...listener, protocol: 'UDP' } },
      status: 400,
      message: /protocol/,
    },
    {
      name: 'an unknown spec field',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: { spec: { ...listener, weight: 3 } },
      status: 400,
      message: /weight: unknown field/,
    },
    {
      name: 'dependsOn that is not an array',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttp',
      body: { spec: listener, dependsOn: 'shop' },
      status: 400,
      message: /dependsOn/,
    },
    {
      name: 'an id with forbidden characters',
      method: 'PUT',
      path: '/v1/security-groups/bad%20id',
      body: { spec: {} },
      status: 400,
      message: /id: must be a resource id/,
    },
    {
      name: 'an unknown collection',
      method: 'PUT',
      path: '/v1/widgets/x',
      body: { spec: {} },
      status: 404,
      message: /unknown collection "widgets"/,
    },
    {
      name: 'an HTTPS listener without certificate',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fhttps',
      body: { spec: { ...listener, protocol: 'HTTPS', port: port + 1 } },
      status: 400,
      message: /certificate: an HTTPS listener needs a certificate/,
    },
    {
      name: 'a health check timeout not below its interval',
      method: 'PUT',
      path: '/v1/backend-services/shop%2Fbackend',
      body: { spec: { ...specOf(manifest, 'shop/backend'), healthCheck: { timeoutMs: 5000, intervalMs: 1000 } } },
      status: 400,
      message: /timeoutMs must be less than intervalMs/,
    },
    {
      name: 'a server outside the VPC',
      method: 'PUT',
      path: '/v1/server-groups/shop%2Fservers',
      body: { spec: { loadBalancer: 'shop', servers: [{ address: '10.9.9.9', port: 80 }] } },
      status: 400,
      message: /10\.9\.9\.9 is outside the VPC 127\.0\.0\.0\/8/,
    },
    {
      name: 'a second listener on a used port',
      method: 'PUT',
      path: '/v1/listeners/shop%2Fother',
      body: { spec: listener },
      status: 400,
      message: new RegExp(`port: ${port} is already used by listener shop/http`),
    },
    {
      name: 'a change of a replace-only field',
      method: 'PUT',
      path: '/v1/load-balancers/shop',
      body: { spec: { ...lb, vpc: { cidr: '127.0.0.0/9' } } },
      status: 409,
      message: /vpc cannot change in place/,
    },
    {
      name: 'a dependency that does not exist',
      method: 'PUT',
      path: '/v1/security-groups/extra',
      body: { spec: {}, dependsOn: ['ghost'] },
      status: 409,
      message: /dependsOn lists "ghost", which does not exist/,
    },
    {
      name: 'an id used by another kind',
      method: 'PUT',
      path: '/v1/security-groups/shop',
      body: { spec: {} },
      status: 409,
      message: /"shop" is a LoadBalancer, not a SecurityGroup/,
    },
    {
      name: 'a text/plain body',
      method: 'PUT',
      path: '/v1/security-groups/x',
      body: '{"spec":{}}',
      contentType: 'text/plain',
      status: 415,
      message: /unsupported content type; send application\/json/,
    },
    {
      name: 'an XML body',
      method: 'PUT',
      path: '/v1/security-groups/x',
      body: '<spec/>',
      contentType: 'application/xml',
      status: 415,
      message: /content type/,
    },
    {
      name: 'a resource body over 1 MiB',
      method: 'PUT',
      path: '/v1/security-groups/big',
      body: { spec: { ingress: [] }, pad: 'x'.repeat(1_100_000) },
      status: 413,
      message: /too large/,
    },
    {
      name: 'a manifest that does not parse',
      method: 'PUT',
      path: '/v1/manifest',
      body: '{"apiVersion":',
      status: 400,
      message: /not valid JSON/,
    },
    {
      name: 'a manifest of another version',
      method: 'PUT',
      path: '/v1/manifest',
      body: { apiVersion: 'albkit/v0', resources: [] },
      status: 400,
      message: /apiVersion: must be "albkit\/v1"/,
    },
    {
      name: 'a manifest whose resources are not a list',
      method: 'PUT',
      path: '/v1/manifest',
      body: { apiVersion: 'albkit/v1', resources: {} },
      status: 400,
      message: /resources/,
    },
    {
      name: 'a manifest with an unknown kind',
      method: 'PUT',
      path: '/v1/manifest',
      body: withResources([...manifest.resources, { id: 'w', kind: 'Widget', spec: {} }]),
      status: 400,
      message: /kind: unknown kind "Widget"/,
    },
    {
      name: 'a manifest with a dependency cycle',
      method: 'PUT',
      path: '/v1/manifest',
      body: withResources([
        { id: 'a', kind: 'SecurityGroup', spec: {}, dependsOn: ['b'] },
        { id: 'b', kind: 'SecurityGroup', spec: {}, dependsOn: ['a'] },
      ]),
      status: 400,
      message: /dependency cycle: a -> b -> a/,
    },
    {
      name: 'a manifest with a duplicate id',
      method: 'PUT',
      path: '/v1/manifest',
      body: withResources([...manifest.resources, { id: 'shop-sg', kind: 'SecurityGroup', spec: {} }]),
      status: 400,
      message: /shop-sg: id: is used by two resources/,
    },
    {
      name: 'a manifest referring to a missing resource',
      method: 'PUT',
      path: '/v1/manifest',
      body: withResources(manifest.resources.slice(1)),
      status: 400,
      message: /securityGroups\[0\]: refers to SecurityGroup "shop-sg", which does not exist/,
    },
    {
      name: 'a manifest pairing an HTTP listener with a TCP backend',
      method: 'PUT',
      path: '/v1/manifest',
      body: withResources(
        manifest.resources.map((r) =>
          (r as { id: string }).id === 'shop/backend'
            ? {
                ...(r as object),
                spec: { ...specOf(manifest, 'shop/backend'), protocol: 'TCP', healthCheck: undefined },
              }
            : r,
        ),
      ),
      status: 400,
      message: /an HTTP listener needs an HTTP backend service/,
    },
  ];
};
const CASE_NAMES = cases(shopManifest({ listenerPort: 1, backendPort: 2 })).map((c) => `${c.status} to ${c.name}`);

describe('Control API: malformed input', () => {
  let agent: TestAgent;
  let before_: { hash: string; operations: number };
  let CASES: Case[];

  before(async () => {
    const manifest = shopManifest({ listenerPort: await freePort(), backendPort: await freePort() });
    CASES = cases(manifest);
    agent = await startAgent({ manifest });
    const current = await agent.call<{ hash: string }>('GET', '/v1/manifest');
    const operations = await agent.call<{ items: unknown[] }>('GET', '/v1/operations');
    before_ = { hash: current.body.hash, operations: operations.body.items.length };
    expect(before_.operations).to.equal(5);
  });
  after(async () => {
    await agent?.stop();
  });

  it(`has at least 20 cases besides the oversized manifest (${CASE_NAMES.length})`, () => {
    expect(CASES.length).to.be.at.least(20);
  });

  for (const [index, name] of CASE_NAMES.entries()) {
    it(`answers ${name}`, async () => {
      const c = CASES[index] as Case;
      const headers: Record<string, string> = {
        authorization: `Bearer ${agent.token}`,
        'content-type': c.contentType ?? 'application/json',
      };
      const response = await fetch(`${agent.endpoint}${c.path}`, {
        method: c.method,
        headers,
        body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body),
      });
      const body = (await response.json()) as { error: { code: string; message: string; issues?: unknown[] } };
      expect(response.status, body.error?.message).to.equal(c.status);
      expect(body.error.message).to.match(c.message);
      expect(body.error.code).to.be.oneOf(['VALIDATION', 'BAD_REQUEST', 'CONFLICT', 'NOT_FOUND']);
      if (body.error.code === 'VALIDATION') expect(body.error.issues).to.be.an('array').with.length.above(0);
    });
  }

  it('answers 413 to a manifest over 8 MiB as soon as its length is announced', async () => {
    const { port } = new URL(agent.endpoint);
    const socket = connect(Number(port), '127.0.0.1');
    const head = [
      'PUT /v1/manifest HTTP/1.1',
      'host: 127.0.0.1',
      `authorization: Bearer ${agent.token}`,
      'content-type: application/json',
      `content-length: ${8 * 1024 * 1024 + 1}`,
      '',
      '{"apiVersion":"albkit/v1","resources":[',
    ].join('\r\n');
    socket.write(head);
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(reply).to.match(/^HTTP\/1\.1 413/);
    expect(reply).to.contain('request body is too large (1 MiB for a resource, 8 MiB for a manifest)');
  });

  it('leaves the running configuration and the operation log unchanged', async () => {
    const current = await agent.call<{ hash: string }>('GET', '/v1/manifest');
    const operations = await agent.call<{ items: unknown[] }>('GET', '/v1/operations');
    expect(current.body.hash).to.equal(before_.hash);
    expect(operations.body.items).to.have.length(before_.operations);
    const listenerState = await agent.call<{ status: { state: string } }>('GET', '/v1/listeners/shop%2Fhttp');
    expect(listenerState.body.status.state).to.equal('ACTIVE');
  });
});
