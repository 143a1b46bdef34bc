import { expect } from 'chai';
import { buildManifest, plan, type Resource } from '../../lib';
import { baseResources, withSpec } from '../fixtures/resources';

const manifest = (raw: Parameters<typeof buildManifest>[0]): Resource[] => buildManifest(raw).resources;
const steps = (current: Resource[], desired: Resource[]): string[][] =>
  plan(current, desired).waves.map((wave) => wave.map((s) => `${s.action}:${s.operation}:${s.kind}:${s.id}`));

describe('plan: replaces', () => {
  it('replaces a resource whose kind changes, deleting it as the old kind and creating it as the new one', () => {
    const before = manifest([
      { id: 'x', kind: 'Eip', spec: { address: '192.0.2.1' } },
      ...withSpec(baseResources(), 'web', { eip: 'x' }),
    ]);
    const after = manifest([
      { id: 'x', kind: 'SecurityGroup', spec: {} },
      ...withSpec(baseResources(), 'web', { securityGroups: ['open', 'x'] }),
    ]);
    const result = plan(before, after);
    const x = result.waves.flat().filter((step) => step.id === 'x');
    expect(x.map((step) => `${step.operation}:${step.kind}:${step.reason}`)).to.deep.equal([
      'delete:Eip:kind',
      'put:SecurityGroup:kind',
    ]);
    // The load balancer refers to x, so it goes before x and comes back after it, with everything below it.
    expect(steps(before, after).flat().indexOf('replace:delete:LoadBalancer:web')).to.be.lessThan(
      steps(before, after).flat().indexOf('replace:delete:Eip:x'),
    );
    expect(result.summary).to.deep.equal({ create: 0, update: 0, replace: 5, delete: 0 });
  });

  it('deletes a dependent that is no longer wanted before the resource it depends on is replaced', () => {
    const desired = manifest(
      withSpec(withSpec(baseResources(), 'web', { vpc: { cidr: '10.0.0.0/8' } }), 'web/http', null),
    );
    expect(steps(manifest(baseResources()), desired)).to.deep.equal([
      ['delete:delete:Listener:web/http'],
      ['replace:delete:BackendService:web/backend'],
      ['replace:delete:ServerGroup:web/servers'],
      ['replace:delete:LoadBalancer:web'],
      ['replace:put:LoadBalancer:web'],
      ['replace:put:ServerGroup:web/servers'],
      ['replace:put:BackendService:web/backend'],
    ]);
    expect(plan(manifest(baseResources()), desired).summary).to.deep.equal({
      create: 0,
      update: 0,
      replace: 3,
      delete: 1,
    });
  });

  it('keeps the changed fields of a dependent that an update would have changed but a replace takes along', () => {
    const desired = manifest(
      withSpec(withSpec(baseResources(), 'web', { vpc: { cidr: '10.0.0.0/8' } }), 'web/backend', {
        algorithm: 'SOURCE_IP',
      }),
    );
    const backend = plan(manifest(baseResources()), desired)
      .waves.flat()
      .filter((step) => step.id === 'web/backend');
    expect(backend.map((step) => [step.action, step.operation, step.fields, step.reason])).to.deep.equal([
      ['replace', 'delete', ['algorithm'], 'depends on web, which is replaced'],
      ['replace', 'put', ['algorithm'], 'depends on web, which is replaced'],
    ]);
  });

  it('creates a new resource that refers to a replaced one after the replacement', () => {
    const desired = manifest([
      ...withSpec(baseResources(), 'web/http', { port: 81 }),
      {
        id: 'web/admin',
        kind: 'Listener',
        spec: { loadBalancer: 'web', protocol: 'HTTP', port: 80, backendService: 'web/backend' },
      },
    ]);
    expect(steps(manifest(baseResources()), desired)).to.deep.equal([
      ['replace:delete:Listener:web/http'],
      ['create:put:Listener:web/admin', 'replace:put:Listener:web/http'],
    ]);
  });
});
