/** Secrets kept in the state directory: the control API token and the session cookie key, each mode 0600. */
import { randomBytes } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';

/** The fewest bytes a key file may hold: 16 (32 hex digits). */
export const MIN_KEY_BYTES = 16;

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
    } catch (writeError) {
      // A half-written secret would be read back on the next start: the file goes, so it is made again.
      await rm(path, { force: true });
      throw writeError;
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

/**
 * The key in a hex key file (such as the session cookie secret), created like `readOrCreateSecret`. Throws,
 * naming the file, unless it holds an even number of hex digits, at least `MIN_KEY_BYTES` bytes' worth: a key
 * that does not decode would sign with an empty or truncated HMAC key.
 */
export async function readOrCreateHexKey(path: string): Promise<Buffer> {
  const text = await readOrCreateSecret(path);
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) {
    throw new Error(
      `key file ${path} is not hex: it must hold an even number of hex digits (0-9, a-f) and nothing else; fix it, or remove it to have a new key made`,
    );
  }
  if (text.length < MIN_KEY_BYTES * 2) {
    throw new Error(
      `key file ${path} holds ${text.length / 2} bytes; at least ${MIN_KEY_BYTES} (${
        MIN_KEY_BYTES * 2
      } hex digits) are needed`,
    );
  }
  return Buffer.from(text, 'hex');
}
