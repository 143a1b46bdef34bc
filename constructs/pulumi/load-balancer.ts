import { kindResource } from './resource';
import type { ArgsOf } from './types';

/** The arguments of a {@link LoadBalancer}: the model's LoadBalancer fields plus the connection. */
export type LoadBalancerArgs = ArgsOf<'LoadBalancer'>;

/**
 * A load balancer on the albkit agent: its zones, VPC and subnet, security groups and optional EIP. Changing
 * `zones`, `vpc` or `subnet` replaces it (and, in turn, everything on it).
 *
 * @example
 * const lb = new LoadBalancer('web', {
 *   endpoint, token, name: 'web', zones: ['local-a'],
 *   vpc: { cidr: '127.0.0.0/8' }, subnet: { cidr: '127.0.0.0/24' }, securityGroups: [sg.id],
 * });
 */
export class LoadBalancer extends kindResource('LoadBalancer') {}
