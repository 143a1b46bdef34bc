/**
 * The TCP suite: a fixed number of bytes through one connection, socat source → proxy → socat sink, on the
 * client core; the sink's byte count is checked against what the source sent.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCpuMeasure } from '../measure';
import { CLIENT_CORE, HOST, PROXY_CORE } from '../ports';
import { runBounded, track, type Daemon } from '../proc';
import { monotonicMicros, type RawOutputs, type TcpRecord } from '../record';
import type { RunningTarget, Target, TargetContext } from '../peers/target';
import { rotate } from './http';

/** How the TCP suite runs. */
export interface TcpSuiteOptions {
  rounds: number;
  bytes: number;
  context: TargetContext;
  raw: RawOutputs;
  log: (line: string) => void;
}

const BUFFER = '131072';

/** A sink: socat accepting one connection, its output counted by `wc -c`. */
interface Sink {
  daemon: Daemon;
  /** Resolves with the bytes received once the connection has ended. */
  count: Promise<number>;
}

async function startSink(port: number, logFile: string): Promise<Sink> {
  const script = `socat -d -d -u -b ${BUFFER} TCP-LISTEN:${port},bind=${HOST},reuseaddr STDOUT 2>>'${logFile}' | wc -c`;
  const child = spawn('taskset', ['-c', String(CLIENT_CORE), 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const daemon = track('tcp sink', child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const count = daemon.exited.then(() => Number(output.trim()));
  const deadline = Date.now() + 10000;
  // socat logs "listening on" once bound; a probe connection would use up its single accept
  while (!safeRead(logFile).includes(`listening on AF=2 ${HOST}:${port}`)) {
    if (Date.now() > deadline) {
      await daemon.stop(0);
      throw new Error(`tcp sink did not listen on ${HOST}:${port} within 10 s`);
    }
    await sleep(20);
  }
  return { daemon, count };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function transfer(target: Target, running: RunningTarget, round: number, options: TcpSuiteOptions): Promise<TcpRecord> {
  const logFile = join(options.context.dir, `tcp-sink-${target.name}-r${round}.log`);
  const sink = await startSink(options.context.sinkPort, logFile);
  const timeoutMs = 20000 + options.bytes / 2 ** 20 * 100; // 10 MB/s at the very least
  try {
    const stopCpu = startCpuMeasure(running.pid);
    const fromMicros = monotonicMicros();
    await runBounded(
      'taskset',
      ['-c', String(CLIENT_CORE), 'socat', '-u', '-b', BUFFER, `OPEN:/dev/zero,readbytes=${options.bytes}`, `TCP:${HOST}:${running.port}`],
      timeoutMs,
    );
    const received = await Promise.race([sink.count, sleep(timeoutMs).then(() => Number.NaN)]);
    const toMicros = monotonicMicros();
    const seconds = (toMicros - fromMicros) / 1e6;
    const cpu = stopCpu();
    if (received !== options.bytes) throw new Error(`the sink received ${received} bytes of ${options.bytes}`);
    const gigabytes = options.bytes / 1e9;
    return {
      target: target.name,
      round,
      bytes: received,
      seconds,
      gigabytesPerSecond: gigabytes / seconds,
      cpuSecondsPerGigabyte: cpu.proxySeconds / gigabytes,
      proxyCoreBusy: cpu.cores[PROXY_CORE]?.busyPercent ?? Number.NaN,
      window: { fromMicros, toMicros },
    };
  } finally {
    await sink.daemon.stop(0);
  }
}

/** Runs the suite; a target that fails is reported in `failures` and skipped for that round. */
export async function runTcpSuite(targets: readonly Target[], options: TcpSuiteOptions, failures: string[]): Promise<TcpRecord[]> {
  const records: TcpRecord[] = [];
  const tcp = targets.filter((target) => target.startTcp);
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const target of rotate(tcp, round - 1)) {
      let running: RunningTarget | undefined;
      try {
        running = await target.startTcp!(options.context);
        const record = await transfer(target, running, round, options);
        records.push(record);
        options.raw.write(`tcp-${target.name}-r${round}.json`, `${JSON.stringify(record, null, 2)}\n`);
        options.log(`tcp round ${round} ${target.name}: ${record.gigabytesPerSecond.toFixed(2)} GB/s, ${record.cpuSecondsPerGigabyte.toFixed(2)} CPU s/GB`);
      } catch (error) {
        failures.push(`tcp round ${round} ${target.name}: ${(error as Error).message}`);
        options.log(`tcp round ${round} ${target.name}: FAILED ${(error as Error).message}`);
      } finally {
        await running?.stop();
      }
    }
  }
  return records;
}
