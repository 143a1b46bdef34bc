import { z } from 'zod';
import { Ipv4, Port, ResourceRef, Weight, Zone } from './common';

/** One server of a virtual server group. */
export const Server = z.strictObject({
  /** A name unique within the group, used in metrics and health state. @default `<address>:<port>` */
  name: z.string().min(1).max(64).optional(),
  /** The server's address; it must lie inside the load balancer's VPC. */
  address: Ipv4,
  /** The port the server listens on. */
  port: Port,
  /** Share of new traffic, 0 (none: draining) to 100. @default 10 */
  weight: Weight.default(10),
  /** The zone the server runs in; one of the load balancer's zones. @default the load balancer's first zone */
  zone: Zone.optional(),
});
export type Server = z.output<typeof Server>;

/** A virtual server group: named servers, each with its own port and weight. */
export const ServerGroupSpec = z.strictObject({
  /** Id of the load balancer the group belongs to. Changing it replaces the group. */
  loadBalancer: ResourceRef,
  /** The servers. @default [] */
  servers: z.array(Server).max(1000).default([]),
});
/** A ServerGroup spec as validated: every default applied. */
export type ServerGroupSpec = z.output<typeof ServerGroupSpec>;
/** A ServerGroup spec as users write it: fields with defaults may be left out. */
export type ServerGroupInput = z.input<typeof ServerGroupSpec>;

/** The name a server goes by: its own, or `<address>:<port>`. */
export function serverName(server: Pick<Server, 'name' | 'address' | 'port'>): string {
  return server.name ?? `${server.address}:${server.port}`;
}
