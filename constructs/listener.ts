import type { Construct } from 'constructs';
import type { ListenerInput, ListenerProtocol } from '../lib';
import type { IBackendService } from './backend-service';
import type { ILoadBalancer } from './load-balancer';
import { AlbResource, defined, type IAlbResource } from './shared/alb-resource';
import { ImportedResource } from './shared/imported-resource';

/** A listener: a `Listener` construct or an imported reference (`Listener.fromResourceId`). */
export interface IListener extends IAlbResource {
  /** The kind: `Listener`. */
  readonly kind: 'Listener';
}

/** Props of a `Listener` created through `LoadBalancer.addListener`: the model's fields. */
export interface AddListenerProps extends Omit<ListenerInput, 'loadBalancer' | 'backendService'> {
  /** The backend service the listener forwards to; its protocol must match (HTTP/HTTPS → HTTP, TCP/TLS → TCP). */
  readonly backendService: IBackendService;
}

/** Props of a `Listener`. */
export interface ListenerProps extends AddListenerProps {
  /** The load balancer the listener belongs to. */
  readonly loadBalancer: ILoadBalancer;
}

/** A listener: a port on the load balancer speaking HTTP, HTTPS, TCP or TLS, forwarding to a backend service. */
export class Listener extends AlbResource implements IListener {
  /**
   * A reference to a listener made elsewhere (another stack, another face), by its id on the agent. It synthesizes
   * no resource; the agent checks at deploy that it exists.
   */
  static fromResourceId(scope: Construct, id: string, resourceId: string): IListener {
    return new ImportedResource(scope, id, 'Listener', resourceId);
  }

  readonly kind = 'Listener' as const;
  /** The load balancer the listener belongs to. */
  readonly loadBalancer: ILoadBalancer;
  private readonly props: ListenerProps;

  constructor(scope: Construct, id: string, props: ListenerProps) {
    super(scope, id);
    this.loadBalancer = props.loadBalancer;
    this.props = props;
  }

  /** The listener's protocol. */
  get protocol(): ListenerProtocol {
    return this.props.protocol;
  }

  /** The listener's port. */
  get port(): number {
    return this.props.port;
  }

  protected renderSpec(): Record<string, unknown> {
    const { loadBalancer, backendService, ...model } = this.props;
    return defined({ ...model, loadBalancer: loadBalancer.resourceId, backendService: backendService.resourceId });
  }
}
