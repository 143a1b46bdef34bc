/**
 * The control-plane suite: a fresh agent, then `albkit deploy` of an app with one load balancer and N
 * listeners, backend services and server groups (seconds to all ACTIVE), then `albkit destroy` (seconds to
 * all gone); the listener ports are probed after each to confirm the data plane followed.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { controlApp, writeManifest } from '../peers/albkit-apps';
import { runAlbkit, startAgent, type RunningAgent } from '../peers/albkit';
import { CONTROL_FIRST_PORT, HOST } from '../ports';
import { canConnect } from '../proc';
import type { ControlRecord, RawOutputs } from '../record';

/** How the control-plane suite runs. */
export interface ControlSuiteOptions {
  rounds: number;
  listeners: number;
  backendPorts: readonly number[];
  dir: string;
  raw: RawOutputs;
  log: (line: string) => void;
}

async function listening(count: number): Promise<number> {
  const ports = Array.from({ length: count }, (_, index) => CONTROL_FIRST_PORT + index);
  const open = await Promise.all(ports.map((port) => canConnect(HOST, port)));
  return open.filter(Boolean).length;
}

/** Milliseconds until no listener port accepts any more (probed every 50 ms), NaN if some still do after 5 s. */
async function closedWithin(count: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 5000) {
    if ((await listening(count)) === 0) return Date.now() - started;
    await sleep(50);
  }
  return Number.NaN;
}

/** Runs the suite; a failed round is reported in `failures`. */
export async function runControlSuite(options: ControlSuiteOptions, failures: string[]): Promise<ControlRecord[]> {
  const file = join(options.dir, 'control.manifest.json');
  const resources = writeManifest(controlApp(options.listeners, CONTROL_FIRST_PORT, options.backendPorts), file);
  const records: ControlRecord[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    let agent: RunningAgent | undefined;
    try {
      agent = await startAgent(
        options.dir,
        undefined,
        [],
        Array.from({ length: options.listeners }, (_, index) => CONTROL_FIRST_PORT + index),
      );
      const deploy = await runAlbkit('deploy', file, agent);
      const listeningAfterDeploy = await listening(options.listeners);
      const destroy = await runAlbkit('destroy', file, agent);
      const listeningAfterDestroy = await listening(options.listeners);
      const portsClosedMs = listeningAfterDestroy === 0 ? 0 : await closedWithin(options.listeners);
      options.raw.write(`control-deploy-r${round}.ndjson`, deploy.output);
      options.raw.write(`control-destroy-r${round}.ndjson`, destroy.output);
      const record: ControlRecord = {
        round,
        resources,
        deployWallSeconds: deploy.wallSeconds,
        deployApplySeconds: deploy.applySeconds,
        destroyWallSeconds: destroy.wallSeconds,
        destroyApplySeconds: destroy.applySeconds,
        listeningAfterDeploy,
        listeningAfterDestroy,
        portsClosedMs,
        deployWaves: deploy.waves,
        destroyWaves: destroy.waves,
      };
      records.push(record);
      options.log(
        `control round ${round}: ${resources} resources, deploy ${deploy.wallSeconds.toFixed(
          2,
        )} s (apply ${deploy.applySeconds.toFixed(2)} s), destroy ${destroy.wallSeconds.toFixed(
          2,
        )} s (apply ${destroy.applySeconds.toFixed(
          2,
        )} s), listening ${listeningAfterDeploy} → ${listeningAfterDestroy}${
          portsClosedMs > 0 ? ` (all closed ${portsClosedMs} ms later)` : ''
        }`,
      );
    } catch (error) {
      failures.push(`control round ${round}: ${(error as Error).message}`);
      options.log(`control round ${round}: FAILED ${(error as Error).message}`);
    } finally {
      await agent?.daemon.stop();
    }
  }
  return records;
}
