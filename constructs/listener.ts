import type { Construct } from 'constructs';
import type { ListenerInput, ListenerProtocol } from '../lib';
import type { BackendService } from './backend-service';
import type { LoadBalancer } from './load-balancer';
import { AlbResource, defined } from './shared/alb-resource';

/** Props of a `Listener` created through `LoadBalancer.addListener`: the model's fields. */
export interface AddListenerProps extends Omit<ListenerInput, 'loadBalancer' | 'backendService'> {
  /** The backend service the listener forwards to; its protocol must match (HTTP/HTTPS → HTTP, TCP/TLS → TCP). */
  readonly backendService: BackendService;
}

/** Props of a `Listener`. */
export interface ListenerProps extends AddListenerProps {
  /** The load balancer the listener belongs to. */
  readonly loadBalancer: LoadBalancer;
}

/** A listener: a port on the load balancer speaking HTTP, HTTPS, TCP or TLS, forwarding to a backend service. */
export class Listener extends AlbResource {
  readonly kind = 'Listener' as const;
  /** The load balancer the listener belongs to. */
  readonly loadBalancer: LoadBalancer;
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
