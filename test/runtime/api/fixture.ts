/** Manifests for agent tests: one load balancer on loopback with an HTTP listener. */
import type { Manifest } from '../../../lib';

/** A raw manifest document: security group, load balancer, server group, backend service, HTTP listener. */
export function shopManifest(options: { listenerPort: number; backendPort: number; prefix?: string }): { apiVersion: 'albkit/v1'; resources: unknown[] } {
  const p = options.prefix ?? 'shop';
  return {
    apiVersion: 'albkit/v1',
    resources: [
      { id: `${p}-sg`, kind: 'SecurityGroup', spec: {} },
      {
        id: p,
        kind: 'LoadBalancer',
        spec: { name: p, zones: ['local-a'], vpc: { cidr: '127.0.0.0/8' }, subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' }, securityGroups: [`${p}-sg`] },
      },
      { id: `${p}/servers`, kind: 'ServerGroup', spec: { loadBalancer: p, servers: [{ name: 'a', address: '127.0.0.1', port: options.backendPort }] } },
      {
        id: `${p}/backend`,
        kind: 'BackendService',
        spec: {
          loadBalancer: p,
          protocol: 'HTTP',
          port: options.backendPort,
          serverGroups: [`${p}/servers`],
          healthCheck: { path: '/healthz', intervalMs: 300, timeoutMs: 200, healthyThreshold: 1, unhealthyThreshold: 2 },
        },
      },
      { id: `${p}/http`, kind: 'Listener', spec: { loadBalancer: p, protocol: 'HTTP', port: options.listenerPort, backendService: `${p}/backend` } },
    ],
  };
}

/** The spec of one resource of a manifest document. */
export function specOf(manifest: { resources: unknown[] } | Manifest, id: string): Record<string, unknown> {
  const resource = (manifest.resources as { id: string; spec: Record<string, unknown> }[]).find((r) => r.id === id);
  if (!resource) throw new Error(`no resource ${id} in the fixture`);
  return resource.spec;
}
