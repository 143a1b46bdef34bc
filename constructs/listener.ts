import type { Construct } from 'constructs';
import type { ListenerInput, ListenerProtocol } from '../lib';
import type { IBackendService } from './backend-service';
import { ListenerAction } from './listener-action';
import { ListenerCondition } from './listener-condition';
import type { ILoadBalancer } from './load-balancer';
import { AlbResource, defined, type IAlbResource } from './shared/alb-resource';
import { ImportedResource } from './shared/imported-resource';
import { UrlMap, type IUrlMap, type UrlMapRuleProps } from './url-map';

/** The construct id of the url map `addRule` creates for a listener that has none. */
const RULES_ID = 'rules';

/** A listener: a `Listener` construct or an imported reference (`Listener.fromResourceId`). */
export interface IListener extends IAlbResource {
  /** The kind: `Listener`. */
  readonly kind: 'Listener';
}

/** Props of a `Listener` created through `LoadBalancer.addListener`: the model's fields. */
export interface AddListenerProps extends Omit<ListenerInput, 'loadBalancer' | 'backendService' | 'urlMap'> {
  /**
   * The backend service the listener forwards to (a request no rule matches, with a url map); its protocol must
   * match (HTTP/HTTPS → HTTP, TCP/TLS → TCP).
   */
  readonly backendService: IBackendService;
  /**
   * HTTP/HTTPS only: the url map whose rules route this listener's requests, of the same load balancer.
   * @default none, or the one `addRule` creates
   */
  readonly urlMap?: IUrlMap;
}

/** A redirect of every request to another protocol and port: HTTP to HTTPS. */
export interface RedirectListenerProps {
  /** The protocol of the new location. @default 'HTTPS' */
  readonly protocol?: 'HTTP' | 'HTTPS';
  /** The port of the new location. @default 443 */
  readonly port?: number;
  /** `301`, `302`, `307` or `308`. @default 301 */
  readonly statusCode?: number;
  /** The rule's priority in the listener's url map. @default 1, before every other rule */
  readonly priority?: number;
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
  private urlMapRef: IUrlMap | undefined;

  constructor(scope: Construct, id: string, props: ListenerProps) {
    super(scope, id);
    this.loadBalancer = props.loadBalancer;
    this.props = props;
    this.urlMapRef = props.urlMap;
  }

  /** The backend service a request no rule matches goes to. */
  get backendService(): IBackendService {
    return this.props.backendService;
  }

  /** The url map whose rules route this listener's requests, if any. */
  get urlMap(): IUrlMap | undefined {
    return this.urlMapRef;
  }

  /**
   * Adds a rule to this listener's url map, creating one for it (`<listener>/rules`) when it has none. A url map
   * imported with `UrlMap.fromResourceId` takes no rules from here: add them where it is made.
   */
  addRule(rule: UrlMapRuleProps): this {
    if (this.urlMapRef === undefined) this.urlMapRef = new UrlMap(this, RULES_ID, { loadBalancer: this.loadBalancer });
    if (!(this.urlMapRef instanceof UrlMap)) {
      throw new TypeError(
        `${this.node.path}: addRule: url map ${this.urlMapRef.resourceId} is imported; add its rules where it is made`,
      );
    }
    this.urlMapRef.addRule(rule);
    return this;
  }

  /** Redirects every request (HTTP → HTTPS on 443, by default) with a rule matching every path. */
  addRedirect(props: RedirectListenerProps = {}): this {
    const { protocol = 'HTTPS', port = 443, statusCode = 301, priority = 1 } = props;
    return this.addRule({
      priority,
      conditions: [ListenerCondition.pathPatterns(['/*'])],
      action: ListenerAction.redirect({ protocol, port, statusCode }),
    });
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
    const { loadBalancer, backendService, urlMap: _urlMap, ...model } = this.props;
    return defined({
      ...model,
      loadBalancer: loadBalancer.resourceId,
      backendService: backendService.resourceId,
      urlMap: this.urlMapRef?.resourceId,
    });
  }
}
