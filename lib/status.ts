/**
 * The status vocabulary of the control API, shared by the agent that reports it and the faces that read it.
 * Types only: the agent fills these in, the faces never import the agent.
 */
import type { LoadBalancerType } from './model/load-balancer';

/** The lifecycle state of a resource, as a cloud reports it. */
export type ResourceState = 'CREATING' | 'ACTIVE' | 'FAILED' | 'DELETING';

/** One server of a backend service as the agent reports it: where it is, its weight, health and load. */
export interface ServerStatus {
  /** `<group id>/<server name>`. */
  key: string;
  /** The server's address. */
  address: string;
  /** The traffic port. */
  port: number;
  /** The weight in force, 0–100. */
  weight: number;
  /** Whether the health check counts the server healthy (always, with the check disabled). */
  healthy: boolean;
  /** Requests or connections in flight. */
  active: number;
}

/** The agent's status of a resource. */
export interface ResourceStatus {
  /** Where the resource is in its lifecycle. */
  state: ResourceState;
  /** Why the resource FAILED. */
  reason?: string;
  /** Load balancers: `public` with an EIP, `intranet` without. */
  type?: LoadBalancerType;
  /** Backend services: their servers with health and load. */
  servers?: ServerStatus[];
}
