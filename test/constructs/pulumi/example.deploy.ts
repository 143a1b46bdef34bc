/**
 * examples/pulumi deployed to a live agent by a stand-in engine: `setMocks` with a monitor that does what the
 * Pulumi engine does with a dynamic resource — load the `__provider` text the SDK stored, then `check` and
 * `create` with it — and a destroy that deletes in reverse. The program, the SDK's registration order, the
 * serialized providers and the agent are all real; only the engine is not. Runs in its own process
 * (mocks.test.ts), as setMocks is process-global.
 */
import { expect } from 'chai';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import * as pulumi from '@pulumi/pulumi';
import { startAgent, type TestAgent } from '../../helpers/agent';

type Props = Record<string, unknown>;
const requireFromString: (code: string) => { handler(): Required<pulumi.dynamic.ResourceProvider> } = createRequire(
  require.resolve('@pulumi/pulumi'),
)('require-from-string');

interface Created {
  id: string;
  provider: Required<pulumi.dynamic.ResourceProvider>;
  outs: Props;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('examples/pulumi deployed to a live agent by a stand-in engine', function () {
  this.timeout(60_000);
  let agent: TestAgent;
  const created: Created[] = [];

  before(async () => {
    agent = await startAgent();
    process.env.PULUMI_CONFIG = JSON.stringify({
      'albkit-quickstart:endpoint': agent.endpoint,
      'albkit-quickstart:token': agent.token,
      'albkit-quickstart:httpPort': '24280',
      'albkit-quickstart:tcpPort': '24281',
    });
    await pulumi.runtime.setMocks(
      {
        async newResource(args) {
          if (!args.type.startsWith('pulumi-nodejs:dynamic/')) return { id: undefined, state: {} };
          const provider = requireFromString(String(args.inputs.__provider)).handler();
          // The engine hands secrets in plain to a provider that does not accept secrets (the dynamic host).
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
      'albkit-quickstart',
      'deploy',
      false,
    );
  });
  after(async () => agent?.stop());

  it('creates every resource in dependency order, each ACTIVE, listeners bound', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program loads once the mocks are set
    const program = require('../../../examples/pulumi/index') as { urls: pulumi.Output<Record<string, string>> };
    const urls = await (program.urls as unknown as { promise(): Promise<Record<string, string>> }).promise();
    expect(urls).to.deep.equal({ http: 'http://127.0.0.1:24280', tcp: 'tcp://127.0.0.1:24281' });
    expect(created.map((item) => item.id)).to.have.members([
      'web/sg',
      'web',
      'web/http/servers',
      'web/http/backend',
      'web/http',
      'web/tcp/servers',
      'web/tcp/backend',
      'web/tcp',
    ]);
    const listing = await agent.call<{ items: { id: string; status: { state: string } }[] }>('GET', '/v1/listeners');
    expect(listing.body.items.map((item) => `${item.id} ${item.status.state}`)).to.have.members([
      'web/http ACTIVE',
      'web/tcp ACTIVE',
    ]);
    expect(await canConnect(24280)).to.equal(true);
    expect(await canConnect(24281)).to.equal(true);
    // The agent refuses a child before its parent is ACTIVE, so its operation log is the order that held.
    const operations = (await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations')).body.items;
    const order = operations.filter((item) => item.op === 'create').map((item) => item.id);
    expect(order.indexOf('web/sg')).to.be.below(order.indexOf('web'));
    expect(order.indexOf('web')).to.be.below(order.indexOf('web/http/servers'));
    expect(order.indexOf('web/http/servers')).to.be.below(order.indexOf('web/http/backend'));
    expect(order.indexOf('web/http/backend')).to.be.below(order.indexOf('web/http'));
  });

  it('destroys in reverse, each resource gone from the agent', async () => {
    for (const item of [...created].reverse()) await item.provider.delete(item.id, item.outs);
    const manifest = await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest');
    expect(manifest.body.resources).to.deep.equal([]);
    expect(await canConnect(24280)).to.equal(false);
  });
});
