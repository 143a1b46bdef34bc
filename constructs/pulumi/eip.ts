import { kindResource } from './resource';
import type { ArgsOf } from './types';

/** The arguments of a {@link Eip}: the model's Eip fields plus the connection. */
export type EipArgs = ArgsOf<'Eip'>;

/**
 * An elastic IP on the albkit agent: a public address. A load balancer with an EIP is `public` and its listeners
 * also bind to that address. Changing `address` updates the EIP in place (its listeners move to the new address).
 *
 * @example
 * const eip = new Eip('web/eip', { endpoint, token, address: '127.0.0.2' });
 */
export class Eip extends kindResource('Eip') {}
