/**
 * The HTTP suite: wrk against every target at each connection count, rounds interleaved with the start order
 * rotated, CPU sampled from /proc on both cores and from the proxy process.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { startCpuMeasure, sampleEvery } from '../measure';
import { CLIENT_CORE, HOST, PROXY_CORE } from '../ports';
import { monotonicMicros, type HttpRecord, type RawOutputs } from '../record';
import type { RunningTarget, Target, TargetContext } from '../peers/target';
import { runWrk } from '../wrk';

/** How the HTTP suite runs. */
export interface HttpSuiteOptions {
  rounds: number;
  duration: number;
  warmup: number;
  connections: readonly number[];
  context: TargetContext;
  /** Connections the backends have accepted so far. */
  backendAccepts: () => Promise<number>;
  raw: RawOutputs;
  log: (line: string) => void;
}

/** Rotates a list left by `by` places: round r starts with the r-th target. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** What the backends saw of a few requests through a target. */
export interface Forwarding {
  /** Backend ports that answered. */
  ports: Set<string>;
  /** X-Forwarded-For values the backends received. */
  forwardedFor: Set<string>;
}

/**
 * Waits until a GET through the target answers 200 (health checks may first have to pass), then sends a few
 * more and reports which backends answered and what X-Forwarded-For they saw.
 */
export async function waitForOk(port: number, timeoutMs = 20000): Promise<Forwarding> {
  const deadline = Date.now() + timeoutMs;
  const seen: Forwarding = { ports: new Set(), forwardedFor: new Set() };
  let last = 'no answer';
  let ok = 0;
  while (ok < 6) {
    if (Date.now() > deadline) throw new Error(`port ${port}: no 200 within ${timeoutMs} ms (${last})`);
    try {
      const response = await request(`http://${HOST}:${port}/`, { headersTimeout: 2000, bodyTimeout: 2000 });
      await response.body.text();
      if (response.statusCode === 200) {
        ok += 1;
        seen.ports.add(String(response.headers['x-backend-port']));
        seen.forwardedFor.add(String(response.headers['x-seen-forwarded-for'] ?? ''));
        continue;
      }
      last = `status ${response.statusCode}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  return seen;
}

/** Checks that a proxy balanced over every backend and appended the client's address to X-Forwarded-For. */
export function checkForwarding(target: string, seen: Forwarding, backendPorts: readonly number[]): void {
  const missing = backendPorts.filter((backend) => !seen.ports.has(String(backend)));
  if (missing.length > 0)
    throw new Error(`${target} sent nothing to backend port(s) ${missing.join(', ')} in 6 requests`);
  const forwarded = [...seen.forwardedFor];
  if (!forwarded.every((value) => value.split(/,\s*/).includes(HOST))) {
    throw new Error(
      `${target} did not append the client address to X-Forwarded-For (backends saw "${forwarded.join('", "')}")`,
    );
  }
}

async function measure(
  target: Target,
  running: RunningTarget,
  connections: number,
  round: number,
  options: HttpSuiteOptions,
): Promise<HttpRecord> {
  const url = `http://${HOST}:${running.port}/`;
  await runWrk({ url, connections, seconds: options.warmup });
  const acceptsBefore = await options.backendAccepts();
  const stopCpu = startCpuMeasure(running.pid);
  const stopIdle = running.idlePercent ? sampleEvery(running.idlePercent, 1000) : undefined;
  const fromMicros = monotonicMicros();
  const { result, output } = await runWrk({ url, connections, seconds: options.duration });
  const window = { fromMicros, toMicros: monotonicMicros() };
  const cpu = stopCpu();
  const idle = stopIdle ? await stopIdle() : [];
  const backendConnections = (await options.backendAccepts()) - acceptsBefore - 1;
  options.raw.write(`http-${target.name}-c${connections}-r${round}.txt`, output);
  const proxyCore = cpu.cores[PROXY_CORE] ?? { busyPercent: Number.NaN, busySeconds: Number.NaN };
  const hasProxy = running.pid !== undefined;
  return {
    target: target.name,
    connections,
    round,
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.socketErrors + result.non2xx,
    coreMicrosPerRequest: hasProxy ? (proxyCore.busySeconds * 1e6) / result.requests : Number.NaN,
    processMicrosPerRequest: (cpu.proxySeconds * 1e6) / result.requests,
    clientCoreBusy: cpu.cores[CLIENT_CORE]?.busyPercent ?? Number.NaN,
    proxyCoreBusy: proxyCore.busyPercent,
    idlePercent: idle.length > 0 ? idle.reduce((sum, value) => sum + value, 0) / idle.length : Number.NaN,
    backendConnections,
    window,
  };
}

/** Runs the suite; a target that fails to start or serve is reported in `failures` and skipped for that round. */
export async function runHttpSuite(
  targets: readonly Target[],
  options: HttpSuiteOptions,
  failures: string[],
): Promise<HttpRecord[]> {
  const records: HttpRecord[] = [];
  const http = targets.filter((target) => target.startHttp);
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const target of rotate(http, round - 1)) {
      let running: RunningTarget | undefined;
      try {
        running = await target.startHttp!(options.context);
        const seen = await waitForOk(running.port);
        if (running.pid !== undefined) checkForwarding(target.name, seen, options.context.backendPorts);
        for (const connections of options.connections) {
          const record = await measure(target, running, connections, round, options);
          records.push(record);
          options.log(
            `http round ${round} ${target.name} c=${connections}: ${Math.round(
              record.requestsPerSecond,
            )} req/s, p99 ${record.p99Ms.toFixed(2)} ms, ${record.errors} errors`,
          );
        }
      } catch (error) {
        failures.push(`http round ${round} ${target.name}: ${(error as Error).message}`);
        options.log(`http round ${round} ${target.name}: FAILED ${(error as Error).message}`);
      } finally {
        await running?.stop();
      }
    }
  }
  return records;
}
