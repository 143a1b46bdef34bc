/**
 * Active health checks: one checker per (backend service, server), shared by every listener of the service.
 * HTTP checks send `HEAD <path>` on a fresh connection and pass when the status matches `statusCodes`; TCP
 * checks pass when a connection opens. `unhealthyThreshold` consecutive failures take a server out,
 * `healthyThreshold` consecutive successes bring it back. Each check has `timeoutMs`; the first one runs
 * after a random delay and later ones every `intervalMs` ± 10 %, so servers are not probed in lockstep.
 * A failure seen on live traffic (`suspect()`) makes the checker probe at once and then quickly until it
 * has settled, so a crashed server is taken out well before the next regular check. When the traffic to a
 * server starts with a PROXY protocol line, so do HTTP checks of its traffic port (as HAProxy's checks of a
 * `send-proxy` server do), since such a server refuses anything else.
 */
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { HTTP_CHECK_DEFAULTS, statusMatches, type HealthCheck } from '../../lib';
import { proxyV1Header } from './proxy-protocol';

/** Interval between probes while a server is suspected after a live-traffic failure. */
export const SUSPECT_INTERVAL_MS = 200;

/** Where and how one server is checked. */
export interface HealthCheckTarget {
  /** The server's address. */
  readonly address: string;
  /** The health check port: the check's own `port` or the server's traffic port. */
  readonly port: number;
  /** The backend service's health check, with its protocol resolved. */
  readonly check: HealthCheck;
  /** HTTP checks start with a PROXY v1 line naming the check connection's own ends. @default false */
  readonly proxyProtocol?: boolean;
}

/** Called with each check's outcome and whether it changed the server's state. */
export type HealthListener = (ok: boolean, changed: boolean) => void;

/** The active checker of one server of one backend service. */
export class HealthChecker {
  /** Current state; servers start healthy and stay so while checks are off. */
  healthy = true;
  private target: HealthCheckTarget;
  private successes = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private suspected = false;
  private stopped = true;

  constructor(
    target: HealthCheckTarget,
    private readonly listener: HealthListener,
  ) {
    this.target = target;
  }

  /** Starts checking, the first probe after a random part of the interval. */
  start(): void {
    this.stopped = false;
    if (!this.target.check.enabled) return;
    this.schedule(Math.random() * Math.min(this.target.check.intervalMs, 1000));
  }

  /** Applies changed check settings or a changed check port; keeps the current state. */
  update(target: HealthCheckTarget): void {
    const wasEnabled = this.target.check.enabled;
    this.target = target;
    if (!target.check.enabled) {
      this.clearTimer();
      this.successes = this.failures = 0;
      if (!this.healthy) this.transition(true);
    } else if (!wasEnabled && !this.stopped) {
      this.schedule(Math.random() * Math.min(target.check.intervalMs, 1000));
    }
  }

  /** Reports a failure seen on live traffic: probe now and quickly until the state settles. */
  suspect(): void {
    if (this.stopped || !this.target.check.enabled || !this.healthy || this.suspected) return;
    this.suspected = true;
    if (!this.probing) this.schedule(0);
  }

  /** Stops checking. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.probe(), delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private probe(): void {
    this.timer = undefined;
    this.probing = true;
    const { address, port, check, proxyProtocol = false } = this.target;
    const done = (ok: boolean): void => this.record(ok);
    if (check.protocol === 'TCP') probeTcp(address, port, check, done);
    else probeHttp(address, port, check, done, proxyProtocol);
  }

  private record(ok: boolean): void {
    this.probing = false;
    if (this.stopped || !this.target.check.enabled) return;
    const { check } = this.target;
    let changed = false;
    if (ok) {
      this.failures = 0;
      this.successes++;
      this.suspected = false;
      if (!this.healthy && this.successes >= check.healthyThreshold) changed = this.transition(true);
    } else {
      this.successes = 0;
      this.failures++;
      if (this.healthy && this.failures >= check.unhealthyThreshold) changed = this.transition(false);
    }
    if (changed) this.suspected = false;
    this.listener(ok, changed);
    const jitter = check.intervalMs * (0.9 + Math.random() * 0.2);
    this.schedule(this.suspected ? Math.min(SUSPECT_INTERVAL_MS, jitter) : jitter);
  }

  private transition(healthy: boolean): boolean {
    this.healthy = healthy;
    this.successes = this.failures = 0;
    return true;
  }
}

/** `HEAD <path>` on a fresh connection; passes when the status matches the check's codes in time. */
function probeHttp(
  address: string,
  port: number,
  check: HealthCheck,
  done: (ok: boolean) => void,
  proxyProtocol: boolean,
): void {
  let settled = false;
  const finish = (ok: boolean): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    request.destroy();
    done(ok);
  };
  const request = http.request({
    host: address,
    port,
    method: 'HEAD',
    path: check.path ?? HTTP_CHECK_DEFAULTS.path,
    headers: { 'user-agent': 'albkit-health-check', connection: 'close' },
    // A fresh connection per check: our own (no agent) when it starts with a PROXY line, else a one-off agent.
    ...(proxyProtocol
      ? {
          createConnection: (options: http.ClientRequestArgs, ready: Ready) =>
            connectWithProxyLine(options, check.timeoutMs, ready),
        }
      : { agent: false }),
  });
  const timer = setTimeout(() => finish(false), check.timeoutMs);
  request.on('response', (response) => {
    response.resume();
    finish(statusMatches(response.statusCode ?? 0, check.statusCodes ?? HTTP_CHECK_DEFAULTS.statusCodes));
  });
  request.on('error', () => finish(false));
  request.end();
}

/** A TCP connect; passes when the connection opens in time. */
function probeTcp(address: string, port: number, check: HealthCheck, done: (ok: boolean) => void): void {
  let settled = false;
  const finish = (ok: boolean): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.destroy();
    done(ok);
  };
  const socket = net.connect({ host: address, port });
  const timer = setTimeout(() => finish(false), check.timeoutMs);
  socket.on('connect', () => finish(true));
  socket.on('error', () => finish(false));
}

/** How a custom connection is handed to Node's HTTP client. */
type Ready = (error: Error | null, socket: Duplex) => void;

/**
 * Opens a check connection and writes the PROXY v1 line of its own two ends (the specification's advice for
 * checks) before handing it to the HTTP client, so that the line precedes the request.
 */
function connectWithProxyLine(options: http.ClientRequestArgs, timeoutMs: number, ready: Ready): undefined {
  const socket = net.connect({ host: options.host ?? undefined, port: Number(options.port) });
  const failed = (error: Error): void => ready(error, socket);
  socket.once('error', failed);
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error('connect timeout')));
  socket.once('connect', () => {
    socket.off('error', failed);
    socket.setTimeout(0);
    const source = { address: socket.localAddress, port: socket.localPort };
    const destination = { address: socket.remoteAddress, port: socket.remotePort };
    socket.write(proxyV1Header(source, destination));
    ready(null, socket);
  });
  return undefined;
}
