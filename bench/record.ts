/** The figures every suite records, one record per measurement, and where their raw outputs go. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WaveTiming } from './peers/albkit';
import type { ProbeFigures } from './probe/probe';
import type { TimeWindow } from './profile';
import type { ProfileSummary } from './suites/profile';

/** One HTTP measurement: a target, a connection count, a round. */
export interface HttpRecord {
  target: string;
  connections: number;
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors plus non-2xx/3xx responses. */
  errors: number;
  /** Proxy CPU per request in µs, from the proxy core's busy time (/proc/stat). */
  coreMicrosPerRequest: number;
  /** Proxy CPU per request in µs, from the proxy process's own CPU time. */
  processMicrosPerRequest: number;
  /** Busy share of the client core and of the proxy core, in percent. */
  clientCoreBusy: number;
  proxyCoreBusy: number;
  /** HAProxy's own idle share during the run, where the target reports one. */
  idlePercent: number;
  /** New connections the backends accepted during the run: low when the proxy keeps its upstream alive. */
  backendConnections: number;
  /** When the measured run began and ended, on the monotonic clock in µs (to cut a CPU profile to it). */
  window: TimeWindow;
}

/** Which way the bytes go: client to backend, or backend to client. */
export type TcpDirection = 'upload' | 'download';

/** One TCP measurement: a target, a direction, a round. */
export interface TcpRecord {
  target: string;
  direction: TcpDirection;
  round: number;
  bytes: number;
  seconds: number;
  gigabytesPerSecond: number;
  /** Proxy CPU seconds per GB (10^9 bytes), from the proxy process's own CPU time. */
  cpuSecondsPerGigabyte: number;
  proxyCoreBusy: number;
  /** When the transfer began and ended, on the monotonic clock in µs. */
  window: TimeWindow;
}

/** One control-plane measurement. */
export interface ControlRecord {
  round: number;
  resources: number;
  deployWallSeconds: number;
  deployApplySeconds: number;
  destroyWallSeconds: number;
  destroyApplySeconds: number;
  /** Listener ports that accepted connections after deploy, and that still did after destroy. */
  listeningAfterDeploy: number;
  listeningAfterDestroy: number;
  /** How long after destroy returned the last listener port stopped accepting (0: at once; NaN: not in 5 s). */
  portsClosedMs: number;
  /** Step times per wave, as the commands reported them. */
  deployWaves: WaveTiming[];
  destroyWaves: WaveTiming[];
}

/** One round of the apply suite: a large manifest put and removed while a listener is probed. */
export interface ApplyRecord {
  round: number;
  resources: number;
  /** From sending the bulk `PUT /v1/manifest` until its answer (every resource ACTIVE), in seconds. */
  applySeconds: number;
  /** The same for the run that removes the bulk stack again. */
  removeSeconds: number;
  /** Whether the last bulk listener accepted a connection once the apply had answered. */
  lastListenerAccepted: boolean;
  /** The probe with nothing else happening, during the apply, and during the removal. */
  baseline: ProbeFigures;
  duringApply: ProbeFigures;
  duringRemove: ProbeFigures;
}

/** The reconfiguration-under-load measurement. */
export interface ReconfigRecord {
  round: number;
  /** wrk connections, and the seconds of the run before the changes (the loaded run lasts as long as they take). */
  connections: number;
  seconds: number;
  changes: number;
  /** Changes that finished while the load ran. */
  changesDuringLoad: number;
  requestsBefore: number;
  errorsBefore: number;
  p99BeforeMs: number;
  requestsDuring: number;
  errorsDuring: number;
  p99DuringMs: number;
  requestsPerSecondBefore: number;
  requestsPerSecondDuring: number;
  /** When the loaded run with the changes began and ended, on the monotonic clock in µs. */
  window: TimeWindow;
}

/** Everything one bench run measured. */
export interface BenchResults {
  http: HttpRecord[];
  tcp: TcpRecord[];
  control: ControlRecord[];
  reconfig: ReconfigRecord[];
  apply: ApplyRecord[];
  /** albkit's hot functions under the HTTP and TCP loads. */
  profiles: ProfileSummary[];
  /** Failures that stopped a target or suite, kept for the report. */
  failures: string[];
}

/** The monotonic clock in µs, the clock V8 stamps CPU profile samples with. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The folder of one run's raw outputs, created on first use. */
export class RawOutputs {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** A subfolder (created). */
  folder(name: string): string {
    const path = join(this.dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  /** Writes one raw output. */
  write(name: string, text: string): void {
    writeFileSync(join(this.dir, name), text);
  }
}
