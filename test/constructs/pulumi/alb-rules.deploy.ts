/**
 * The `Alb` component with rules, deployed to a live agent by the stand-in engine of example.deploy.ts: a
 * listener's rules become a url map `<alb>/<listener>/rules` naming the component's backend services, created
 * after them and before the listener. Runs in its own process (mocks.test.ts), as setMocks is process-global.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import * as pulumi from '@pulumi/pulumi';
import { Alb } from '../../../constructs/pulumi';
import { ValidationError } from '../../../lib/errors';
import { startAgent, type TestAgent } from '../../helpers/agent';

type Props = Record<string, unknown>;
const requireFromString: (code: string) => { handler(): Required<pulumi.dynamic.ResourceProvider> } = createRequire(
  require.resolve('@pulumi/pulumi'),
)('require-from-string');

const PORT = 24290;

describe('Alb with rules deployed to a live agent by a stand-in engine', function () {
  this.timeout(60_000);
  let agent: TestAgent;
  const created: { id: string; provider: Required<pulumi.dynamic.ResourceProvider>; outs: Props }[] = [];

  before(async () => {
    agent = await startAgent();
    await pulumi.runtime.setMocks(
      {
        async newResource(args) {
          if (!args.type.startsWith('pulumi-nodejs:dynamic/')) return { id: undefined, state: {} };
          const provider = requireFromString(String(args.inputs.__provider)).handler();
          const plain = Object.fromEntries(
            Object.entries(args.inputs).map(([key, value]) => [key, pulumi.runtime.unwrapRpcSecret(value)]),
          );
          const { inputs, failures } = await provider.check({}, plain);
          expect(failures, args.name).to.deep.equal([]);
          const result = await provider.create(inputs);
          created.push({ id: result.id, provider, outs: result.outs });
          return { id: result.id, state: result.outs };
        },
        call: (args) => args.inputs,
      },
      'albkit-routing',
      'deploy',
      false,
    );
  });
  after(async () => agent?.stop());

  it('creates the url map of a listener with rules after the backend services it names, and before the listener', async () => {
    const alb = new Alb('shop', {
      endpoint: agent.endpoint,
      token: agent.token,
      listeners: [
        {
          name: 'http',
          protocol: 'HTTP',
          port: PORT,
          servers: [{ address: '127.0.0.1', port: 24291 }],
          rules: [
            {
              priority: 1,
              conditions: { paths: ['/ping'] },
              action: { fixedResponse: { statusCode: 200, body: 'pong' } },
            },
            {
              priority: 2,
              conditions: { paths: ['/shop/*'] },
              action: {
                weightedForward: {
                  targets: [
                    { backendService: 'http', weight: 90 },
                    { backendService: 'canary', weight: 10 },
                  ],
                },
              },
            },
          ],
        },
      ],
      targets: [{ name: 'canary', port: 24292, servers: [{ address: '127.0.0.1', port: 24292 }] }],
    });
    await (alb.urls as unknown as { promise(): Promise<unknown> }).promise();
    const routes = await agent.call<{
      spec: { rules: { action: { weightedForward?: { targets: { backendService: string }[] } } }[] };
      status: { state: string };
    }>('GET', `/v1/url-maps/${encodeURIComponent('shop/http/rules')}`);
    expect(routes.body.status.state).to.equal('ACTIVE');
    expect(
      routes.body.spec.rules[1]?.action.weightedForward?.targets.map((target) => target.backendService),
    ).to.deep.equal(['shop/http/backend', 'shop/canary/backend']);
    const listener = await agent.call<{ spec: { urlMap?: string } }>(
      'GET',
      `/v1/listeners/${encodeURIComponent('shop/http')}`,
    );
    expect(listener.body.spec.urlMap).to.equal('shop/http/rules');
    const order = (await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations')).body.items.map(
      (item) => item.id,
    );
    expect(order.indexOf('shop/canary/backend')).to.be.below(order.indexOf('shop/http/rules'));
    expect(order.indexOf('shop/http/backend')).to.be.below(order.indexOf('shop/http/rules'));
    expect(order.indexOf('shop/http/rules')).to.be.below(order.indexOf('shop/http'));
  });

  it('refuses at once a rule naming a backend service that is neither a listener nor a target, naming the field', () => {
    const build = () =>
      new Alb('bad', {
        endpoint: agent.endpoint,
        token: agent.token,
        listeners: [
          {
            name: 'http',
            protocol: 'HTTP',
            port: PORT + 3,
            servers: [{ address: '127.0.0.1', port: 24291 }],
            rules: [{ priority: 1, conditions: { paths: ['/a'] }, action: { forward: { backendService: 'nowhere' } } }],
          },
        ],
      });
    expect(build).to.throw(
      ValidationError,
      /bad\/http: listeners\[0\]\.rules\[0\]: backend service "nowhere" is neither a listener nor a target of this Alb \(http\)/,
    );
  });

  it('refuses at once a target named as a listener, naming the target', () => {
    const servers = [{ address: '127.0.0.1', port: 24291 }];
    const build = () =>
      new Alb('clash', {
        endpoint: agent.endpoint,
        token: agent.token,
        listeners: [{ name: 'http', protocol: 'HTTP', port: PORT + 4, servers }],
        targets: [{ name: 'http', port: 24292, servers }],
      });
    expect(build).to.throw(
      ValidationError,
      'clash/http: targets[0].name: "http" names a listener or target already; give each its own name',
    );
  });

  it('destroys in reverse, each resource gone from the agent', async () => {
    for (const item of [...created].reverse()) await item.provider.delete(item.id, item.outs);
    expect((await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest')).body.resources).to.deep.equal([]);
  });
});
