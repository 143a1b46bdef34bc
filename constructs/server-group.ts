import type { Construct } from 'constructs';
import type { ServerGroupInput } from '../lib';
import type { LoadBalancer } from './load-balancer';
import { AlbResource } from './shared/alb-resource';

/** One server as users write it; omitted fields take the model's defaults. */
export type ServerProps = NonNullable<ServerGroupInput['servers']>[number];

/** Props of a `ServerGroup` created through `LoadBalancer.addServerGroup`. */
export interface AddServerGroupProps {
  /** The servers. @default [] */
  readonly servers?: ServerProps[];
}

/** Props of a `ServerGroup`. */
export interface ServerGroupProps extends AddServerGroupProps {
  /** The load balancer the group belongs to. */
  readonly loadBalancer: LoadBalancer;
}

/** A virtual server group: servers, each with its own address, port and weight, inside the load balancer's VPC. */
export class ServerGroup extends AlbResource {
  readonly kind = 'ServerGroup' as const;
  /** The load balancer the group belongs to. */
  readonly loadBalancer: LoadBalancer;
  private readonly servers: ServerProps[];

  constructor(scope: Construct, id: string, props: ServerGroupProps) {
    super(scope, id);
    this.loadBalancer = props.loadBalancer;
    this.servers = [...(props.servers ?? [])];
  }

  /** Adds a server. */
  addServer(server: ServerProps): this {
    this.servers.push(server);
    return this;
  }

  protected renderSpec(): Record<string, unknown> {
    return { loadBalancer: this.loadBalancer.resourceId, servers: this.servers };
  }
}
