import { expect } from 'chai';
import { buildManifest, isEmptyPlan, plan, type Resource } from '../../lib';
import { baseResources, withSpec } from '../fixtures/resources';

const current = (): Resource[] => buildManifest(baseResources()).resources;
const steps = (resources: Resource[], desired: Resource[]) =>
  plan(resources, desired).waves.map((wave) => wave.map((s) => `${s.action}:${s.operation}:${s.id}`));

describe('plan', () => {
  it('creates everything in creation order on a first deploy', () => {
    expect(steps([], current())).to.deep.equal([
      ['create:put:open'],
      ['create:put:web'],
      ['create:put:web/servers'],
      ['create:put:web/backend'],
      ['create:put:web/http'],
    ]);
  });

  it('deletes everything in reverse order', () => {
    expect(steps(current(), [])).to.deep.equal([
      ['delete:delete:web/http'],
      ['delete:delete:web/backend'],
      ['delete:delete:web/servers'],
      ['delete:delete:web'],
      ['delete:delete:open'],
    ]);
  });

  it('has no steps when nothing changed', () => {
    expect(isEmptyPlan(plan(current(), current()))).to.equal(true);
  });

  it('updates in place when a field that does not force a replace changes', () => {
    const desired = buildManifest(withSpec(baseResources(), 'web/backend', { algorithm: 'SOURCE_IP' })).resources;
    const result = plan(current(), desired);
    expect(result.waves).to.have.length(1);
    expect(result.waves[0]?.[0]).to.include({ action: 'update', operation: 'put', id: 'web/backend' });
    expect(result.waves[0]?.[0]?.fields).to.deep.equal(['algorithm']);
  });

  it('updates an EIP whose address changes in place, touching nothing that uses it', () => {
    const withEip = (address: string): Resource[] =>
      buildManifest([
        { id: 'web-eip', kind: 'Eip', spec: { address } },
        ...withSpec(baseResources(), 'web', { eip: 'web-eip' }),
      ]).resources;
    const result = plan(withEip('127.0.0.21'), withEip('127.0.0.22'));
    expect(steps(withEip('127.0.0.21'), withEip('127.0.0.22'))).to.deep.equal([['update:put:web-eip']]);
    expect(result.waves[0]?.[0]?.fields).to.deep.equal(['address']);
    expect(result.summary).to.deep.equal({ create: 0, update: 1, replace: 0, delete: 0 });
  });

  it('replaces a listener whose port changes: delete, then create', () => {
    const desired = buildManifest(withSpec(baseResources(), 'web/http', { port: 81 })).resources;
    expect(steps(current(), desired)).to.deep.equal([['replace:delete:web/http'], ['replace:put:web/http']]);
  });

  it("replaces a load balancer's dependents with it when its VPC changes", () => {
    const desired = buildManifest(withSpec(baseResources(), 'web', { vpc: { cidr: '10.0.0.0/8' } })).resources;
    const result = plan(current(), desired);
    expect(steps(current(), desired)).to.deep.equal([
      ['replace:delete:web/http'],
      ['replace:delete:web/backend'],
      ['replace:delete:web/servers'],
      ['replace:delete:web'],
      ['replace:put:web'],
      ['replace:put:web/servers'],
      ['replace:put:web/backend'],
      ['replace:put:web/http'],
    ]);
    expect(result.summary).to.deep.equal({ create: 0, update: 0, replace: 4, delete: 0 });
    expect(result.waves[0]?.[0]?.reason).to.equal('depends on web, which is replaced');
  });

  it('deletes a removed server group only after the backend service stops referring to it', () => {
    const withSecond = [
      ...withSpec(baseResources(), 'web/backend', { serverGroups: ['web/servers', 'web/more'] }),
      {
        id: 'web/more',
        kind: 'ServerGroup',
        spec: { loadBalancer: 'web', servers: [{ address: '10.0.2.9', port: 80 }] },
      },
    ];
    const before = buildManifest(withSecond).resources;
    expect(steps(before, current())).to.deep.equal([['update:put:web/backend'], ['delete:delete:web/more']]);
  });
});
