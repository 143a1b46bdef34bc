/**
 * The L2 constructs for CDKTF: albkit's own constructs (same props, same `addListener`/`addServerGroup`/
 * `addBackendService`, same validation), bound to the Terraform stack they are created in.
 */
import type { Construct } from 'constructs';
import * as core from '../index';
import { bindToTerraform } from './binding';

type ResourceClass = new (scope: Construct, id: string, ...props: never[]) => core.AlbResource;

/**
 * The albkit construct class `Base`, whose instances synthesize to Terraform resources in their stack; its
 * statics (`fromResourceId`) are inherited, and an imported reference stays a literal id in the stack.
 */
function inTerraform<C extends ResourceClass>(Base: C): C {
  const Concrete = Base as unknown as new (scope: Construct, id: string, ...props: unknown[]) => Construct;
  return class extends Concrete {
    constructor(scope: Construct, id: string, ...props: unknown[]) {
      super(scope, id, ...props);
      bindToTerraform(this as unknown as core.AlbResource);
    }
  } as unknown as C;
}

/** A security group: ingress rules enforced when a listener accepts a connection. */
export const SecurityGroup = inTerraform(core.SecurityGroup);
export type SecurityGroup = core.SecurityGroup;

/** An EIP: a public address the load balancer's listeners also bind. */
export const Eip = inTerraform(core.Eip);
export type Eip = core.Eip;

/** An availability group: instances across zones, one weight for all. */
export const AvailabilityGroup = inTerraform(core.AvailabilityGroup);
export type AvailabilityGroup = core.AvailabilityGroup;

/** A load balancer; add its listeners, server groups and backend services with its `add…` methods. */
export const LoadBalancer = inTerraform(core.LoadBalancer);
export type LoadBalancer = core.LoadBalancer;

/** A virtual server group of a load balancer. */
export const ServerGroup = inTerraform(core.ServerGroup);
export type ServerGroup = core.ServerGroup;

/** A backend service of a load balancer. */
export const BackendService = inTerraform(core.BackendService);
export type BackendService = core.BackendService;

/** The conditions and actions of a url map's rules, as in an albkit App. */
export { ListenerAction, ListenerCondition } from '../index';

/** A url map (forwarding rules) of a load balancer. */
export const UrlMap = inTerraform(core.UrlMap);
export type UrlMap = core.UrlMap;

/** A listener of a load balancer. */
export const Listener = inTerraform(core.Listener);
export type Listener = core.Listener;
