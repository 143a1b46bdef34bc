/**
 * Defaults that depend on other fields or other resources, filled in once validation of each spec passed:
 * a load balancer's intranet address, a server's zone, a health check's protocol, the HTTP-only fields' defaults
 * (where the protocol is HTTP), a listener's idle timeout.
 * The manifest carries resolved values, so the agent and every face read the same numbers.
 */
import { firstHost, isCidr } from './net';
import { HTTP_ONLY_FIELDS, withHttpDefaults } from './model/backend-service';
import { idleTimeoutSeconds } from './model/listener';
import type { Kind } from './model/kinds';
import { ResourceIndex, type Resource } from './resource';

/**
 * The optional spec fields `resolveDefaults` fills in, per kind, as dotted paths (`[]` for every element of a
 * list). Faces that show a plan before the agent resolves (Terraform) mark them "known after apply".
 */
export const DERIVED_DEFAULTS: { readonly [K in Kind]: readonly string[] } = {
  SecurityGroup: [],
  Eip: [],
  AvailabilityGroup: [],
  LoadBalancer: ['subnet.address'],
  ServerGroup: ['servers[].zone'],
  BackendService: ['healthCheck.protocol', ...HTTP_ONLY_FIELDS.map((field) => field.path.join('.'))],
  UrlMap: [],
  Listener: ['idleTimeoutSeconds'],
};

/** The address a load balancer's listeners bind: the subnet's `address`, else its first host (none for a bad CIDR). */
export function intranetAddress(subnet: { cidr: string; address?: string }): string | undefined {
  return subnet.address ?? (isCidr(subnet.cidr) ? firstHost(subnet.cidr) : undefined);
}

/** A copy of the resources with derived defaults filled in. */
export function resolveDefaults(resources: readonly Resource[]): Resource[] {
  const index = new ResourceIndex(resources);
  return resources.map((resource) => resolveResource(resource, index));
}

/** A copy of one resource with derived defaults filled in; `index` holds the resources it refers to. */
export function resolveResource(resource: Resource, index: ResourceIndex): Resource {
  switch (resource.kind) {
    case 'LoadBalancer': {
      const { subnet } = resource.spec;
      return { ...resource, spec: { ...resource.spec, subnet: { ...subnet, address: intranetAddress(subnet) } } };
    }
    case 'ServerGroup': {
      const zone = index.getOf('LoadBalancer', resource.spec.loadBalancer)?.spec.zones[0];
      const servers = resource.spec.servers.map((server) => ({ ...server, zone: server.zone ?? zone }));
      return { ...resource, spec: { ...resource.spec, servers } };
    }
    case 'BackendService': {
      const healthCheck = {
        ...resource.spec.healthCheck,
        protocol: resource.spec.healthCheck.protocol ?? resource.spec.protocol,
      };
      return { ...resource, spec: withHttpDefaults({ ...resource.spec, healthCheck }) };
    }
    case 'Listener':
      return { ...resource, spec: { ...resource.spec, idleTimeoutSeconds: idleTimeoutSeconds(resource.spec) } };
    case 'AvailabilityGroup':
    case 'Eip':
    case 'SecurityGroup':
    case 'UrlMap':
      return resource;
  }
}
