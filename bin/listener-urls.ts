import type { Manifest } from '../lib';

/** The URLs a manifest's listeners answer on: `http://127.0.0.1:8080  (web/http)`, `tcp://127.0.0.1:8443  (web/tcp)`. */
export function listenerUrls(manifest: Manifest): string[] {
  const addresses = new Map<string, string>();
  for (const resource of manifest.resources) {
    if (resource.kind === 'LoadBalancer' && resource.spec.subnet.address) addresses.set(resource.id, resource.spec.subnet.address);
  }
  return manifest.resources.flatMap((resource) =>
    resource.kind === 'Listener'
      ? [`${resource.spec.protocol.toLowerCase()}://${addresses.get(resource.spec.loadBalancer) ?? '?'}:${resource.spec.port}  (${resource.id})`]
      : [],
  );
}

/** `listening:` and one indented URL per listener, for the end of a deploy; empty without listeners. */
export function listeningText(manifest: Manifest): string {
  const urls = listenerUrls(manifest);
  return urls.length === 0 ? '' : `${['listening:', ...urls.map((url) => `  ${url}`)].join('\n')}\n`;
}
