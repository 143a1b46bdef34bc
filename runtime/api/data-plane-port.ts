/** What the control plane needs of the data plane: the shape `runtime/dataplane/dataplane.ts` implements. */
import type { Resource } from '../../lib';

/** Whether a listener's sockets bound. */
export type BindOutcome = { ok: true } | { ok: false; reason: string };

/** One server of a backend service, as the health checker sees it. */
export interface ServerHealth {
  key: string;
  address: string;
  port: number;
  weight: number;
  healthy: boolean;
  active: number;
}

/** The data plane as the agent drives it. */
export interface DataPlanePort {
  /** Reconciles to exactly these resources; resolves with the bind outcome of each listener id. */
  apply(resources: readonly Resource[]): Promise<Map<string, BindOutcome>>;
  /** Server health per backend service id. */
  health(): Record<string, ServerHealth[]>;
  /** Stops accepting, lets in-flight work finish up to `deadlineMs`, closes everything. */
  stop(deadlineMs: number): Promise<void>;
}
