/** Runs wrk, the HTTP load generator, pinned to the client core, and parses what it prints. */
import { runBounded } from './proc';

/** What one wrk run measured. */
export interface WrkResult {
  /** Requests completed. */
  requests: number;
  /** Length of the run in seconds, as wrk measured it. */
  seconds: number;
  /** Requests per second. */
  requestsPerSecond: number;
  /** Mean latency in milliseconds. */
  latencyMeanMs: number;
  /** Latency percentiles in milliseconds. */
  p50Ms: number;
  p75Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Socket errors (connect, read, write, timeout) added up. */
  socketErrors: number;
  /** Responses with a status other than 2xx or 3xx. */
  non2xx: number;
}

/** How to run wrk. */
export interface WrkOptions {
  /** The URL to load. */
  url: string;
  /** Open connections. */
  connections: number;
  /** Length of the run in seconds. */
  seconds: number;
  /** Client threads. @default 1 */
  threads?: number;
  /** The core wrk is pinned to. @default 0 */
  core?: number;
  /** Ends the run early (SIGINT: wrk stops and prints what it measured) when this settles. @default none */
  until?: Promise<unknown>;
}

/** A run's parsed figures and wrk's own output. */
export interface WrkRun {
  result: WrkResult;
  /** wrk's stdout, kept as the raw result. */
  output: string;
}

/** Runs wrk once; rejects if it fails, prints nothing parseable or overruns its time by 15 s. */
export async function runWrk(options: WrkOptions): Promise<WrkRun> {
  const args = [
    '-c',
    String(options.core ?? 0),
    'wrk',
    '-t',
    String(options.threads ?? 1),
    '-c',
    String(options.connections),
    '-d',
    `${options.seconds}s`,
    '--timeout',
    '5s',
    '--latency',
    options.url,
  ];
  const { stdout } = await runBounded('taskset', args, (options.seconds + 15) * 1000, { interrupt: options.until });
  return { result: parseWrk(stdout), output: stdout };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** A wrk duration such as `812.00us`, `1.20ms`, `2.00s` or `1.00m`, in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`wrk: cannot read the duration "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** Parses the text wrk prints with `--latency`; throws naming the line it could not find. */
export function parseWrk(output: string): WrkResult {
  const find = (pattern: RegExp, what: string): RegExpExecArray => {
    const match = pattern.exec(output);
    if (!match) throw new Error(`wrk: no ${what} in its output:\n${output}`);
    return match;
  };
  const total = find(/^\s*(\d+) requests in ([\d.]+\w+),/m, 'request count');
  const percentile = (p: number): number =>
    parseDuration(find(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm'), `${p}% latency`)[1]!);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requests: Number(total[1]),
    seconds: parseDuration(total[2]!) / 1000,
    requestsPerSecond: Number(find(/^Requests\/sec:\s+([\d.]+)/m, 'Requests/sec')[1]),
    latencyMeanMs: parseDuration(find(/^\s*Latency\s+(\S+)/m, 'mean latency')[1]!),
    p50Ms: percentile(50),
    p75Ms: percentile(75),
    p90Ms: percentile(90),
    p99Ms: percentile(99),
    socketErrors: socket ? socket.slice(1, 5).reduce((sum, count) => sum + Number(count), 0) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}
