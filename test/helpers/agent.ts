/**
 * Starts a real `albkit agent` child process for tests: a fresh state directory (unless given), the control
 * API on an ephemeral loopback port, quiet logs. Every agent started here must be stopped (`stop` or `kill9`)
 * in an `after`/`afterEach` hook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The `albkit` CLI as built in dist/. */
export const ALBKIT_BIN = join(__dirname, '..', '..', 'bin', 'albkit.js');

export interface StartAgentOptions {
  /** Reuse a state directory (restart tests). @default a new temporary directory */
  stateDir?: string;
  /** A manifest to boot from: a file path (app `.ts`/`.js` or manifest `.json`) or a manifest object. */
  manifest?: string | object;
  /** More CLI arguments, such as `['--drain-ms', '2000']`. */
  args?: string[];
  /** Environment additions; `ALBKIT_LOG_LEVEL` defaults to `warn` (`ALBKIT_TEST_LOG` overrides). */
  env?: Record<string, string>;
  /** How long to wait for the agent to listen. @default 15000 */
  timeoutMs?: number;
  /** A network namespace to run the agent in (`ip netns exec`, which execs: the pid is the agent's). @default none */
  netns?: string;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestAgent {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  token: string;
  stateDir: string;
  pid: number;
  /** What the agent wrote so far (stdout and stderr), for diagnostics. */
  output(): string;
  /** Sends a request to the control API with the agent's token (or `token`, or none when null); JSON in and out. */
  call<T = unknown>(method: string, path: string, body?: unknown, token?: string | null): Promise<ApiResponse<T>>;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s); resolves with the exit code. Removes a state directory it created. */
  stop(): Promise<number | null>;
  /** SIGKILL, then waits for the exit. Keeps the state directory. */
  kill9(): Promise<void>;
}

/** Starts an agent process and resolves once it prints its listening line. */
export async function startAgent(options: StartAgentOptions = {}): Promise<TestAgent> {
  const created = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'albkit-agent-')));
  const args = [ALBKIT_BIN, 'agent', '--state-dir', stateDir, '--control', '127.0.0.1:0', ...(options.args ?? [])];
  if (options.manifest !== undefined) {
    let file = options.manifest;
    if (typeof file !== 'string') {
      file = join(stateDir, 'boot-manifest.json');
      await writeFile(file, JSON.stringify(options.manifest));
    }
    args.push('--manifest', file);
  }
  const [command, commandArgs] =
    options.netns === undefined
      ? [process.execPath, args]
      : ['ip', ['netns', 'exec', options.netns, process.execPath, ...args]];
  const child = spawn(command, commandArgs, {
    env: { ...process.env, ALBKIT_LOG_LEVEL: process.env.ALBKIT_TEST_LOG ?? 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': an agent that exits at once can do so before its last output was read from the pipe.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  let endpoint: string;
  let token: string;
  try {
    endpoint = await waitForListening(child, () => output, exited, options.timeoutMs ?? 15_000);
    token = (await readFile(argValue(options.args, '--token-file') ?? join(stateDir, 'token'), 'utf8')).trim();
  } catch (error) {
    // Never leave a process behind when the start fails half-way.
    child.kill('SIGKILL');
    await exited;
    throw error;
  }

  return {
    endpoint,
    token,
    stateDir,
    pid: child.pid as number,
    output: () => output,
    call: (method, path, body, given) => call(endpoint, method, path, body, given === undefined ? token : given),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      if (created) await rm(stateDir, { recursive: true, force: true });
      return code;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A JSON request to a control API. */
export async function call<T>(
  endpoint: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${endpoint}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (metrics text): keep the text.
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

function argValue(args: readonly string[] | undefined, name: string): string | undefined {
  const index = args?.indexOf(name) ?? -1;
  return index >= 0 ? args?.[index + 1] : undefined;
}

function waitForListening(
  child: ChildProcess,
  output: () => string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = /albkit agent listening on (http:\/\/\S+)/.exec(output());
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(match[1] as string);
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with code ${code} before listening:\n${output()}`));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed), for listener ports in
 * test manifests, so parallel test runs never fight over fixed numbers.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
