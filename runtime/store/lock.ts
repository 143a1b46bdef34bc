/** One agent per state directory: `<state-dir>/agent.pid`, taken over when the process that wrote it is gone. */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Another live agent holds the state directory. */
export class StateDirLockedError extends Error {
  readonly code = 'ALBKIT_STATE_DIR_LOCKED';
  constructor(
    readonly stateDir: string,
    readonly pid: number,
  ) {
    super(`state directory ${stateDir} is in use by the agent with pid ${pid}; stop it first or use another --state-dir`);
    this.name = 'StateDirLockedError';
  }
}

/**
 * Takes the state directory for this process; a lock left by a process that no longer runs (after
 * `kill -9`) is taken over. Resolves with the function that releases it.
 */
export async function lockStateDir(stateDir: string): Promise<() => Promise<void>> {
  const file = join(stateDir, 'agent.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) throw new StateDirLockedError(stateDir, pid);
    await rm(file, { force: true });
  }
  throw new Error(`cannot take the lock ${file}: another agent is starting on the same state directory`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
