import type { Construct } from 'constructs';
import { loadBalancerType, type LoadBalancerInput, type LoadBalancerType } from '../lib';
import { BackendService, type AddBackendServiceProps } from './backend-service';
import type { IEip } from './eip';
import type { IBackendService } from './backend-service';
import { Listener, type AddListenerProps } from './listener';
import { SecurityGroup, type ISecurityGroup } from './security-group';
import { ServerGroup, type AddServerGroupProps } from './server-group';
import { AlbResource, defined, type IAlbResource } from './shared/alb-resource';
import { ImportedResource } from './shared/imported-resource';
import { UrlMap, type AddUrlMapProps } from './url-map';

/** The construct id of the security group a load balancer makes when it is given none. */
const DEFAULT_SECURITY_GROUP_ID = 'default-security-group';

/** An HTTP listener that redirects every request to HTTPS (`LoadBalancer.addRedirect`). */
export interface AddRedirectProps {
  /** The port of the HTTP listener that redirects. @default 80 */
  readonly sourcePort?: number;
  /** The HTTPS port requests are redirected to. @default 443 */
  readonly targetPort?: number;
  /**
   * The redirecting listener's backend service, which its catch-all redirect rule leaves no request for.
   * @default the backend service of this load balancer's listener on `targetPort`, which must be added first
   */
  readonly backendService?: IBackendService;
}

/** A load balancer: a `LoadBalancer` construct or an imported reference (`LoadBalancer.fromResourceId`). */
export interface ILoadBalancer extends IAlbResource {
  /** The kind: `LoadBalancer`. */
  readonly kind: 'LoadBalancer';
}

/** Props of a `LoadBalancer`: the model's fields, with constructs in place of ids. */
export interface LoadBalancerProps extends Omit<LoadBalancerInput, 'name' | 'securityGroups' | 'eip'> {
  /** The load balancer's name. @default the construct id */
  readonly name?: string;
  /**
   * Security groups enforced at accept; a connection any of them allows is accepted.
   * @default one group, open to all, created as `<id>/default-security-group` (until `addSecurityGroup` replaces it)
   */
  readonly securityGroups?: ISecurityGroup[];
  /** An EIP makes the load balancer `public`; without one it is `intranet`. @default none */
  readonly eip?: IEip;
}

/**
 * A load balancer instance in a zone, VPC and subnet. Add its parts with `addListener`, `addServerGroup` and
 * `addBackendService` (and `addUrlMap`, `addRedirect`); they are created as its children, so their ids read `<lb>/<id>`.
 */
export class LoadBalancer extends AlbResource implements ILoadBalancer {
  /**
   * A reference to a load balancer made elsewhere (another stack, another face), by its id on the agent. It synthesizes
   * no resource; the agent checks at deploy that it exists.
   */
  static fromResourceId(scope: Construct, id: string, resourceId: string): ILoadBalancer {
    return new ImportedResource(scope, id, 'LoadBalancer', resourceId);
  }

  readonly kind = 'LoadBalancer' as const;
  private readonly props: LoadBalancerProps;
  private readonly securityGroups: ISecurityGroup[];
  /** The open-to-all group made when none was given; the first `addSecurityGroup` removes it. */
  private defaultSecurityGroup: SecurityGroup | undefined;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.props = props;
    if (props.securityGroups?.length) {
      this.securityGroups = [...props.securityGroups];
    } else {
      this.defaultSecurityGroup = new SecurityGroup(this, DEFAULT_SECURITY_GROUP_ID);
      this.securityGroups = [this.defaultSecurityGroup];
    }
  }

  /** `public` with an EIP, `intranet` without. */
  get type(): LoadBalancerType {
    return loadBalancerType({ eip: this.props.eip?.resourceId });
  }

  /** Adds a listener on this load balancer. */
  addListener(id: string, props: AddListenerProps): Listener {
    return new Listener(this, id, { ...props, loadBalancer: this });
  }

  /** Adds a url map (forwarding rules) on this load balancer, for its HTTP and HTTPS listeners to name. */
  addUrlMap(id: string, props: AddUrlMapProps = {}): UrlMap {
    return new UrlMap(this, id, { ...props, loadBalancer: this });
  }

  /**
   * Adds an HTTP listener (`redirect-<sourcePort>`) that redirects every request to HTTPS on `targetPort` with a
   * 301: HTTP → HTTPS in one line.
   */
  addRedirect(props: AddRedirectProps = {}): Listener {
    const { sourcePort = 80, targetPort = 443 } = props;
    const target = this.node.children.find(
      (child): child is Listener => child instanceof Listener && child.port === targetPort,
    );
    const backendService = props.backendService ?? target?.backendService;
    if (backendService === undefined) {
      throw new TypeError(
        `${this.node.path}: addRedirect: backendService: no listener on port ${targetPort} yet to take it from; add that listener first or give backendService`,
      );
    }
    const listener = this.addListener(`redirect-${sourcePort}`, { protocol: 'HTTP', port: sourcePort, backendService });
    return listener.addRedirect({ protocol: 'HTTPS', port: targetPort });
  }

  /** Adds a virtual server group on this load balancer. */
  addServerGroup(id: string, props: AddServerGroupProps = {}): ServerGroup {
    return new ServerGroup(this, id, { ...props, loadBalancer: this });
  }

  /** Adds a backend service on this load balancer. */
  addBackendService(id: string, props: AddBackendServiceProps): BackendService {
    return new BackendService(this, id, { ...props, loadBalancer: this });
  }

  /**
   * Adds a security group (at most five in all). The first one added replaces the open-to-all default group,
   * which would otherwise still allow every connection the added group refuses.
   */
  addSecurityGroup(group: ISecurityGroup): this {
    if (this.defaultSecurityGroup) {
      this.node.tryRemoveChild(DEFAULT_SECURITY_GROUP_ID);
      this.securityGroups.splice(this.securityGroups.indexOf(this.defaultSecurityGroup), 1);
      this.defaultSecurityGroup = undefined;
    }
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
