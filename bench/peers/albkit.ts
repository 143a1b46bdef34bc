/**
 * albkit as a user runs it: `albkit agent --manifest <file>` pinned to the proxy core, and `albkit deploy` /
 * `albkit destroy` against it from the client core.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLIENT_CORE, HOST, PROXY_CORE } from '../ports';
import { runBounded, startDaemon, waitForPort, type Daemon } from '../proc';
import { httpApp, tcpApp, writeManifest } from './albkit-apps';
import type { RunningTarget, Target, TargetContext } from './target';

/** The albkit command, as built by `npm run build`. */
export const ALBKIT_BIN = join(__dirname, '..', '..', 'bin', 'albkit.js');

/** A running agent: its process, state folder and control endpoint. */
export interface RunningAgent {
  daemon: Daemon;
  stateDir: string;
  endpoint: string;
}

/**
 * Starts an agent on the proxy core with a fresh state folder under `dir`, optionally applying a manifest
 * whose listeners use `ports` (checked free first); `nodeFlags` go to Node itself (`--cpu-prof`).
 */
export async function startAgent(
  dir: string,
  manifestFile?: string,
  nodeFlags: readonly string[] = [],
  ports: readonly number[] = [],
): Promise<RunningAgent> {
  const stateDir = mkdtempSync(join(dir, 'albkit-state-'));
  const args = [
    ...nodeFlags,
    ALBKIT_BIN,
    'agent',
    '--state-dir',
    stateDir,
    '--control',
    `${HOST}:0`,
    '--drain-ms',
    '0',
  ];
  if (manifestFile) args.push('--manifest', manifestFile);
  const daemon = startDaemon({
    name: 'albkit agent',
    core: PROXY_CORE,
    command: process.execPath,
    args,
    logFile: join(stateDir, 'agent.log'),
    env: { NODE_ENV: 'production' },
    ports,
  });
  const endpoint = await waitForEndpoint(daemon, stateDir);
  return { daemon, stateDir, endpoint };
}

async function waitForEndpoint(daemon: Daemon, stateDir: string, timeoutMs = 20000): Promise<string> {
  let gone: number | string | undefined;
  void daemon.exited.then((code) => (gone = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== undefined) {
      throw new Error(
        `albkit agent exited (${gone}) before it was ready: ${readFileSync(join(stateDir, 'agent.log'), 'utf8').slice(
          -2000,
        )}`,
      );
    }
    try {
      const endpoint = readFileSync(join(stateDir, 'endpoint'), 'utf8').trim();
      if (endpoint) return endpoint;
    } catch {
      // not written yet
    }
    await sleep(50);
  }
  throw new Error(`albkit agent wrote no ${join(stateDir, 'endpoint')} within ${timeoutMs} ms`);
}

/** One wave of a deploy or destroy: how many steps ran in parallel and what each took. */
export interface WaveTiming {
  wave: number;
  steps: number;
  /** Mean and slowest step (the put or delete and its polling until ACTIVE or gone), in ms. */
  meanMs: number;
  slowestMs: number;
}

/** Per-wave step times from the NDJSON events of `albkit deploy --json`. */
export function waveTimings(events: readonly { type: string; wave?: number; ms?: number }[]): WaveTiming[] {
  const waves = new Map<number, number[]>();
  for (const event of events) {
    if (event.type !== 'done' || event.wave === undefined || event.ms === undefined) continue;
    waves.set(event.wave, [...(waves.get(event.wave) ?? []), event.ms]);
  }
  return [...waves.entries()]
    .sort(([a], [b]) => a - b)
    .map(([wave, times]) => ({
      wave,
      steps: times.length,
      meanMs: times.reduce((sum, ms) => sum + ms, 0) / times.length,
      slowestMs: Math.max(...times),
    }));
}

/** What one `albkit deploy` or `albkit destroy` took. */
export interface CliTiming {
  /** Wall time of the command, from spawn to exit: what a user waits for. */
  wallSeconds: number;
  /** The apply time the command itself reports (its `end` event), without Node's start-up. */
  applySeconds: number;
  /** Step times per wave. */
  waves: WaveTiming[];
  /** The command's NDJSON output. */
  output: string;
}

/** Runs `albkit deploy|destroy <manifest>` against an agent, on the client core, within `timeoutMs`. */
export async function runAlbkit(
  verb: 'deploy' | 'destroy',
  manifestFile: string,
  agent: RunningAgent,
  timeoutMs = 120000,
): Promise<CliTiming> {
  const started = process.hrtime.bigint();
  const { stdout } = await runBounded(
    'taskset',
    [
      '-c',
      String(CLIENT_CORE),
      process.execPath,
      ALBKIT_BIN,
      verb,
      manifestFile,
      '--state-dir',
      agent.stateDir,
      '--json',
    ],
    timeoutMs,
  );
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const events = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { type: string; ok?: boolean; wave?: number; ms?: number; message?: string });
  const end = events.find((event) => event.type === 'end');
  if (!end) throw new Error(`albkit ${verb} printed no end event:\n${stdout}`);
  if (!end.ok) throw new Error(`albkit ${verb} failed: ${end.message ?? stdout}`);
  return { wallSeconds, applySeconds: (end.ms ?? Number.NaN) / 1000, waves: waveTimings(events), output: stdout };
}

function running(agent: RunningAgent, port: number): RunningTarget {
  return { port, pid: agent.daemon.pid, stop: () => agent.daemon.stop() };
}

/**
 * albkit's agent with its data plane; `nodeFlags` go to Node (the profile suite passes `--cpu-prof`).
 */
export function albkitTarget(port: number, nodeFlags: readonly string[] = []): Target {
  return {
    name: 'albkit',
    description: 'albkit agent (this commit), weighted round robin, X-Forwarded-For, health checks (HEAD / every 3 s)',
    async startHttp(context: TargetContext) {
      const file = join(context.dir, 'albkit-http.manifest.json');
      writeManifest(httpApp(port, context.backendPorts), file);
      const agent = await startAgent(context.dir, file, nodeFlags, [port]);
      await waitForPort(agent.daemon, port);
      return running(agent, port);
    },
    async startTcp(context: TargetContext) {
      const file = join(context.dir, 'albkit-tcp.manifest.json');
      writeManifest(tcpApp(port, context.tcpBackendPort), file);
      const agent = await startAgent(context.dir, file, nodeFlags, [port]);
      await waitForPort(agent.daemon, port);
      return running(agent, port);
    },
  };
}
