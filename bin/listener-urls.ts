import type { Manifest } from '../lib';

/** An address a listener binds, and where it comes from. */
export interface ListenerAddress {
  /** The IPv4 address. */
  address: string;
  /** `the subnet address of load balancer web`, `EIP web-eip of load balancer web`. */
  from: string;
}

/** A listener and the addresses the agent binds for it: its load balancer's subnet address, then its EIP's. */
export interface ListenerBinding {
  /** The listener's id (its construct path). */
  id: string;
  protocol: string;
  port: number;
  addresses: ListenerAddress[];
}

/** What each listener of a manifest binds, as the agent's data plane decides it. */
export function listenerBindings(manifest: Manifest): ListenerBinding[] {
  const eips = new Map<string, string>();
  for (const resource of manifest.resources) if (resource.kind === 'Eip') eips.set(resource.id, resource.spec.address);
  const addresses = new Map<string, ListenerAddress[]>();
  for (const resource of manifest.resources) {
    if (resource.kind !== 'LoadBalancer') continue;
    const { subnet, eip } = resource.spec;
    const eipAddress = eip === undefined ? undefined : eips.get(eip);
    addresses.set(resource.id, [
      ...(subnet.address
        ? [{ address: subnet.address, from: `the subnet address of load balancer ${resource.id}` }]
        : []),
      ...(eipAddress && eipAddress !== subnet.address
        ? [{ address: eipAddress, from: `EIP ${eip} of load balancer ${resource.id}` }]
        : []),
    ]);
  }
  return manifest.resources.flatMap((resource) =>
    resource.kind === 'Listener'
      ? [
          {
            id: resource.id,
            protocol: resource.spec.protocol,
            port: resource.spec.port,
            addresses: addresses.get(resource.spec.loadBalancer) ?? [],
          },
        ]
      : [],
  );
}

/** The URLs a manifest's listeners answer on: `http://127.0.0.1:8080  (web/http)`, `tcp://127.0.0.1:8443  (web/tcp)`. */
export function listenerUrls(manifest: Manifest): string[] {
  return listenerBindings(manifest).map(
    ({ id, protocol, port, addresses }) =>
      `${protocol.toLowerCase()}://${addresses[0]?.address ?? '?'}:${port}  (${id})`,
  );
}

/** `listening:` and one indented URL per listener, for the end of a deploy; empty without listeners. */
export function listeningText(manifest: Manifest): string {
  const urls = listenerUrls(manifest);
  return urls.length === 0 ? '' : `${['listening:', ...urls.map((url) => `  ${url}`)].join('\n')}\n`;
}
