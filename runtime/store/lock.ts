/**
 * One agent per state directory: an exclusive `flock` on `<state-dir>/agent.pid`, held by the kernel.
 *
 * Why this design: a pid file that is checked, removed and recreated cannot be taken over atomically (two
 * agents that both saw a dead pid both win), and a pid can be reused by an unrelated process. A kernel lock
 * has neither problem: the kernel grants it to exactly one open file description and drops it when the last
 * descriptor of that description is closed, which happens when the holder exits, however it exits (`kill -9`
 * included; a zombie has already closed its files). Node has no `flock` call, so the agent opens the file
 * itself and hands the descriptor to `flock(1)` from util-linux, which locks that same open file description
 * and exits at once. The lock belongs to the description, not to the `flock` process, so it stays held by the
 * agent's descriptor alone: exactly as long as the agent runs. Node opens files close-on-exec, so no other
 * child the agent starts inherits the descriptor and keeps the lock alive after the agent is gone.
 *
 * The file is never removed (removing it would let a second agent lock a new file while the first still
 * holds the old one); its content, the holder's pid, is only for the error message.
 */
import { spawn } from 'node:child_process';
import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AlbkitError } from '../../lib';

/** The exit code `flock -n` is told to use when another process holds the lock. */
const LOCKED_EXIT = 75;
/** What `flockExclusive` rejects with when another process holds the lock. */
const LOCKED = Symbol('locked');

/** Another live agent holds the state directory. */
export class StateDirLockedError extends AlbkitError {
  readonly code = 'ALBKIT_STATE_DIR_LOCKED';
  constructor(
    readonly stateDir: string,
    /** The holder's pid as it wrote it, when it already did. */
    readonly pid: number | undefined,
  ) {
    const holder = pid === undefined ? 'another agent' : `the agent with pid ${pid}`;
    super(`state directory ${stateDir} is in use by ${holder}; stop it first or use another --state-dir`);
    this.name = 'StateDirLockedError';
  }
}

/**
 * Takes the state directory for this process, or throws `StateDirLockedError` while another process holds
 * it. Never waits. Resolves with the function that releases it.
 */
export async function lockStateDir(stateDir: string): Promise<() => Promise<void>> {
  const file = join(stateDir, 'agent.pid');
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    await flockExclusive(fd, file);
  } catch (error) {
    closeSync(fd);
    if (error === LOCKED) throw new StateDirLockedError(stateDir, holderPid(file));
    throw error;
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`, 0);
  let released = false;
  // eslint-disable-next-line @typescript-eslint/require-await -- callers await the release; a failed truncate or close rejects
  return async () => {
    if (released) return;
    released = true;
    ftruncateSync(fd, 0);
    closeSync(fd);
  };
}

/** Locks the open file description behind `fd` with `flock -x -n`; rejects with `LOCKED` when it is held. */
function flockExclusive(fd: number, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ['--exclusive', '--nonblock', '--conflict-exit-code', String(LOCKED_EXIT), '3'];
    const child = spawn('flock', args, { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `cannot lock ${file}: ${
            error.code === 'ENOENT' ? 'flock(1) from util-linux is not installed' : error.message
          }`,
        ),
      );
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a sentinel the caller compares by identity
      else if (code === LOCKED_EXIT) reject(LOCKED);
      else
        reject(
          new Error(
            `cannot lock ${file}: flock exited with ${code ?? signal}${stderr.trim() ? `: ${stderr.trim()}` : ''}`,
          ),
        );
    });
  });
}

function holderPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
