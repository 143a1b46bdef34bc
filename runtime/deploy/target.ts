/** Which agent the CLI talks to: `--endpoint`/`--token-file`, else `ALBKIT_ENDPOINT`/`ALBKIT_TOKEN`, else the state directory's files. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_STATE_DIR } from '../agent-defaults';

export interface TargetOptions {
  /** The agent's base URL. @default `ALBKIT_ENDPOINT`, else `<state-dir>/endpoint` */
  endpoint?: string;
  /** A file holding the token. @default `ALBKIT_TOKEN`, else `<state-dir>/token` */
  tokenFile?: string;
  /** @default '.albkit' */
  stateDir?: string;
}

/** The agent could not be located: a usage problem (exit code 2). */
export class TargetError extends Error {
  readonly code = 'ALBKIT_TARGET';
}

/** The endpoint and token to use. */
export async function resolveTarget(options: TargetOptions): Promise<{ endpoint: string; token: string }> {
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const endpoint =
    options.endpoint ?? process.env.ALBKIT_ENDPOINT ?? (await readTrimmed(join(stateDir, 'endpoint')));
  if (!endpoint) {
    throw new TargetError(`no agent endpoint: give --endpoint URL, set ALBKIT_ENDPOINT, or run from the directory holding ${join(stateDir, 'endpoint')}`);
  }
  if (!/^https?:\/\/[^/]+\/?$/.test(endpoint)) throw new TargetError(`--endpoint: "${endpoint}" is not a base URL such as http://127.0.0.1:7070`);
  const tokenPath = options.tokenFile ?? join(stateDir, 'token');
  const token = options.tokenFile ? await readTrimmed(tokenPath) : (process.env.ALBKIT_TOKEN ?? (await readTrimmed(tokenPath)));
  if (!token) throw new TargetError(`no token: give --token-file, set ALBKIT_TOKEN, or make ${tokenPath} readable`);
  return { endpoint: endpoint.replace(/\/$/, ''), token };
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
