/**
 * The TCP suite: a fixed number of bytes through one connection, socat source → proxy → socat sink, on the
 * client core, in both directions: upload (the client sends, the backend is the sink) and download (the backend
 * sends, the client is the sink). The sink's byte count (`wc -c`) is checked against what the source sent.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCpuMeasure } from '../measure';
import { CLIENT_CORE, HOST, PROXY_CORE } from '../ports';
import { assertPortsFree, runBounded, track, type Daemon } from '../proc';
import { monotonicMicros, type RawOutputs, type TcpDirection, type TcpRecord } from '../record';
import type { RunningTarget, Target, TargetContext } from '../peers/target';
import { rotate } from './http';

/** How the TCP suite runs. */
export interface TcpSuiteOptions {
  rounds: number;
  bytes: number;
  /** @default both */
  directions?: readonly TcpDirection[];
  context: TargetContext;
  raw: RawOutputs;
  log: (line: string) => void;
}

const BUFFER = '131072';

/** The backend side: socat listening for exactly one connection, as sink or as source. */
interface Backend {
  daemon: Daemon;
  /** Resolves with the backend's stdout once it has exited and its output is read (the byte count, for a sink). */
  output: Promise<string>;
}

/** socat's options; with a log file, socat logs to it (at notice level: "listening on …"). */
const socat = (logFile?: string): string => `socat -u -b ${BUFFER}${logFile ? ` -d -d -lf '${logFile}'` : ''}`;

/** A shell command: socat reads `bytes` of zeros and sends them to `address`. */
const source = (bytes: number, address: string, logFile?: string): string =>
  `${socat(logFile)} OPEN:/dev/zero,readbytes=${bytes} ${address}`;

/** A shell command: socat receives from `address`, its output counted by `wc -c`. */
const sink = (address: string, logFile?: string): string => `${socat(logFile)} ${address} STDOUT | wc -c`;

/** Starts a backend (`script` logging to `logFile`) and waits until it listens on `port`. */
async function startBackend(script: string, port: number, logFile: string): Promise<Backend> {
  assertPortsFree('tcp backend', [port]);
  // socat logs "listening on" once bound: a probe connection would use up its single accept
  const child = spawn('taskset', ['-c', String(CLIENT_CORE), 'sh', '-c', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const daemon = track('tcp backend', child);
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  // 'close', not 'exit': the count wc printed may still be in the pipe when the shell has exited
  const output = new Promise<string>((resolve) => child.once('close', () => resolve(text)));
  const deadline = Date.now() + 10000;
  while (!safeRead(logFile).includes(`listening on AF=2 ${HOST}:${port}`)) {
    if (Date.now() > deadline) {
      await daemon.stop(0);
      throw new Error(`tcp backend did not listen on ${HOST}:${port} within 10 s: ${safeRead(logFile).slice(-500)}`);
    }
    await sleep(20);
  }
  return { daemon, output };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function transfer(
  target: Target,
  running: RunningTarget,
  direction: TcpDirection,
  round: number,
  options: TcpSuiteOptions,
): Promise<TcpRecord> {
  const backendPort = options.context.tcpBackendPort;
  const listen = `TCP-LISTEN:${backendPort},bind=${HOST},reuseaddr`;
  const proxy = `TCP:${HOST}:${running.port}`;
  const logFile = join(options.context.dir, `tcp-${direction}-${target.name}-r${round}.log`);
  const backend = await startBackend(
    direction === 'upload' ? sink(listen, logFile) : source(options.bytes, listen, logFile),
    backendPort,
    logFile,
  );
  const timeoutMs = 20000 + (options.bytes / 2 ** 20) * 100; // 10 MB/s at the very least
  try {
    const stopCpu = startCpuMeasure(running.pid);
    const fromMicros = monotonicMicros();
    const client = await runBounded(
      'taskset',
      ['-c', String(CLIENT_CORE), 'sh', '-c', direction === 'upload' ? source(options.bytes, proxy) : sink(proxy)],
      timeoutMs,
    );
    const counted =
      direction === 'upload'
        ? await Promise.race([backend.output, sleep(timeoutMs, 'timed out', { ref: false })])
        : client.stdout;
    const toMicros = monotonicMicros();
    const cpu = stopCpu();
    const received = Number(counted.trim());
    if (received !== options.bytes)
      throw new Error(`${direction}: the sink received ${counted.trim() || 'nothing'} of ${options.bytes} bytes`);
    const seconds = (toMicros - fromMicros) / 1e6;
    const gigabytes = options.bytes / 1e9;
    return {
      target: target.name,
      direction,
      round,
      bytes: received,
      seconds,
      gigabytesPerSecond: gigabytes / seconds,
      cpuSecondsPerGigabyte: cpu.proxySeconds / gigabytes,
      proxyCoreBusy: cpu.cores[PROXY_CORE]?.busyPercent ?? Number.NaN,
      window: { fromMicros, toMicros },
    };
  } finally {
    await backend.daemon.stop(0);
  }
}

/** Runs the suite; a target that fails is reported in `failures` and skipped for that round and direction. */
export async function runTcpSuite(
  targets: readonly Target[],
  options: TcpSuiteOptions,
  failures: string[],
): Promise<TcpRecord[]> {
  const records: TcpRecord[] = [];
  const tcp = targets.filter((target) => target.startTcp);
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const target of rotate(tcp, round - 1)) {
      for (const direction of options.directions ?? TCP_DIRECTIONS) {
        let running: RunningTarget | undefined;
        try {
          running = await target.startTcp!(options.context);
          const record = await transfer(target, running, direction, round, options);
          records.push(record);
          options.raw.write(`tcp-${direction}-${target.name}-r${round}.json`, `${JSON.stringify(record, null, 2)}\n`);
          options.log(
            `tcp ${direction} round ${round} ${target.name}: ${record.gigabytesPerSecond.toFixed(
              2,
            )} GB/s, ${record.cpuSecondsPerGigabyte.toFixed(2)} CPU s/GB`,
          );
        } catch (error) {
          failures.push(`tcp ${direction} round ${round} ${target.name}: ${(error as Error).message}`);
          options.log(`tcp ${direction} round ${round} ${target.name}: FAILED ${(error as Error).message}`);
        } finally {
          await running?.stop();
        }
      }
    }
  }
  return records;
}

/** Both directions, upload first. */
export const TCP_DIRECTIONS: readonly TcpDirection[] = ['upload', 'download'];
