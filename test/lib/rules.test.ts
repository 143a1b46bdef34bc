import { expect } from 'chai';
import { validateResources, type RawResource, type ResourceOf } from '../../lib';
import { baseResources, PEM_CERTIFICATE, withSpec, withTcp } from '../fixtures/resources';
import { expectIssue, expectValid, issuesOf } from './expect-issues';

describe('seed rules', () => {
  it('accepts the base load balancer', () => {
    expectValid(baseResources());
  });

  describe('listener', () => {
    it('accepts HTTP, HTTPS, TCP and TLS', () => {
      expectValid(withTcp(baseResources()));
      expectValid(withSpec(baseResources(), 'web/http', { protocol: 'HTTPS', certificate: PEM_CERTIFICATE }));
    });
    it('rejects any other protocol, naming the field', () => {
      expectIssue(withSpec(baseResources(), 'web/http', { protocol: 'UDP' }), 'web/http', 'protocol', /HTTP/);
    });
    it('rejects a port outside 1–65535', () => {
      expectIssue(withSpec(baseResources(), 'web/http', { port: 70000 }), 'web/http', 'port', /65535/);
      expectIssue(withSpec(baseResources(), 'web/http', { port: 0 }), 'web/http', 'port', />=1/);
    });
    it('rejects a second listener on the same port of one load balancer', () => {
      const resources = [
        ...baseResources(),
        {
          id: 'web/admin',
          kind: 'Listener',
          spec: { loadBalancer: 'web', protocol: 'HTTP', port: 80, backendService: 'web/backend' },
        },
      ];
      expectIssue(resources, 'web/admin', 'port', /80 is already used by listener web\/http on load balancer web/);
    });
    it('lets backend ports repeat', () => {
      const resources = withTcp(baseResources(), { port: 80 });
      expectValid(resources);
    });
    it('needs a certificate for HTTPS and TLS', () => {
      expectIssue(
        withSpec(baseResources(), 'web/http', { protocol: 'HTTPS' }),
        'web/http',
        'certificate',
        /needs a certificate/,
      );
      const tls = withTcp(baseResources()).map((r) =>
        r.id === 'web/tcp' ? { ...r, spec: { ...(r.spec as object), protocol: 'TLS' } } : r,
      );
      expectIssue(tls, 'web/tcp', 'certificate', /^a TLS listener needs a certificate$/);
    });
    it('takes no certificate on HTTP', () => {
      expectIssue(
        withSpec(baseResources(), 'web/http', { certificate: PEM_CERTIFICATE }),
        'web/http',
        'certificate',
        /^an HTTP listener takes no certificate/,
      );
    });
    it('takes request body limits on HTTP and HTTPS only', () => {
      expectValid(
        withSpec(baseResources(), 'web/http', { requestBodyGraceSeconds: 5, requestBodyMinBytesPerSecond: 0 }),
      );
      expectIssue(
        withSpec(withTcp(baseResources()), 'web/tcp', { requestBodyGraceSeconds: 5 }),
        'web/tcp',
        'requestBodyGraceSeconds',
        /^a TCP listener has no request bodies/,
      );
      expectIssue(
        withSpec(baseResources(), 'web/http', { requestBodyGraceSeconds: 0 }),
        'web/http',
        'requestBodyGraceSeconds',
        />=1/,
      );
    });
    it('defaults the idle timeout by protocol', () => {
      const resources = validateResources(withTcp(baseResources()));
      const timeout = (id: string) =>
        (resources.find((r) => r.id === id) as ResourceOf<'Listener'>).spec.idleTimeoutSeconds;
      expect(timeout('web/http')).to.equal(60);
      expect(timeout('web/tcp')).to.equal(1800);
    });
  });

  describe('backend service', () => {
    it('rejects a protocol other than HTTP or TCP', () => {
      expectIssue(withSpec(baseResources(), 'web/backend', { protocol: 'UDP' }), 'web/backend', 'protocol', /HTTP|TCP/);
    });
    it('must match the listener layer: HTTP/HTTPS → HTTP, TCP/TLS → TCP', () => {
      expectIssue(
        withSpec(baseResources(), 'web/backend', { protocol: 'TCP' }),
        'web/http',
        'backendService',
        /HTTP listener needs an HTTP backend service/,
      );
    });
    it('accepts the three algorithms and rejects others', () => {
      for (const algorithm of ['WEIGHTED_ROUND_ROBIN', 'WEIGHTED_LEAST_CONNECTIONS', 'SOURCE_IP']) {
        expectValid(withSpec(baseResources(), 'web/backend', { algorithm }));
      }
      expectIssue(
        withSpec(baseResources(), 'web/backend', { algorithm: 'RANDOM' }),
        'web/backend',
        'algorithm',
        /WEIGHTED_ROUND_ROBIN/,
      );
    });
    it('allows cookie session persistence on HTTP only', () => {
      expectValid(withSpec(baseResources(), 'web/backend', { sessionPersistence: { enabled: true } }));
      expectIssue(
        withTcp(baseResources(), { sessionPersistence: { enabled: true } }),
        'web/tcp-backend',
        'sessionPersistence.enabled',
        /only for HTTP\/HTTPS/,
      );
    });
    it('keeps session persistence off by default', () => {
      const backend = validateResources(baseResources()).find(
        (r) => r.id === 'web/backend',
      ) as ResourceOf<'BackendService'>;
      expect(backend.spec.sessionPersistence).to.deep.equal({
        enabled: false,
        cookieName: 'ALBKIT_SERVER',
        ttlSeconds: 0,
      });
    });
    it('keeps X-Forwarded-For on: it cannot be turned off', () => {
      expectValid(withSpec(baseResources(), 'web/backend', { xForwardedFor: true }));
      expectIssue(
        withSpec(baseResources(), 'web/backend', { xForwardedFor: false }),
        'web/backend',
        'xForwardedFor',
        /always on/,
      );
    });
    it('caps connections per server on both protocols, and queues on HTTP only', () => {
      expectValid(
        withSpec(withTcp(baseResources(), { maxConnectionsPerServer: 10 }), 'web/backend', {
          maxConnectionsPerServer: 1,
          maxQueueLength: 0,
          queueTimeoutSeconds: 300,
        }),
      );
      expectIssue(
        withTcp(baseResources(), { queueTimeoutSeconds: 2 }),
        'web/tcp-backend',
        'queueTimeoutSeconds',
        /only HTTP requests wait in a queue/,
      );
      expectIssue(
        withSpec(baseResources(), 'web/backend', { maxConnectionsPerServer: 0 }),
        'web/backend',
        'maxConnectionsPerServer',
        />=1/,
      );
    });
    it('allows PROXY protocol on TCP only, off by default', () => {
      expectValid(withTcp(baseResources(), { proxyProtocol: true }));
      expectIssue(
        withSpec(baseResources(), 'web/backend', { proxyProtocol: true }),
        'web/backend',
        'proxyProtocol',
        /only for TCP\/TLS/,
      );
      const backend = validateResources(baseResources()).find(
        (r) => r.id === 'web/backend',
      ) as ResourceOf<'BackendService'>;
      expect(backend.spec.proxyProtocol).to.equal(false);
    });
    it('fills health check defaults: 5000 ms timeout, 3000 ms interval, thresholds 3, HEAD on the backend protocol', () => {
      const backend = validateResources(baseResources()).find(
        (r) => r.id === 'web/backend',
      ) as ResourceOf<'BackendService'>;
      expect(backend.spec.healthCheck).to.deep.equal({
        enabled: true,
        protocol: 'HTTP',
        path: '/',
        timeoutMs: 5000,
        intervalMs: 3000,
        healthyThreshold: 3,
        unhealthyThreshold: 3,
        statusCodes: ['2xx', '3xx'],
      });
    });
    it('needs the health check timeout below the interval', () => {
      expectValid(withSpec(baseResources(), 'web/backend', { healthCheck: { timeoutMs: 200, intervalMs: 300 } }));
      expectIssue(
        withSpec(baseResources(), 'web/backend', { healthCheck: { timeoutMs: 3000, intervalMs: 3000 } }),
        'web/backend',
        'healthCheck.timeoutMs',
        /less than intervalMs/,
      );
      expectIssue(
        withSpec(baseResources(), 'web/backend', { healthCheck: { timeoutMs: 4000 } }),
        'web/backend',
        'healthCheck.timeoutMs',
        /less than intervalMs/,
      );
    });
    it('reports a timing clash at the field the user set, never at a default it kept, with the values to choose', () => {
      const onlyInterval = issuesOf(withSpec(baseResources(), 'web/backend', { healthCheck: { intervalMs: 4000 } }));
      expect(onlyInterval).to.deep.equal([
        {
          path: 'web/backend',
          field: 'healthCheck.intervalMs',
          message:
            'timeoutMs must be less than intervalMs; timeoutMs is 5000 ms (its default), so set intervalMs above 5000, or timeoutMs below 4000',
        },
      ]);
      const onlyTimeout = issuesOf(withSpec(baseResources(), 'web/backend', { healthCheck: { timeoutMs: 4000 } }));
      expect(onlyTimeout.map((issue) => [issue.field, issue.message])).to.deep.equal([
        [
          'healthCheck.timeoutMs',
          'timeoutMs must be less than intervalMs; intervalMs is 3000 ms (its default), so set timeoutMs below 3000, or intervalMs above 4000',
        ],
      ]);
      expectValid(withSpec(baseResources(), 'web/backend', { healthCheck: { intervalMs: 6000 } }));
    });
    it("accepts the product's documented default pair: 5000 ms timeout, 3000 ms interval", () => {
      expectValid(
        withSpec(baseResources(), 'web/backend', {
          healthCheck: { timeoutMs: 5000, intervalMs: 3000, path: '/healthz' },
        }),
      );
    });
    it('checks health check ranges and status codes', () => {
      expectIssue(
        withSpec(baseResources(), 'web/backend', { healthCheck: { healthyThreshold: 11 } }),
        'web/backend',
        'healthCheck.healthyThreshold',
        /10/,
      );
      expectIssue(
        withSpec(baseResources(), 'web/backend', { healthCheck: { statusCodes: ['2xy'] } }),
        'web/backend',
        'healthCheck.statusCodes[0]',
        /class/,
      );
      expectValid(
        withSpec(baseResources(), 'web/backend', { healthCheck: { statusCodes: ['200', '3xx', '200-299'] } }),
      );
    });
    it('uses server groups or availability groups, not both, and at least one', () => {
      const both = [
        ...withSpec(baseResources(), 'web/backend', { availabilityGroups: ['pool'] }),
        { id: 'pool', kind: 'AvailabilityGroup', spec: { instances: [{ address: '10.0.3.1', zone: 'z1' }] } },
      ];
      expectIssue(both, 'web/backend', 'availabilityGroups', /not both/);
      expectIssue(
        withSpec(baseResources(), 'web/backend', { serverGroups: [] }),
        'web/backend',
        'serverGroups',
        /at least one/,
      );
    });
    it('needs no port with server groups only (their servers carry their own ports)', () => {
      const resources = withSpec(baseResources(), 'web/backend', { port: undefined });
      const backend = validateResources(resources).find((r) => r.id === 'web/backend') as ResourceOf<'BackendService'>;
      expect(backend.spec.port).to.equal(undefined);
    });
    it('needs a port with availability groups, whose instances serve on it', () => {
      const resources = [
        ...withSpec(baseResources(), 'web/backend', {
          port: undefined,
          serverGroups: [],
          availabilityGroups: ['pool'],
        }),
        { id: 'pool', kind: 'AvailabilityGroup', spec: { instances: [{ address: '10.0.3.1', zone: 'z1' }] } },
      ];
      expectIssue(
        resources,
        'web/backend',
        'port',
        /^is required with availability groups: their instances serve on the backend service's port$/,
      );
    });
  });

  describe('servers and instances', () => {
    it('rejects a server outside the VPC', () => {
      const resources = withSpec(baseResources(), 'web/servers', { servers: [{ address: '192.168.0.1', port: 80 }] });
      expectIssue(
        resources,
        'web/servers',
        'servers[0].address',
        /outside the VPC 10\.0\.0\.0\/16 of load balancer web/,
      );
    });
    it('rejects a server in a zone the load balancer is not in', () => {
      const resources = withSpec(baseResources(), 'web/servers', {
        servers: [{ address: '10.0.2.1', port: 80, zone: 'z9' }],
      });
      expectIssue(resources, 'web/servers', 'servers[0].zone', /not one of load balancer web's zones/);
    });
    it("defaults a server's zone to the load balancer's first zone and its weight to 10", () => {
      const group = validateResources(baseResources()).find((r) => r.id === 'web/servers') as ResourceOf<'ServerGroup'>;
      expect(group.spec.servers.map((s) => [s.zone, s.weight])).to.deep.equal([
        ['z1', 10],
        ['z2', 10],
      ]);
    });
    it('takes weights 0–100 only', () => {
      expectValid(
        withSpec(baseResources(), 'web/servers', { servers: [{ address: '10.0.2.1', port: 80, weight: 0 }] }),
      );
      expectIssue(
        withSpec(baseResources(), 'web/servers', { servers: [{ address: '10.0.2.1', port: 80, weight: 101 }] }),
        'web/servers',
        'servers[0].weight',
        /100/,
      );
    });
    it('gives an availability group one weight and no per-instance port', () => {
      const resources = [
        ...withSpec(baseResources(), 'web/backend', { serverGroups: [], availabilityGroups: ['pool'] }),
        {
          id: 'pool',
          kind: 'AvailabilityGroup',
          spec: { weight: 20, instances: [{ address: '10.0.3.1', zone: 'z1', port: 81 }] },
        },
      ];
      expectIssue(resources, 'pool', 'instances[0].port', /unknown field/);
    });
    it('rejects availability group instances outside the VPC of the load balancer using them', () => {
      const resources = [
        ...withSpec(baseResources(), 'web/backend', { serverGroups: [], availabilityGroups: ['pool'] }),
        {
          id: 'pool',
          kind: 'AvailabilityGroup',
          spec: {
            instances: [
              { address: '10.9.0.1', zone: 'z1' },
              { address: '10.0.3.1', zone: 'z1' },
            ],
          },
        },
      ];
      expectIssue(
        resources,
        'pool',
        'instances[0].address',
        /outside the VPC .* \(used by backend service web\/backend\)/,
      );
    });
    it('keeps the instance count within minSize–maxSize', () => {
      const resources = [
        ...withSpec(baseResources(), 'web/backend', { serverGroups: [], availabilityGroups: ['pool'] }),
        {
          id: 'pool',
          kind: 'AvailabilityGroup',
          spec: { minSize: 2, instances: [{ address: '10.0.3.1', zone: 'z1' }] },
        },
      ];
      expectIssue(resources, 'pool', 'instances', /outside minSize–maxSize \(2–10\)/);
    });
  });

  describe('load balancer', () => {
    it('needs the subnet inside the VPC', () => {
      expectIssue(
        withSpec(baseResources(), 'web', { subnet: { cidr: '10.1.0.0/24' } }),
        'web',
        'subnet.cidr',
        /not inside the VPC/,
      );
    });
    it("defaults the intranet address to the subnet's first host", () => {
      const lb = validateResources(baseResources()).find((r) => r.id === 'web') as ResourceOf<'LoadBalancer'>;
      expect(lb.spec.subnet.address).to.equal('10.0.1.1');
    });
    it('takes one or two zones', () => {
      expectIssue(withSpec(baseResources(), 'web', { zones: [] }), 'web', 'zones', />=1/);
      expectIssue(withSpec(baseResources(), 'web', { zones: ['a', 'b', 'c'] }), 'web', 'zones', /<=2/);
    });
    it('gives an EIP to one load balancer only, reporting the second', () => {
      const second = {
        id: 'web2',
        kind: 'LoadBalancer',
        spec: { name: 'web2', zones: ['z1'], vpc: { cidr: '10.0.0.0/16' }, subnet: { cidr: '10.0.9.0/24' }, eip: 'ip' },
      };
      const resources = [
        { id: 'ip', kind: 'Eip', spec: { address: '203.0.113.7' } },
        ...withSpec(baseResources(), 'web', { eip: 'ip' }),
        second,
      ];
      expect(issuesOf(resources)).to.deep.equal([
        { path: 'web2', field: 'eip', message: 'EIP ip is already used by load balancer web' },
      ]);
      expectValid(resources.slice(0, -1));
    });
    it('refuses a listener of a second load balancer on an address and port the first already binds', () => {
      const second: RawResource[] = [
        {
          id: 'web2',
          kind: 'LoadBalancer',
          spec: {
            name: 'web2',
            zones: ['z1'],
            vpc: { cidr: '10.0.0.0/16' },
            subnet: { cidr: '10.0.1.0/24' },
            securityGroups: ['open'],
          },
        },
        {
          id: 'web2/servers',
          kind: 'ServerGroup',
          spec: { loadBalancer: 'web2', servers: [{ name: 'a', address: '10.0.2.1', port: 80 }] },
        },
        {
          id: 'web2/backend',
          kind: 'BackendService',
          spec: { loadBalancer: 'web2', protocol: 'HTTP', port: 80, serverGroups: ['web2/servers'] },
        },
        {
          id: 'web2/http',
          kind: 'Listener',
          spec: { loadBalancer: 'web2', protocol: 'HTTP', port: 80, backendService: 'web2/backend' },
        },
      ];
      expect(issuesOf([...baseResources(), ...second])).to.deep.equal([
        {
          path: 'web2/http',
          field: 'port',
          message:
            '10.0.1.1:80 is already bound by listener web/http of load balancer web; give one load balancer another subnet.address, or this listener another port',
        },
      ]);
      expectValid([
        ...baseResources(),
        ...withSpec(second, 'web2', { subnet: { cidr: '10.0.1.0/24', address: '10.0.1.2' } }),
      ]);
      expectValid([...baseResources(), ...withSpec(second, 'web2/http', { port: 81 })]);
    });
    it('names a missing reference with its kind', () => {
      expectIssue(withSpec(baseResources(), 'web', { eip: 'nope' }), 'web', 'eip', /Eip "nope", which does not exist/);
      expectIssue(
        withSpec(baseResources(), 'web/http', { backendService: 'web/servers' }),
        'web/http',
        'backendService',
        /is a ServerGroup, not a BackendService/,
      );
    });
  });

  it('reports every error at once', () => {
    let resources = withSpec(baseResources(), 'web/http', { protocol: 'HTTPS' });
    resources = withSpec(resources, 'web/servers', { servers: [{ address: '192.168.0.1', port: 80 }] });
    resources = withTcp(resources, { sessionPersistence: { enabled: true }, port: 80 });
    resources = resources.map((r) => (r.id === 'web/tcp' ? { ...r, spec: { ...(r.spec as object), port: 80 } } : r));
    const issues = issuesOf(resources).map((i) => `${i.path}: ${i.field}`);
    expect(issues).to.have.members([
      'web/http: certificate',
      'web/servers: servers[0].address',
      'web/tcp-backend: sessionPersistence.enabled',
      'web/tcp: port',
    ]);
  });

  it('rejects unknown kinds and unknown fields', () => {
    expectIssue([...baseResources(), { id: 'x', kind: 'Router', spec: {} }], 'x', 'kind', /unknown kind "Router"/);
    expectIssue(withSpec(baseResources(), 'web/http', { colour: 'red' }), 'web/http', 'colour', /unknown field/);
  });
});
