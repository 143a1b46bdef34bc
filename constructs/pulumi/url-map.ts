import { kindResource } from './resource';
import type { ArgsOf } from './types';

/** The arguments of a {@link UrlMap}: the model's UrlMap fields plus the connection. */
export type UrlMapArgs = ArgsOf<'UrlMap'>;

/**
 * A url map on the albkit agent: the forwarding rules of one load balancer (by host, path, header, query, method
 * and source; forward, weighted forward, redirect, fixed response), for its HTTP and HTTPS listeners to name with
 * `urlMap`. Rules change in place; changing `loadBalancer` replaces it.
 *
 * @example
 * const routes = new UrlMap('web/routes', {
 *   endpoint, token, loadBalancer: lb.id,
 *   rules: [{ priority: 1, conditions: { paths: ['/api/*'] }, action: { forward: { backendService: api.id } } }],
 * });
 */
export class UrlMap extends kindResource('UrlMap') {}
