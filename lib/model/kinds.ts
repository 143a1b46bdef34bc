/**
 * The registry of component kinds: for each, its spec schema, its control API collection, the fields whose
 * change forces a replace, and the references it makes to other resources (its implied dependencies).
 */
import { z } from 'zod';
import { AvailabilityGroupSpec } from './availability-group';
import { BackendServiceSpec } from './backend-service';
import { EipSpec } from './eip';
import { ListenerSpec } from './listener';
import { LoadBalancerSpec } from './load-balancer';
import { SecurityGroupSpec } from './security-group';
import { ServerGroupSpec } from './server-group';
import { UrlMapSpec, type UrlMapSpec as UrlMapSpecType } from './url-map';

/** The component kinds, in the order their resources are created. */
export const KIND_NAMES = [
  'SecurityGroup',
  'Eip',
  'AvailabilityGroup',
  'LoadBalancer',
  'ServerGroup',
  'BackendService',
  'UrlMap',
  'Listener',
] as const;
/** A component kind: `SecurityGroup`, `Eip`, …, `Listener`. */
export type Kind = (typeof KIND_NAMES)[number];
/** The schema of a kind name. */
export const Kind = z.enum(KIND_NAMES);

/** The spec type of each kind. */
export interface SpecOf {
  SecurityGroup: z.output<typeof SecurityGroupSpec>;
  Eip: z.output<typeof EipSpec>;
  AvailabilityGroup: z.output<typeof AvailabilityGroupSpec>;
  LoadBalancer: z.output<typeof LoadBalancerSpec>;
  ServerGroup: z.output<typeof ServerGroupSpec>;
  BackendService: z.output<typeof BackendServiceSpec>;
  UrlMap: UrlMapSpecType;
  Listener: z.output<typeof ListenerSpec>;
}

/** A reference from one resource's spec field to another resource. */
export interface Reference {
  /** The field that holds the id, with its index for arrays: `serverGroups[1]`. */
  field: string;
  /** The id referred to. */
  id: string;
  /** The kind the referred resource must be. */
  kind: Kind;
}

/** What the model knows of one kind. */
export interface KindInfo<K extends Kind> {
  /** The kind's name. */
  kind: K;
  /** The spec schema. */
  schema: z.ZodType<SpecOf[K]>;
  /** The control API collection: `/v1/<collection>/<id>`. */
  collection: string;
  /** Top-level spec fields whose change forces a replace (delete, then create). */
  replaceOnChange: readonly (keyof SpecOf[K] & string)[];
  /** The resources this spec refers to. */
  references(spec: SpecOf[K]): Reference[];
}

/** The references a field holding one id or a list of ids makes to resources of `kind`. */
function refs(field: string, kind: Kind, ids: readonly string[] | string | undefined): Reference[] {
  if (ids === undefined) return [];
  if (typeof ids === 'string') return [{ field, id: ids, kind }];
  return ids.map((id, index) => ({ field: `${field}[${index}]`, id, kind }));
}

/** The backend services one rule of a url map sends requests to: its forward, its weighted targets, its mirror. */
function ruleReferences(path: string, rule: UrlMapSpecType['rules'][number]): Reference[] {
  const { forward, weightedForward } = rule.action;
  return [
    ...refs(`${path}.action.forward.backendService`, 'BackendService', forward?.backendService),
    ...(weightedForward?.targets ?? []).flatMap((target, index) =>
      refs(`${path}.action.weightedForward.targets[${index}].backendService`, 'BackendService', target.backendService),
    ),
    ...refs(`${path}.preActions.mirror.backendService`, 'BackendService', rule.preActions?.mirror?.backendService),
  ];
}

/** Every kind's schema, collection, replace fields and references. */
export const KINDS: { [K in Kind]: KindInfo<K> } = {
  SecurityGroup: {
    kind: 'SecurityGroup',
    schema: SecurityGroupSpec,
    collection: 'security-groups',
    replaceOnChange: [],
    references: () => [],
  },
  Eip: {
    kind: 'Eip',
    schema: EipSpec,
    collection: 'eips',
    replaceOnChange: [],
    references: () => [],
  },
  AvailabilityGroup: {
    kind: 'AvailabilityGroup',
    schema: AvailabilityGroupSpec,
    collection: 'availability-groups',
    replaceOnChange: [],
    references: () => [],
  },
  LoadBalancer: {
    kind: 'LoadBalancer',
    schema: LoadBalancerSpec,
    collection: 'load-balancers',
    replaceOnChange: ['zones', 'vpc', 'subnet'],
    references: (spec) => [
      ...refs('securityGroups', 'SecurityGroup', spec.securityGroups),
      ...refs('eip', 'Eip', spec.eip),
    ],
  },
  ServerGroup: {
    kind: 'ServerGroup',
    schema: ServerGroupSpec,
    collection: 'server-groups',
    replaceOnChange: ['loadBalancer'],
    references: (spec) => refs('loadBalancer', 'LoadBalancer', spec.loadBalancer),
  },
  BackendService: {
    kind: 'BackendService',
    schema: BackendServiceSpec,
    collection: 'backend-services',
    replaceOnChange: ['loadBalancer', 'protocol'],
    references: (spec) => [
      ...refs('loadBalancer', 'LoadBalancer', spec.loadBalancer),
      ...refs('serverGroups', 'ServerGroup', spec.serverGroups),
      ...refs('availabilityGroups', 'AvailabilityGroup', spec.availabilityGroups),
    ],
  },
  UrlMap: {
    kind: 'UrlMap',
    schema: UrlMapSpec,
    collection: 'url-maps',
    replaceOnChange: ['loadBalancer'],
    references: (spec) => [
      ...refs('loadBalancer', 'LoadBalancer', spec.loadBalancer),
      ...spec.rules.flatMap((rule, index) => ruleReferences(`rules[${index}]`, rule)),
    ],
  },
  Listener: {
    kind: 'Listener',
    schema: ListenerSpec,
    collection: 'listeners',
    replaceOnChange: ['loadBalancer', 'protocol', 'port'],
    references: (spec) => [
      ...refs('loadBalancer', 'LoadBalancer', spec.loadBalancer),
      ...refs('backendService', 'BackendService', spec.backendService),
      ...refs('urlMap', 'UrlMap', spec.urlMap),
    ],
  },
};

/** The kind whose control API collection is `collection`, if any. */
export function kindOfCollection(collection: string): Kind | undefined {
  return KIND_NAMES.find((kind) => KINDS[kind].collection === collection);
}

/** The references of any resource, typed loosely for generic code. */
export function referencesOf(kind: Kind, spec: unknown): Reference[] {
  return (KINDS[kind] as KindInfo<Kind>).references(spec as never);
}
