/** Manifests for agent tests: one load balancer on loopback with an HTTP listener. */
import type { Manifest } from '../../../lib';

/** A raw manifest document: security group, load balancer, server group, backend service, HTTP listener. */
export function shopManifest(options: { listenerPort: number; backendPort: number; prefix?: string }): {
  apiVersion: 'albkit/v1';
  resources: unknown[];
} {
  const p = options.prefix ?? 'shop';
  return {
    apiVersion: 'albkit/v1',
    resources: [
      { id: `${p}-sg`, kind: 'SecurityGroup', spec: {} },
      {
        id: p,
        kind: 'LoadBalancer',
        spec: {
          name: p,
          zones: ['local-a'],
          vpc: { cidr: '127.0.0.0/8' },
          subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
          securityGroups: [`${p}-sg`],
        },
      },
      {
        id: `${p}/servers`,
        kind: 'ServerGroup',
        spec: { loadBalancer: p, servers: [{ name: 'a', address: '127.0.0.1', port: options.backendPort }] },
      },
      {
        id: `${p}/backend`,
        kind: 'BackendService',
        spec: {
          loadBalancer: p,
          protocol: 'HTTP',
          port: options.backendPort,
          serverGroups: [`${p}/servers`],
          healthCheck: {
            path: '/healthz',
            intervalMs: 300,
            timeoutMs: 200,
            healthyThreshold: 1,
            unhealthyThreshold: 2,
          },
        },
      },
      {
        id: `${p}/http`,
        kind: 'Listener',
        spec: { loadBalancer: p, protocol: 'HTTP', port: options.listenerPort, backendService: `${p}/backend` },
      },
    ],
  };
}

/** The spec of one resource of a manifest document. */
export function specOf(manifest: { resources: unknown[] } | Manifest, id: string): Record<string, unknown> {
  const resource = (manifest.resources as { id: string; spec: Record<string, unknown> }[]).find((r) => r.id === id);
  if (!resource) throw new Error(`no resource ${id} in the fixture`);
  return resource.spec;
}

/**
 * A manifest of `count` load balancers, each with its security group, server group, backend service (health
 * check off) and HTTP listener: 5 × count resources. Load balancer i binds 127.1.<i / 256>.<i % 256>, so
 * every listener can use the same `listenerPort`.
 */
export function manyLoadBalancers(
  count: number,
  options: { listenerPort: number; backendPort: number },
): { apiVersion: 'albkit/v1'; resources: unknown[] } {
  const resources: unknown[] = [];
  for (let index = 0; index < count; index += 1) {
    const p = `lb${index}`;
    resources.push(
      { id: `${p}-sg`, kind: 'SecurityGroup', spec: {} },
      {
        id: p,
        kind: 'LoadBalancer',
        spec: {
          name: p,
          zones: ['local-a'],
          vpc: { cidr: '127.0.0.0/8' },
          subnet: { cidr: '127.1.0.0/16', address: `127.1.${index >> 8}.${index & 255}` },
          securityGroups: [`${p}-sg`],
        },
      },
      {
        id: `${p}/servers`,
        kind: 'ServerGroup',
        spec: { loadBalancer: p, servers: [{ name: 'a', address: '127.0.0.1', port: options.backendPort }] },
      },
      {
        id: `${p}/backend`,
        kind: 'BackendService',
        spec: {
          loadBalancer: p,
          protocol: 'HTTP',
          port: options.backendPort,
          serverGroups: [`${p}/servers`],
          healthCheck: { enabled: false },
        },
      },
      {
        id: `${p}/http`,
        kind: 'Listener',
        spec: { loadBalancer: p, protocol: 'HTTP', port: options.listenerPort, backendService: `${p}/backend` },
      },
    );
  }
  return { apiVersion: 'albkit/v1', resources };
}
