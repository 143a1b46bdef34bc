/**
 * Agent-level metrics: resources by kind and state, and control API requests. The data plane registers its
 * own (requests, connections, bytes, health per listener and server) in the same registry.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { KIND_NAMES } from '../lib';
import type { StoredResource } from './store/state';

const STATES = ['CREATING', 'ACTIVE', 'FAILED', 'DELETING'] as const;

/** The agent's metrics, in one registry shared with the data plane. */
export interface AgentMetrics {
  registry: Registry;
  /** Counts a control API request by method, route and status code. */
  apiRequests: Counter<'method' | 'route' | 'status'>;
}

/**
 * Creates the registry with process metrics, `albkit_resources{kind,state}` (read from `resources()` at
 * scrape time), `albkit_store_write_failures_total` (read from `storeFailures()`) and
 * `albkit_control_requests_total`.
 */
export function createAgentMetrics(
  resources: () => Iterable<StoredResource>,
  storeFailures: () => number,
): AgentMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'albkit_agent_' });
  new Gauge({
    name: 'albkit_resources',
    help: 'Resources the agent holds, by kind and lifecycle state',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
    collect() {
      const counts = new Map<string, number>();
      for (const { kind, state } of resources())
        counts.set(`${kind} ${state}`, (counts.get(`${kind} ${state}`) ?? 0) + 1);
      for (const kind of KIND_NAMES) {
        for (const state of STATES) this.set({ kind, state }, counts.get(`${kind} ${state}`) ?? 0);
      }
    },
  });
  new Counter({
    name: 'albkit_store_write_failures_total',
    help: 'Writes of the state file that failed (a full disk…): changes refused with 507 and status writes retried',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(storeFailures());
    },
  });
  const apiRequests = new Counter({
    name: 'albkit_control_requests_total',
    help: 'Control API requests, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  return { registry, apiRequests };
}
