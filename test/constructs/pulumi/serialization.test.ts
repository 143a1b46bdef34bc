import { expect } from 'chai';
import { builtinModules, createRequire } from 'node:module';
import * as pulumi from '@pulumi/pulumi';
import { KIND_NAMES, KINDS, type Kind } from '../../../lib/model/kinds';
import { albkitProvider } from '../../../constructs/pulumi/provider';
import { startAgent, type TestAgent } from '../../helpers/agent';
import { installPacked, type PackedProject } from '../../helpers/packed';

type ProviderFactory = typeof albkitProvider;
type Serialized = { text: string; containsSecrets: boolean };

const requireFromString: (code: string) => { handler(): pulumi.dynamic.ResourceProvider } = createRequire(
  require.resolve('@pulumi/pulumi'),
)('require-from-string');

const serialize = (provider: unknown): Promise<Serialized> =>
  pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });

/** Module names the serialized text requires that Node does not ship. */
function foreignRequires(text: string): string[] {
  const names = [...text.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1]!);
  return names.filter((name) => !builtinModules.includes(name.replace(/^node:/, '')));
}

function providerOf(factory: ProviderFactory, kind: Kind): pulumi.dynamic.ResourceProvider {
  const { collection, replaceOnChange } = KINDS[kind];
  return factory({ kind, collection, replaceOnChange });
}

describe('Pulumi provider serialization (installed from npm pack)', function () {
  this.timeout(120_000);
  let packed: PackedProject;
  let packedFactory: ProviderFactory;

  before(() => {
    packed = installPacked();
    packedFactory = packed.require('albkit/pulumi').albkitProvider;
  });
  after(() => packed?.remove());

  it('serializes every kind without secrets or non-builtin requires, small and self-contained', async () => {
    for (const kind of KIND_NAMES) {
      const { text, containsSecrets } = await serialize(providerOf(packedFactory, kind));
      expect(containsSecrets, kind).to.equal(false);
      expect(foreignRequires(text), kind).to.deep.equal([]);
      expect(text, kind).to.include(`kind: "${kind}"`);
      expect(text.length, kind).to.be.below(32_000);
    }
  });

  it('serializes the same text from the tarball as from the linked build', async () => {
    for (const kind of KIND_NAMES) {
      const [installed, linked] = await Promise.all([
        serialize(providerOf(packedFactory, kind)),
        serialize(providerOf(albkitProvider, kind)),
      ]);
      expect(installed.text, kind).to.equal(linked.text);
    }
  });

  it('would catch a provider that reaches into another module of the installed package', async () => {
    // The guard's negative control: a closure over a package function is serialized as a require of the package.
    const { referencesOf } = packed.require('albkit');
    // eslint-disable-next-line @typescript-eslint/require-await -- the dynamic provider contract returns a promise
    const { text } = await serialize({ diff: async () => referencesOf('Listener', {}) });
    expect(foreignRequires(text).join()).to.match(/^albkit\//);
  });

  describe('loaded back from its text', () => {
    let agent: TestAgent;
    before(async () => {
      agent = await startAgent();
    });
    after(async () => agent?.stop());

    it('creates, updates and deletes against a live agent', async () => {
      const load = async (kind: Kind) =>
        requireFromString((await serialize(providerOf(packedFactory, kind))).text).handler();
      const connection = { endpoint: agent.endpoint, token: agent.token };
      const group = await load('SecurityGroup');
      const created = await group.create({ ...connection, resourceId: 'ser/sg', ingress: [{ cidr: '127.0.0.0/8' }] });
      expect(created.id).to.equal('ser/sg');
      expect(created.outs.status.state).to.equal('ACTIVE');
      const updated = await group.update!('ser/sg', created.outs, {
        ...connection,
        resourceId: 'ser/sg',
        ingress: [{ cidr: '127.0.0.2/32' }],
      });
      expect(updated.outs!.resolved.ingress[0].cidr).to.equal('127.0.0.2/32');
      await group.delete!('ser/sg', updated.outs);
      const gone = await fetch(`${agent.endpoint}/v1/security-groups/ser%2Fsg`, {
        headers: { authorization: `Bearer ${agent.token}` },
      });
      expect(gone.status).to.equal(404);
    });
  });
});
