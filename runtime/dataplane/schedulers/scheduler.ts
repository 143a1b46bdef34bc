/** What every scheduler works on and offers; one scheduler instance per backend service pool. */

/** The part of a pool's server a scheduler reads. */
export interface Schedulable {
  /** Stable key within the backend service. */
  readonly key: string;
  /** 0–100; 0 takes no new traffic. */
  readonly weight: number;
  /** Current health; unhealthy servers are never picked. */
  readonly healthy: boolean;
  /** Requests or connections in flight. */
  readonly active: number;
  /** The most requests or connections it may have in flight (its backend service's connection cap). */
  readonly maxActive: number;
}

/** Picks a server for each new request or connection. */
export interface Scheduler<T extends Schedulable> {
  /** Replaces the server list (on a configuration change); keeps what state it can for servers that stay. */
  reset(servers: readonly T[]): void;
  /** A usable server (healthy, weight > 0, not `exclude`), or undefined when none is. */
  pick(clientIp: string, exclude: T | undefined): T | undefined;
}

/** True when a server may take new traffic: healthy, weight > 0, below its cap, not `exclude`. */
export function usable(server: Schedulable, exclude: Schedulable | undefined): boolean {
  return server.healthy && server.weight > 0 && server.active < server.maxActive && server !== exclude;
}
