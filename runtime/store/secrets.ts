/** Secrets kept in the state directory: the control API token and the session cookie key, each mode 0600. */
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';

/**
 * The secret in `path`, created (mode 0600) with `bytes` random bytes as hex text if the file does not exist yet.
 */
export async function readOrCreateSecret(path: string, bytes = 32): Promise<string> {
  try {
    const file = await open(path, 'wx', 0o600);
    const secret = randomBytes(bytes).toString('hex');
    try {
      await file.writeFile(`${secret}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSecret(path);
}

/** Reads a secret file, surrounding whitespace trimmed; throws when it is empty. */
export async function readSecret(path: string): Promise<string> {
  const secret = (await readFile(path, 'utf8')).trim();
  if (secret === '') throw new Error(`secret file ${path} is empty`);
  return secret;
}
