/**
 * The profile suite: albkit under the HTTP load (first connection count), the reconfiguration under load and
 * the TCP transfers once more, with `node --cpu-prof`; the profiles are kept in the raw outputs and ranked by self time for the report. Its
 * figures are not part of the comparison (the profiler costs time).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { albkitTarget } from '../peers/albkit';
import type { TargetContext } from '../peers/target';
import { HTTP_PROXY_PORT, TCP_PROXY_PORT } from '../ports';
import { hotFiles, hotFunctions, type CpuProfile, type HotFunction, type TimeWindow } from '../profile';
import { RawOutputs } from '../record';
import { runHttpSuite } from './http';
import { runReconfigSuite } from './reconfig';
import { runTcpSuite, TCP_DIRECTIONS } from './tcp';

/** A ranked profile of one workload. */
export interface ProfileSummary {
  /** The workload: `HTTP, 50 connections`, `TCP download, 2048 MiB`. */
  workload: string;
  /** The profile file, relative to the raw outputs. */
  file: string;
  functions: HotFunction[];
  files: HotFunction[];
}

/** How the profile suite runs. */
export interface ProfileSuiteOptions {
  duration: number;
  warmup: number;
  connections: number;
  tcpBytes: number;
  /** The backends the reconfiguration switches between (three). */
  reconfigBackendPorts: readonly number[];
  context: TargetContext;
  backendAccepts: () => Promise<number>;
  raw: RawOutputs;
  log: (line: string) => void;
}

function readProfile(dir: string, workload: string, raw: RawOutputs, window: TimeWindow | undefined): ProfileSummary {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`${workload}: the agent wrote no .cpuprofile to ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  return {
    workload,
    file: join(dir.slice(raw.dir.length + 1), file),
    functions: hotFunctions(profile, 20, window),
    files: hotFiles(profile, 12, window),
  };
}

/** Runs the suite; a failed workload is reported in `failures`. */
export async function runProfileSuite(options: ProfileSuiteOptions, failures: string[]): Promise<ProfileSummary[]> {
  const summaries: ProfileSummary[] = [];
  const profiled = async (
    workload: string,
    folder: string,
    run: (flags: string[], raw: RawOutputs, failed: string[]) => Promise<{ window: TimeWindow }[]>,
  ): Promise<void> => {
    const raw = new RawOutputs(join(options.raw.dir, folder));
    const failed: string[] = [];
    const records = await run(['--cpu-prof', '--cpu-prof-dir', raw.dir], raw, failed);
    failures.push(...failed.map((failure) => `profile ${failure}`));
    if (failed.length > 0) return;
    try {
      // only the measured run: not the agent's start-up, not the warm-up
      const summary = readProfile(raw.dir, workload, options.raw, records[0]?.window);
      summaries.push(summary);
      options.log(
        `profile ${workload}: ${summary.functions
          .slice(0, 3)
          .map((hot) => `${hot.name} ${hot.selfPercent.toFixed(1)}%`)
          .join(', ')}`,
      );
    } catch (error) {
      failures.push(`profile ${(error as Error).message}`);
    }
  };
  await profiled(`HTTP, ${options.connections} connections`, 'profile-http', (flags, raw, failed) =>
    runHttpSuite(
      [albkitTarget(HTTP_PROXY_PORT, flags)],
      { ...options, rounds: 1, connections: [options.connections], raw },
      failed,
    ),
  );
  await profiled(
    `reconfiguration under load, ${options.connections} connections`,
    'profile-reconfig',
    (flags, raw, failed) =>
      runReconfigSuite(
        {
          ...options,
          rounds: 1,
          backendPorts: options.reconfigBackendPorts,
          dir: options.context.dir,
          raw,
          nodeFlags: flags,
        },
        failed,
      ),
  );
  for (const direction of TCP_DIRECTIONS) {
    await profiled(
      `TCP ${direction}, ${options.tcpBytes / 2 ** 20} MiB`,
      `profile-tcp-${direction}`,
      (flags, raw, failed) =>
        runTcpSuite(
          [albkitTarget(TCP_PROXY_PORT, flags)],
          { ...options, rounds: 1, bytes: options.tcpBytes, directions: [direction], raw },
          failed,
        ),
    );
  }
  return summaries;
}
