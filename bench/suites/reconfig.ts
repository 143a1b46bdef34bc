/**
 * Reconfiguration under load: a wrk run against albkit while `albkit deploy` applies 20 changes (weights, a
 * server added and removed, the algorithm switched, the health check retuned); failed requests must be 0,
 * and p99 during the changes is compared with a run just before them.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpApp, writeManifest, type HttpVariant } from '../peers/albkit-apps';
import { runAlbkit, startAgent, type RunningAgent } from '../peers/albkit';
import { HOST, HTTP_PROXY_PORT } from '../ports';
import { monotonicMicros, type RawOutputs, type ReconfigRecord } from '../record';
import { runWrk } from '../wrk';
import { waitForOk } from './http';

/** How the reconfiguration suite runs. */
export interface ReconfigSuiteOptions {
  rounds: number;
  duration: number;
  warmup: number;
  connections: number;
  /** The backends' ports: the first two serve from the start, the third is added and removed. */
  backendPorts: readonly number[];
  dir: string;
  raw: RawOutputs;
  log: (line: string) => void;
  /** Flags for the agent's Node (the profile suite passes `--cpu-prof`). @default none */
  nodeFlags?: readonly string[];
}

/** How many changes one run applies. */
export const CHANGES = 20;

/** The 20 configurations applied in turn: each differs from the one before it. */
export function reconfigVariants(
  backendPorts: readonly number[],
): { ports: readonly number[]; variant: HttpVariant }[] {
  const two = backendPorts.slice(0, 2);
  const three = backendPorts.slice(0, 3);
  const cycle: { ports: readonly number[]; variant: HttpVariant }[] = [
    { ports: two, variant: { weights: [30, 10] } },
    { ports: two, variant: { weights: [10, 30] } },
    { ports: three, variant: { weights: [10, 10, 10] } },
    { ports: three, variant: { weights: [10, 10, 10], algorithm: 'WEIGHTED_LEAST_CONNECTIONS' } },
    { ports: two, variant: { algorithm: 'WEIGHTED_LEAST_CONNECTIONS' } },
    { ports: two, variant: { algorithm: 'SOURCE_IP' } },
    { ports: two, variant: { healthCheckIntervalMs: 2000 } },
    { ports: two, variant: { weights: [0, 10] } },
    { ports: two, variant: { weights: [10, 0] } },
    { ports: two, variant: {} },
  ];
  return Array.from({ length: CHANGES }, (_, index) => cycle[index % cycle.length]!);
}

/** Applies each manifest with `albkit deploy`, one after the other, at least `spacingMs` apart; returns when each finished. */
async function applyChanges(files: readonly string[], agent: RunningAgent, spacingMs: number): Promise<number[]> {
  const finishedAt: number[] = [];
  for (const file of files) {
    const next = sleep(spacingMs);
    await runAlbkit('deploy', file, agent);
    finishedAt.push(Date.now());
    await next;
  }
  return finishedAt;
}

/** The longest the loaded run may last, whatever the deploys take. */
const LOADED_RUN_CAP_SECONDS = 180;

/** Runs the suite; a failed round is reported in `failures`. */
export async function runReconfigSuite(options: ReconfigSuiteOptions, failures: string[]): Promise<ReconfigRecord[]> {
  const base = join(options.dir, 'reconfig-0.manifest.json');
  writeManifest(httpApp(HTTP_PROXY_PORT, options.backendPorts.slice(0, 2)), base);
  const files = reconfigVariants(options.backendPorts).map(({ ports, variant }, index) => {
    const file = join(options.dir, `reconfig-${index + 1}.manifest.json`);
    writeManifest(httpApp(HTTP_PROXY_PORT, ports, variant), file);
    return file;
  });
  const url = `http://${HOST}:${HTTP_PROXY_PORT}/`;
  const records: ReconfigRecord[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    let agent: RunningAgent | undefined;
    try {
      agent = await startAgent(options.dir, base, options.nodeFlags, [HTTP_PROXY_PORT]);
      await waitForOk(HTTP_PROXY_PORT);
      await runWrk({ url, connections: options.connections, seconds: options.warmup });
      const before = await runWrk({ url, connections: options.connections, seconds: options.duration });
      // the changes are spread over about one run's duration; the loaded run ends a second after the last one
      const changes = applyChanges(files, agent, (options.duration * 1000) / files.length);
      let loadEnded = Number.POSITIVE_INFINITY;
      const fromMicros = monotonicMicros();
      const [during, finishedAt] = await Promise.all([
        runWrk({
          url,
          connections: options.connections,
          seconds: LOADED_RUN_CAP_SECONDS,
          until: changes.then(() => sleep(1000)),
        }).finally(() => (loadEnded = Date.now())),
        changes,
      ]);
      options.raw.write(`reconfig-before-r${round}.txt`, before.output);
      options.raw.write(`reconfig-during-r${round}.txt`, during.output);
      const record: ReconfigRecord = {
        round,
        connections: options.connections,
        seconds: options.duration,
        changes: files.length,
        changesDuringLoad: finishedAt.filter((time) => time <= loadEnded).length,
        requestsBefore: before.result.requests,
        errorsBefore: before.result.socketErrors + before.result.non2xx,
        p99BeforeMs: before.result.p99Ms,
        requestsDuring: during.result.requests,
        errorsDuring: during.result.socketErrors + during.result.non2xx,
        p99DuringMs: during.result.p99Ms,
        requestsPerSecondBefore: before.result.requestsPerSecond,
        requestsPerSecondDuring: during.result.requestsPerSecond,
        window: { fromMicros, toMicros: monotonicMicros() },
      };
      records.push(record);
      options.log(
        `reconfig round ${round}: ${record.changesDuringLoad}/${record.changes} changes under load, ${
          record.errorsDuring
        } errors of ${record.requestsDuring}, p99 ${record.p99BeforeMs.toFixed(2)} → ${record.p99DuringMs.toFixed(
          2,
        )} ms`,
      );
    } catch (error) {
      failures.push(`reconfig round ${round}: ${(error as Error).message}`);
      options.log(`reconfig round ${round}: FAILED ${(error as Error).message}`);
    } finally {
      await agent?.daemon.stop();
    }
  }
  return records;
}
