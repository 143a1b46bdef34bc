import type { Construct } from 'constructs';
import type { BackendServiceInput } from '../lib';
import type { IAvailabilityGroup } from './availability-group';
import type { ILoadBalancer } from './load-balancer';
import type { IServerGroup } from './server-group';
import { AlbResource, defined, type IAlbResource } from './shared/alb-resource';
import { ImportedResource } from './shared/imported-resource';

/** A backend service: a `BackendService` construct or an imported reference (`BackendService.fromResourceId`). */
export interface IBackendService extends IAlbResource {
  /** The kind: `BackendService`. */
  readonly kind: 'BackendService';
}

type ModelProps = Omit<BackendServiceInput, 'loadBalancer' | 'serverGroups' | 'availabilityGroups'>;

/** The health check as users write it; omitted fields take the model's defaults. */
export type HealthCheckProps = NonNullable<BackendServiceInput['healthCheck']>;

/** Session persistence as users write it; omitted fields take the model's defaults. */
export type SessionPersistenceProps = NonNullable<BackendServiceInput['sessionPersistence']>;

/** Props of a `BackendService` created through `LoadBalancer.addBackendService`: the model's fields. */
export interface AddBackendServiceProps extends ModelProps {
  /** Virtual server groups to send traffic to (not together with `availabilityGroups`). @default [] */
  readonly serverGroups?: IServerGroup[];
  /** Availability groups to send traffic to (not together with `serverGroups`). @default [] */
  readonly availabilityGroups?: IAvailabilityGroup[];
}

/** Props of a `BackendService`. */
export interface BackendServiceProps extends AddBackendServiceProps {
  /** The load balancer the backend service belongs to. */
  readonly loadBalancer: ILoadBalancer;
}

/**
 * A backend service: the protocol and port traffic reaches servers with, how servers are picked, session
 * persistence, PROXY protocol and the health check; attached to server groups or availability groups.
 */
export class BackendService extends AlbResource implements IBackendService {
  /**
   * A reference to a backend service made elsewhere (another stack, another face), by its id on the agent. It synthesizes
   * no resource; the agent checks at deploy that it exists.
   */
  static fromResourceId(scope: Construct, id: string, resourceId: string): IBackendService {
    return new ImportedResource(scope, id, 'BackendService', resourceId);
  }

  readonly kind = 'BackendService' as const;
  /** The load balancer the backend service belongs to. */
  readonly loadBalancer: ILoadBalancer;
  private readonly model: ModelProps;
  private readonly serverGroups: IServerGroup[];
  private readonly availabilityGroups: IAvailabilityGroup[];

  constructor(scope: Construct, id: string, props: BackendServiceProps) {
    super(scope, id);
    const { loadBalancer, serverGroups = [], availabilityGroups = [], ...model } = props;
    this.loadBalancer = loadBalancer;
    this.model = { ...model };
    this.serverGroups = [...serverGroups];
    this.availabilityGroups = [...availabilityGroups];
  }

  /** The backend protocol: `HTTP` or `TCP`. */
  get protocol(): 'HTTP' | 'TCP' {
    return this.model.protocol;
  }

  /** Sends traffic to a virtual server group as well (at most ten). */
  addServerGroup(group: IServerGroup): this {
    this.serverGroups.push(group);
    return this;
  }

  /** Sends traffic to an availability group as well (at most ten). */
  addAvailabilityGroup(group: IAvailabilityGroup): this {
    this.availabilityGroups.push(group);
    return this;
  }

  /** Changes the health check; fields not given keep their current values. */
  configureHealthCheck(healthCheck: HealthCheckProps): this {
    this.model.healthCheck = { ...this.model.healthCheck, ...healthCheck };
    return this;
  }

  /**
   * Turns on cookie-insertion session persistence (HTTP/HTTPS listeners only); options not given keep their
   * current values.
   */
  enableSessionPersistence(options: Omit<SessionPersistenceProps, 'enabled'> = {}): this {
    this.model.sessionPersistence = { ...this.model.sessionPersistence, ...options, enabled: true };
    return this;
  }

  protected renderSpec(): Record<string, unknown> {
    return defined({
      ...this.model,
      loadBalancer: this.loadBalancer.resourceId,
      serverGroups: this.serverGroups.map((group) => group.resourceId),
      availabilityGroups: this.availabilityGroups.map((group) => group.resourceId),
    });
  }
}
