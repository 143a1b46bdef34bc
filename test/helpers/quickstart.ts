/** `npm start` in the checkout, with the quickstart's state in a directory of the test's own. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait';

const ROOT = join(__dirname, '..', '..', '..');

/** A quickstart brought up by `npm start`. */
export interface RunningQuickstart {
  /** The npm process. */
  npm: ChildProcess;
  /** The agent's pid, from the lock file of its state directory. */
  agentPid: number;
  /** Resolves once npm has exited. */
  exited: Promise<void>;
}

/** Runs `npm start` with `ALBKIT_STATE_DIR=stateDir`; resolves once the quickstart says it is up. */
export async function startQuickstart(stateDir: string): Promise<RunningQuickstart> {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ALBKIT_STATE_DIR: stateDir, ALBKIT_LOG_LEVEL: 'warn' },
  });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  await waitFor(
    () => output.includes('The quickstart is up'),
    240_000,
    `npm start to bring the quickstart up; so far:\n${output}`,
  );
  return { npm, agentPid: Number(readFileSync(join(stateDir, 'agent.pid'), 'utf8')), exited };
}
