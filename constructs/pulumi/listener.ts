import { kindResource } from './resource';
import type { ArgsOf } from './types';

/** The arguments of a {@link Listener}: the model's Listener fields plus the connection. */
export type ListenerArgs = ArgsOf<'Listener'>;

/**
 * A listener on the albkit agent: a bound port speaking HTTP, HTTPS, TCP or TLS, forwarding to one backend
 * service. It is ACTIVE once its sockets are bound; a bind failure fails the deployment with the agent's reason.
 * Changing `loadBalancer`, `protocol` or `port` replaces it.
 *
 * @example
 * const http = new Listener('web/http', { endpoint, token, loadBalancer: lb.id, protocol: 'HTTP', port: 8080, backendService: backend.id });
 */
export class Listener extends kindResource('Listener') {}
