import type * as pulumi from '@pulumi/pulumi';
import { expect } from 'chai';
import { albkitProvider } from '../../../constructs/pulumi/provider';
import { KINDS, validateManifest } from '../../../lib';
import { ControlClient } from '../../../runtime/client/control-client';
import { putResource } from '../../../runtime/terraform/agent';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { shopManifest } from './fixture';

type Rep = { id: string; owner?: string; generation: number; status: { state: string } };
type Err = { error: { code: string; message: string; issues?: { path: string; field: string; message: string }[] } };
type Run = {
  stack: string;
  plan: { summary: Record<string, number>; waves: unknown[][] };
  adopted: string[];
  hash: string;
};
type Doc = ReturnType<typeof shopManifest>;

const ids = (doc: { resources: unknown[] }): string[] => doc.resources.map((r) => (r as { id: string }).id).sort();

describe('Control API: resource owners', () => {
  let agent: TestAgent;
  beforeEach(async () => {
    agent = await startAgent();
  });
  afterEach(async () => {
    await agent?.stop();
  });

  it('stores the owner a PUT names, keeps it on a PUT without one, and creates unowned resources without', async () => {
    const created = await agent.call<Rep>('PUT', '/v1/security-groups/sg', { spec: {}, owner: 'terraform' });
    expect(created.status).to.equal(201);
    expect(created.body.owner).to.equal('terraform');
    const updated = await agent.call<Rep>('PUT', '/v1/security-groups/sg', {
      spec: { ingress: [{ protocol: 'TCP', fromPort: 80, toPort: 80, cidr: '10.0.0.0/8' }] },
    });
    expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
    expect(updated.body).to.deep.include({ owner: 'terraform', generation: 2 });
    const plain = await agent.call<Rep>('PUT', '/v1/security-groups/plain', { spec: {} });
    expect(plain.body).to.not.have.property('owner');
    const listed = await agent.call<{ items: Rep[] }>('GET', '/v1/security-groups');
    expect(listed.body.items.map((r) => [r.id, r.owner])).to.deep.equal(
      [
        ['plain', undefined],
        ['sg', 'terraform'],
      ].sort(),
    );
  });

  it('changes only the owner on a PUT of the same spec: no operation, no new generation', async () => {
    await agent.call('PUT', '/v1/security-groups/sg', { spec: {}, owner: 'pulumi' });
    const taken = await agent.call<Rep>('PUT', '/v1/security-groups/sg', { spec: {}, owner: 'deploy/web' });
    expect(taken.status).to.equal(200);
    expect(taken.body).to.deep.include({ owner: 'deploy/web', generation: 1 });
    const ops = await agent.call<{ items: { op: string }[] }>('GET', '/v1/operations');
    expect(ops.body.items.map((o) => o.op)).to.deep.equal(['create']);
  });

  it('refuses an owner that is not a name with 400 naming the field', async () => {
    const response = await agent.call<Err>('PUT', '/v1/security-groups/sg', { spec: {}, owner: 'two words' });
    expect(response.status).to.equal(400);
    expect(response.body.error.message).to.match(/^sg: owner: must be 1–128 letters/);
    expect((await agent.call('GET', '/v1/security-groups/sg')).status).to.equal(404);
  });

  it('is written by the Terraform provider (terraform) and the Pulumi providers (pulumi)', async () => {
    await putResource(new ControlClient(agent.endpoint, agent.token), 'SecurityGroup', 'tf-sg', {});
    const pulumiProvider = albkitProvider({
      kind: 'SecurityGroup',
      collection: KINDS.SecurityGroup.collection,
      replaceOnChange: KINDS.SecurityGroup.replaceOnChange,
    });
    await (pulumiProvider as Required<pulumi.dynamic.ResourceProvider>).create({
      endpoint: agent.endpoint,
      token: agent.token,
      resourceId: 'pulumi-sg',
    });
    expect((await agent.call<Rep>('GET', '/v1/security-groups/tf-sg')).body.owner).to.equal('terraform');
    expect((await agent.call<Rep>('GET', '/v1/security-groups/pulumi-sg')).body.owner).to.equal('pulumi');
  });

  it('keeps owners across a kill -9 and restart', async () => {
    await agent.call('PUT', '/v1/security-groups/sg', { spec: {}, owner: 'terraform' });
    await agent.kill9();
    const again = await startAgent({ stateDir: agent.stateDir });
    try {
      expect((await again.call<Rep>('GET', '/v1/security-groups/sg')).body.owner).to.equal('terraform');
    } finally {
      await again.kill9();
    }
  });
});

describe('Control API: PUT /v1/manifest?stack=', () => {
  let agent: TestAgent;
  let a: Doc;
  let b: Doc;
  before(async () => {
    a = shopManifest({ prefix: 'a', listenerPort: await freePort(), backendPort: await freePort() });
    b = shopManifest({ prefix: 'b', listenerPort: await freePort(), backendPort: await freePort() });
  });
  beforeEach(async () => {
    agent = await startAgent();
  });
  afterEach(async () => {
    await agent?.stop();
  });

  it('applies each stack against its own resources only, and reads them back with ?stack= and ?owner=', async () => {
    const first = await agent.call<Run>('PUT', '/v1/manifest?stack=a', a);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.deep.include({ stack: 'a', adopted: [], hash: validateManifest(a).hash });
    const second = await agent.call<Run>('PUT', '/v1/manifest?stack=b', b);
    expect(second.body.plan.summary).to.deep.equal({ create: 5, update: 0, replace: 0, delete: 0 });

    const emptied = await agent.call<Run>('PUT', '/v1/manifest?stack=a', { apiVersion: 'albkit/v1', resources: [] });
    expect(emptied.body.plan.summary.delete).to.equal(5);
    expect(ids((await agent.call<Doc>('GET', '/v1/manifest')).body)).to.deep.equal(ids(b));
    const byStack = await agent.call<Doc & { hash: string }>('GET', '/v1/manifest?stack=b');
    expect(byStack.body.hash).to.equal(validateManifest(b).hash);
    expect(ids((await agent.call<Doc>('GET', '/v1/manifest?owner=deploy%2Fb')).body)).to.deep.equal(ids(b));
    expect((await agent.call<Doc>('GET', '/v1/manifest?stack=a')).body.resources).to.deep.equal([]);
  });

  it('deploys to the stack "default" when none is named', async () => {
    await agent.call('PUT', '/v1/manifest', a);
    expect((await agent.call<Rep>('GET', '/v1/load-balancers/a')).body.owner).to.equal('deploy/default');
  });

  it('refuses with 409 a document naming resources of another owner, listing each, and changes nothing', async () => {
    await agent.call('PUT', '/v1/manifest?stack=b', b);
    await agent.call('PUT', '/v1/security-groups/a-sg', { spec: {}, owner: 'terraform' });
    const ops = (await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items.length;
    const refused = await agent.call<Err>('PUT', '/v1/manifest?stack=a', {
      ...a,
      resources: [...a.resources, ...b.resources.slice(0, 1)],
    });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('CONFLICT');
    expect(refused.body.error.message).to.contain('stack "a" claims 2 resources it does not own; nothing was changed');
    expect(refused.body.error.message).to.contain('?adopt=true');
    expect(refused.body.error.issues).to.deep.equal([
      { path: 'a-sg', field: 'owner', message: 'is owned by terraform, not by deploy/a' },
      { path: 'b-sg', field: 'owner', message: 'is owned by deploy/b, not by deploy/a' },
    ]);
    expect((await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items).to.have.length(ops);
  });

  it('takes the resources over with ?adopt=true, then plans against them as its own', async () => {
    await agent.call('PUT', '/v1/manifest?stack=b', b);
    const adopted = await agent.call<Run>('PUT', '/v1/manifest?stack=a&adopt=true', b);
    expect(adopted.status, JSON.stringify(adopted.body)).to.equal(200);
    expect(adopted.body.adopted.sort()).to.deep.equal(ids(b));
    expect(adopted.body.plan.waves).to.deep.equal([]);
    expect(ids((await agent.call<Doc>('GET', '/v1/manifest?stack=a')).body)).to.deep.equal(ids(b));
    const emptied = await agent.call<Run>('PUT', '/v1/manifest?stack=a', { apiVersion: 'albkit/v1', resources: [] });
    expect(emptied.body.plan.summary.delete).to.equal(5);
  });

  for (const [name, path, message] of [
    ['a stack name with a space', '/v1/manifest?stack=my%20stack', /query: stack: must be 1–63 letters/],
    ['an unknown query parameter', '/v1/manifest?force=true', /query: force: unknown field/],
    ['an adopt flag that is not true or false', '/v1/manifest?adopt=yes', /query: adopt/],
  ] as const) {
    it(`refuses ${name} with 400`, async () => {
      const response = await agent.call<Err>('PUT', path, a);
      expect(response.status).to.equal(400);
      expect(response.body.error.message).to.match(message);
      expect((await agent.call<Doc>('GET', '/v1/manifest')).body.resources).to.deep.equal([]);
    });
  }

  it('refuses GET /v1/manifest with both ?stack= and ?owner=', async () => {
    const response = await agent.call<Err>('GET', '/v1/manifest?stack=a&owner=terraform');
    expect(response.status).to.equal(400);
    expect(response.body.error.message).to.contain('give stack or owner, not both');
  });
});
