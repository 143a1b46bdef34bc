import { expect } from 'chai';
import { baseResources, withSpec } from '../fixtures/resources';
import { issuesOf } from './expect-issues';

describe('validation messages', () => {
  it('names the missing half of a certificate instead of a bare "Invalid input"', () => {
    const resources = withSpec(baseResources(), 'web/http', {
      protocol: 'HTTPS',
      certificate: { certPem: '-----BEGIN CERTIFICATE-----\n' },
    });
    expect(issuesOf(resources)).to.deep.equal([
      { path: 'web/http', field: 'certificate.keyPem', message: 'is required' },
    ]);
  });

  it('reports a certificate mixing inline PEM and files against the closest form', () => {
    const resources = withSpec(baseResources(), 'web/http', {
      protocol: 'HTTPS',
      certificate: { certFile: '/etc/tls/cert.pem', keyPem: 'x' },
    });
    expect(issuesOf(resources)).to.have.deep.members([
      { path: 'web/http', field: 'certificate.keyFile', message: 'is required' },
      { path: 'web/http', field: 'certificate.keyPem', message: 'unknown field' },
    ]);
  });

  it('suggests the field an unknown one misspells, at any depth, and nothing when none is close', () => {
    let resources = withSpec(baseResources(), 'web/backend', { prot: 80, healthCheck: { intervalMS: 3000 } });
    resources = withSpec(resources, 'web/http', { colour: 'red' });
    expect(issuesOf(resources)).to.have.deep.members([
      { path: 'web/backend', field: 'prot', message: 'unknown field; did you mean "port"?' },
      { path: 'web/backend', field: 'healthCheck.intervalMS', message: 'unknown field; did you mean "intervalMs"?' },
      { path: 'web/http', field: 'colour', message: 'unknown field' },
    ]);
  });

  it('says "is required" for a missing field, and for a resource without a spec', () => {
    expect(issuesOf(withSpec(baseResources(), 'web/http', { port: undefined }))).to.deep.equal([
      { path: 'web/http', field: 'port', message: 'is required' },
    ]);
    expect(issuesOf([...baseResources(), { id: 'ip', kind: 'Eip' } as never])).to.deep.equal([
      { path: 'ip', field: 'spec', message: 'is required' },
    ]);
  });

  it("keeps the schema's own message for a value of the wrong type", () => {
    expect(issuesOf(withSpec(baseResources(), 'web/http', { port: '80' }))).to.deep.equal([
      { path: 'web/http', field: 'port', message: 'Invalid input: expected number, received string' },
    ]);
  });
});
