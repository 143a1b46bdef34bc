/**
 * The data plane's Prometheus metrics, registered once on the agent's registry. Per-request counts are plain
 * numbers the hot path increments (a prom-client child would hash its labels on every call); they are read
 * into the registry when it is scraped.
 */
import type { Socket } from 'node:net';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RuleCounts } from './routing/rule-actions';

/** One server's state as the gauges report it. */
export interface ServerSample {
  /** The backend service id. */
  readonly backendService: string;
  /** The server key. */
  readonly key: string;
  /** The backend service protocol: its servers get requests (`HTTP`) or connections (`TCP`). */
  readonly protocol: 'HTTP' | 'TCP';
  readonly healthy: boolean;
  readonly active: number;
  readonly weight: number;
  /** Requests (HTTP) or connections (TCP) given to the server since it joined, retries included. */
  readonly picks: number;
}

/** Status classes counted per listener: index = status / 100. */
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * Bytes over the client connections of one listener: totals of the closed connections, and the open ones,
 * whose own counts are added at scrape time (see `openBytes`, `closeBytes`).
 */
export interface ByteCounts {
  /** Bytes read from closed client connections. */
  bytesFromClients: number;
  /** Bytes written to closed client connections. */
  bytesToClients: number;
  /** Client connections still open. */
  readonly open: Set<Socket>;
}

/** Counts a client connection's bytes from now on: read at each scrape while it is open. */
export function openBytes(counts: ByteCounts, socket: Socket): void {
  counts.open.add(socket);
}

/** A client connection closed: its bytes join the totals. */
export function closeBytes(counts: ByteCounts, socket: Socket): void {
  counts.open.delete(socket);
  counts.bytesFromClients += socket.bytesRead;
  counts.bytesToClients += socket.bytesWritten;
}

/** Bytes read from and written to clients so far, open connections included. */
function bytesOf(counts: ByteCounts): [fromClients: number, toClients: number] {
  let fromClients = counts.bytesFromClients;
  let toClients = counts.bytesToClients;
  for (const socket of counts.open) {
    fromClients += socket.bytesRead;
    toClients += socket.bytesWritten;
  }
  return [fromClients, toClients];
}

/** Responses of one HTTP/HTTPS listener by status class (index = status / 100), its retries and bytes. */
export interface HttpCounts extends ByteCounts {
  /** Responses by status class, index = status / 100. */
  readonly responses: Float64Array;
  /** Requests retried on another server. */
  retries: number;
}

/** Counts of one TCP or TLS listener, read into the registry when it is scraped. */
export interface TcpCounts extends ByteCounts {
  /** Connections closed because no server was usable or every try to connect failed. */
  noServer: number;
  /** Server connects that failed (refused, reset, timed out). */
  connectFailures: number;
}

/** TCP counts all at zero. */
export function newTcpCounts(): TcpCounts {
  return { noServer: 0, connectFailures: 0, bytesFromClients: 0, bytesToClients: 0, open: new Set() };
}

/** Every metric of the data plane, on one registry. */
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
  private readonly httpCounts = new Map<string, HttpCounts>();
  private readonly tcpCounts = new Map<string, TcpCounts>();
  /** Per listener, each url map rule's counts by `<url map>\n<priority>`. */
  private readonly ruleCounts = new Map<string, Map<string, RuleCounts>>();
  /** How many running listeners hold each listener id (two while a rebound listener's old one drains). */
  private readonly holders = new Map<string, number>();

  /**
   * Registers the series; `servers` and `queues` (backend service id and requests waiting for a server below
   * its cap) are read at scrape time.
   */
  constructor(
    registry: Registry,
    servers: () => Iterable<ServerSample>,
    queues: () => Iterable<readonly [string, number]> = () => [],
  ) {
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
    const httpCounts = this.httpCounts;
    this.requests = new Counter({
      name: 'albkit_http_responses_total',
      help: 'HTTP responses sent by a listener, by status class',
      labelNames: ['listener', 'code'],
      registers,
      collect(this: Counter<'listener' | 'code'>) {
        this.reset();
        for (const [listener, counts] of httpCounts) {
          counts.responses.forEach(
            (count, index) => count > 0 && this.inc({ listener, code: STATUS_CLASSES[index] }, count),
          );
        }
      },
    });
    this.retries = new Counter({
      name: 'albkit_http_retries_total',
      help: 'Idempotent requests retried on another server after a connection failure',
      labelNames: ['listener'],
      registers,
      collect(this: Counter<'listener'>) {
        this.reset();
        for (const [listener, counts] of httpCounts) if (counts.retries > 0) this.inc({ listener }, counts.retries);
      },
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
    new Gauge({
      name: 'albkit_backend_queued_requests',
      help: 'HTTP requests waiting for a server below its connection cap',
      labelNames: ['backend_service'],
      registers,
      collect(this: Gauge<'backend_service'>) {
        this.reset();
        for (const [backendService, waiting] of queues()) this.set({ backend_service: backendService }, waiting);
      },
    });
    const serverCounter = (name: string, help: string, protocol: ServerSample['protocol']): void => {
      new Counter({
        name,
        help,
        labelNames: ['backend_service', 'server'],
        registers,
        collect(this: Counter<'backend_service' | 'server'>) {
          this.reset();
          for (const server of servers()) {
            if (server.protocol === protocol && server.picks > 0) {
              this.inc({ backend_service: server.backendService, server: server.key }, server.picks);
            }
          }
        },
      });
    };
    serverCounter('albkit_server_requests_total', 'HTTP requests sent to the server, retries included', 'HTTP');
    serverCounter('albkit_server_connections_total', 'TCP/TLS connections sent to the server, retries included', 'TCP');
    const ruleCounts = this.ruleCounts;
    new Counter({
      name: 'albkit_rule_matched_requests_total',
      help: 'Requests a url map rule matched, per listener, url map and rule priority',
      labelNames: ['listener', 'url_map', 'priority'],
      registers,
      collect(this: Counter<'listener' | 'url_map' | 'priority'>) {
        this.reset();
        for (const [listener, rules] of ruleCounts) {
          for (const [key, counts] of rules) {
            if (counts.matched === 0) continue;
            const [urlMap = '', priority = ''] = key.split('\n');
            this.inc({ listener, url_map: urlMap, priority }, counts.matched);
          }
        }
      },
    });
    const tcpCounts = this.tcpCounts;
    type Series = ReadonlyArray<readonly [direction: string | undefined, value: number]>;
    const listenerCounter = <C>(
      name: string,
      help: string,
      entries: () => Iterable<readonly [string, C]>,
      read: (counts: C) => Series,
    ): void => {
      new Counter({
        name,
        help,
        labelNames: ['listener', 'direction'],
        registers,
        collect(this: Counter<'listener' | 'direction'>) {
          this.reset();
          for (const [listener, counts] of entries()) {
            for (const [direction, value] of read(counts)) {
              if (value > 0) this.inc(direction === undefined ? { listener } : { listener, direction }, value);
            }
          }
        },
      });
    };
    const tcpEntries = (): Iterable<readonly [string, TcpCounts]> => tcpCounts;
    listenerCounter(
      'albkit_tcp_no_server_total',
      'TCP/TLS connections closed because no server was usable',
      tcpEntries,
      (counts) => [[undefined, counts.noServer]],
    );
    listenerCounter(
      'albkit_tcp_connect_failures_total',
      'Server connects of TCP/TLS listeners that failed',
      tcpEntries,
      (counts) => [[undefined, counts.connectFailures]],
    );
    // Both maps: after a rebind between HTTP and TCP, a listener id has counts in each, and they add up.
    const byteEntries = function* (): Iterable<readonly [string, ByteCounts]> {
      yield* httpCounts;
      yield* tcpCounts;
    };
    listenerCounter(
      'albkit_listener_bytes_total',
      'Bytes a listener moved over its client connections, by direction (from_clients, to_clients)',
      byteEntries,
      (counts) => {
        const [fromClients, toClients] = bytesOf(counts);
        return [
          ['from_clients', fromClients],
          ['to_clients', toClients],
        ];
      },
    );
  }

  /** The HTTP counts of a listener id, kept across reconfiguration and replacement of the listener. */
  httpCountsOf(listener: string): HttpCounts {
    let counts = this.httpCounts.get(listener);
    if (counts === undefined) {
      counts = {
        responses: new Float64Array(STATUS_CLASSES.length),
        retries: 0,
        bytesFromClients: 0,
        bytesToClients: 0,
        open: new Set(),
      };
      this.httpCounts.set(listener, counts);
    }
    return counts;
  }

  /** The TCP counts of a listener id, kept across reconfiguration and replacement of the listener. */
  tcpCountsOf(listener: string): TcpCounts {
    let counts = this.tcpCounts.get(listener);
    if (counts === undefined) {
      counts = newTcpCounts();
      this.tcpCounts.set(listener, counts);
    }
    return counts;
  }

  /** The counts of rule `priority` of url map `urlMap` on listener `listener`, kept across changes of either. */
  ruleCountsOf(listener: string, urlMap: string, priority: number): RuleCounts {
    let rules = this.ruleCounts.get(listener);
    if (rules === undefined) {
      rules = new Map();
      this.ruleCounts.set(listener, rules);
    }
    const key = `${urlMap}\n${priority}`;
    let counts = rules.get(key);
    if (counts === undefined) {
      counts = { matched: 0 };
      rules.set(key, counts);
    }
    return counts;
  }

  /** Marks a listener id as in use by one more running listener, until the matching `releaseListener`. */
  holdListener(listener: string): void {
    this.holders.set(listener, (this.holders.get(listener) ?? 0) + 1);
  }

  /** Ends one hold; the listener's series are forgotten once no running listener holds its id. */
  releaseListener(listener: string): void {
    const left = (this.holders.get(listener) ?? 1) - 1;
    if (left > 0) {
      this.holders.set(listener, left);
      return;
    }
    this.holders.delete(listener);
    this.forgetListener(listener);
  }

  /** Removes the series of a listener id no running listener holds any more. */
  private forgetListener(listener: string): void {
    this.httpCounts.delete(listener);
    this.tcpCounts.delete(listener);
    this.ruleCounts.delete(listener);
    this.connections.remove(listener);
    this.refused.remove(listener);
  }
}
