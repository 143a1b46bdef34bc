import { expect } from 'chai';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { waitFor } from '../helpers/wait';
import { clientFrom, fetchText, startHttpBackend, type HttpBackend } from '../runtime/dataplane/http-fixtures';

const id = (text: string): string => encodeURIComponent(text);

describe('url maps through the agent', function () {
  this.timeout(120_000);
  let agent: TestAgent;
  const backends: HttpBackend[] = [];
  let port: number;

  const put = async (collection: string, resourceId: string, spec: unknown): Promise<void> => {
    const answer = await agent.call('PUT', `/v1/${collection}/${id(resourceId)}`, { spec });
    expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([200, 201, 202]);
    await waitFor(
      async () =>
        (await agent.call<{ status: { state: string } }>('GET', `/v1/${collection}/${id(resourceId)}`)).body.status
          ?.state === 'ACTIVE',
      20_000,
      `${resourceId} to be ACTIVE`,
    );
  };
  const rulesTo = (backendService: string): unknown => ({
    loadBalancer: 'lb',
    rules: [
      { priority: 1, conditions: { paths: ['/api/*'] }, action: { forward: { backendService } } },
      { priority: 2, conditions: { paths: ['/go'] }, action: { redirect: { protocol: 'HTTPS', port: 443 } } },
    ],
  });

  before(async () => {
    for (const name of ['main', 'blue', 'green']) backends.push(await startHttpBackend(name));
    agent = await startAgent();
    port = await freePort();
    await put('security-groups', 'sg', {});
    await put('load-balancers', 'lb', {
      name: 'lb',
      zones: ['z1'],
      vpc: { cidr: '127.0.0.0/8' },
      subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
      securityGroups: ['sg'],
    });
    for (const backend of backends) {
      await put('server-groups', `lb/${backend.name}-servers`, {
        loadBalancer: 'lb',
        servers: [{ name: backend.name, address: '127.0.0.1', port: backend.port }],
      });
      await put('backend-services', `lb/${backend.name}`, {
        loadBalancer: 'lb',
        protocol: 'HTTP',
        serverGroups: [`lb/${backend.name}-servers`],
      });
    }
    await put('url-maps', 'lb/rules', rulesTo('lb/blue'));
    await put('listeners', 'lb/http', {
      loadBalancer: 'lb',
      protocol: 'HTTP',
      port,
      backendService: 'lb/main',
      urlMap: 'lb/rules',
    });
  });
  after(async () => {
    await agent?.stop();
    for (const backend of backends) await backend.close();
  });

  it('routes by the rules of the url map a listener names, its own backend service the default', async () => {
    const client = clientFrom();
    try {
      expect((await fetchText(client, `http://127.0.0.1:${port}/api/x`)).body).to.equal('blue');
      expect((await fetchText(client, `http://127.0.0.1:${port}/other`)).body).to.equal('main');
      const redirect = await fetchText(client, `http://127.0.0.1:${port}/go?x=1`, {
        headers: { host: 'shop.example.com' },
      });
      expect([redirect.status, redirect.headers.location]).to.deep.equal([301, 'https://shop.example.com/go?x=1']);
    } finally {
      await client.close();
    }
  });

  it('applies PUT /v1/url-maps/<id> in place under load with no failed request', async () => {
    const client = clientFrom();
    let stop = false;
    let failures = 0;
    let requests = 0;
    const seen = new Set<string>();
    const load = Array.from({ length: 4 }, async () => {
      while (!stop && requests < 20_000) {
        requests++;
        const answer = await fetchText(client, `http://127.0.0.1:${port}/api/x`);
        if (answer.status !== 200) failures++;
        seen.add(answer.body);
      }
    });
    try {
      for (let round = 0; round < 6; round++) {
        await put('url-maps', 'lb/rules', rulesTo(round % 2 === 0 ? 'lb/green' : 'lb/blue'));
        const expected = round % 2 === 0 ? 'green' : 'blue';
        await waitFor(
          async () => (await fetchText(client, `http://127.0.0.1:${port}/api/x`)).body === expected,
          10_000,
          `rules to send /api to ${expected}`,
        );
      }
    } finally {
      stop = true;
      await Promise.all(load);
      await client.close();
    }
    expect(failures).to.equal(0);
    expect(requests).to.be.greaterThan(0);
    expect([...seen].sort()).to.deep.equal(['blue', 'green']);
  });
});
