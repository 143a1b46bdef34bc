/**
 * The apply suite: a large manifest (5 resources per load balancer, 10 000 by default) put with one
 * `PUT /v1/manifest` to an agent that already serves a listener, while a probe opens a new connection to that
 * listener every 10 ms. Records the apply's time and the probe's latency before it (the baseline), during it,
 * and during the run that removes the bulk stack again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bulkApp, httpApp, writeManifest } from '../peers/albkit-apps';
import { startAgent, type RunningAgent } from '../peers/albkit';
import { APPLY_BULK_PORT, APPLY_PROBE_PORT, HOST } from '../ports';
import { probeFigures, startProbe, type ProbeSample } from '../probe/probe';
import { canConnect, waitForPort } from '../proc';
import { monotonicMicros, type ApplyRecord, type RawOutputs } from '../record';
import type { TimeWindow } from '../profile';

/** How the apply suite runs. */
export interface ApplySuiteOptions {
  rounds: number;
  /** Load balancers in the bulk manifest (5 resources each). */
  loadBalancers: number;
  backendPorts: readonly number[];
  dir: string;
  raw: RawOutputs;
  log: (line: string) => void;
  /** Flags for the agent's Node (`--cpu-prof` to see where a stall comes from). @default none */
  nodeFlags?: readonly string[];
}

/** Milliseconds between two probes. */
export const PROBE_INTERVAL_MS = 10;
/** Seconds of probing with nothing else happening, for the baseline. */
export const BASELINE_SECONDS = 5;
/** The bulk stack's name. */
const STACK = 'bulk';

/** One `PUT /v1/manifest?stack=bulk`: its time window; throws unless the agent answered 200. */
async function putManifest(agent: RunningAgent, token: string, body: string): Promise<TimeWindow> {
  const fromMicros = monotonicMicros();
  const response = await fetch(`${agent.endpoint}/v1/manifest?stack=${STACK}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(300_000),
  });
  const answer = await response.text();
  const toMicros = monotonicMicros();
  if (response.status !== 200) throw new Error(`PUT /v1/manifest answered ${response.status}: ${answer.slice(0, 500)}`);
  return { fromMicros, toMicros };
}

const seconds = (window: TimeWindow): number => (window.toMicros - window.fromMicros) / 1e6;

/** Runs the suite; a failed round is reported in `failures`. */
export async function runApplySuite(options: ApplySuiteOptions, failures: string[]): Promise<ApplyRecord[]> {
  const probeFile = join(options.dir, 'apply-probe.manifest.json');
  writeManifest(httpApp(APPLY_PROBE_PORT, options.backendPorts.slice(0, 1)), probeFile);
  const bulkFile = join(options.dir, 'apply-bulk.manifest.json');
  const resources = writeManifest(bulkApp(options.loadBalancers, APPLY_BULK_PORT, options.backendPorts[0]!), bulkFile);
  const bulk = readFileSync(bulkFile, 'utf8');
  const empty = JSON.stringify({ apiVersion: 'albkit/v1', resources: [] });
  const lastAddress = `127.1.${(options.loadBalancers - 1) >> 8}.${(options.loadBalancers - 1) & 255}`;
  const records: ApplyRecord[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    let agent: RunningAgent | undefined;
    try {
      agent = await startAgent(options.dir, probeFile, options.nodeFlags, [APPLY_PROBE_PORT]);
      await waitForPort(agent.daemon, APPLY_PROBE_PORT);
      const token = readFileSync(join(agent.stateDir, 'token'), 'utf8').trim();
      const probe = startProbe({ host: HOST, port: APPLY_PROBE_PORT, intervalMs: PROBE_INTERVAL_MS, timeoutMs: 5000 });
      let samples: ProbeSample[] = [];
      let applied: TimeWindow;
      let removed: TimeWindow;
      let lastListening: boolean;
      const baseline = { fromMicros: monotonicMicros(), toMicros: 0 };
      try {
        await sleep(BASELINE_SECONDS * 1000);
        baseline.toMicros = monotonicMicros();
        applied = await putManifest(agent, token, bulk);
        lastListening = await canConnect(lastAddress, APPLY_BULK_PORT);
        removed = await putManifest(agent, token, empty);
      } finally {
        samples = await probe.stop();
      }
      options.raw.write(`apply-probe-r${round}.json`, `${JSON.stringify({ baseline, applied, removed, samples })}\n`);
      const record: ApplyRecord = {
        round,
        resources,
        applySeconds: seconds(applied),
        removeSeconds: seconds(removed),
        lastListenerAccepted: lastListening,
        baseline: probeFigures(samples, baseline),
        duringApply: probeFigures(samples, applied),
        duringRemove: probeFigures(samples, removed),
      };
      records.push(record);
      const show = (figures: ApplyRecord['baseline']): string =>
        `p50 ${figures.p50Ms.toFixed(1)} p99 ${figures.p99Ms.toFixed(1)} max ${figures.maxMs.toFixed(1)} ms, ${
          figures.failed
        }/${figures.probes} failed`;
      options.log(
        `apply round ${round}: ${resources} resources applied in ${record.applySeconds.toFixed(
          2,
        )} s, removed in ${record.removeSeconds.toFixed(2)} s; probe: baseline ${show(record.baseline)}; apply ${show(
          record.duringApply,
        )}; remove ${show(record.duringRemove)}`,
      );
    } catch (error) {
      failures.push(`apply round ${round}: ${(error as Error).message}`);
      options.log(`apply round ${round}: FAILED ${(error as Error).message}`);
    } finally {
      await agent?.daemon.stop();
    }
  }
  return records;
}
