/** Crash-safe file writes: temp file, fsync, rename over the target, fsync the directory. */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `text` (or its pieces, written one after the other, each converted to UTF-8 alone)
 * so that after a crash at any point the file holds either the old or the new content in full, never a mix.
 */
export async function writeFileAtomic(path: string, text: string | readonly string[], mode = 0o600): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const file = await open(temp, 'w', mode);
  try {
    try {
      for (const piece of typeof text === 'string' ? [text] : text) await file.writeFile(piece, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    // A failed write (ENOSPC…) leaves nothing behind: the target keeps its old content, the temp file goes.
    await rm(temp, { force: true });
    throw error;
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
