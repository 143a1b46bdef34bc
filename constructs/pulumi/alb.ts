/**
 * `Alb`: a whole application load balancer in one line — security group, optional EIP, load balancer, and for
 * each listener its server group, backend service, listener and (with rules) url map; more backend services for
 * rules to name (a canary) — with defaults for a local agent.
 */
import * as pulumi from '@pulumi/pulumi';
import { ValidationError, type Issue } from '../../lib/errors';
import { validateResources } from '../../lib/manifest';
import { backendProtocolFor, type ListenerProtocol } from '../../lib/model/listener';
import type {
  BackendServiceInput,
  ListenerInput,
  LoadBalancerInput,
  SecurityGroupInput,
  ServerGroupInput,
  UrlMapInput,
} from '../../lib/model';
import { BackendService } from './backend-service';
import { Eip } from './eip';
import { Listener } from './listener';
import { LoadBalancer } from './load-balancer';
import { SecurityGroup } from './security-group';
import { ServerGroup } from './server-group';
import type { ConnectionArgs, DeepInput } from './types';
import { UrlMap } from './url-map';
import { checked } from './validate';

/** Backend service settings of one `Alb` listener; its load balancer, protocol and server group are implied. */
export type AlbBackendArgs = {
  [
    P in keyof Omit<BackendServiceInput, 'loadBalancer' | 'protocol' | 'port' | 'serverGroups' | 'availabilityGroups'>
  ]: DeepInput<BackendServiceInput[P]>;
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
  /**
   * HTTP/HTTPS: forwarding rules, in a url map `<alb>/<name>/rules` the listener names; a request no rule matches
   * goes to the listener's own servers. A rule names backend services by the name of a listener or of a `targets`
   * entry of this `Alb`. @default none
   */
  rules?: NonNullable<UrlMapInput['rules']>;
}

/** A backend service of an `Alb` that no listener uses by default, for rules to name (a canary, a mirror). */
export interface AlbTargetArgs {
  /** What rules name it by; names its resources `<alb>/<name>/backend` and `<alb>/<name>/servers`. */
  name: string;
  /** The backend service's port (servers carry their own). */
  port: number;
  /** The servers traffic goes to (a virtual server group). */
  servers: DeepInput<ServerGroupInput['servers']>;
  /** Algorithm, session persistence, health check; the protocol is HTTP. @default the model's defaults */
  backend?: Omit<AlbBackendArgs, 'port'>;
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
  /** HTTP backend services for the listeners' rules to name besides the listeners' own. @default none */
  targets?: AlbTargetArgs[];
}

type Rule = NonNullable<UrlMapInput['rules']>[number];

/** `rule` with each backend service it names (forward, weighted targets, mirror) replaced by `idOf(name)`. */
function withBackendIds<T>(rule: Rule, idOf: (name: string) => T): Record<string, unknown> {
  const { forward, weightedForward } = rule.action;
  const action = {
    ...rule.action,
    ...(forward ? { forward: { backendService: idOf(forward.backendService) } } : {}),
    ...(weightedForward
      ? {
          weightedForward: {
            ...weightedForward,
            targets: weightedForward.targets.map((target) => ({
              ...target,
              backendService: idOf(target.backendService),
            })),
          },
        }
      : {}),
  };
  const mirror = rule.preActions?.mirror;
  const preActions = rule.preActions && {
    ...rule.preActions,
    ...(mirror ? { mirror: { backendService: idOf(mirror.backendService) } } : {}),
  };
  return { ...rule, action, ...(preActions ? { preActions } : {}) };
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
  /** The url map of each listener given rules, by listener name. */
  readonly urlMaps: Record<string, UrlMap> = {};
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
    const keys = args.listeners.map(
      (listener) => listener.name ?? `${listener.protocol.toLowerCase()}-${listener.port}`,
    );
    const targets = args.targets ?? [];
    const names = [...keys, ...targets.map((target) => target.name)];
    // Two listeners (or targets) of one name would register their resources twice under one Pulumi name: refuse at once.
    const clashes = names.flatMap((key, i): Issue[] => {
      if (names.indexOf(key) === i) return [];
      const field = i < keys.length ? `listeners[${i}].name` : `targets[${i - keys.length}].name`;
      const what = i < keys.length ? 'two listeners' : 'a listener or target already';
      return [{ path: `${name}/${key}`, field, message: `"${key}" names ${what}; give each its own name` }];
    });
    // A rule naming no listener or target of this Alb could not be wired to a backend service: refuse at once too.
    const strangers = args.listeners.flatMap((listener, i): Issue[] =>
      (listener.rules ?? []).flatMap((rule, j) => {
        const unknown: string[] = [];
        withBackendIds(rule, (backend) => (names.includes(backend) ? backend : unknown.push(backend)));
        return unknown.map((backend) => ({
          path: `${name}/${keys[i] ?? ''}`,
          field: `listeners[${i}].rules[${j}]`,
          message: `backend service "${backend}" is neither a listener nor a target of this Alb (${names.join(', ')})`,
        }));
      }),
    );
    if (clashes.length + strangers.length > 0) throw new ValidationError([...clashes, ...strangers]);
    const listeners = args.listeners.map((listener, i) => {
      const key = keys[i] as string;
      return {
        key,
        ids: { listener: `${name}/${key}`, backend: `${name}/${key}/backend`, rules: `${name}/${key}/rules` },
        servers: listener.servers,
        backend: { port: listener.port, ...listener.backend, protocol: backendProtocolFor(listener.protocol) },
        rules: listener.rules,
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
    const backendIdOf = (key: string): string => `${name}/${key}/backend`;
    const pools = [
      ...listeners.map(({ key, servers, backend }) => ({ key, servers, backend })),
      ...targets.map((target) => ({
        key: target.name,
        servers: target.servers,
        backend: { ...target.backend, port: target.port, protocol: 'HTTP' as const },
      })),
    ];

    // The whole graph, checked at once with every cross-component rule (each error naming the resource),
    // before any resource of the component reaches the agent: every child's endpoint waits for it.
    const graph = [
      { id: ids.securityGroup, kind: 'SecurityGroup', spec: sgSpec },
      ...(eipSpec ? [{ id: ids.eip, kind: 'Eip', spec: eipSpec }] : []),
      {
        id: name,
        kind: 'LoadBalancer',
        spec: { ...lbSpec, securityGroups: [ids.securityGroup], eip: eipSpec ? ids.eip : undefined },
      },
      ...pools.flatMap((pool) => [
        { id: `${name}/${pool.key}/servers`, kind: 'ServerGroup', spec: { loadBalancer: name, servers: pool.servers } },
        {
          id: backendIdOf(pool.key),
          kind: 'BackendService',
          spec: { ...pool.backend, loadBalancer: name, serverGroups: [`${name}/${pool.key}/servers`] },
        },
      ]),
      ...listeners.flatMap((item) => [
        ...(item.rules
          ? [
              {
                id: item.ids.rules,
                kind: 'UrlMap',
                spec: { loadBalancer: name, rules: item.rules.map((rule) => withBackendIds(rule, backendIdOf)) },
              },
            ]
          : []),
        {
          id: item.ids.listener,
          kind: 'Listener',
          spec: {
            ...item.listener,
            loadBalancer: name,
            backendService: item.ids.backend,
            urlMap: item.rules ? item.ids.rules : undefined,
          },
        },
      ]),
    ];
    this.resources = checked(graph, (raw) => validateResources(raw.map(dropUndefined)).map((resource) => resource.id));
    const endpoint = pulumi.all([args.endpoint, this.resources]).apply(([url]) => url);
    const connection = { endpoint, token: args.token, timeoutSeconds: args.timeoutSeconds };
    const roots = { parent: this, dependsOn: opts.dependsOn };

    this.securityGroup = new SecurityGroup(ids.securityGroup, { ...connection, ...sgSpec }, roots);
    if (eipSpec) this.eip = new Eip(ids.eip, { ...connection, ...eipSpec }, roots);
    this.loadBalancer = new LoadBalancer(
      name,
      { ...connection, ...lbSpec, securityGroups: [this.securityGroup.id], eip: this.eip?.id },
      roots,
    );
    const loadBalancer = this.loadBalancer.id;
    const urls: Record<string, pulumi.Output<string>> = {};
    for (const pool of pools) {
      const serverGroup = new ServerGroup(
        `${name}/${pool.key}/servers`,
        { ...connection, loadBalancer, servers: pool.servers },
        { parent: this },
      );
      this.serverGroups[pool.key] = serverGroup;
      this.backendServices[pool.key] = new BackendService(
        backendIdOf(pool.key),
        { ...connection, ...pool.backend, loadBalancer, serverGroups: [serverGroup.id] },
        { parent: this },
      );
    }
    // Every name a rule gives was found above.
    const backendOf = (key: string): pulumi.Output<string> => this.backendServices[key]!.id;
    for (const item of listeners) {
      if (item.rules) {
        const rules = item.rules.map((rule) => withBackendIds(rule, backendOf)) as UrlMapInput['rules'];
        this.urlMaps[item.key] = new UrlMap(item.ids.rules, { ...connection, loadBalancer, rules }, { parent: this });
      }
      const listener = new Listener(
        item.ids.listener,
        {
          ...connection,
          ...item.listener,
          loadBalancer,
          backendService: backendOf(item.key),
          urlMap: this.urlMaps[item.key]?.id,
        },
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
