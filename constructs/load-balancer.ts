import type { Construct } from 'constructs';
import { loadBalancerType, type LoadBalancerInput, type LoadBalancerType } from '../lib';
import { BackendService, type AddBackendServiceProps } from './backend-service';
import type { Eip } from './eip';
import { Listener, type AddListenerProps } from './listener';
import { SecurityGroup } from './security-group';
import { ServerGroup, type AddServerGroupProps } from './server-group';
import { AlbResource, defined } from './shared/alb-resource';

/** Props of a `LoadBalancer`: the model's fields, with constructs in place of ids. */
export interface LoadBalancerProps extends Omit<LoadBalancerInput, 'name' | 'securityGroups' | 'eip'> {
  /** The load balancer's name. @default the construct id */
  readonly name?: string;
  /** Security groups enforced at accept. @default one group, open to all, created as `<id>/default-security-group` */
  readonly securityGroups?: SecurityGroup[];
  /** An EIP makes the load balancer `public`; without one it is `intranet`. @default none */
  readonly eip?: Eip;
}

/**
 * A load balancer instance in a zone, VPC and subnet. Add its parts with `addListener`, `addServerGroup` and
 * `addBackendService`; they are created as its children, so their ids read `<lb>/<id>`.
 */
export class LoadBalancer extends AlbResource {
  readonly kind = 'LoadBalancer' as const;
  private readonly props: LoadBalancerProps;
  private readonly securityGroups: SecurityGroup[];

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.props = props;
    this.securityGroups = props.securityGroups?.length
      ? [...props.securityGroups]
      : [new SecurityGroup(this, 'default-security-group')];
    this.validateProps();
  }

  /** `public` with an EIP, `intranet` without. */
  get type(): LoadBalancerType {
    return loadBalancerType({ eip: this.props.eip?.resourceId });
  }

  /** Adds a listener on this load balancer. */
  addListener(id: string, props: AddListenerProps): Listener {
    return new Listener(this, id, { ...props, loadBalancer: this });
  }

  /** Adds a virtual server group on this load balancer. */
  addServerGroup(id: string, props: AddServerGroupProps = {}): ServerGroup {
    return new ServerGroup(this, id, { ...props, loadBalancer: this });
  }

  /** Adds a backend service on this load balancer. */
  addBackendService(id: string, props: AddBackendServiceProps): BackendService {
    return new BackendService(this, id, { ...props, loadBalancer: this });
  }

  /** Adds a security group (at most five in all). */
  addSecurityGroup(group: SecurityGroup): this {
    this.securityGroups.push(group);
    return this;
  }

  protected renderSpec(): Record<string, unknown> {
    const { eip, securityGroups: _groups, ...model } = this.props;
    return defined({
      ...model,
      name: this.props.name ?? this.node.id,
      securityGroups: this.securityGroups.map((group) => group.resourceId),
      eip: eip?.resourceId,
    });
  }
}
