import type { Construct } from 'constructs';
import type { ServerGroupInput } from '../lib';
import type { ILoadBalancer } from './load-balancer';
import { AlbResource, type IAlbResource } from './shared/alb-resource';
import { ImportedResource } from './shared/imported-resource';

/** A virtual server group: a `ServerGroup` construct or an imported reference (`ServerGroup.fromResourceId`). */
export interface IServerGroup extends IAlbResource {
  /** The kind: `ServerGroup`. */
  readonly kind: 'ServerGroup';
}

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
  readonly loadBalancer: ILoadBalancer;
}

/** A virtual server group: servers, each with its own address, port and weight, inside the load balancer's VPC. */
export class ServerGroup extends AlbResource implements IServerGroup {
  /**
   * A reference to a virtual server group made elsewhere (another stack, another face), by its id on the agent. It synthesizes
   * no resource; the agent checks at deploy that it exists.
   */
  static fromResourceId(scope: Construct, id: string, resourceId: string): IServerGroup {
    return new ImportedResource(scope, id, 'ServerGroup', resourceId);
  }

  readonly kind = 'ServerGroup' as const;
  /** The load balancer the group belongs to. */
  readonly loadBalancer: ILoadBalancer;
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
