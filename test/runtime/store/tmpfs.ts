/** A small tmpfs for tests of a full disk: mounted as root where the system allows it, else the test is skipped. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  /** Where it is mounted. */
  dir: string;
  /** Writes a file in it until the file system is full; resolves with that file's path. */
  fill(): Promise<string>;
  /** Unmounts it and removes its mount point. */
  unmount(): Promise<void>;
}

/**
 * Mounts a tmpfs of `size` (such as `1m`) on a new directory; undefined, with the reason printed as a
 * `SKIPPED:` line, where mounting is not allowed (not root, no CAP_SYS_ADMIN).
 */
export async function mountTmpfs(size: string): Promise<Tmpfs | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'albkit-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    console.log(
      `SKIPPED: cannot mount a tmpfs to fill (${(
        mounted.stderr ||
        mounted.error?.message ||
        ''
      ).trim()}); run as root to test a full disk`,
    );
    return undefined;
  }
  return {
    dir,
    async fill() {
      const path = join(dir, 'filler');
      const file = await open(path, 'a');
      const chunk = Buffer.alloc(4096, 1);
      try {
        for (;;) await file.write(chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        await file.close();
      }
      return path;
    },
    async unmount() {
      const unmounted = spawnSync('umount', [dir], { encoding: 'utf8' });
      if (unmounted.status !== 0) throw new Error(`umount ${dir}: ${unmounted.stderr.trim()}`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
