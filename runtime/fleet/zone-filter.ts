/**
 * Zones: an agent started with `--zone` runs only the load balancers whose zones include its own, and what
 * belongs to them (the resources whose spec names a `loadBalancer`). Resources bound to no load balancer
 * (security groups, EIPs, availability groups) are kept: they serve nothing on their own.
 */
import type { Resource } from '../../lib';
import type { DataPlanePort } from '../api/data-plane-port';

/** The resources an agent in `zone` serves. */
export function servedInZone(resources: readonly Resource[], zone: string): Resource[] {
  const elsewhere = new Set(
    resources
      .filter((r) => r.kind === 'LoadBalancer' && !(r.spec as { zones: readonly string[] }).zones.includes(zone))
      .map((r) => r.id),
  );
  if (elsewhere.size === 0) return [...resources];
  return resources.filter((r) => {
    if (elsewhere.has(r.id)) return false;
    const loadBalancer = (r.spec as { loadBalancer?: unknown }).loadBalancer;
    return typeof loadBalancer !== 'string' || !elsewhere.has(loadBalancer);
  });
}

/** The data plane of an agent in `zone`: applies only what that zone serves (outcomes are those of what it applied). */
export function zonedDataPlane(dataPlane: DataPlanePort, zone: string): DataPlanePort {
  return {
    apply: (resources) => dataPlane.apply(servedInZone(resources, zone)),
    health: () => dataPlane.health(),
    stop: (deadlineMs) => dataPlane.stop(deadlineMs),
  };
}
