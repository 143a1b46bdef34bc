/**
 * Child processes of the bench: every one is started pinned to a core, tracked, bounded in time and stopped
 * by its PID (and its descendants' PIDs) — never by name.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTree } from './cpu';

/** A long-running process the bench started (a proxy, a backend, a sink). */
export interface Daemon {
  /** A short name for messages and log files. */
  readonly name: string;
  /** Its PID; with `taskset` this is the pinned program itself, since taskset execs it. */
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once it has exited. */
  readonly exited: Promise<number | string>;
  /** Stops it: SIGTERM, then SIGKILL to it and its descendants after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** How to start a daemon. */
export interface DaemonOptions {
  /** A short name for messages. */
  name: string;
  /** The core it is pinned to with `taskset -c`. */
  core: number;
  /** The program and its arguments. */
  command: string;
  args: readonly string[];
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Extra environment. @default none */
  env?: NodeJS.ProcessEnv;
  /** Ports it will listen on: they must be free, or the bench would measure whatever holds them. @default none */
  ports?: readonly number[];
}

const live = new Set<Daemon>();
let stopping = false;

/** Throws when the bench is stopping: nothing new may start then, or it would outlive the bench. */
function refuseWhenStopping(name: string): void {
  if (stopping) throw new Error(`${name}: not started, the bench is stopping`);
}

/** Throws naming the first of `ports` that something on this machine already listens on. */
export function assertPortsFree(name: string, ports: readonly number[], host = '127.0.0.1'): void {
  const table = readFileSync('/proc/net/tcp', 'utf8');
  const taken = ports.find((port) => isListening(table, host, port));
  if (taken !== undefined)
    throw new Error(`${name}: port ${taken} is already in use by another process; stop it first`);
}

/** Starts a program pinned to a core, its output appended to `logFile`. */
export function startDaemon(options: DaemonOptions): Daemon {
  refuseWhenStopping(options.name);
  assertPortsFree(options.name, options.ports ?? []);
  const log = openSync(options.logFile, 'a');
  const child = spawn('taskset', ['-c', String(options.core), options.command, ...options.args], {
    stdio: ['ignore', log, log],
    env: { ...process.env, ...options.env },
  });
  closeSync(log);
  const daemon = track(options.name, child);
  return daemon;
}

/** Tracks a spawned child as a daemon (stopped by `stopAll` if still running). */
export function track(name: string, child: ChildProcess): Daemon {
  if (child.pid === undefined) throw new Error(`${name}: could not be started`);
  const pid = child.pid;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => resolve(error.message));
  });
  const daemon: Daemon = {
    name,
    pid,
    exited,
    async stop(graceMs = 5000) {
      const tree = processTree(pid);
      signal(pid, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(graceMs, false, { ref: false })]);
      if (!done) signal(pid, 'SIGKILL');
      await exited;
      for (const member of tree.slice(1)) signal(member, 'SIGKILL');
      live.delete(daemon);
    },
  };
  live.add(daemon);
  void exited.then(() => live.delete(daemon));
  return daemon;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Stops every daemon still running (on exit, on Ctrl-C, after a failure); nothing new starts after this. */
export async function stopAll(): Promise<void> {
  stopping = true;
  while (live.size > 0) await Promise.all([...live].map((daemon) => daemon.stop(2000)));
}

/**
 * Waits until something listens on `host:port`, read from /proc/net/tcp so that no probe connection is made
 * (a TCP proxy would pass it on to a sink that accepts exactly one); fails if the daemon exits first.
 */
export async function waitForPort(daemon: Daemon, port: number, host = '127.0.0.1', timeoutMs = 15000): Promise<void> {
  let gone: number | string | undefined;
  void daemon.exited.then((code) => (gone = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`${daemon.name} exited (${gone}) before listening on ${host}:${port}`);
    if (isListening(readFileSync('/proc/net/tcp', 'utf8'), host, port)) return;
    await sleep(50);
  }
  throw new Error(`${daemon.name} did not listen on ${host}:${port} within ${timeoutMs} ms`);
}

/** Whether /proc/net/tcp's text shows a socket listening on `host:port` (or on 0.0.0.0:port). */
export function isListening(procNetTcp: string, host: string, port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const hexHost = host
    .split('.')
    .reverse()
    .map((octet) => Number(octet).toString(16).toUpperCase().padStart(2, '0'))
    .join('');
  return procNetTcp.split('\n').some((line) => {
    const [, local, , state] = line.trim().split(/\s+/);
    return state === '0A' && (local === `${hexHost}:${hexPort}` || local === `00000000:${hexPort}`);
  });
}

/** Whether a TCP connection to `host:port` succeeds now. */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** What a bounded run printed. */
export interface BoundedOutput {
  stdout: string;
  stderr: string;
}

/** Extra controls of a bounded run. */
export interface BoundedOptions extends SpawnOptions {
  /** When this settles, the program gets SIGINT (wrk then stops and prints its figures). */
  interrupt?: Promise<unknown>;
}

/** Runs a program to completion within `timeoutMs` (then SIGKILL by PID); rejects on a non-zero exit. */
export function runBounded(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  { interrupt, ...options }: BoundedOptions = {},
): Promise<BoundedOutput> {
  return new Promise((resolve, reject) => {
    refuseWhenStopping(command);
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const daemon = track(command, child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void daemon.stop(0);
    }, timeoutMs);
    const interruptNow = (): void => signal(daemon.pid, 'SIGINT');
    void interrupt?.then(interruptNow, interruptNow);
    child.once('close', (code, signalName) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ stdout, stderr });
      const how = timedOut
        ? `was stopped after ${timeoutMs} ms`
        : signalName
          ? `was killed (${signalName})`
          : `exited ${code}`;
      reject(new Error(`${command} ${args.join(' ')} ${how}: ${stderr.trim() || stdout.trim()}`));
    });
  });
}
