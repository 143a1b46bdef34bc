import { kindResource } from './resource';
import type { ArgsOf } from './types';

/** The arguments of a {@link ServerGroup}: the model's ServerGroup fields plus the connection. */
export type ServerGroupArgs = ArgsOf<'ServerGroup'>;

/**
 * A virtual server group on the albkit agent: named servers, each with its own port, weight and zone.
 * Changing `loadBalancer` replaces it.
 *
 * @example
 * const servers = new ServerGroup('web/servers', { endpoint, token, loadBalancer: lb.id, servers: [{ address: '127.0.0.1', port: 8081 }] });
 */
export class ServerGroup extends kindResource('ServerGroup') {}
