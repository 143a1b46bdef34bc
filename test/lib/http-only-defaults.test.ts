import { expect } from 'chai';
import { buildManifest, type ResourceOf } from '../../lib';

const lb = {
  id: 'lb',
  kind: 'LoadBalancer',
  spec: { name: 'lb', zones: ['a'], vpc: { cidr: '10.0.0.0/16' }, subnet: { cidr: '10.0.1.0/24' } },
};
const servers = {
  id: 'lb/servers',
  kind: 'ServerGroup',
  spec: { loadBalancer: 'lb', servers: [{ address: '10.0.1.5', port: 80 }] },
};
const backend = (id: string, spec: Record<string, unknown>) => ({
  id,
  kind: 'BackendService',
  spec: { loadBalancer: 'lb', serverGroups: ['lb/servers'], ...spec },
});

function specOf(id: string, ...resources: unknown[]): ResourceOf<'BackendService'>['spec'] {
  const found = buildManifest([lb, servers, ...resources]).resources.find((resource) => resource.id === id);
  return (found as ResourceOf<'BackendService'>).spec;
}

describe('HTTP-only defaults', () => {
  it('are not given to a TCP backend service with a TCP check', () => {
    const spec = specOf('tcp', backend('tcp', { protocol: 'TCP' }));
    expect(spec).to.not.have.property('sessionPersistence');
    expect(spec.healthCheck).to.not.have.any.keys('path', 'statusCodes');
    expect(spec.healthCheck.protocol).to.equal('TCP');
  });

  it('are given to an HTTP backend service, and its check', () => {
    const spec = specOf('web', backend('web', { protocol: 'HTTP' }));
    expect(spec.sessionPersistence).to.deep.equal({ enabled: false, cookieName: 'ALBKIT_SERVER', ttlSeconds: 0 });
    expect(spec.healthCheck).to.include({ protocol: 'HTTP', path: '/' });
    expect(spec.healthCheck.statusCodes).to.deep.equal(['2xx', '3xx']);
  });

  it("follow the check's own protocol: an HTTP check of a TCP backend service gets its path and codes, no persistence", () => {
    const spec = specOf('mixed', backend('mixed', { protocol: 'TCP', healthCheck: { protocol: 'HTTP' } }));
    expect(spec).to.not.have.property('sessionPersistence');
    expect(spec.healthCheck).to.include({ protocol: 'HTTP', path: '/' });
    expect(spec.healthCheck.statusCodes).to.deep.equal(['2xx', '3xx']);
  });

  it('keep values given, whatever the protocol', () => {
    const spec = specOf(
      'tcp',
      backend('tcp', { protocol: 'TCP', healthCheck: { path: '/ping', statusCodes: ['200'] } }),
    );
    expect(spec.healthCheck).to.include({ path: '/ping' });
    expect(spec.healthCheck.statusCodes).to.deep.equal(['200']);
  });
});
