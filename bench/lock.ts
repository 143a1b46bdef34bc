/**
 * One bench run at a time on a machine: the bench's ports are fixed and its figures assume the cores are its
 * own. A lock file holds the PID of the run; a second run waits for it (bounded), a stale lock is taken over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether a process with this PID is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock at `file` for this process, waiting up to `waitMs` for another live run to finish; returns
 * the function that releases it.
 */
export async function acquireLock(
  file: string,
  log: (line: string) => void,
  waitMs = 30 * 60_000,
): Promise<() => void> {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      const release = (): void => {
        process.removeListener('exit', release);
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once('exit', release); // also on process.exit() after a signal
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
      unlinkSync(file); // stale: its run is gone
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`another bench run (PID ${holder}) still holds ${file} after ${waitMs / 60_000} minutes`);
    if (!told) log(`another bench run (PID ${holder}) is running; waiting for it to finish`);
    told = true;
    await sleep(Math.min(2000, Math.max(0, deadline - Date.now()) + 10));
  }
}
