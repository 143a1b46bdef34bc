import { z } from 'zod';
import { Cidr, Port } from './common';

/** One ingress rule: connections from `cidr` to a listener port in `fromPort`–`toPort` are accepted. */
export const IngressRule = z
  .strictObject({
    /** Source addresses allowed, as a CIDR block. @default '0.0.0.0/0' */
    cidr: Cidr.default('0.0.0.0/0'),
    /** `TCP` or `ALL` (every protocol the load balancer speaks; all of them run over TCP). @default 'ALL' */
    protocol: z.enum(['TCP', 'ALL']).default('ALL'),
    /** First listener port the rule opens. @default 1 */
    fromPort: Port.default(1),
    /** Last listener port the rule opens (inclusive). @default 65535 */
    toPort: Port.default(65535),
  })
  .refine((rule) => rule.fromPort <= rule.toPort, {
    message: 'fromPort must not exceed toPort',
    path: ['toPort'],
  });
export type IngressRule = z.output<typeof IngressRule>;

/** The rule a security group has when none is given: every address, every port ("opened completely"). */
export const OPEN_INGRESS: IngressRule = IngressRule.parse({});

/** A security group: ingress rules enforced when a listener accepts a connection. */
export const SecurityGroupSpec = z.strictObject({
  /** Rules that allow connections; a connection no rule allows is closed at once. @default one rule open to all */
  ingress: z.array(IngressRule).max(100).default([OPEN_INGRESS]),
});
/** A SecurityGroup spec as validated: every default applied. */
export type SecurityGroupSpec = z.output<typeof SecurityGroupSpec>;
/** A SecurityGroup spec as users write it: fields with defaults may be left out. */
export type SecurityGroupInput = z.input<typeof SecurityGroupSpec>;
