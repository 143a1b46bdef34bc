/**
 * The L2 constructs for CDKTF: albkit's own constructs (same props, same `addListener`/`addServerGroup`/
 * `addBackendService`, same validation), bound to the Terraform stack they are created in.
 */
import type { Construct } from 'constructs';
import * as core from '../index';
import { bindToTerraform } from './binding';

type ResourceClass<P extends unknown[], T extends core.AlbResource> = new (scope: Construct, id: string, ...props: P) => T;

/** The albkit construct class `Base`, whose instances synthesize to Terraform resources in their stack. */
function inTerraform<P extends unknown[], T extends core.AlbResource>(Base: ResourceClass<P, T>): ResourceClass<P, T> {
  const Concrete = Base as unknown as new (scope: Construct, id: string, ...props: P) => Construct;
  return class extends Concrete {
    constructor(scope: Construct, id: string, ...props: P) {
      super(scope, id, ...props);
      bindToTerraform(this as unknown as core.AlbResource);
    }
  } as unknown as ResourceClass<P, T>;
}

/** A security group: ingress rules enforced when a listener accepts a connection. */
export const SecurityGroup = inTerraform<[core.SecurityGroupProps?], core.SecurityGroup>(core.SecurityGroup);
export type SecurityGroup = core.SecurityGroup;

/** An EIP: a public address the load balancer's listeners also bind. */
export const Eip = inTerraform<[core.EipProps], core.Eip>(core.Eip);
export type Eip = core.Eip;

/** An availability group: instances across zones, one weight for all. */
export const AvailabilityGroup = inTerraform<[core.AvailabilityGroupProps?], core.AvailabilityGroup>(core.AvailabilityGroup);
export type AvailabilityGroup = core.AvailabilityGroup;

/** A load balancer; add its listeners, server groups and backend services with its `add…` methods. */
export const LoadBalancer = inTerraform<[core.LoadBalancerProps], core.LoadBalancer>(core.LoadBalancer);
export type LoadBalancer = core.LoadBalancer;

/** A virtual server group of a load balancer. */
export const ServerGroup = inTerraform<[core.ServerGroupProps], core.ServerGroup>(core.ServerGroup);
export type ServerGroup = core.ServerGroup;

/** A backend service of a load balancer. */
export const BackendService = inTerraform<[core.BackendServiceProps], core.BackendService>(core.BackendService);
export type BackendService = core.BackendService;

/** A listener of a load balancer. */
export const Listener = inTerraform<[core.ListenerProps], core.Listener>(core.Listener);
export type Listener = core.Listener;
