/**
 * `Alb`: a whole application load balancer in one line — security group, optional EIP, load balancer, and for
 * each listener its server group, backend service and listener — with defaults for a local agent.
 */
import * as pulumi from '@pulumi/pulumi';
import { ValidationError, type Issue } from '../../lib/errors';
import { validateResources } from '../../lib/manifest';
import { backendProtocolFor, type ListenerProtocol } from '../../lib/model/listener';
import type { BackendServiceInput, ListenerInput, LoadBalancerInput, SecurityGroupInput, ServerGroupInput } from '../../lib/model';
import { BackendService } from './backend-service';
import { Eip } from './eip';
import { Listener } from './listener';
import { LoadBalancer } from './load-balancer';
import { SecurityGroup } from './security-group';
import { ServerGroup } from './server-group';
import type { ConnectionArgs, DeepInput } from './types';
import { checked } from './validate';

/** Backend service settings of one `Alb` listener; its load balancer, protocol and server group are implied. */
export type AlbBackendArgs = {
  [P in keyof Omit<BackendServiceInput, 'loadBalancer' | 'protocol' | 'port' | 'serverGroups' | 'availabilityGroups'>]: DeepInput<
    BackendServiceInput[P]
  >;
} & {
  /** The backend service's port (servers carry their own). @default the listener's port */
  port?: pulumi.Input<number>;
};

/** One listener of an `Alb`, with the servers it forwards to. */
export interface AlbListenerArgs {
  /** Names its resources: `<alb>/<name>` (listener), `<alb>/<name>/backend`, `<alb>/<name>/servers`. @default `<protocol>-<port>`, such as `http-80` */
  name?: string;
  /** `HTTP`, `HTTPS`, `TCP` or `TLS`; the backend service speaks the matching HTTP or TCP. */
  protocol: ListenerProtocol;
  /** The port, unique on the load balancer. */
  port: number;
  /** Required for HTTPS and TLS. @default none */
  certificate?: DeepInput<ListenerInput['certificate']>;
  /** Idle connection timeout in seconds. @default 60 for HTTP/HTTPS, 1800 for TCP/TLS */
  idleTimeoutSeconds?: pulumi.Input<number>;
  /** HTTP/HTTPS: how long a request body may take before its minimum rate applies, in seconds. @default 20 */
  requestBodyGraceSeconds?: pulumi.Input<number>;
  /** HTTP/HTTPS: the slowest a request body may arrive after its grace window, bytes per second (0: no limit). @default 500 */
  requestBodyMinBytesPerSecond?: pulumi.Input<number>;
  /** The servers traffic goes to (a virtual server group). */
  servers: DeepInput<ServerGroupInput['servers']>;
  /** Algorithm, session persistence, PROXY protocol, health check. @default the model's defaults */
  backend?: AlbBackendArgs;
}

/** The arguments of an `Alb`. */
export interface AlbArgs extends Omit<ConnectionArgs, 'resourceId'> {
  /** The load balancer's name. @default the component name with characters other than letters, digits, `.`, `_`, `-` replaced by `-` */
  name?: pulumi.Input<string>;
  /** The zone(s). @default ['local-a'] */
  zones?: DeepInput<LoadBalancerInput['zones']>;
  /** The VPC; every server must lie inside it. @default { cidr: '127.0.0.0/8' } (loopback, for a local agent) */
  vpc?: DeepInput<LoadBalancerInput['vpc']>;
  /** The subnet and intranet address the listeners bind. @default { cidr: '127.0.0.0/24' } (address 127.0.0.1) */
  subnet?: DeepInput<LoadBalancerInput['subnet']>;
  /** Ingress rules of the load balancer's security group. @default open to every address and port */
  ingress?: DeepInput<SecurityGroupInput['ingress']>;
  /** A public address: creates an EIP, making the load balancer `public`. @default none (`intranet`) */
  eip?: pulumi.Input<string>;
  /** The listeners. */
  listeners: AlbListenerArgs[];
}

/**
 * A complete application load balancer on the albkit agent.
 *
 * @example
 * const alb = new Alb('web', {
 *   endpoint, token,
 *   listeners: [{ protocol: 'HTTP', port: 8080, servers: [{ address: '127.0.0.1', port: 9001 }] }],
 * });
 * export const urls = alb.urls;
 */
export class Alb extends pulumi.ComponentResource {
  /** The load balancer's security group, `<name>/sg`. */
  readonly securityGroup: SecurityGroup;
  /** The EIP, `<name>/eip`, when `eip` was given. */
  readonly eip?: Eip;
  /** The load balancer, `<name>`. */
  readonly loadBalancer: LoadBalancer;
  /** The server group of each listener, by listener name. */
  readonly serverGroups: Record<string, ServerGroup> = {};
  /** The backend service of each listener, by listener name. */
  readonly backendServices: Record<string, BackendService> = {};
  /** The listeners, by name. */
  readonly listeners: Record<string, Listener> = {};
  /** The address the listeners bind (the load balancer's intranet address). */
  readonly address: pulumi.Output<string>;
  /** A URL per listener, by name, such as `http://127.0.0.1:8080`; each known once its listener is bound. */
  readonly urls: pulumi.Output<Record<string, string>>;
  /** The ids of every resource of the component, in creation order, once the whole graph validated. */
  readonly resources: pulumi.Output<string[]>;

  constructor(name: string, args: AlbArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('albkit:index:Alb', name, {}, opts);
    const ids = { securityGroup: `${name}/sg`, eip: `${name}/eip` };
    const sgSpec = args.ingress === undefined ? {} : { ingress: args.ingress };
    const eipSpec = args.eip === undefined ? undefined : { address: args.eip };
    const lbSpec = {
      name: args.name ?? name.replace(/[^A-Za-z0-9._-]/g, '-'),
      zones: args.zones ?? ['local-a'],
      vpc: args.vpc ?? { cidr: '127.0.0.0/8' },
      subnet: args.subnet ?? { cidr: '127.0.0.0/24' },
    };
    const keys = args.listeners.map((listener) => listener.name ?? `${listener.protocol.toLowerCase()}-${listener.port}`);
    // Two listeners of one name would register their resources twice under one Pulumi name: refuse at once.
    const clashes = keys.flatMap((key, i): Issue[] =>
      keys.indexOf(key) < i ? [{ path: `${name}/${key}`, field: `listeners[${i}].name`, message: `"${key}" names two listeners; give each its own name` }] : [],
    );
    if (clashes.length > 0) throw new ValidationError(clashes);
    const listeners = args.listeners.map((listener, i) => {
      const key = keys[i] as string;
      return {
        key,
        ids: { listener: `${name}/${key}`, backend: `${name}/${key}/backend`, servers: `${name}/${key}/servers` },
        servers: listener.servers,
        backend: { port: listener.port, ...listener.backend, protocol: backendProtocolFor(listener.protocol) },
        listener: {
          protocol: listener.protocol,
          port: listener.port,
          certificate: listener.certificate,
          idleTimeoutSeconds: listener.idleTimeoutSeconds,
          requestBodyGraceSeconds: listener.requestBodyGraceSeconds,
          requestBodyMinBytesPerSecond: listener.requestBodyMinBytesPerSecond,
        },
      };
    });

    // The whole graph, checked at once with every cross-component rule (each error naming the resource),
    // before any resource of the component reaches the agent: every child's endpoint waits for it.
    const graph = [
      { id: ids.securityGroup, kind: 'SecurityGroup', spec: sgSpec },
      ...(eipSpec ? [{ id: ids.eip, kind: 'Eip', spec: eipSpec }] : []),
      { id: name, kind: 'LoadBalancer', spec: { ...lbSpec, securityGroups: [ids.securityGroup], eip: eipSpec ? ids.eip : undefined } },
      ...listeners.flatMap((item) => [
        { id: item.ids.servers, kind: 'ServerGroup', spec: { loadBalancer: name, servers: item.servers } },
        { id: item.ids.backend, kind: 'BackendService', spec: { ...item.backend, loadBalancer: name, serverGroups: [item.ids.servers] } },
        { id: item.ids.listener, kind: 'Listener', spec: { ...item.listener, loadBalancer: name, backendService: item.ids.backend } },
      ]),
    ];
    this.resources = checked(graph, (raw) => validateResources(raw.map(dropUndefined)).map((resource) => resource.id));
    const endpoint = pulumi.all([args.endpoint, this.resources]).apply(([url]) => url);
    const connection = { endpoint, token: args.token, timeoutSeconds: args.timeoutSeconds };
    const roots = { parent: this, dependsOn: opts.dependsOn };

    this.securityGroup = new SecurityGroup(ids.securityGroup, { ...connection, ...sgSpec }, roots);
    if (eipSpec) this.eip = new Eip(ids.eip, { ...connection, ...eipSpec }, roots);
    this.loadBalancer = new LoadBalancer(name, { ...connection, ...lbSpec, securityGroups: [this.securityGroup.id], eip: this.eip?.id }, roots);
    const loadBalancer = this.loadBalancer.id;
    const urls: Record<string, pulumi.Output<string>> = {};
    for (const item of listeners) {
      const serverGroup = new ServerGroup(item.ids.servers, { ...connection, loadBalancer, servers: item.servers }, { parent: this });
      const backend = new BackendService(
        item.ids.backend,
        { ...connection, ...item.backend, loadBalancer, serverGroups: [serverGroup.id] },
        { parent: this },
      );
      this.serverGroups[item.key] = serverGroup;
      this.backendServices[item.key] = backend;
      const listener = new Listener(
        item.ids.listener,
        { ...connection, ...item.listener, loadBalancer, backendService: backend.id },
        { parent: this },
      );
      this.listeners[item.key] = listener;
      // Known once the listener is ACTIVE (bound), not before.
      urls[item.key] = pulumi
        .all([this.loadBalancer.resolved, listener.resolved])
        .apply(([lb, bound]) => `${bound.protocol.toLowerCase()}://${lb.subnet.address}:${bound.port}`);
    }
    this.address = this.loadBalancer.resolved.apply((spec) => spec.subnet.address ?? '');
    this.urls = pulumi.output(urls);
    this.registerOutputs({ address: this.address, urls: this.urls, resources: this.resources });
  }
}

/** A raw resource with undefined spec fields left out, as the schemas expect. */
function dropUndefined(raw: unknown): unknown {
  const { spec, ...rest } = raw as { spec: Record<string, unknown> };
  return { ...rest, spec: Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined)) };
}
