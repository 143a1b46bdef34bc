import { z } from 'zod';
import { Cidr, Ipv4, ResourceRef, Zone } from './common';

/** A load balancer instance: where its listeners live and which addresses they bind. */
export const LoadBalancerSpec = z.strictObject({
  /** The load balancer's name. @default the construct id */
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'must be letters, digits, ".", "_" and "-", starting with a letter or digit',
    ),
  /** The zone(s) it runs in: one or two. Changing them replaces the load balancer. */
  zones: z.array(Zone).min(1).max(2),
  /** The VPC. Changing it replaces the load balancer. */
  vpc: z.strictObject({
    /** The VPC's address block; every server must lie inside it. */
    cidr: Cidr,
  }),
  /** The subnet. Changing it replaces the load balancer. */
  subnet: z.strictObject({
    /** The subnet's address block; it must lie inside the VPC. */
    cidr: Cidr,
    /** The intranet address the listeners bind. @default the subnet's first host */
    address: Ipv4.optional(),
  }),
  /** Ids of the security groups enforced at accept. @default one group open to all (made by the constructs) */
  securityGroups: z.array(ResourceRef).max(5).default([]),
  /** Id of the EIP; with one the load balancer is `public`, without one `intranet`. @default none */
  eip: ResourceRef.optional(),
});
/** A LoadBalancer spec as validated: every default applied. */
export type LoadBalancerSpec = z.output<typeof LoadBalancerSpec>;
/** A LoadBalancer spec as users write it: fields with defaults may be left out. */
export type LoadBalancerInput = z.input<typeof LoadBalancerSpec>;

/** `public` with an EIP, `intranet` without. */
export type LoadBalancerType = 'public' | 'intranet';

/** The load balancer's read-only type, derived from whether it has an EIP. */
export function loadBalancerType(spec: Pick<LoadBalancerSpec, 'eip'>): LoadBalancerType {
  return spec.eip ? 'public' : 'intranet';
}
