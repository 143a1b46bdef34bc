/**
 * Rules across components: references, VPC and zones, ports, protocol pairs, certificates, session
 * persistence, PROXY protocol; and an availability group's size, checked here rather than in its schema so
 * that constructs may add its instances one by one. Each returns issues naming the resource id (construct path) and field;
 * `checkRules` runs them all, so every problem is reported at once.
 */
import { withArticle } from './article';
import type { Issue } from './errors';
import { cidrContains, cidrWithin } from './net';
import { referencesOf, type Kind } from './model/kinds';
import { backendProtocolFor, needsCertificate } from './model/listener';
import { serverName } from './model/server-group';
import { intranetAddress } from './resolve';
import { ResourceIndex, type Resource, type ResourceOf } from './resource';
import { URL_MAP_RULES } from './url-map-rules';

/**
 * The resources a check reports on: every resource, or (for a change to a valid set) the changed resource and
 * those whose rules read it. A rule about resource R reads only R and the resources R refers to, except the
 * uniqueness rules, which read every resource of R's kind and report on the later of two.
 */
class Subjects {
  constructor(
    private readonly index: ResourceIndex,
    private readonly ids: ReadonlySet<string> | undefined,
  ) {}
  /** True when issues about `id` are wanted. */
  has(id: string): boolean {
    return this.ids === undefined || this.ids.has(id);
  }
  /** The subjects of `kind`. */
  ofKind<K extends Kind>(kind: K): ResourceOf<K>[] {
    if (this.ids === undefined) return this.index.ofKind(kind);
    return [...this.ids].flatMap((id) => this.index.getOf(kind, id) ?? []);
  }
  /** Every subject. */
  all(): Resource[] {
    if (this.ids === undefined) return this.index.all();
    return [...this.ids].flatMap((id) => this.index.get(id) ?? []);
  }
}

/** The ids present in a check, parsed or not: a set, or an index of the resources that holds them all. */
export interface KnownIds {
  /** True when a resource has this id. */
  has(id: string): boolean;
}

type Rule = (index: ResourceIndex, known: KnownIds, subjects: Subjects, external: ReadonlyMap<string, Kind>) => Issue[];

/**
 * Every reference names an existing resource of the right kind (in the set, or external: made elsewhere, of
 * a known kind); explicit edges name existing resources.
 */
const referencesExist: Rule = (index, known, subjects, external) =>
  subjects.all().flatMap((resource) => [
    ...referencesOf(resource.kind, resource.spec).flatMap(({ field, id, kind }) => {
      const target = index.get(id);
      const externalKind = target ? undefined : external.get(id);
      if (externalKind !== undefined && externalKind !== kind) {
        return [
          {
            path: resource.id,
            field,
            message: `refers to "${id}", which is imported as ${withArticle(externalKind)}, not ${withArticle(kind)}`,
          },
        ];
      }
      if (!target && known.has(id)) return [];
      if (!target) return [{ path: resource.id, field, message: `refers to ${kind} "${id}", which does not exist` }];
      if (target.kind !== kind) {
        return [
          {
            path: resource.id,
            field,
            message: `refers to "${id}", which is ${withArticle(target.kind)}, not ${withArticle(kind)}`,
          },
        ];
      }
      return [];
    }),
    ...resource.dependsOn
      .filter((id) => !known.has(id))
      .map((id) => ({ path: resource.id, field: 'dependsOn', message: `depends on "${id}", which does not exist` })),
  ]);

/** The subnet lies in the VPC and the intranet address in the subnet. */
const subnetInVpc: Rule = (_index, _known, subjects) =>
  subjects.ofKind('LoadBalancer').flatMap(({ id, spec }) => {
    const issues: Issue[] = [];
    if (!cidrWithin(spec.vpc.cidr, spec.subnet.cidr)) {
      issues.push({
        path: id,
        field: 'subnet.cidr',
        message: `${spec.subnet.cidr} is not inside the VPC ${spec.vpc.cidr}`,
      });
    }
    if (spec.subnet.address && !cidrContains(spec.subnet.cidr, spec.subnet.address)) {
      issues.push({
        path: id,
        field: 'subnet.address',
        message: `${spec.subnet.address} is not inside the subnet ${spec.subnet.cidr}`,
      });
    }
    return issues;
  });

/**
 * A rule that a key (an EIP, a port of a load balancer) belongs to one resource of `kind`: the later of two
 * (in index order) is reported, so a change, which comes last, is reported rather than what it clashes with.
 */
function usedOnce<K extends Kind>(
  kind: K,
  keyOf: (resource: ResourceOf<K>) => string | undefined,
  clash: (resource: ResourceOf<K>, first: string) => Omit<Issue, 'path'>,
): Rule {
  return (index, _known, subjects) => {
    const firstOf = new Map<string, string>();
    return index.ofKind(kind).flatMap((resource) => {
      const key = keyOf(resource);
      if (key === undefined) return [];
      const first = firstOf.get(key);
      if (first === undefined) {
        firstOf.set(key, resource.id);
        return [];
      }
      return subjects.has(resource.id) ? [{ path: resource.id, ...clash(resource, first) }] : [];
    });
  };
}

/** An EIP belongs to at most one load balancer. */
const eipUsedOnce = usedOnce(
  'LoadBalancer',
  ({ spec }) => spec.eip,
  ({ spec }, first) => ({ field: 'eip', message: `EIP ${spec.eip} is already used by load balancer ${first}` }),
);

/** A listener port is unique per load balancer. */
const listenerPortUnique = usedOnce(
  'Listener',
  ({ spec }) => `${spec.loadBalancer}:${spec.port}`,
  ({ spec }, first) => ({
    field: 'port',
    message: `${spec.port} is already used by listener ${first} on load balancer ${spec.loadBalancer}`,
  }),
);

/**
 * No two load balancers bind the same address and port: a listener's port is unique per bound (intranet)
 * address too (two listeners of one load balancer are the port-per-load-balancer rule's to report).
 */
const listenerAddressUnique: Rule = (index, _known, subjects) => {
  const firstOf = new Map<string, ResourceOf<'Listener'>>();
  return index.ofKind('Listener').flatMap((listener) => {
    const lb = index.getOf('LoadBalancer', listener.spec.loadBalancer);
    const address = lb && intranetAddress(lb.spec.subnet);
    if (!address) return [];
    const key = `${address}:${listener.spec.port}`;
    const first = firstOf.get(key);
    if (!first) firstOf.set(key, listener);
    if (!first || first.spec.loadBalancer === listener.spec.loadBalancer || !subjects.has(listener.id)) return [];
    const message = `${key} is already bound by listener ${first.id} of load balancer ${first.spec.loadBalancer}; give one load balancer another subnet.address, or this listener another port`;
    return [{ path: listener.id, field: 'port', message }];
  });
};

/** A listener's backend service is on the same load balancer and speaks the matching layer. */
const listenerBackend: Rule = (index, _known, subjects) =>
  subjects.ofKind('Listener').flatMap(({ id, spec }) => {
    const backend = index.getOf('BackendService', spec.backendService);
    if (!backend) return [];
    const issues: Issue[] = [];
    if (backend.spec.loadBalancer !== spec.loadBalancer) {
      issues.push({
        path: id,
        field: 'backendService',
        message: `backend service ${backend.id} belongs to load balancer ${backend.spec.loadBalancer}, not ${spec.loadBalancer}`,
      });
    }
    const wanted = backendProtocolFor(spec.protocol);
    if (backend.spec.protocol !== wanted) {
      issues.push({
        path: id,
        field: 'backendService',
        message: `${withArticle(spec.protocol)} listener needs ${withArticle(wanted)} backend service; ${
          backend.id
        } is ${backend.spec.protocol}`,
      });
    }
    return issues;
  });

/** HTTPS and TLS listeners have a certificate; HTTP and TCP listeners have none. */
const listenerCertificate: Rule = (_index, _known, subjects) =>
  subjects.ofKind('Listener').flatMap(({ id, spec }) => {
    if (needsCertificate(spec.protocol) && !spec.certificate) {
      return [
        { path: id, field: 'certificate', message: `${withArticle(spec.protocol)} listener needs a certificate` },
      ];
    }
    if (!needsCertificate(spec.protocol) && spec.certificate) {
      return [
        {
          path: id,
          field: 'certificate',
          message: `${withArticle(spec.protocol)} listener takes no certificate (use HTTPS or TLS)`,
        },
      ];
    }
    return [];
  });

/** The request body limits are for HTTP and HTTPS listeners (a TCP or TLS listener sees no requests). */
const listenerBodyLimits: Rule = (_index, _known, subjects) =>
  subjects.ofKind('Listener').flatMap(({ id, spec }) =>
    backendProtocolFor(spec.protocol) === 'HTTP'
      ? []
      : (['requestBodyGraceSeconds', 'requestBodyMinBytesPerSecond'] as const)
          .filter((field) => spec[field] !== undefined)
          .map((field) => ({
            path: id,
            field,
            message: `${withArticle(spec.protocol)} listener has no request bodies (use HTTP or HTTPS)`,
          })),
  );

/**
 * Backend services: one kind of group, at least one; a port with availability groups; persistence on HTTP only;
 * PROXY protocol on TCP only.
 */
const backendServiceShape: Rule = (index, _known, subjects) =>
  subjects.ofKind('BackendService').flatMap(({ id, spec }) => {
    const issues: Issue[] = [];
    const groups = spec.serverGroups.length;
    const availability = spec.availabilityGroups.length;
    if (groups > 0 && availability > 0) {
      issues.push({
        path: id,
        field: 'availabilityGroups',
        message: 'a backend service uses server groups or availability groups, not both',
      });
    }
    if (groups === 0 && availability === 0) {
      issues.push({
        path: id,
        field: 'serverGroups',
        message: 'needs at least one server group or availability group',
      });
    }
    if (availability > 0 && spec.port === undefined) {
      issues.push({
        path: id,
        field: 'port',
        message: "is required with availability groups: their instances serve on the backend service's port",
      });
    }
    if (spec.protocol === 'TCP' && spec.sessionPersistence?.enabled) {
      issues.push({
        path: id,
        field: 'sessionPersistence.enabled',
        message: 'cookie session persistence works only for HTTP/HTTPS listeners (backend protocol HTTP)',
      });
    }
    if (spec.protocol === 'HTTP' && spec.proxyProtocol) {
      issues.push({
        path: id,
        field: 'proxyProtocol',
        message: 'PROXY protocol is only for TCP/TLS listeners (backend protocol TCP); HTTP uses X-Forwarded-For',
      });
    }
    if (spec.protocol === 'TCP') {
      for (const field of ['maxQueueLength', 'queueTimeoutSeconds'] as const) {
        if (spec[field] !== undefined)
          issues.push({
            path: id,
            field,
            message: "only HTTP requests wait in a queue (a TCP connection beyond every server's cap is closed)",
          });
      }
    }
    for (const [index_, groupId] of spec.serverGroups.entries()) {
      const group = index.getOf('ServerGroup', groupId);
      if (group && group.spec.loadBalancer !== spec.loadBalancer) {
        issues.push({
          path: id,
          field: `serverGroups[${index_}]`,
          message: `server group ${groupId} belongs to load balancer ${group.spec.loadBalancer}, not ${spec.loadBalancer}`,
        });
      }
    }
    return issues;
  });

/** Servers lie inside the load balancer's VPC and in its zones; names are unique within a group. */
const serversInVpc: Rule = (index, _known, subjects) =>
  subjects.ofKind('ServerGroup').flatMap(({ id, spec }) => {
    const lb = index.getOf('LoadBalancer', spec.loadBalancer);
    const issues: Issue[] = [];
    const names = new Set<string>();
    spec.servers.forEach((server, i) => {
      const name = serverName(server);
      if (names.has(name))
        issues.push({ path: id, field: `servers[${i}].name`, message: `"${name}" is used twice in the group` });
      names.add(name);
      if (lb) issues.push(...placementIssues(id, `servers[${i}]`, server, lb, ''));
    });
    return issues;
  });

/** Availability group instances lie inside the VPC and zones of each load balancer that uses them. */
const instancesInVpc: Rule = (index, _known, subjects) =>
  subjects.ofKind('BackendService').flatMap((backend) => {
    const lb = index.getOf('LoadBalancer', backend.spec.loadBalancer);
    if (!lb) return [];
    return backend.spec.availabilityGroups.flatMap((groupId) => {
      const group = index.getOf('AvailabilityGroup', groupId);
      if (!group) return [];
      return group.spec.instances.flatMap((instance, i) =>
        placementIssues(group.id, `instances[${i}]`, instance, lb, ` (used by backend service ${backend.id})`),
      );
    });
  });

/** An availability group's instance count lies within its `minSize`–`maxSize`. */
const availabilityGroupSize: Rule = (_index, _known, subjects) =>
  subjects.ofKind('AvailabilityGroup').flatMap(({ id, spec }) => {
    const count = spec.instances.length;
    if (count >= spec.minSize && count <= spec.maxSize) return [];
    return [
      {
        path: id,
        field: 'instances',
        message: `${count} instances is outside minSize–maxSize (${spec.minSize}–${spec.maxSize})`,
      },
    ];
  });

function placementIssues(
  path: string,
  field: string,
  target: { address: string; zone?: string | undefined },
  lb: ResourceOf<'LoadBalancer'>,
  usedBy: string,
): Issue[] {
  const issues: Issue[] = [];
  if (!cidrContains(lb.spec.vpc.cidr, target.address)) {
    issues.push({
      path,
      field: `${field}.address`,
      message: `${target.address} is outside the VPC ${lb.spec.vpc.cidr} of load balancer ${lb.id}${usedBy}`,
    });
  }
  if (target.zone !== undefined && !lb.spec.zones.includes(target.zone)) {
    issues.push({
      path,
      field: `${field}.zone`,
      message: `zone ${target.zone} is not one of load balancer ${lb.id}'s zones (${lb.spec.zones.join(
        ', ',
      )})${usedBy}`,
    });
  }
  return issues;
}

const RULES: readonly Rule[] = [
  referencesExist,
  subnetInVpc,
  eipUsedOnce,
  listenerPortUnique,
  listenerAddressUnique,
  listenerBackend,
  listenerCertificate,
  listenerBodyLimits,
  backendServiceShape,
  serversInVpc,
  instancesInVpc,
  availabilityGroupSize,
  ...URL_MAP_RULES,
];

/**
 * Every cross-component issue of the resources whose specs parsed. `known` holds every id present, parsed or
 * not, so a reference to a resource with its own errors is not reported again as missing. With `subjects`,
 * only the rules about those resources run: when the other resources are valid together, checking the
 * changed resource and the resources that depend on it finds every issue a full check would. `external`
 * gives the kind of resources made elsewhere (their ids also in `known`): references to them are checked for
 * their kind only, and the rules that read a referenced resource's spec skip them. `index` is an index of
 * `resources` the caller built already, so one check of a change builds one.
 */
export function checkRules(
  resources: readonly Resource[],
  known: KnownIds = new Set(resources.map((r) => r.id)),
  subjects?: ReadonlySet<string>,
  external: ReadonlyMap<string, Kind> = new Map(),
  index: ResourceIndex = new ResourceIndex(resources),
): Issue[] {
  const scope = new Subjects(index, subjects);
  return RULES.flatMap((rule) => rule(index, known, scope, external));
}
