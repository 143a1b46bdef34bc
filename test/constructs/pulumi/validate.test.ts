import { expect } from 'chai';
import { ValidationError } from '../../../lib/errors';
import { idIssues, validateSpec } from '../../../constructs/pulumi/validate';

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return (error as ValidationError).issues.map((issue) => `${issue.path}: ${issue.field}: ${issue.message}`);
  }
  throw new Error('expected a ValidationError');
}

describe('Pulumi spec validation', () => {
  it('applies the model defaults', () => {
    const spec = validateSpec('BackendService', 'web/backend', {
      loadBalancer: 'web',
      protocol: 'HTTP',
      port: 9001,
      serverGroups: ['web/servers'],
    });
    expect(spec.algorithm).to.equal('WEIGHTED_ROUND_ROBIN');
    expect(spec.healthCheck).to.include({
      timeoutMs: 5000,
      intervalMs: 3000,
      healthyThreshold: 3,
      unhealthyThreshold: 3,
    });
  });

  it('takes a backend service without a port for server groups, and asks for one with availability groups', () => {
    expect(
      validateSpec('BackendService', 'web/backend', {
        loadBalancer: 'web',
        protocol: 'HTTP',
        serverGroups: ['web/servers'],
      }).port,
    ).to.equal(undefined);
    expect(
      issuesOf(() =>
        validateSpec('BackendService', 'web/pool', {
          loadBalancer: 'web',
          protocol: 'TCP',
          availabilityGroups: ['pool'],
        }),
      ),
    ).to.deep.equal([
      "web/pool: port: is required with availability groups: their instances serve on the backend service's port",
    ]);
  });

  it('names the resource and field of a bad port and of an unknown field', () => {
    const issues = issuesOf(() =>
      validateSpec('Listener', 'web/http', {
        loadBalancer: 'web',
        protocol: 'HTTP',
        port: 70000,
        backendService: 'b',
        colour: 1,
      }),
    );
    expect(issues).to.have.length(2);
    expect(issues[0]).to.match(/^web\/http: port: /);
    expect(issues[1]).to.equal('web/http: colour: unknown field');
  });

  it('runs the rules one resource can be checked against on its own', () => {
    expect(
      issuesOf(() =>
        validateSpec('Listener', 'web/https', {
          loadBalancer: 'web',
          protocol: 'HTTPS',
          port: 443,
          backendService: 'b',
        }),
      ),
    ).to.deep.equal(['web/https: certificate: an HTTPS listener needs a certificate']);
    expect(
      issuesOf(() =>
        validateSpec('LoadBalancer', 'web', {
          name: 'web',
          zones: ['a'],
          vpc: { cidr: '10.0.0.0/16' },
          subnet: { cidr: '10.1.0.0/24' },
        }),
      ),
    ).to.deep.equal(['web: subnet.cidr: 10.1.0.0/24 is not inside the VPC 10.0.0.0/16']);
    expect(
      issuesOf(() =>
        validateSpec('BackendService', 'web/b', {
          loadBalancer: 'web',
          protocol: 'TCP',
          port: 1,
          serverGroups: ['g'],
          availabilityGroups: ['a'],
          sessionPersistence: { enabled: true },
        }),
      ),
    ).to.have.members([
      'web/b: availabilityGroups: a backend service uses server groups or availability groups, not both',
      'web/b: sessionPersistence.enabled: cookie session persistence works only for HTTP/HTTPS listeners (backend protocol HTTP)',
    ]);
  });

  it("checks an availability group's instance count against minSize and maxSize", () => {
    expect(issuesOf(() => validateSpec('AvailabilityGroup', 'web/pool', { minSize: 1 }))).to.deep.equal([
      'web/pool: instances: 0 instances is outside minSize–maxSize (1–10)',
    ]);
  });

  it('does not report references to resources it cannot see', () => {
    expect(() =>
      validateSpec('Listener', 'web/http', {
        loadBalancer: 'elsewhere',
        protocol: 'HTTP',
        port: 80,
        backendService: 'other',
      }),
    ).not.to.throw();
  });

  it('rejects a resource id that is not a construct path', () => {
    expect(idIssues('web/http')).to.deep.equal([]);
    const [issue] = idIssues('web http!');
    expect(issue).to.include({ path: 'web http!', field: 'resourceId' });
  });
});
