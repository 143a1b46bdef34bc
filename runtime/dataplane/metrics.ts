/**
 * The data plane's Prometheus metrics, registered once on the agent's registry. Listeners and pools take
 * label-bound children at configuration time, so counting on the hot path is one increment.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** One server's state as the gauges report it. */
export interface ServerSample {
  readonly backendService: string;
  readonly key: string;
  readonly healthy: boolean;
  readonly active: number;
  readonly weight: number;
}

/** Status classes counted per listener: index = status / 100. */
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

export class DataPlaneMetrics {
  /** Connections accepted per listener (after the security group allowed them). */
  readonly connections: Counter<'listener'>;
  /** Connections a security group refused, per listener. */
  readonly refused: Counter<'listener'>;
  /** HTTP responses per listener and status class (`2xx`…`5xx`). */
  readonly requests: Counter<'listener' | 'code'>;
  /** Requests retried on another server after a connection failure, per listener. */
  readonly retries: Counter<'listener'>;
  /** Health check results per server. */
  readonly checks: Counter<'backend_service' | 'server' | 'result'>;
  /** Health state changes per server. */
  readonly transitions: Counter<'backend_service' | 'server' | 'state'>;

  constructor(registry: Registry, servers: () => Iterable<ServerSample>) {
    const registers = [registry];
    this.connections = new Counter({
      name: 'albkit_listener_connections_total',
      help: 'Connections accepted by a listener',
      labelNames: ['listener'],
      registers,
    });
    this.refused = new Counter({
      name: 'albkit_listener_refused_connections_total',
      help: 'Connections closed at accept because no security group ingress rule allowed them',
      labelNames: ['listener'],
      registers,
    });
    this.requests = new Counter({
      name: 'albkit_http_responses_total',
      help: 'HTTP responses sent by a listener, by status class',
      labelNames: ['listener', 'code'],
      registers,
    });
    this.retries = new Counter({
      name: 'albkit_http_retries_total',
      help: 'Idempotent requests retried on another server after a connection failure',
      labelNames: ['listener'],
      registers,
    });
    this.checks = new Counter({
      name: 'albkit_health_checks_total',
      help: 'Active health check results',
      labelNames: ['backend_service', 'server', 'result'],
      registers,
    });
    this.transitions = new Counter({
      name: 'albkit_health_transitions_total',
      help: 'Servers marked up or down by health checks',
      labelNames: ['backend_service', 'server', 'state'],
      registers,
    });
    const gauge = (name: string, help: string, value: (server: ServerSample) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['backend_service', 'server'],
        registers,
        collect(this: Gauge<'backend_service' | 'server'>) {
          this.reset();
          for (const server of servers()) {
            this.set({ backend_service: server.backendService, server: server.key }, value(server));
          }
        },
      });
    };
    gauge('albkit_server_healthy', '1 when the server passes its health checks', (server) => (server.healthy ? 1 : 0));
    gauge('albkit_server_active', 'Requests or connections in flight to the server', (server) => server.active);
    gauge('albkit_server_weight', 'The server weight', (server) => server.weight);
  }

  /** Response counters of one listener, indexed by status / 100. */
  responseCounters(listener: string): ReadonlyArray<{ inc(): void }> {
    return STATUS_CLASSES.map((code) => this.requests.labels(listener, code));
  }

  /** Removes the series of a listener that is gone. */
  forgetListener(listener: string): void {
    this.connections.remove(listener);
    this.refused.remove(listener);
    this.retries.remove(listener);
    for (const code of STATUS_CLASSES) this.requests.remove(listener, code);
  }
}
