/**
 * CPU accounting from /proc: per-core busy time from /proc/stat, and a process tree's own CPU time from
 * /proc/<pid>/stat, so that a proxy's cost per request can be reported in microseconds.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks of one core at one moment, from a `cpuN` line of /proc/stat. */
export interface CoreTicks {
  /** Ticks spent doing work (user, nice, system, irq, softirq, steal). */
  busy: number;
  /** Ticks spent idle or waiting for I/O. */
  idle: number;
}

/** Busy share and busy seconds of one core over an interval. */
export interface CoreUsage {
  /** Busy share of the interval, 0–100. */
  busyPercent: number;
  /** Busy time in seconds. */
  busySeconds: number;
}

/** Kernel clock ticks per second (`getconf CLK_TCK`), read once; 100 on every mainstream Linux. */
export const CLOCK_TICKS: number = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** Parses the per-core lines (`cpu0`, `cpu1`, …) of /proc/stat; the aggregate `cpu` line is skipped. */
export function parseProcStat(text: string): CoreTicks[] {
  const cores: CoreTicks[] = [];
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    // user nice system idle iowait irq softirq steal (guest and guest_nice are already in user and nice)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = match[2]!
      .trim()
      .split(/\s+/)
      .map(Number);
    cores[Number(match[1])] = { busy: user + nice + system + irq + softirq + steal, idle: idle + iowait };
  }
  return cores;
}

/** Reads every core's ticks now. */
export function sampleCores(): CoreTicks[] {
  return parseProcStat(readFileSync('/proc/stat', 'utf8'));
}

/** Each core's busy share and busy seconds between two samples. */
export function coreUsage(
  before: readonly CoreTicks[],
  after: readonly CoreTicks[],
  ticksPerSecond = CLOCK_TICKS,
): CoreUsage[] {
  return after.map((end, core) => {
    const start = before[core] ?? { busy: 0, idle: 0 };
    const busy = end.busy - start.busy;
    const total = busy + end.idle - start.idle;
    return { busyPercent: total > 0 ? (100 * busy) / total : 0, busySeconds: busy / ticksPerSecond };
  });
}

/** User plus system ticks of one process from the text of /proc/<pid>/stat (the name may hold spaces). */
export function parseProcessTicks(text: string): number {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // after the name: state(0) ppid … utime is field 14 of the line, index 11 here; stime index 12
  return Number(fields[11]) + Number(fields[12]);
}

/** The parent PID in the text of /proc/<pid>/stat. */
export function parseParentPid(text: string): number {
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
}

/** A process and all its descendants, by PID (nginx's workers are children of its master). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = safeRead(`/proc/${entry}/stat`);
    if (!stat) continue;
    const parent = parseParentPid(stat);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const pids = [pid];
  for (let index = 0; index < pids.length; index += 1) pids.push(...(children.get(pids[index]!) ?? []));
  return pids;
}

/** CPU seconds (user + system) used so far by a process and its live descendants. */
export function treeCpuSeconds(pid: number, ticksPerSecond = CLOCK_TICKS): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    const stat = safeRead(`/proc/${member}/stat`);
    if (stat) ticks += parseProcessTicks(stat);
  }
  return ticks / ticksPerSecond;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
