/** What every side of the comparison (a proxy, or the client straight to a backend) offers the suites. */

/** Where a target writes its configuration and logs, and what it proxies to. */
export interface TargetContext {
  /** A folder of the run's results for this target's files. */
  dir: string;
  /** The nginx backends' ports (HTTP suites). */
  backendPorts: readonly number[];
  /** The TCP backend's port: the socat sink (uploads) or source (downloads) (TCP suite). */
  tcpBackendPort: number;
}

/** A started target. */
export interface RunningTarget {
  /** The port clients connect to. */
  port: number;
  /** The proxy's PID, for its CPU time; absent for the no-proxy limit. */
  pid?: number;
  /** A sample of the proxy's own idle share in percent, where it reports one (HAProxy). */
  idlePercent?: () => Promise<number>;
  /** Stops it by PID and waits for it to be gone. */
  stop(): Promise<void>;
}

/** One side of the comparison. */
export interface Target {
  /** The name in the report. */
  name: string;
  /** How it is set up, in one line, for the report. */
  description: string;
  /** Starts it, proxying HTTP to the backends; resolves once it accepts connections. */
  startHttp?: (context: TargetContext) => Promise<RunningTarget>;
  /** Starts it, proxying TCP to the sink; resolves once it accepts connections. */
  startTcp?: (context: TargetContext) => Promise<RunningTarget>;
}

/** The name HAProxy has in the report: every ratio is to it. */
export const REFERENCE = 'HAProxy';
