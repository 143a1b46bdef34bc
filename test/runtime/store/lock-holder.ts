/**
 * A process that takes a state directory's lock, for the lock tests: `node lock-holder.js <state-dir>` prints
 * `locked` and holds the lock until its stdin closes, or prints `refused <message>` and exits 3.
 */
import { lockStateDir, StateDirLockedError } from '../../../runtime/store/lock';

async function main(stateDir: string): Promise<void> {
  let release: () => Promise<void>;
  try {
    release = await lockStateDir(stateDir);
  } catch (error) {
    if (!(error instanceof StateDirLockedError)) throw error;
    process.stdout.write(`refused ${error.message}\n`);
    process.exitCode = 3;
    return;
  }
  process.stdout.write('locked\n');
  process.stdin.resume();
  process.stdin.once('end', () => void release());
}

if (require.main === module) {
  main(process.argv[2] as string).catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
}
