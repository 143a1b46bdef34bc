import { kindResource } from './resource';
import type { ArgsOf } from './types';

/** The arguments of a {@link SecurityGroup}: the model's SecurityGroup fields plus the connection. */
export type SecurityGroupArgs = ArgsOf<'SecurityGroup'>;

/**
 * A security group on the albkit agent: ingress rules enforced when a listener accepts a connection.
 * With no `ingress` it is open to every address and port.
 *
 * @example
 * const sg = new SecurityGroup('web/sg', { endpoint, token, ingress: [{ cidr: '10.0.0.0/8', fromPort: 80, toPort: 443 }] });
 */
export class SecurityGroup extends kindResource('SecurityGroup') {}
