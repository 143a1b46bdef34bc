/**
 * The bench topologies as albkit apps, written with the L2 constructs exactly as a user would, synthesized to
 * manifest files the agent and `albkit deploy` read.
 */
import { writeFileSync } from 'node:fs';
import { App, LoadBalancer, manifestText, type Algorithm } from '../../index';
import { HOST } from '../ports';

const ZONE = 'local-a';

function loadBalancer(app: App): LoadBalancer {
  return new LoadBalancer(app, 'bench', {
    zones: [ZONE],
    vpc: { cidr: '127.0.0.0/8' },
    subnet: { cidr: '127.0.0.0/24', address: HOST },
  });
}

/** A variation of the HTTP topology, for the reconfiguration suite. */
export interface HttpVariant {
  /** One weight per backend port. @default 10 each */
  weights?: readonly number[];
  /** @default 'WEIGHTED_ROUND_ROBIN' */
  algorithm?: Algorithm;
  /** Health check interval. @default the model's */
  healthCheckIntervalMs?: number;
}

/**
 * The HTTP topology: one load balancer, an HTTP listener on `port`, a backend service with weighted round
 * robin and the default health check (HEAD / every 3 s) over the backends; X-Forwarded-For is always on.
 */
export function httpApp(port: number, backendPorts: readonly number[], variant: HttpVariant = {}): App {
  const app = new App();
  const lb = loadBalancer(app);
  const servers = lb.addServerGroup('servers', {
    servers: backendPorts.map((backend, index) => ({
      name: `s${index + 1}`,
      address: HOST,
      port: backend,
      weight: variant.weights?.[index] ?? 10,
      zone: ZONE,
    })),
  });
  const backend = lb.addBackendService('web', {
    protocol: 'HTTP',
    port: backendPorts[0]!,
    algorithm: variant.algorithm ?? 'WEIGHTED_ROUND_ROBIN',
    serverGroups: [servers],
  });
  if (variant.healthCheckIntervalMs !== undefined) {
    backend.configureHealthCheck({
      intervalMs: variant.healthCheckIntervalMs,
      timeoutMs: Math.min(2000, variant.healthCheckIntervalMs - 100),
    });
  }
  lb.addListener('http', { protocol: 'HTTP', port, backendService: backend });
  return app;
}

/**
 * The TCP topology: a TCP listener on `port` to the sink. Health check off: the sink accepts exactly one
 * connection (HAProxy's TCP target has none either).
 */
export function tcpApp(port: number, tcpBackendPort: number): App {
  const app = new App();
  const lb = loadBalancer(app);
  const sink = lb.addServerGroup('sink', {
    servers: [{ name: 'sink', address: HOST, port: tcpBackendPort, zone: ZONE }],
  });
  const backend = lb.addBackendService('stream', { protocol: 'TCP', port: tcpBackendPort, serverGroups: [sink] });
  backend.configureHealthCheck({ enabled: false });
  lb.addListener('tcp', { protocol: 'TCP', port, backendService: backend });
  return app;
}

/**
 * The control-plane topology: one load balancer with `count` HTTP listeners (ports from `firstPort` up),
 * each with its own backend service and server group over the backends: 1 + 3 × count resources.
 */
export function controlApp(count: number, firstPort: number, backendPorts: readonly number[]): App {
  const app = new App();
  const lb = loadBalancer(app);
  for (let index = 0; index < count; index += 1) {
    const group = lb.addServerGroup(`group-${index}`, {
      servers: backendPorts.map((backend, server) => ({
        name: `s${server + 1}`,
        address: HOST,
        port: backend,
        zone: ZONE,
      })),
    });
    const backend = lb.addBackendService(`backend-${index}`, {
      protocol: 'HTTP',
      port: backendPorts[0]!,
      serverGroups: [group],
    });
    lb.addListener(`listener-${index}`, { protocol: 'HTTP', port: firstPort + index, backendService: backend });
  }
  return app;
}

/** Synthesizes an app and writes its manifest to `file`; returns how many resources it holds. */
export function writeManifest(app: App, file: string): number {
  const manifest = app.synth();
  writeFileSync(file, manifestText(manifest));
  return manifest.resources.length;
}

/**
 * The bulk topology of the apply suite: `count` load balancers on addresses 127.1.x.y, each with its
 * security group, a server group over the backend, a backend service (health check off) and an HTTP listener
 * on `port`: 5 × count resources, none of them sharing a load balancer with the probed listener.
 */
export function bulkApp(count: number, port: number, backendPort: number): App {
  const app = new App();
  for (let index = 0; index < count; index += 1) {
    const lb = new LoadBalancer(app, `bulk-${index}`, {
      zones: [ZONE],
      vpc: { cidr: '127.0.0.0/8' },
      subnet: { cidr: '127.1.0.0/16', address: `127.1.${index >> 8}.${index & 255}` },
    });
    const group = lb.addServerGroup('servers', {
      servers: [{ name: 's1', address: HOST, port: backendPort, zone: ZONE }],
    });
    const backend = lb.addBackendService('backend', { protocol: 'HTTP', port: backendPort, serverGroups: [group] });
    backend.configureHealthCheck({ enabled: false });
    lb.addListener('http', { protocol: 'HTTP', port, backendService: backend });
  }
  return app;
}
