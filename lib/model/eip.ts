import { z } from 'zod';
import { Ipv4 } from './common';

/** An elastic IP: a public address. A load balancer with an EIP is `public`; its listeners also bind to it. */
export const EipSpec = z.strictObject({
  /** The public address. Changing it updates the EIP in place: the listeners of its load balancer move to the new address. */
  address: Ipv4,
});
/** A Eip spec as validated: every default applied. */
export type EipSpec = z.output<typeof EipSpec>;
/** A Eip spec as users write it: fields with defaults may be left out. */
export type EipInput = z.input<typeof EipSpec>;
