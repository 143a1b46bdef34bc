import { kindResource } from './resource';
import type { ArgsOf } from './types';

/** The arguments of a {@link BackendService}: the model's BackendService fields plus the connection. */
export type BackendServiceArgs = ArgsOf<'BackendService'>;

/**
 * A backend service on the albkit agent: how a listener's traffic reaches the servers of its server groups (or
 * availability groups): algorithm, session persistence, PROXY protocol, health check. Changing `loadBalancer`
 * or `protocol` replaces it.
 *
 * @example
 * const backend = new BackendService('web/backend', { endpoint, token, loadBalancer: lb.id, protocol: 'HTTP', port: 8081, serverGroups: [servers.id] });
 */
export class BackendService extends kindResource('BackendService') {}
